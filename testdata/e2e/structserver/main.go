// Command structserver starts its application server, kept in a struct of
// another package, from a method, and its own metrics server beside it.
package main

import (
	"log"
	"net/http"
	"os"

	"example.com/e2e/internal/work"
	"example.com/e2e/structserver/server"
)

func main() {
	go func() {
		log.Fatal(http.ListenAndServe(os.Getenv("E2E_ADMIN_ADDR"), work.Handler()))
	}()
	s := server.New("api", os.Getenv("E2E_ADDR"))
	log.Fatal(s.Start())
}
