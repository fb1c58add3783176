package graceful

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"
)

// Ready declares this process ready to serve now, without waiting for it to
// serve every socket it inherited. A new process started by a restart tells
// the old one, which then drains; a first process starts acting on restart
// signals. Calling it again has no effect.
func Ready() {
	ensure().becomeReady("the app called Ready")
}

// OnShutdown registers f to run, in its own goroutine, when the process
// starts shutting its servers down (after a handover or on a stop signal),
// for instance to tell websocket clients to reconnect. Hijacked connections
// still open at the drain deadline are closed by the runtime.
func OnShutdown(f func()) {
	p := theProcess
	p.mu.Lock()
	p.hooks = append(p.hooks, f)
	p.mu.Unlock()
}

// Shutdown drains every server of the process, as a stop signal does, but
// bounded by ctx and without exiting: the serving functions return
// http.ErrServerClosed once it is done. It returns ctx's error, wrapped, if
// connections had to be closed at the deadline.
func Shutdown(ctx context.Context) error {
	p := theProcess
	if !p.beginStop(false) {
		select {
		case <-p.drainDone:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	logEvent("stop requested", "by", "Shutdown")
	return p.drain(ctx, false)
}

// Listen is net.Listen that adopts the socket this process inherited for the
// same network and address, if any, instead of binding a new one. It returns
// what net.Listen would (*net.TCPListener, *net.UnixListener), never a
// wrapper; the runtime keeps its own record of the socket to hand it over
// and to close it when the process drains.
func Listen(network, address string) (net.Listener, error) {
	return ListenConfig(&net.ListenConfig{}, context.Background(), network, address)
}

// ListenConfig is lc.Listen(ctx, network, address) that adopts the socket
// this process inherited for the same network and address, if any. An
// adopted socket keeps the options it was created with; lc applies only to
// sockets bound here.
func ListenConfig(lc *net.ListenConfig, ctx context.Context, network, address string) (net.Listener, error) {
	return ensure().listen(lc, ctx, network, address)
}

func (p *process) listen(lc *net.ListenConfig, ctx context.Context, network, address string) (_ net.Listener, err error) {
	// A new process takes over only once no Listen is under way (handover.go).
	p.listenStarts()
	defer func() { p.listenEnds(err != nil) }()
	l, name, err := p.in.adopt(network, address)
	if err != nil {
		return nil, err
	}
	if l != nil {
		logEvent("adopted inherited socket", "socket", name.String(), "bound", name.Bound)
		p.register(l, *name, true)
		return l, nil
	}
	if lc == nil {
		lc = &net.ListenConfig{}
	}
	l, err = lc.Listen(ctx, network, address)
	if err != nil {
		return nil, err
	}
	p.register(l, socketName{Network: network, Address: address, Bound: l.Addr().String()}, false)
	return l, nil
}

// Remove is os.Remove, except in a new process of a restart for the path of
// an inherited unix socket that no Listen has adopted yet: that file is the
// socket the process is about to adopt, so Remove leaves it and returns
// nil. gracefulgen rewrites a program's removal of a stale socket file right
// before it listens on the path (os.Remove, syscall.Unlink, unix.Unlink) to
// a call of Remove, so that clients never find the path gone during a
// restart.
func Remove(name string) error {
	if keepSocketFile(name) {
		return nil
	}
	return os.Remove(name)
}

// Unlink is syscall.Unlink, keeping the file of an inherited unix socket
// not adopted yet as Remove does (gracefulgen rewrites syscall.Unlink to
// it where os.Remove would be rewritten to Remove).
func Unlink(path string) error {
	if keepSocketFile(path) {
		return nil
	}
	return syscall.Unlink(path)
}

// Stat is os.Stat, except in a new process of a restart for the path of an
// inherited unix socket that no Listen has adopted yet: it reports that no
// file is there (an error that satisfies errors.Is(err, fs.ErrNotExist)),
// as a first start after a clean stop would find. gracefulgen rewrites a
// program's look for a socket file left behind right before it listens on
// the path (os.Stat, os.Lstat) to a call of Stat or Lstat, so that a
// program that will not start when the file is there (statsd_exporter's
// unixgram socket) goes on to Listen, which adopts the socket.
func Stat(name string) (os.FileInfo, error) {
	if hideSocketFile(name) {
		return nil, &os.PathError{Op: "stat", Path: name, Err: os.ErrNotExist}
	}
	return os.Stat(name)
}

// Lstat is os.Lstat, with Stat's exception.
func Lstat(name string) (os.FileInfo, error) {
	if hideSocketFile(name) {
		return nil, &os.PathError{Op: "lstat", Path: name, Err: os.ErrNotExist}
	}
	return os.Lstat(name)
}

// hideSocketFile reports, and logs, that name is the file of an inherited
// unix socket not adopted yet, which Stat and Lstat do not find.
func hideSocketFile(name string) bool {
	if !theProcess.in.keepsSocketFile(name) {
		return false
	}
	logEvent("the program looks for the inherited socket file before Listen: not found", "path", name)
	return true
}

// keepSocketFile reports, and logs, that name is the file of an inherited
// unix socket not adopted yet, which Remove and Unlink leave in place.
func keepSocketFile(name string) bool {
	if !theProcess.in.keepsSocketFile(name) {
		return false
	}
	logEvent("kept the inherited socket file the program removes before Listen", "path", name)
	return true
}

// ListenTCP is net.ListenTCP that adopts the socket this process inherited
// for the same network and address, if any.
func ListenTCP(network string, laddr *net.TCPAddr) (*net.TCPListener, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, &net.OpError{Op: "listen", Net: network, Source: nil, Addr: tcpAddrOrNil(laddr), Err: net.UnknownNetworkError(network)}
	}
	address := ":0"
	if laddr != nil {
		address = laddr.String()
	}
	l, err := Listen(network, address)
	return narrow[*net.TCPListener](l, err, network, address, "a TCP listener")
}

// narrow returns c, which a Listen or ListenPacket of the drop-in for a net
// function returned, as the type T that function returns; an inherited
// socket of another type (what is not a kind) is closed.
func narrow[T any, C io.Closer](c C, err error, network, address, kind string) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	t, ok := any(c).(T)
	if !ok {
		c.Close()
		return zero, fmt.Errorf("listen %s %s: inherited socket is a %T, not %s", network, address, c, kind)
	}
	return t, nil
}

func tcpAddrOrNil(a *net.TCPAddr) net.Addr {
	if a == nil {
		return nil
	}
	return a
}

// ListenUnix is net.ListenUnix that adopts the socket this process inherited
// for the same network and path, if any.
func ListenUnix(network string, laddr *net.UnixAddr) (*net.UnixListener, error) {
	switch network {
	case "unix", "unixpacket":
	default:
		return nil, &net.OpError{Op: "listen", Net: network, Err: net.UnknownNetworkError(network)}
	}
	if laddr == nil {
		return nil, &net.OpError{Op: "listen", Net: network, Err: errors.New("missing address")}
	}
	l, err := Listen(network, laddr.Name)
	return narrow[*net.UnixListener](l, err, network, laddr.Name, "a unix listener")
}

// ListenAndServe is http.ListenAndServe that restarts gracefully.
func ListenAndServe(addr string, handler http.Handler) error {
	return ServerListenAndServe(&http.Server{Addr: addr, Handler: handler})
}

// ListenAndServeTLS is http.ListenAndServeTLS that restarts gracefully.
func ListenAndServeTLS(addr, certFile, keyFile string, handler http.Handler) error {
	return ServerListenAndServeTLS(&http.Server{Addr: addr, Handler: handler}, certFile, keyFile)
}

// Serve is http.Serve that restarts gracefully.
func Serve(l net.Listener, handler http.Handler) error {
	return ServerServe(&http.Server{Handler: handler}, l)
}

// ServeTLS is http.ServeTLS that restarts gracefully.
func ServeTLS(l net.Listener, handler http.Handler, certFile, keyFile string) error {
	return ServerServeTLS(&http.Server{Handler: handler}, l, certFile, keyFile)
}

// ServerListenAndServe is srv.ListenAndServe() that restarts gracefully: it
// listens with Listen on srv.Addr (":http" when empty).
func ServerListenAndServe(srv *http.Server) error {
	l, err := Listen("tcp", addrOr(srv.Addr, ":http"))
	if err != nil {
		return err
	}
	return serve(srv, l, nil)
}

// ServerListenAndServeTLS is srv.ListenAndServeTLS(certFile, keyFile) that
// restarts gracefully: it listens with Listen on srv.Addr (":https" when
// empty).
func ServerListenAndServeTLS(srv *http.Server, certFile, keyFile string) error {
	l, err := Listen("tcp", addrOr(srv.Addr, ":https"))
	if err != nil {
		return err
	}
	return serve(srv, l, serveTLSWith(certFile, keyFile))
}

// ServerServe is srv.Serve(l) that restarts gracefully. A listener from
// Listen, or one the app layered on it (tls.NewListener), is handed to the
// next process by its address; any other listener with a descriptor is
// handed over under its bound address. srv sees the connections as l
// returns them (*net.TCPConn, *tls.Conn): the runtime follows them through
// srv.ConnState, chained before the app's own hook.
func ServerServe(srv *http.Server, l net.Listener) error {
	return serve(srv, l, nil)
}

// ServerServeTLS is srv.ServeTLS(l, certFile, keyFile) that restarts
// gracefully.
func ServerServeTLS(srv *http.Server, l net.Listener, certFile, keyFile string) error {
	return serve(srv, l, serveTLSWith(certFile, keyFile))
}

// serveTLSWith returns the TLS serving of serve with the given files.
func serveTLSWith(certFile, keyFile string) func(*http.Server, net.Listener) error {
	return func(srv *http.Server, l net.Listener) error { return srv.ServeTLS(l, certFile, keyFile) }
}

func addrOr(addr, def string) string {
	if addr == "" {
		return def
	}
	return addr
}
