// Command unixsocket serves on a unix socket whose path is given by a flag.
package main

import (
	"flag"
	"log"
	"net"
	"net/http"

	"example.com/e2e/internal/work"
)

func main() {
	path := flag.String("socket", "/run/app.sock", "unix socket to serve on")
	flag.Parse()
	l, err := net.Listen("unix", *path)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.Serve(l, work.Handler()))
}
