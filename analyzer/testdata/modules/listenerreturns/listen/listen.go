// Package listen returns listeners to the module's other packages.
package listen

import (
	"crypto/tls"
	"net"
	"os"
)

// Activated holds the sockets a service manager passed, as a
// socket-activation library returns them.
var Activated []net.Listener

// Listen returns the socket a service manager passed, or opens addr.
func Listen(addr string) (net.Listener, error) { // want Listen:`returns a listener a restart cannot always inherit: Activated\[0\] \(listen.go:17:10\) is of unknown origin`
	if len(Activated) == 1 {
		return Activated[0], nil
	}
	return net.Listen("tcp", addr) // want `net.Listen opens a listening socket`
}

// FromFile adopts descriptor 3.
func FromFile() (net.Listener, error) { // want FromFile:`returns a listener a restart cannot always inherit: it comes from net.FileListener`
	return net.FileListener(os.NewFile(3, "listener"))
}

// Open opens addr.
func Open(addr string) (net.Listener, error) {
	return net.Listen("tcp", addr) // want `net.Listen opens a listening socket`
}

// Wrap serves TLS on l: its caller judges l.
func Wrap(l net.Listener) net.Listener {
	return tls.NewListener(l, &tls.Config{})
}

// unexported is not seen from other packages.
func unexported() net.Listener {
	return Activated[0]
}
