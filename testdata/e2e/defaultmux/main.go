// Command defaultmux serves the DefaultServeMux the way most examples do.
package main

import (
	"log"
	"net/http"
	"os"

	"example.com/e2e/internal/work"
)

func main() {
	http.Handle("/", work.Handler())
	log.Fatal(http.ListenAndServe(os.Getenv("E2E_ADDR"), nil))
}
