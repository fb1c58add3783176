// Command deploy is a plain service that gets upgraded in place: the test
// renames a new build over its binary while it runs, then restarts it, and
// expects the new version to answer.
package main

import (
	"log"
	"net/http"
	"os"
	"time"

	"example.com/e2e/internal/work"
)

func main() {
	srv := &http.Server{Addr: os.Getenv("E2E_ADDR"), Handler: work.Handler(), ReadHeaderTimeout: 5 * time.Second}
	log.Printf("version %s starting", work.Version)
	log.Fatal(srv.ListenAndServe())
}
