// Command servetls listens with net.Listen and serves HTTPS on the listener
// with http.ServeTLS.
package main

import (
	"log"
	"net"
	"net/http"
	"os"

	"example.com/e2e/internal/work"
)

func main() {
	l, err := net.Listen("tcp", os.Getenv("E2E_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ServeTLS(l, work.Handler(), os.Getenv("E2E_CERT"), os.Getenv("E2E_KEY")))
}
