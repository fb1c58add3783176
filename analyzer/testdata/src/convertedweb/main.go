package convertedweb

import (
	"log/slog"
	"net/http"
	"time"
)

func run(logger *slog.Logger) error {
	srv := &http.Server{ReadHeaderTimeout: time.Second}
	l, err := /*@s1*/ gracefulListen("tcp", ":9100")
	if err != nil {
		return err
	}
	go /*@s2*/ gracefulWebServe(l, srv, flags, logger)
	return /*@s3*/ gracefulWebListenAndServe(srv, flags, logger)
}
