package main

import (
	"log"
	"net/http"
	"time"
)

func main() {
	go func() {
		log.Println(gracefulListenAndServeTLS(":8443", "cert.pem", "key.pem", nil))
	}()
	srv := &http.Server{Addr: ":9443", ReadHeaderTimeout: time.Second}
	log.Fatal(gracefulServerListenAndServeTLS(srv, "cert.pem", "key.pem"))
}
