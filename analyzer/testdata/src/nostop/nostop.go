package nostop

import (
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGHUP)      // want `signal.Notify asks for SIGHUP, the restart signal: converted, the program would restart on every SIGHUP instead of handling it; run gracefulgen -signal SIGUSR2`
	_ = http.ListenAndServe(":8080", nil) // want `starts a server` `cannot set timeouts`
}
