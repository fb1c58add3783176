package main

import (
	"log"
	"net"
	"net/http"
)

func must(l net.Listener, err error) net.Listener {
	if err != nil {
		log.Fatal(err)
	}
	return l
}

func main() {
	log.Fatal(http.Serve(must(net.Listen("tcp", ":8080")), nil))
}
