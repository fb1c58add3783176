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

// Services: still reported.

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
