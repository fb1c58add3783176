package stopctx

import (
	"context"
	"net/http"
	"os"
	"os/signal"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	srv := &http.Server{ReadHeaderTimeout: time.Second, BaseContext: nil}
	_ = ctx
	_ = srv.ListenAndServe() // want `starts a server`
}
