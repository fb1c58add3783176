// Command lockfile is shaped like a FaaS watchdog: at start it writes its
// pid to the lock file named by E2E_LOCK, /health answers 503 while that
// file is missing, and its stop code on SIGTERM removes the file.
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"example.com/e2e/internal/work"
)

func main() {
	lock := os.Getenv("E2E_LOCK")
	if err := os.WriteFile(lock, []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		log.Fatalf("lock file: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", work.Handler())
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Pid", work.PID())
		if _, err := os.Stat(lock); err != nil {
			http.Error(w, "lock file missing", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	})
	srv := &http.Server{Addr: os.Getenv("E2E_ADDR"), Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatalf("serve: %v", err)
		}
	}()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Printf("shutdown: %v", err)
	}
	if err := os.Remove(lock); err != nil {
		log.Printf("remove lock file: %v", err)
	}
}
