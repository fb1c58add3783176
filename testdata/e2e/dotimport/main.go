// Command dotimport dot-imports net/http.
package main

import (
	"log"
	. "net/http"
	"os"

	"example.com/e2e/internal/work"
)

func main() {
	mux := NewServeMux()
	mux.Handle("/", work.Handler())
	log.Fatal(ListenAndServe(os.Getenv("E2E_ADDR"), mux))
}
