// Command ownstop handles SIGTERM itself, shuts its server down and removes
// its lock file: converted beside plain in one run, it alone gets
// AppHandlesStop.
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
)

const lockFile = "/tmp/ownstop.lock"

func main() {
	if err := os.WriteFile(lockFile, nil, 0o644); err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Addr: ":8081", ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := gracefulServerListenAndServe(srv); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM)
	<-stop
	if err := srv.Shutdown(context.Background()); err != nil {
		log.Print(err)
	}
	os.Remove(lockFile)
}
