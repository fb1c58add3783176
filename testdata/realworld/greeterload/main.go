// Command greeterload is the real-world suite's client of grpc-go's
// helloworld greeter_server: it sends unary SayHello calls to the address
// in its argument from 4 goroutines until its standard input closes, then
// prints "calls N failed M pids - first-error E" (the format of the e2e
// grpcserver's -load client; the greeter names no pid). The suite builds it
// in the greeter's module, beside the converted server.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	pb "google.golang.org/grpc/examples/helloworld/helloworld"
)

func main() {
	if len(os.Args) != 3 || os.Args[1] != "-load" {
		log.Fatal("usage: greeterload -load ADDR")
	}
	conn, err := grpc.NewClient(os.Args[2], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	client := pb.NewGreeterClient(conn)
	ctx, stop := context.WithCancel(context.Background())
	go func() {
		io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	var (
		mu            sync.Mutex
		calls, failed int
		firstErr      string
		wg            sync.WaitGroup
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				_, err := client.SayHello(cctx, &pb.HelloRequest{Name: "load"})
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
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Printf("calls %d failed %d pids - first-error %s\n", calls, failed, firstErr)
}
