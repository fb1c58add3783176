package reload

import (
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func reloadOnHangup() {
	hup := make(chan os.Signal, 1)
	/*@sig1*/ signal.Notify(hup, syscall.SIGHUP, syscall.SIGUSR1) // want `signal.Notify asks for SIGHUP, the restart signal`
	go func() {
		for range hup {
		}
	}()
}

func relayAll() {
	all := make(chan os.Signal, 1)
	/*@sig2*/ signal.Notify(all) // want `signal.Notify with no signal relays every signal, SIGHUP included, the restart signal`
}

func usr2Only(sigs []os.Signal) {
	c := make(chan os.Signal, 1)
	/*@sig3*/ signal.Notify(c, syscall.SIGUSR2)
	/*@sig4*/ signal.Notify(c, sigs...)
}

func serve() {
	srv := &http.Server{ReadHeaderTimeout: 1}
	_ = srv.ListenAndServe() // want `starts a server`
}
