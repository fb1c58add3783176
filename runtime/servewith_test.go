package graceful

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestServerServeWithDrainsAFrameworkServer serves a server the way a
// framework does (its own function calls srv.Serve on a listener it was
// given) and drains the process during a slow request: the request is
// answered, the server got the default timeouts and was shut down, and
// ServerServeWith returns what the HTTP serving functions return.
func TestServerServeWithDrainsAFrameworkServer(t *testing.T) {
	p := newProcess()
	ln, err := p.listen(nil, context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(started)
			time.Sleep(800 * time.Millisecond)
		}
		io.WriteString(w, "ok")
	})}
	frameworkCalled := false
	served := make(chan error, 1)
	go func() {
		served <- p.serveWith(srv, func() error {
			frameworkCalled = true
			return srv.Serve(ln)
		}, nil)
	}()
	url := "http://" + ln.Addr().String()
	waitServing(t, url)

	answer := make(chan error, 1)
	go func() {
		resp, err := http.Get(url + "/slow")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "ok" {
				err = errors.New("body " + string(body))
			}
		}
		answer <- err
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p.beginStop(false)
	if err := p.drain(ctx, false); err != nil {
		t.Errorf("drain: %v", err)
	}
	if err := <-answer; err != nil {
		t.Errorf("the request in flight during the drain failed: %v", err)
	}
	select {
	case err := <-served:
		if err != http.ErrServerClosed {
			t.Errorf("ServerServeWith returned %v, want http.ErrServerClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ServerServeWith did not return after the drain")
	}
	if !frameworkCalled {
		t.Error("the framework's serve function never ran")
	}
	if srv.ReadHeaderTimeout != DefaultReadHeaderTimeout || srv.IdleTimeout != DefaultIdleTimeout {
		t.Errorf("timeouts %v/%v, want the defaults", srv.ReadHeaderTimeout, srv.IdleTimeout)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("the listener still accepts after the drain")
	}
}

// TestServerServeWithWhileDraining never calls the framework once the
// process drains.
func TestServerServeWithWhileDraining(t *testing.T) {
	p := newProcess()
	p.beginStop(false)
	go p.drain(context.Background(), false)
	err := p.serveWith(&http.Server{}, func() error {
		t.Error("serve ran while the process was draining")
		return nil
	}, nil)
	if err != http.ErrServerClosed {
		t.Errorf("returned %v, want http.ErrServerClosed", err)
	}
}

// waitServing waits until url answers.
func waitServing(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never answered", url)
}

// TestServerServeWithHandlerReplaced serves a server whose framework sets
// its handler before serving, as echo v4 does (s.Handler = e): during the
// drain's linger its responses must still close their connections.
func TestServerServeWithHandlerReplaced(t *testing.T) {
	p := newProcess()
	ln, err := p.listen(nil, context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{}
	go p.serveWith(srv, p.keepDrainHandler(srv, func() error {
		srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Connection", "keep-alive")
			io.WriteString(w, "ok")
		})
		return srv.Serve(ln)
	}), nil)
	url := "http://" + ln.Addr().String()
	waitServing(t, url)

	p.startLingering()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	if !resp.Close {
		t.Errorf("a response during the linger keeps its connection (Connection: %q): the framework's handler was not wrapped", resp.Header.Get("Connection"))
	}
	srv.Close()
}
