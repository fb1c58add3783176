// Command delayedstop keeps serving for E2E_STOP_DELAY (2s by default)
// after SIGTERM, so that a load balancer stops sending first, then shuts
// its server down and exits 0.
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"example.com/e2e/internal/work"
)

func main() {
	delay := 2 * time.Second
	if d, err := time.ParseDuration(os.Getenv("E2E_STOP_DELAY")); err == nil {
		delay = d
	}
	srv := &http.Server{Addr: os.Getenv("E2E_ADDR"), Handler: work.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatalf("serve: %v", err)
		}
	}()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	log.Printf("stopping in %v", delay)
	time.Sleep(delay)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Printf("shutdown: %v", err)
	}
	log.Print("stopped")
}
