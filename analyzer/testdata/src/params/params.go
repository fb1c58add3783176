// Package params serves listeners that arrive as parameters: of helpers,
// methods and closures, followed to their calls in the package.
package params

import (
	"net"
	"net/http"
	"time"

	"github.com/soheilhy/cmux"
)

var srv = &http.Server{ReadHeaderTimeout: time.Second}

func serve(l net.Listener) error {
	return /*@s1*/ srv.Serve(l) // want `srv.Serve starts a server`
}

func helper() error {
	l, err := /*@s2*/ net.Listen("tcp", ":8080") // want `net.Listen opens the listener of srv.Serve`
	if err != nil {
		return err
	}
	go serve(l)
	return nil
}

type server struct{ srv *http.Server }

func (s *server) run(ls ...net.Listener) {
	for _, l := range ls {
		go /*@s3*/ s.srv.Serve(l) // want `s.srv.Serve starts a server`
	}
}

func method() {
	a, _ := /*@s4*/ net.Listen("tcp", ":8081") // want `net.Listen opens the listener of s.srv.Serve`
	b, _ := /*@s5*/ net.Listen("unix", "/run/app.sock") // want `net.Listen opens the listener of s.srv.Serve`
	s := &server{srv: srv}
	s.run(a, b)
}

func closures() {
	l, _ := /*@s6*/ net.Listen("tcp", ":8082") // want `net.Listen opens the listener of srv.Serve`
	go func(l net.Listener) {
		/*@s7*/ srv.Serve(l) // want `srv.Serve starts a server`
	}(l)
	start := func(l net.Listener) error { return /*@s8*/ srv.Serve(l) } // want `srv.Serve starts a server`
	m, _ := /*@s9*/ net.Listen("tcp", ":8083") // want `net.Listen opens the listener of srv.Serve`
	start(m)
}

func ranged() {
	var ls []net.Listener
	for _, addr := range []string{":8084", ":8085"} {
		l, err := /*@s10*/ net.Listen("tcp", addr) // want `net.Listen opens the listener of srv.Serve`
		if err != nil {
			return
		}
		ls = append(ls, l)
	}
	byName := map[string]net.Listener{}
	byName["admin"], _ = /*@s11*/ net.Listen("tcp", ":8086") // want `net.Listen opens the listener of srv.Serve`
	for _, l := range ls {
		go /*@s12*/ srv.Serve(l) // want `srv.Serve starts a server`
	}
	for _, l := range byName {
		go /*@s13*/ srv.Serve(l) // want `srv.Serve starts a server`
	}
}

func serveMux(l net.Listener) error {
	return /*@s14*/ srv.Serve(l) // want `srv.Serve is not restartable: it serves l, which comes from cmux.Match`
}

func muxed() {
	l, _ := /*@s15*/ net.Listen("tcp", ":8087") // want `net.Listen opens a listening socket`
	m := cmux.New(l)
	serveMux(m.Match(cmux.HTTP1Fast()))
}

func passedAsValue(l net.Listener) error {
	return /*@s16*/ srv.Serve( /*@s17*/ l) // want `srv.Serve starts a server` `l is not restartable: the listener served by srv.Serve is of unknown origin`
}

var callbacks = []func(net.Listener) error{passedAsValue}

// Serve is exported: the calls in other packages decide, and go vet
// reports there (paramcaller).
func Serve(l net.Listener) error { // want Serve:`serves the listeners of parameters \[0\] via srv.Serve`
	return /*@s18*/ srv.Serve( /*@s19*/ l) // want `srv.Serve starts a server`
}

type app struct {
	ln  net.Listener
	srv *http.Server
}

func (a *app) open() (err error) {
	a.ln, err = /*@s20*/ net.Listen("tcp", ":8088") // want `net.Listen opens the listener of a.srv.Serve`
	return err
}

func (a *app) serve() error {
	return /*@s21*/ a.srv.Serve(a.ln) // want `a.srv.Serve starts a server`
}

type pair struct{ l, other net.Listener }

func literalField() {
	l, _ := /*@s22*/ net.Listen("tcp", ":8089") // want `net.Listen opens the listener of srv.Serve`
	p := pair{l: l}
	go /*@s23*/ srv.Serve(p.l) // want `srv.Serve starts a server`
	q := &pair{}
	use(&q.other)
	go /*@s24*/ srv.Serve( /*@s25*/ q.other) // want `srv.Serve starts a server` `q.other is not restartable: the listener served by srv.Serve is of unknown origin`
}

func use(*net.Listener) {}

// Config is exported: the writes in other packages decide.
type Config struct {
	Listener net.Listener // want Listener:`serves the listeners of parameters \[-1\] via srv.Serve`
}

func (c *Config) Serve() error {
	return /*@s26*/ srv.Serve( /*@s27*/ c.Listener) // want `srv.Serve starts a server`
}
