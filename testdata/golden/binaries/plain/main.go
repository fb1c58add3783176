// Command plain serves with the http.ListenAndServe family and no stop code
// of its own: the runtime drains and exits 0 on SIGTERM.
package main

import (
	"log"
	"net/http"
)

func main() {
	log.Fatal(http.ListenAndServe(":8080", nil))
}
