package stop

import (
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGHUP, syscall.SIGTERM)
	_ = http.ListenAndServe(":8080", nil) // want `starts a server` `cannot set timeouts`
}
