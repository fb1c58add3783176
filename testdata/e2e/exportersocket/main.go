// Command exportersocket is an exporter that systemd starts with its
// socket (a .socket unit, or systemd-socket-activate): it serves through
// exporter-toolkit's web.ListenAndServe with the systemd socket flag set,
// on whatever sockets LISTEN_FDS passes it.
package main

import (
	"log/slog"
	"net/http"
	"os"

	"github.com/prometheus/exporter-toolkit/web"

	"example.com/e2e/internal/work"
)

func main() {
	systemd, config := true, ""
	flags := &web.FlagConfig{WebListenAddresses: &[]string{}, WebSystemdSocket: &systemd, WebConfigFile: &config}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	srv := &http.Server{Handler: work.Handler()}
	if err := web.ListenAndServe(srv, flags, logger); err != nil {
		logger.Error(err.Error())
		os.Exit(1)
	}
}
