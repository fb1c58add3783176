package main

import (
	"log"
	"net"
	"net/http"
	"os"
)

func main() {
	path := "/tmp/app.sock"
	os.Remove(path)
	l, err := net.Listen("unix", path)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.Serve(l, http.NotFoundHandler()))
}
