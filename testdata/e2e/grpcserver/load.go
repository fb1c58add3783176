package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
)

// load sends health checks to addr until standard input closes, then
// prints "calls N failed M pids P,Q,... first-error E".
func load(addr string) {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	client := healthpb.NewHealthClient(conn)
	ctx, stop := context.WithCancel(context.Background())
	go func() {
		io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	var (
		mu            sync.Mutex
		calls, failed int
		firstErr      string
		pids          = map[string]int{}
		wg            sync.WaitGroup
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				var md metadata.MD
				cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				_, err := client.Check(cctx, &healthpb.HealthCheckRequest{}, grpc.Header(&md))
				cancel()
				if ctx.Err() != nil {
					return
				}
				mu.Lock()
				calls++
				if err != nil {
					failed++
					if firstErr == "" {
						firstErr = time.Now().Format("15:04:05.000") + " " + err.Error()
					}
				} else if p := md.Get("x-pid"); len(p) == 1 {
					pids[p[0]]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	var list []string
	for p := range pids {
		list = append(list, p)
	}
	sort.Strings(list)
	fmt.Printf("calls %d failed %d pids %s first-error %s\n", calls, failed, strings.Join(list, ","), firstErr)
}
