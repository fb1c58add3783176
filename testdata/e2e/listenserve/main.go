// Command listenserve listens with net.Listen, then serves the listener.
package main

import (
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"example.com/e2e/internal/work"
)

func main() {
	l, err := net.Listen("tcp", os.Getenv("E2E_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on %s", l.Addr())
	srv := &http.Server{Handler: work.Handler(), ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.Serve(l))
}
