// Package removesocket removes stale unix socket files before listening
// on them (rewritten: a restart's new process keeps the inherited one), and
// other files (left alone); it looks for them too (rewritten: the new
// process finds no file where its inherited socket is).
package removesocket

import (
	"net"
	"os"
	"syscall"
)

func listenUnix(path string) (net.Listener, error) {
	if fi, err := /*@s1*/ os.Stat(path); err == nil && fi.Mode()&os.ModeSocket != 0 { // want `os.Stat looks for the file of a unix socket this function then listens on`
		/*@s2*/ os.Remove(path) // want `os.Remove removes the file of a unix socket this function then listens on`
	}
	return /*@s3*/ net.Listen("unix", path) // want `net.Listen opens a listening socket`
}

type config struct{ Socket string }

func fromConfig(cfg *config) (*net.UnixListener, error) {
	/*@s4*/ syscall.Unlink(cfg.Socket)                                                  // want `syscall.Unlink removes the file of a unix socket`
	return /*@s5*/ net.ListenUnix("unix", &net.UnixAddr{Name: cfg.Socket, Net: "unix"}) // want `net.ListenUnix opens a listening socket`
}

func constant() (net.Listener, error) {
	_ = /*@s6*/ os.Remove("/run/app.sock")             // want `os.Remove removes the file`
	return /*@s7*/ net.Listen("unix", "/run/app.sock") // want `net.Listen opens a listening socket`
}

func others(path, other string) (net.Listener, error) {
	os.Remove(other)                           // another file
	os.Remove(path + ".pid")                   // another file
	l, err := /*@s8*/ net.Listen("unix", path) // want `net.Listen opens a listening socket`
	os.Remove(path)                            // after Listen: the program's own
	os.Lstat(path)                             // after Listen
	return l, err
}

// refuse will not bind a socket file left behind (statsd_exporter).
func refuse(path *string) (*net.UnixConn, error) {
	if _, err := /*@s9*/ os.Lstat(*path); !os.IsNotExist(err) { // want `os.Lstat looks for the file of a unix socket`
		return nil, os.ErrExist
	}
	return /*@s10*/ net.ListenUnixgram("unixgram", &net.UnixAddr{Net: "unixgram", Name: *path}) // want `net.ListenUnixgram binds a datagram socket`
}

func shadowed(path string) (net.Listener, error) {
	os.Remove(path)
	{
		path := "/run/other.sock"
		return /*@s11*/ net.Listen("unix", path) // want `net.Listen opens a listening socket`
	}
}
