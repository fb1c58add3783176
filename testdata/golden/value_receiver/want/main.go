package main

import (
	"log"
	"net/http"
	"time"
)

func main() {
	var srv http.Server
	srv.Addr = ":8080"
	srv.ReadHeaderTimeout = time.Second
	log.Fatal(gracefulServerListenAndServe(&srv))
}
