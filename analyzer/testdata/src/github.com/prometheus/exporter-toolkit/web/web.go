// Package web is a stand-in for exporter-toolkit's web package (v0.13 and
// later: the logger is a *slog.Logger).
package web

import (
	"log/slog"
	"net"
	"net/http"
)

type FlagConfig struct {
	WebListenAddresses *[]string
	WebSystemdSocket   *bool
	WebConfigFile      *string
}

func ListenAndServe(server *http.Server, flags *FlagConfig, logger *slog.Logger) error { return nil }

func Serve(l net.Listener, server *http.Server, flags *FlagConfig, logger *slog.Logger) error {
	return nil
}

func ServeMultiple(listeners []net.Listener, server *http.Server, flags *FlagConfig, logger *slog.Logger) error {
	return nil
}
