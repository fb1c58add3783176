package shutdown

import (
	"context"
	"net/http"
	"time"
)

func main() {
	srv := &http.Server{ReadHeaderTimeout: time.Second}
	go srv.ListenAndServe() // want `starts a server`
	_ = srv.Shutdown(context.Background())
}
