// Command endless serves the benchmark handler with github.com/fvbock/endless,
// as its README shows: endless.ListenAndServe in place of
// http.ListenAndServe (written out as what it does, NewServer then
// ListenAndServe, so that -h2c can set the server's Protocols); SIGHUP forks
// the new process.
package main

import (
	"log"

	"github.com/fvbock/endless"
	"github.com/gracefulgen/gracefulgen/bench/handler"
)

func main() {
	addr, h := handler.Setup()
	srv := endless.NewServer(addr, h)
	srv.Protocols = handler.Protocols()
	if err := srv.ListenAndServe(); err != nil {
		log.Println(err)
	}
}
