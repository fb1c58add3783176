// Command endless serves the benchmark handler with github.com/fvbock/endless,
// as its README shows: endless.ListenAndServe in place of
// http.ListenAndServe; SIGHUP forks the new process.
package main

import (
	"log"

	"github.com/fvbock/endless"
	"github.com/gracefulgen/gracefulgen/bench/handler"
)

func main() {
	addr, h := handler.Setup()
	if err := endless.ListenAndServe(addr, h); err != nil {
		log.Println(err)
	}
}
