//go:build go1.24

package main

import (
	"net/http"
	"os"
)

// configureH2C serves unencrypted HTTP/2 (prior knowledge) beside HTTP/1
// when TS_H2C=1: Go's native h2c.
func configureH2C(srv *http.Server) {
	if os.Getenv("TS_H2C") != "1" {
		return
	}
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetHTTP2(true)
	srv.Protocols.SetUnencryptedHTTP2(true)
}
