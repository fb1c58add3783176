package main

import (
	"context"
	"log"
	"net"
	"net/http"
	"time"
)

func main() {
	lc := net.ListenConfig{KeepAlive: time.Minute}
	ln, err := gracefulListenConfigListen(&lc, context.Background(), "tcp", ":8080")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{ReadHeaderTimeout: time.Second}
	log.Fatal(gracefulServerServe(srv, ln))
}
