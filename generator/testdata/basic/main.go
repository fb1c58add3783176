package main

import (
	"log"
	"net/http"
)

func main() {
	mux := http.NewServeMux()
	srv := &http.Server{Addr: ":8081", Handler: mux}
	go func() { log.Println(srv.ListenAndServe()) }()
	log.Fatal(http.ListenAndServe(":8080", mux))
}
