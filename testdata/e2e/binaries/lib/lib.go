// Package lib is a library with a server start (Serve), which gracefulgen
// converts, and helpers that have nothing to do with serving, which a CLI
// uses.
package lib

import (
	"net/http"
	"time"

	"example.com/e2e/internal/work"
)

// Serve serves the work handler on addr.
func Serve(addr string) error {
	srv := &http.Server{Addr: addr, Handler: work.Handler(), ReadHeaderTimeout: 5 * time.Second}
	return srv.ListenAndServe()
}

// Greeting is a helper.
func Greeting() string { return "hello from lib" }
