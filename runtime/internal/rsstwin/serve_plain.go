//go:build !graceful

package main

import (
	"net"
	"net/http"
)

// serve is the program as written.
func serve(srv *http.Server, addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return srv.Serve(l)
}
