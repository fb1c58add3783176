package main

import (
	"log"
	nethttp "net/http"
)

func main() {
	mux := nethttp.NewServeMux()
	log.Fatal(nethttp.ListenAndServe("127.0.0.1:8080", mux))
}
