// Command two_servers serves the application and its metrics on two ports.
package main

import (
	"log"
	"net/http"
	"time"
)

func main() {
	admin := &http.Server{Addr: ":9090", Handler: http.NotFoundHandler(), ReadHeaderTimeout: time.Second}
	go func() {
		log.Println(gracefulServerListenAndServe(admin))
	}()

	app := &http.Server{Addr: ":8080", Handler: http.NotFoundHandler(), ReadHeaderTimeout: time.Second}
	log.Fatal(gracefulServerListenAndServe(app))
}
