// Package activation serves the sockets systemd passed, through
// go-systemd, or a listener of its own.
package activation

import (
	"net"
	"net/http"
	"time"

	"github.com/coreos/go-systemd/v22/activation"
)

var srv = &http.Server{ReadHeaderTimeout: time.Second}

func listen(addr string) (net.Listener, error) {
	listeners, err := /*@s1*/ activation.Listeners() // want `activation.Listeners returns the sockets systemd passed`
	if err != nil {
		return nil, err
	}
	if len(listeners) == 1 {
		return listeners[0], nil
	}
	return /*@s2*/ net.Listen("tcp", addr) // want `net.Listen opens the listener of srv.Serve`
}

func serve(addr string) error {
	l, err := listen(addr)
	if err != nil {
		return err
	}
	return /*@s3*/ srv.Serve(l) // want `srv.Serve starts a server`
}
