package webtoolkit

import (
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/exporter-toolkit/web"
)

var flags = &web.FlagConfig{}

// main's shape in node_exporter: the toolkit opens the sockets.
func listenAndServe(logger *slog.Logger) error {
	srv := &http.Server{ReadHeaderTimeout: time.Second}
	return /*@s1*/ web.ListenAndServe(srv, flags, logger) // want `web.ListenAndServe starts a server that is not restartable`
}

// A listener of its own, served by the toolkit.
func serve(logger *slog.Logger) error {
	l, err := /*@s2*/ net.Listen("tcp", ":9100") // want `net.Listen opens the listener of web.Serve`
	if err != nil {
		return err
	}
	return /*@s3*/ web.Serve(l, &http.Server{ReadHeaderTimeout: time.Second}, flags, logger) // want `web.Serve starts a server`
}

// Listeners gathered in a slice, one per address.
func serveMultiple(addrs []string, logger *slog.Logger) error {
	listeners := make([]net.Listener, 0, len(addrs))
	for _, a := range addrs {
		l, err := /*@s4*/ net.Listen("tcp", a) // want `net.Listen opens the listener of web.ServeMultiple`
		if err != nil {
			return err
		}
		listeners = append(listeners, l)
	}
	return /*@s5*/ web.ServeMultiple(listeners, &http.Server{ReadHeaderTimeout: time.Second}, flags, logger) // want `web.ServeMultiple starts a server`
}

// A slice literal.
func serveLiteral(logger *slog.Logger) error {
	a, _ := /*@s6*/ net.Listen("tcp", ":9101")                                                                          // want `net.Listen opens the listener of web.ServeMultiple`
	b, _ := /*@s7*/ net.Listen("tcp", ":9102")                                                                          // want `net.Listen opens the listener of web.ServeMultiple`
	return /*@s8*/ web.ServeMultiple([]net.Listener{a, b}, &http.Server{ReadHeaderTimeout: time.Second}, flags, logger) // want `web.ServeMultiple starts a server`
}

// Listeners from elsewhere: their sockets are not known to be handed over.
func serveGiven(ls []net.Listener, logger *slog.Logger) error {
	return /*@s9*/ web.ServeMultiple( /*@s10*/ ls, &http.Server{ReadHeaderTimeout: time.Second}, flags, logger) // want `web.ServeMultiple starts a server` `ls is not restartable: the listener served by web.ServeMultiple is of unknown origin`
}
