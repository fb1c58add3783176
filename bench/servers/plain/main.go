// Command plain is the benchmark's app written the way most services are:
// plain net/http, no restart library. It is the throughput reference, the
// stop-and-start baseline, and the input the gracefulgen row converts.
package main

import (
	"log"
	"net/http"

	"github.com/gracefulgen/gracefulgen/bench/handler"
)

func main() {
	addr, h := handler.Setup()
	srv := &http.Server{Addr: addr, Handler: h, Protocols: handler.Protocols()}
	log.Fatal(srv.ListenAndServe())
}
