// Command flagaddr takes its address from a flag.
package main

import (
	"flag"
	"log"
	"net/http"
	"time"

	"example.com/e2e/internal/work"
)

var addr = flag.String("addr", ":8080", "address to serve on")

func main() {
	flag.Parse()
	srv := &http.Server{Addr: *addr, Handler: work.Handler(), ReadTimeout: 10 * time.Second}
	log.Printf("serving on %s", *addr)
	log.Fatal(srv.ListenAndServe())
}
