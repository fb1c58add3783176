package main

import (
	"net"
	"net/http"
)

func serveOn(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return http.Serve(l, nil)
}
