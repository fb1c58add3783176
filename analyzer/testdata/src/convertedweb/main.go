package convertedweb

import (
	"log/slog"
	"net/http"
	"time"
)

func run(logger *slog.Logger) error {
	srv := &http.Server{ReadHeaderTimeout: time.Second}
	l, err := gracefulListen("tcp", ":9100")
	if err != nil {
		return err
	}
	go gracefulWebServe(l, srv, flags, logger)
	return gracefulWebListenAndServe(srv, flags, logger)
}
