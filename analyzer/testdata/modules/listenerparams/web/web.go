// Package web serves the listeners its exported functions are
// given; the packages that call them show where those come from.
package web

import (
	"net"
	"net/http"
	"time"
)

var srv = &http.Server{ReadHeaderTimeout: time.Second}

// Serve serves l.
func Serve(l net.Listener) error { // want Serve:`serves \[\] via \(\*http.Server\).Serve` Serve:`serves the listeners of parameters \[0\] via srv.Serve`
	return srv.Serve(l) // want `srv.Serve starts a server`
}

// Handler serves through Run.
type Handler struct{}

// Run serves every listener of ls, or opens its own.
func (h *Handler) Run(ls []net.Listener) { // want Run:`serves \[\] via \(\*http.Server\).Serve` Run:`serves the listeners of parameters \[0\] via srv.Serve`
	if len(ls) == 0 {
		ls = h.Listeners()
	}
	for _, l := range ls {
		go srv.Serve(l) // want `srv.Serve starts a server`
	}
}

// Listeners opens the handler's listeners.
func (h *Handler) Listeners() []net.Listener {
	l, err := net.Listen("tcp", ":9090") // want `net.Listen opens the listener of srv.Serve`
	if err != nil {
		return nil
	}
	return []net.Listener{l}
}

// Forward passes l on to Serve: its own callers decide in turn.
func Forward(l net.Listener) error { return Serve(l) } // want Forward:`serves \[\] via \(\*http.Server\).Serve` Forward:`serves the listeners of parameters \[0\] via srv.Serve`

// Server serves its Listener.
type Server struct {
	Listener net.Listener // want Listener:`serves the listeners of parameters \[-1\] via srv.Serve`
}

// Start serves s.Listener.
func (s *Server) Start() error { // want Start:`serves \[\] via \(\*http.Server\).Serve`
	return srv.Serve(s.Listener) // want `srv.Serve starts a server`
}
