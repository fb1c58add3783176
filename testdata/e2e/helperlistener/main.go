// Command helperlistener serves a listener that a helper in another file
// opens.
package main

import (
	"log"
	"net/http"
	"os"
	"time"

	"example.com/e2e/internal/work"
)

func main() {
	l, err := listen(os.Getenv("E2E_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: work.Handler(), ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.Serve(l))
}
