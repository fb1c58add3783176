//go:build !go1.24

package main

import (
	"log"
	"net/http"
	"os"
)

// configureH2C: unencrypted HTTP/2 needs Go 1.24 (Server.Protocols).
func configureH2C(*http.Server) {
	if os.Getenv("TS_H2C") == "1" {
		log.Fatal("testserver: TS_H2C needs Go 1.24 or later")
	}
}
