// Command exporter serves as Prometheus exporters do, through
// exporter-toolkit: web.ListenAndServe with the toolkit's flags, here HTTPS
// from the web config file (-web.config.file).
package main

import (
	"flag"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/prometheus/exporter-toolkit/web"

	"example.com/e2e/internal/work"
)

func main() {
	addrs := flag.String("web.listen-address", ":9100", "addresses to listen on, comma-separated")
	systemd := flag.Bool("web.systemd-socket", false, "use systemd socket activation listeners instead of port listeners")
	config := flag.String("web.config.file", "", "TLS and basic auth configuration file")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	listen := strings.Split(*addrs, ",")
	flags := &web.FlagConfig{WebListenAddresses: &listen, WebSystemdSocket: systemd, WebConfigFile: config}

	srv := &http.Server{Handler: work.Handler()}
	if err := web.ListenAndServe(srv, flags, logger); err != nil {
		logger.Error(err.Error())
		os.Exit(1)
	}
}
