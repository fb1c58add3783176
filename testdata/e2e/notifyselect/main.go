// Command notifyselect stops on a context from signal.NotifyContext and
// treats any return of Serve before that as fatal (with net/http, Serve
// returns only on an error or after Shutdown), selecting on both; it cleans
// up after Shutdown: it appends "cleanup PID" to the file named by
// E2E_MARKER.
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
	go func() { served <- srv.Serve(l) }()

	select {
	case err := <-served:
		log.Fatalf("serve: %v", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Printf("shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		log.Printf("serve: %v", err)
	}
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
