// Package kit is a stand-in for a framework outside the module (kratos,
// go-zero, docker's plugin helpers) that serves what it is given.
package kit

import (
	"context"
	"net/http"
	"time"
)

// Server serves its embedded server itself, as kratos' does.
type Server struct{ *http.Server }

func NewServer(addr string, h http.Handler) *Server {
	return &Server{&http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: time.Second}}
}

// Start serves the receiver.
func (s *Server) Start(ctx context.Context) error { return s.ListenAndServe() }

// Serve serves its handler parameter, set on a server after construction.
func Serve(h http.Handler, addr string) error {
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: time.Second}
	srv.Handler = h
	return srv.ListenAndServe()
}

// Run serves its server through a helper of the package.
func Run(srv *http.Server) error { return serveIt(srv) }

func serveIt(s *http.Server) error { return s.ListenAndServe() }

// Plain serves its handler with net/http's package function.
func Plain(addr string, h http.Handler) error { return http.ListenAndServe(addr, h) }

// Describe and Mount take servers and handlers but serve nothing.
func Describe(srv *http.Server) string { return srv.Addr }

func Mount(mux *http.ServeMux, h http.Handler) { mux.Handle("/", h) }

// Metrics starts a server of its own in the background, as watermill's
// metrics.CreateRegistryAndServeHTTP does.
func Metrics(addr string) {
	go func() { _ = http.ListenAndServe(addr, nil) }()
}

// Unrelated starts a server, but not on what it is given.
func Unrelated(h http.Handler) error {
	mux := http.NewServeMux()
	return http.ListenAndServe(":9", mux)
}
