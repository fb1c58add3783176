// Command nested starts a server on a listener made in its argument list.
package main

import (
	"log"
	"net"
	"net/http"
	"time"
)

func must(l net.Listener, err error) net.Listener {
	if err != nil {
		log.Fatal(err)
	}
	return l
}

func main() {
	srv := &http.Server{ReadHeaderTimeout: time.Second}
	log.Fatal(gracefulServerServe(srv, must(gracefulListen("tcp", ":8080"))))
}
