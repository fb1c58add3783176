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
	return web.ListenAndServe(srv, flags, logger) // want `web.ListenAndServe starts a server that is not restartable`
}

// A listener of its own, served by the toolkit.
func serve(logger *slog.Logger) error {
	l, err := net.Listen("tcp", ":9100") // want `net.Listen opens the listener of web.Serve`
	if err != nil {
		return err
	}
	return web.Serve(l, &http.Server{ReadHeaderTimeout: time.Second}, flags, logger) // want `web.Serve starts a server`
}

// Listeners gathered in a slice, one per address.
func serveMultiple(addrs []string, logger *slog.Logger) error {
	listeners := make([]net.Listener, 0, len(addrs))
	for _, a := range addrs {
		l, err := net.Listen("tcp", a) // want `net.Listen opens the listener of web.ServeMultiple`
		if err != nil {
			return err
		}
		listeners = append(listeners, l)
	}
	return web.ServeMultiple(listeners, &http.Server{ReadHeaderTimeout: time.Second}, flags, logger) // want `web.ServeMultiple starts a server`
}

// A slice literal.
func serveLiteral(logger *slog.Logger) error {
	a, _ := net.Listen("tcp", ":9101") // want `net.Listen opens the listener of web.ServeMultiple`
	b, _ := net.Listen("tcp", ":9102") // want `net.Listen opens the listener of web.ServeMultiple`
	return web.ServeMultiple([]net.Listener{a, b}, &http.Server{ReadHeaderTimeout: time.Second}, flags, logger) // want `web.ServeMultiple starts a server`
}

// Listeners from elsewhere: their sockets are not known to be handed over.
func serveGiven(ls []net.Listener, logger *slog.Logger) error {
	return web.ServeMultiple(ls, &http.Server{ReadHeaderTimeout: time.Second}, flags, logger) // want `web.ServeMultiple starts a server` `ls is not restartable: the listener served by web.ServeMultiple is of unknown origin`
}
