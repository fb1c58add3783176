// Command grpcserver serves HTTP and, beside it, gRPC (the standard health
// service) on a second port; every answer carries the pid that gave it, in
// the x-pid header. Run as "grpcserver -load ADDR", it is instead a client
// that sends unary health checks to ADDR from 4 goroutines until its
// standard input closes, then prints what it counted.
package main

import (
	"context"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	"example.com/e2e/internal/work"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-load" {
		load(os.Args[2])
		return
	}
	l, err := net.Listen("tcp", os.Getenv("E2E_ADMIN_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	s := grpc.NewServer(grpc.UnaryInterceptor(pidHeader))
	healthpb.RegisterHealthServer(s, health.NewServer())
	go func() {
		if err := s.Serve(l); err != nil {
			log.Printf("grpc: %v", err)
		}
	}()
	srv := &http.Server{Addr: os.Getenv("E2E_ADDR"), Handler: work.Handler(), ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

// pidHeader sends the serving pid with every answer, and makes each call
// take a few milliseconds, so that calls are in flight at a restart.
func pidHeader(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	if err := grpc.SetHeader(ctx, metadata.Pairs("x-pid", work.PID())); err != nil {
		return nil, err
	}
	time.Sleep(5 * time.Millisecond)
	return h(ctx, req)
}
