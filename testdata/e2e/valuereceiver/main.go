// Command valuereceiver declares its server as a value, not a pointer.
package main

import (
	"log"
	"net/http"
	"os"
	"time"

	"example.com/e2e/internal/work"
)

func main() {
	var srv http.Server
	srv.Addr = os.Getenv("E2E_ADDR")
	srv.Handler = work.Handler()
	srv.ReadHeaderTimeout = 5 * time.Second
	log.Fatal(srv.ListenAndServe())
}
