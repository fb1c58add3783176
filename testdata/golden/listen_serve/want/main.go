package main

import (
	"log"
	"net/http"
	"time"
)

func main() {
	ln, err := gracefulListen("tcp", "127.0.0.1:8080")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: http.NotFoundHandler(), ReadHeaderTimeout: time.Second}
	log.Fatal(gracefulServerServe(srv, ln))
}
