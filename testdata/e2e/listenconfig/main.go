// Command listenconfig listens through a net.ListenConfig with options.
package main

import (
	"context"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"example.com/e2e/internal/work"
)

func main() {
	lc := net.ListenConfig{KeepAlive: 15 * time.Second}
	l, err := lc.Listen(context.Background(), "tcp", os.Getenv("E2E_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: work.Handler(), ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.Serve(l))
}
