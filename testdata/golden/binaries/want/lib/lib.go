// Package lib serves an admin page for the binaries that call Serve, and has
// helpers for those that do not.
package lib

import (
	"net/http"
	"time"
)

// Serve serves the admin page on addr.
func Serve(addr string) error {
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: 5 * time.Second}
	return gracefulServerListenAndServe(srv)
}

// Version is a helper that has nothing to do with serving.
func Version() string { return "v1" }
