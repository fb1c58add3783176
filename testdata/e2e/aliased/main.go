// Command aliased imports net/http under another name.
package main

import (
	"log"
	web "net/http"
	"os"

	"example.com/e2e/internal/work"
)

func main() {
	mux := web.NewServeMux()
	mux.Handle("/", work.Handler())
	log.Fatal(web.ListenAndServe(os.Getenv("E2E_ADDR"), mux))
}
