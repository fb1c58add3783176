// Command not_rewritable stores a method value for later: that start cannot
// be converted safely and is listed, while the other one is converted.
package main

import (
	"log"
	"net/http"
	"time"
)

func main() {
	admin := &http.Server{Addr: ":9090", ReadHeaderTimeout: time.Second}
	start := admin.ListenAndServe
	go func() { log.Println(start()) }()

	app := &http.Server{Addr: ":8080", ReadHeaderTimeout: time.Second}
	log.Fatal(gracefulServerListenAndServe(app))
}
