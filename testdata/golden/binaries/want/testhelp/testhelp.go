// Package testhelp starts a server in a method of a type that also has a
// Close method. No binary of the module links it: the cli's call of an
// interface's Close does not make the cli a server.
package testhelp

import (
	"net/http"
	"time"
)

// Server is a test server.
type Server struct{ srv *http.Server }

// Run serves until Close.
func (s *Server) Run(addr string) error {
	s.srv = &http.Server{Addr: addr, ReadHeaderTimeout: time.Second}
	return gracefulServerListenAndServe(s.srv)
}

// Close stops it.
func (s *Server) Close() error { return s.srv.Close() }
