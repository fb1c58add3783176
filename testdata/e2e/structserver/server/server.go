// Package server keeps the application's HTTP server in a struct and starts
// it from a method.
package server

import (
	"fmt"
	"net/http"
	"time"

	"example.com/e2e/internal/work"
)

// Server is the application server.
type Server struct {
	http *http.Server
	name string
}

// New returns a server for addr.
func New(name, addr string) *Server {
	mux := http.NewServeMux()
	mux.Handle("/", work.Handler())
	return &Server{name: name, http: &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}}
}

// Start serves until the server stops.
func (s *Server) Start() error {
	if err := s.http.ListenAndServe(); err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	return nil
}
