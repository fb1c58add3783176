// Command grace serves the benchmark handler with
// github.com/facebookgo/grace/gracehttp, as its README and demo show:
// gracehttp.Serve with an *http.Server; SIGUSR2 restarts, SIGTERM stops.
package main

import (
	"log"
	"net/http"

	"github.com/facebookgo/grace/gracehttp"
	"github.com/gracefulgen/gracefulgen/bench/handler"
)

func main() {
	addr, h := handler.Setup()
	if err := gracehttp.Serve(&http.Server{Addr: addr, Handler: h, Protocols: handler.Protocols()}); err != nil {
		log.Println(err)
	}
}
