package method

import (
	"net/http"
	"time"
)

const rht = ReadHeaderTimeout

const ReadHeaderTimeout = 5 * time.Second

type app struct {
	srv *http.Server
	val http.Server
}

// embedded carries the server as an embedded field.
type embedded struct {
	*http.Server
}

type embeddedValue struct {
	http.Server
}

func newServer() *http.Server {
	return &http.Server{Addr: ":8080", ReadHeaderTimeout: rht}
}

func pointer() error {
	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: rht}
	return srv.ListenAndServe() // want `srv.ListenAndServe starts a server that is not restartable: run gracefulgen`
}

func value() error {
	var srv http.Server
	srv.ReadHeaderTimeout = rht
	return srv.ListenAndServeTLS("c", "k") // want `srv.ListenAndServeTLS starts a server`
}

func fields(a *app) {
	go a.srv.ListenAndServe() // want `a.srv.ListenAndServe starts a server`
	go a.val.ListenAndServe() // want `a.val.ListenAndServe starts a server`
}

func returned() error {
	return newServer().ListenAndServe() // want `newServer\(\).ListenAndServe starts a server`
}

func embeddedField(e embedded, v *embeddedValue) {
	_ = e.ListenAndServe() // want `e.ListenAndServe starts a server`
	_ = v.ListenAndServe() // want `v.ListenAndServe starts a server`
}

func closure(srv *http.Server) {
	go func() {
		_ = srv.ListenAndServe() // want `srv.ListenAndServe starts a server`
	}()
}

func parenthesized(srv *http.Server) error {
	return (srv.ListenAndServe)() // want `srv.ListenAndServe starts a server`
}

func dereferenced(p **http.Server, e *embeddedValue) error {
	_ = (*p).ListenAndServe() // want `\(\*p\).ListenAndServe starts a server`
	return (*e).ListenAndServe() // want `\(\*e\).ListenAndServe starts a server`
}
