// Package graceful is a stub of gracefulgen's runtime, for tests.
package graceful

import (
	"context"
	"net"
	"net/http"
)

func Listen(network, address string) (net.Listener, error) { return nil, nil }
func ListenConfig(lc *net.ListenConfig, ctx context.Context, network, address string) (net.Listener, error) {
	return nil, nil
}
func ListenAndServe(addr string, handler http.Handler) error                         { return nil }
func ListenAndServeTLS(addr, certFile, keyFile string, handler http.Handler) error   { return nil }
func Serve(l net.Listener, handler http.Handler) error                               { return nil }
func ServeTLS(l net.Listener, handler http.Handler, certFile, keyFile string) error { return nil }
func ServerListenAndServe(srv *http.Server) error                                    { return nil }
func ServerListenAndServeTLS(srv *http.Server, certFile, keyFile string) error       { return nil }
func ServerServe(srv *http.Server, l net.Listener) error                             { return nil }
func ServerServeTLS(srv *http.Server, l net.Listener, certFile, keyFile string) error {
	return nil
}

func ListenTCP(network string, laddr *net.TCPAddr) (*net.TCPListener, error)    { return nil, nil }
func ListenUnix(network string, laddr *net.UnixAddr) (*net.UnixListener, error) { return nil, nil }
func OnShutdown(f func())                                                        {}

type GracefulStopper interface {
	Serve(net.Listener) error
	GracefulStop()
	Stop()
}

func ServeStopper(s GracefulStopper, l net.Listener) error { return nil }

func ServerServeWith(srv *http.Server, serve func() error) error { return nil }
func Activated() ([]net.Listener, error)                          { return nil, nil }
