// Command h2cserver serves unencrypted HTTP/2 with x/net's h2c handler (the
// Connect and gRPC-Web shape), and HTTP/1 on the same port.
package main

import (
	"log"
	"net/http"
	"os"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"

	"example.com/e2e/internal/work"
)

func main() {
	srv := &http.Server{
		Addr:              os.Getenv("E2E_ADDR"),
		Handler:           h2c.NewHandler(work.Handler(), &http2.Server{}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	log.Fatal(srv.ListenAndServe())
}
