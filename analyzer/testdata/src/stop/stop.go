package stop

import (
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGHUP, syscall.SIGTERM) // want `signal.Notify asks for SIGHUP, the restart signal`
	_ = http.ListenAndServe(":8080", nil)             // want `starts a server` `cannot set timeouts`
}
