// Command plain is the plainest server: log.Fatal(http.ListenAndServe(...)).
// Converted in one run with ownstop, which handles its own stop, it must
// still drain and exit 0 on SIGTERM.
package main

import (
	"log"
	"net/http"
	"os"

	"example.com/e2e/internal/work"
)

func main() {
	log.Fatal(http.ListenAndServe(os.Getenv("E2E_ADDR"), work.Handler()))
}
