//go:build graceful

package main

import (
	"net/http"

	graceful "github.com/gracefulgen/gracefulgen/runtime"
)

func init() { graceful.Configure(graceful.Config{}) }

// serve is the program as gracefulgen converts it.
func serve(srv *http.Server, addr string) error {
	l, err := graceful.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return graceful.ServerServe(srv, l)
}
