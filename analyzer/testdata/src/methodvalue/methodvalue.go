package methodvalue

import (
	"net"
	"net/http"
	"time"
)

type group struct{}

func (group) Go(f func() error) {}

func run(f func() error) error { return f() }

func serveWith(f func(net.Listener) error) {}

func tlsWith(f func(string, string) error) {}

var srv = &http.Server{ReadHeaderTimeout: time.Second}

func passed() {
	var g group
	g.Go(srv.ListenAndServe) // want `method value srv.ListenAndServe starts a server that is not restartable`
	_ = run(srv.ListenAndServe) // want `method value srv.ListenAndServe starts a server`
	serveWith(srv.Serve) // want `method value srv.Serve starts a server`
	tlsWith(srv.ListenAndServeTLS) // want `method value srv.ListenAndServeTLS starts a server`
}

func value() {
	var s http.Server
	s.ReadHeaderTimeout = time.Second
	run(s.ListenAndServe) // want `method value s.ListenAndServe starts a server`
}

func stored() error {
	start := srv.ListenAndServe // want `srv.ListenAndServe is not restartable: a method value stored for later cannot be rewritten safely`
	return start()
}

func expression() error {
	f := (*http.Server).ListenAndServe // want `\(\*http.Server\).ListenAndServe is not restartable: a method expression cannot be rewritten`
	return f(srv)
}

func sideEffects() {
	run(newServer().ListenAndServe) // want `newServer\(\).ListenAndServe is not restartable: the receiver of the method value is evaluated once`
}

func newServer() *http.Server { return srv }
