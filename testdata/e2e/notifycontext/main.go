// Command notifycontext stops on a context from signal.NotifyContext,
// serving a listener of its own, and cleans up after Shutdown: it appends
// "cleanup PID" to the file named by E2E_MARKER.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"example.com/e2e/internal/work"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	l, err := net.Listen("tcp", os.Getenv("E2E_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: work.Handler(), ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() {
		err := srv.Serve(l)
		if !errors.Is(err, http.ErrServerClosed) {
			log.Fatalf("serve: %v", err)
		}
		served <- err
	}()

	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Printf("shutdown: %v", err)
	}
	<-served
	if err := writeMarker(); err != nil {
		log.Fatal(err)
	}
}

func writeMarker() error {
	f, err := os.OpenFile(os.Getenv("E2E_MARKER"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("cleanup: %w", err)
	}
	if _, err := fmt.Fprintf(f, "cleanup %d\n", os.Getpid()); err != nil {
		f.Close()
		return fmt.Errorf("cleanup: %w", err)
	}
	return f.Close()
}
