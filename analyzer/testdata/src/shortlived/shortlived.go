package shortlived

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"
)

// An OAuth callback server on a loopback port 0: not a service.
func oauthCallback(h http.Handler) (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Second}
	go srv.Serve(l)
	return l.Addr().String(), nil
}

func loopbackLiteral(h http.Handler) {
	srv := &http.Server{Addr: "localhost:0", Handler: h, ReadHeaderTimeout: time.Second}
	go srv.ListenAndServe()
}

func loopbackFunc(h http.Handler) {
	go http.ListenAndServe("[::1]:0", h)
}

// An ACME-style challenge server, started and shut down in one function.
func challenge(ctx context.Context, addr string, token chan string) error {
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: time.Second}
	go srv.ListenAndServe()
	t := <-token
	_ = t
	return srv.Shutdown(ctx)
}

func challengeListener(addr string, h http.Handler, done chan struct{}) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer l.Close()
	go func() {
		http.Serve(l, h)
	}()
	<-done
	return nil
}

// The go statement in a branch; the listener closed after the branch.
func challengeBranch(addr string, h http.Handler, plain bool, done chan struct{}) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if plain {
		go http.Serve(l, h)
	}
	<-done
	return l.Close()
}

// One server per turn of a loop, each closed at the next turn.
func challengeLoop(addr string, h http.Handler, turns chan struct{}) {
	var l net.Listener
	for range turns {
		if l != nil {
			l.Close()
		}
		l, _ = net.Listen("tcp", addr)
		go http.Serve(l, h)
	}
}

// Services: still reported.

// CoreDNS's metrics plugin: the plain server starts in a branch that
// returns; the listener is closed only when the other branch's server
// (started through a function value) fails to start, which the plain one
// never reaches.
func metricsStartup(addr string, h http.Handler, tls bool, serveTLS func(net.Listener) error, startErr chan error, ready chan struct{}) error {
	l, err := net.Listen("tcp", addr) // want `net.Listen opens the listener of srv.Serve`
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Second}
	if !tls {
		go func() {
			if err := srv.Serve(l); err != nil && err != http.ErrServerClosed { // want `srv.Serve starts a server`
				panic(err)
			}
		}()
		return nil
	}
	go func() { startErr <- serveTLS(l) }()
	select {
	case err := <-startErr:
		l.Close()
		return err
	case <-ready:
	}
	return nil
}

// The server closed in the other branch of an if.
func otherBranch(addr string, h http.Handler, serve bool) {
	l, _ := net.Listen("tcp", addr) // want `net.Listen opens the listener of srv.Serve`
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Second}
	if serve {
		go srv.Serve(l) // want `srv.Serve starts a server`
	} else {
		l.Close()
	}
}

func wildcardZero(h http.Handler) {
	go http.ListenAndServe(":0", h) // want `http.ListenAndServe starts a server` `http.ListenAndServe cannot set timeouts`
}

func serviceWithContext(ctx context.Context, addr string) error {
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: time.Second}
	go srv.ListenAndServe() // want `srv.ListenAndServe starts a server`
	<-ctx.Done()
	return srv.Shutdown(context.Background())
}

func serviceWithSignal(addr string) error {
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: time.Second}
	go srv.ListenAndServe() // want `srv.ListenAndServe starts a server`
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	<-sig
	return srv.Shutdown(context.Background())
}

func blockingWithClose(addr string) error {
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: time.Second}
	defer srv.Close()
	return srv.ListenAndServe() // want `srv.ListenAndServe starts a server`
}

func main() {
	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: time.Second}
	go srv.ListenAndServe() // want `srv.ListenAndServe starts a server`
	time.Sleep(time.Second)
	srv.Close()
}
