package listener

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"time"

	"github.com/soheilhy/cmux"
	"golang.org/x/crypto/acme/autocert"
)

var srv = &http.Server{ReadHeaderTimeout: time.Second}

func tcp() error {
	l, err := /*@s1*/ net.Listen("tcp", ":8080") // want `net.Listen opens the listener of srv.Serve, which a restart does not inherit yet`
	if err != nil {
		return err
	}
	return /*@s2*/ srv.Serve(l) // want `srv.Serve starts a server`
}

func unix() error {
	l, err := /*@s3*/ net.Listen("unix", "/run/app.sock") // want `net.Listen opens the listener of srv.ServeTLS`
	if err != nil {
		return err
	}
	return /*@s4*/ srv.ServeTLS(l, "c", "k") // want `srv.ServeTLS starts a server`
}

func listenConfig(ctx context.Context) error {
	var lc net.ListenConfig
	l, err := /*@s5*/ lc.Listen(ctx, "tcp", ":8080") // want `lc.Listen opens the listener of srv.Serve`
	if err != nil {
		return err
	}
	return /*@s6*/ srv.Serve(l) // want `srv.Serve starts a server`
}

func listenConfigPointer(ctx context.Context, lc *net.ListenConfig) error {
	l, err := /*@s7*/ lc.Listen(ctx, "tcp", ":8080") // want `lc.Listen opens the listener of srv.Serve`
	if err != nil {
		return err
	}
	go func() {
		_ = /*@s8*/ srv.Serve(l) // want `srv.Serve starts a server`
	}()
	return nil
}

func wrapped(cfg *tls.Config) error {
	l, err := /*@s9*/ net.Listen("tcp", ":8443") // want `net.Listen opens the listener of srv.Serve`
	if err != nil {
		return err
	}
	l = tls.NewListener(l, cfg)
	return /*@s10*/ srv.Serve(l) // want `srv.Serve starts a server`
}

func parameter(l net.Listener) error {
	return /*@s11*/ srv.Serve( /*@s12*/ l) // want `srv.Serve starts a server` `l is not restartable: the listener served by srv.Serve is of unknown origin`
}

type holder struct{ l net.Listener }

func field(h *holder) error {
	return /*@s13*/ srv.Serve( /*@s14*/ h.l) // want `srv.Serve starts a server` `h.l is not restartable: the listener served by srv.Serve is of unknown origin`
}

func multiplexed() error {
	l, err := /*@s15*/ net.Listen("tcp", ":8080") // want `net.Listen opens a listening socket that a restart does not inherit yet`
	if err != nil {
		return err
	}
	m := cmux.New(l)
	httpL := m.Match(cmux.HTTP1Fast())
	go m.Serve()
	return /*@s16*/ srv.Serve(httpL) // want `^srv.Serve is not restartable: it serves httpL, which comes from cmux.Match and has no operating-system socket to hand to a new process`
}

// chanListener is an in-process listener.
type chanListener struct{ conns chan net.Conn }

func (c *chanListener) Accept() (net.Conn, error) { return <-c.conns, nil }
func (c *chanListener) Close() error              { return nil }
func (c *chanListener) Addr() net.Addr            { return nil }

func inProcess() error {
	l := &chanListener{conns: make(chan net.Conn)}
	return /*@s17*/ srv.Serve(l) // want `^srv.Serve is not restartable: it serves l, which comes from a chanListener literal and has no operating-system socket`
}

// notServed: a listener that reaches no Serve in this function is a site
// too: whoever serves it, a restart must hand its socket over.
func notServed() (net.Listener, error) {
	return /*@s18*/ net.Listen("tcp", ":9090") // want `net.Listen opens a listening socket that a restart does not inherit yet`
}

// shortLived: a loopback listener on port 0 is not a service.
func shortLived() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	l2, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		return err
	}
	defer l2.Close()
	return srv.Serve(l) // a server on a loopback port 0 listener is not a service either
}

// fromHelper serves a listener that a helper of this package opens.
func fromHelper(network string) error {
	l, err := listenOn(network)
	if err != nil {
		return err
	}
	return /*@s19*/ srv.Serve(l) // want `srv.Serve starts a server`
}

// listenOn picks unix or tcp and returns the listener.
func listenOn(network string) (l net.Listener, err error) {
	if network == "unix" {
		return /*@s20*/ net.Listen("unix", "/run/app.sock") // want `net.Listen opens the listener of srv.Serve`
	}
	if l, err = /*@s21*/ net.Listen("tcp", ":8081"); err != nil { // want `net.Listen opens the listener of srv.Serve`
		return nil, err
	}
	return
}

func listenConfigExpression(ctx context.Context) error {
	var lc net.ListenConfig
	l, err := /*@s22*/ (*net.ListenConfig).Listen(&lc, ctx, "tcp", ":8080") // want `a method expression cannot be rewritten, and the socket it opens would not be handed over`
	if err != nil {
		return err
	}
	return /*@s23*/ srv.Serve(l) // want `srv.Serve starts a server`
}

func ranged(ls []net.Listener) {
	for _, l := range ls {
		go /*@s24*/ srv.Serve( /*@s25*/ l) // want `srv.Serve starts a server` `l is not restartable: the listener served by srv.Serve is of unknown origin`
	}
}

func listenTCP() error {
	l, err := /*@s26*/ net.ListenTCP("tcp", nil) // want `net.ListenTCP opens the listener of srv.Serve`
	if err != nil {
		return err
	}
	return /*@s27*/ srv.Serve(l) // want `srv.Serve starts a server`
}

// autocertListener is autocert's shape: the manager opens :443 itself.
func autocertListener(m *autocert.Manager) error {
	return /*@s28*/ srv.Serve( /*@s29*/ m.Listener()) // want `srv.Serve starts a server` `comes from autocert.Manager.Listener, which opens a socket a restart cannot inherit; open the socket with net.Listen\("tcp", ":443"\) and serve tls.NewListener\(l, m.TLSConfig\(\)\) instead`
}

func tlsListen(cfg *tls.Config) error {
	l, err := tls.Listen("tcp", ":8443", cfg)
	if err != nil {
		return err
	}
	return /*@s30*/ srv.Serve( /*@s31*/ l) // want `srv.Serve starts a server` `comes from tls.Listen, which opens a socket a restart cannot inherit; open it with net.Listen and wrap it with tls.NewListener instead`
}

// asserted serves a listener that a helper returns as an any and the
// caller asserts back (caddy's NetworkAddress.Listen): the assertion keeps
// its origin.
func asserted() error {
	lnAny, err := listenAny()
	if err != nil {
		return err
	}
	ln, ok := lnAny.(net.Listener)
	if !ok {
		return nil
	}
	go /*@s33*/ srv.Serve(ln) // want `srv.Serve starts a server`
	return /*@s34*/ srv.Serve(lnAny.(net.Listener)) // want `srv.Serve starts a server`
}

func listenAny() (any, error) {
	return /*@s32*/ net.Listen("tcp", ":8082") // want `net.Listen opens the listener of srv.Serve`
}
