// Command webtoolkit serves as Prometheus exporters do, through
// exporter-toolkit's web package: its flags (listen addresses, the
// systemd socket, the web config file) go to web.ListenAndServe; a second
// server is served on listeners of its own.
package main

import (
	"flag"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/exporter-toolkit/web"
)

func main() {
	addr := flag.String("web.listen-address", ":9100", "address to listen on")
	systemd := flag.Bool("web.systemd-socket", false, "use systemd socket activation listeners")
	config := flag.String("web.config.file", "", "TLS and basic auth configuration")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	flags := &web.FlagConfig{WebListenAddresses: &[]string{*addr}, WebSystemdSocket: systemd, WebConfigFile: config}

	go func() {
		var listeners []net.Listener
		for _, a := range []string{":9101", ":9102"} {
			l, err := gracefulListen("tcp", a)
			if err != nil {
				logger.Error("listen", "err", err)
				return
			}
			listeners = append(listeners, l)
		}
		admin := &http.Server{ReadHeaderTimeout: time.Second}
		logger.Error("admin", "err", gracefulWebServeMultiple(listeners, admin, flags, logger))
	}()

	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	if err := gracefulWebListenAndServe(srv, flags, logger); err != nil {
		logger.Error(err.Error())
		os.Exit(1)
	}
}
