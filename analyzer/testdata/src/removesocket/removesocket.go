// Package removesocket removes stale unix socket files before listening
// on them (rewritten: a restart's new process keeps the inherited one), and
// other files (left alone).
package removesocket

import (
	"net"
	"os"
	"syscall"
)

func listenUnix(path string) (net.Listener, error) {
	if fi, err := os.Stat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
		/*@s1*/ os.Remove(path) // want `os.Remove removes the file of a unix socket this function then listens on`
	}
	return /*@s2*/ net.Listen("unix", path) // want `net.Listen opens a listening socket`
}

type config struct{ Socket string }

func fromConfig(cfg *config) (*net.UnixListener, error) {
	/*@s3*/ syscall.Unlink(cfg.Socket)                                                  // want `syscall.Unlink removes the file of a unix socket`
	return /*@s4*/ net.ListenUnix("unix", &net.UnixAddr{Name: cfg.Socket, Net: "unix"}) // want `net.ListenUnix opens a listening socket`
}

func constant() (net.Listener, error) {
	_ = /*@s5*/ os.Remove("/run/app.sock")             // want `os.Remove removes the file`
	return /*@s6*/ net.Listen("unix", "/run/app.sock") // want `net.Listen opens a listening socket`
}

func others(path, other string) (net.Listener, error) {
	os.Remove(other)                           // another file
	os.Remove(path + ".pid")                   // another file
	l, err := /*@s7*/ net.Listen("unix", path) // want `net.Listen opens a listening socket`
	os.Remove(path)                            // after Listen: the program's own
	return l, err
}

func shadowed(path string) (net.Listener, error) {
	os.Remove(path)
	{
		path := "/run/other.sock"
		return /*@s8*/ net.Listen("unix", path) // want `net.Listen opens a listening socket`
	}
}
