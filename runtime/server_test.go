package graceful

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTimeoutDefaultsNeverOverrideTheApp(t *testing.T) {
	cfg := Config{}.withDefaults()
	zero := &http.Server{}
	applyTimeouts(zero, cfg)
	if zero.ReadHeaderTimeout != DefaultReadHeaderTimeout || zero.IdleTimeout != DefaultIdleTimeout || zero.WriteTimeout != 0 {
		t.Errorf("zero server got %v/%v/%v", zero.ReadHeaderTimeout, zero.IdleTimeout, zero.WriteTimeout)
	}
	set := &http.Server{ReadHeaderTimeout: time.Second, IdleTimeout: 2 * time.Second}
	applyTimeouts(set, cfg)
	if set.ReadHeaderTimeout != time.Second || set.IdleTimeout != 2*time.Second {
		t.Errorf("app values changed: %v/%v", set.ReadHeaderTimeout, set.IdleTimeout)
	}
	read := &http.Server{ReadTimeout: 3 * time.Second}
	applyTimeouts(read, cfg)
	if read.ReadHeaderTimeout != 0 || read.IdleTimeout != 0 {
		t.Errorf("ReadTimeout already bounds headers and idle time, yet got %v/%v", read.ReadHeaderTimeout, read.IdleTimeout)
	}
}

// drainHandlerOf returns h wrapped for p's drain, as serving a server with
// handler h wraps it.
func drainHandlerOf(p *process, h http.Handler) http.Handler {
	srv := &http.Server{Handler: h}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wrapHandlerLocked(srv)
	return srv.Handler
}

func TestDrainHandlerClosesConnectionsOnlyWhileLingering(t *testing.T) {
	p := newProcess()
	h := drainHandlerOf(p, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/", nil))
	if got := w.Header().Get("Connection"); got != "" {
		t.Errorf("Connection: %q while serving normally", got)
	}
	p.startLingering()
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/", nil))
	if got := w.Header().Get("Connection"); got != "close" {
		t.Errorf("Connection: %q while draining, want close", got)
	}
}

// TestDrainHandlerSendsHTTP2ClientsAway checks that an HTTP/2 connection
// answered while the process lingers gets a GOAWAY, so that the client's
// next request goes on a new connection (to the new process, in a
// restart) instead of keeping the old one busy until the linger ends.
func TestDrainHandlerSendsHTTP2ClientsAway(t *testing.T) {
	p := newProcess()
	ts := httptest.NewUnstartedServer(drainHandlerOf(p, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Proto)
	})))
	ts.EnableHTTP2 = true
	ts.StartTLS()
	defer ts.Close()
	client := ts.Client()

	// get makes one request and reports whether it reused a connection.
	get := func() (reused bool) {
		t.Helper()
		ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
			GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused },
		})
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "HTTP/2.0" {
			t.Fatalf("served over %q, want HTTP/2.0", body)
		}
		return reused
	}
	get()
	if !get() {
		t.Fatal("a second request did not reuse the HTTP/2 connection while serving normally")
	}
	p.startLingering()
	get() // answered with a GOAWAY
	deadline := time.Now().Add(3 * time.Second)
	for get() {
		if time.Now().After(deadline) {
			t.Fatal("requests still reuse the HTTP/2 connection 3s after an answer during the linger")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDrainHandlerClosesConnectionWhateverTheHandlerSets(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	keepAlive := func(w http.ResponseWriter) { w.Header().Set("Connection", "keep-alive") }
	handlers := map[string]http.HandlerFunc{
		"WriteHeader then Write": func(w http.ResponseWriter, r *http.Request) {
			keepAlive(w)
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, "ok")
		},
		"Write alone": func(w http.ResponseWriter, r *http.Request) {
			keepAlive(w)
			w.Write([]byte("ok"))
		},
		"nothing written": func(w http.ResponseWriter, r *http.Request) {
			keepAlive(w)
		},
		"ResponseController.Flush": func(w http.ResponseWriter, r *http.Request) {
			keepAlive(w)
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("Flush: %v", err)
			}
			io.WriteString(w, "ok")
		},
		"ServeFile (sendfile)": func(w http.ResponseWriter, r *http.Request) {
			keepAlive(w)
			http.ServeFile(w, r, file)
		},
	}
	p := newProcess()
	p.startLingering()
	for name, h := range handlers {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(drainHandlerOf(p, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// Nothing net/http's writer offers is hidden.
				_, f := w.(http.Flusher)
				_, hj := w.(http.Hijacker)
				_, rf := w.(io.ReaderFrom)
				if !f || !hj || !rf {
					t.Errorf("the writer hides Flusher %v, Hijacker %v, ReaderFrom %v", f, hj, rf)
				}
				if err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
					t.Errorf("ResponseController.SetWriteDeadline: %v", err)
				}
				h(w, r)
			})))
			defer srv.Close()
			resp, err := srv.Client().Post(srv.URL, "text/plain", strings.NewReader("x"))
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if !resp.Close {
				t.Errorf("while draining, the response keeps its connection (Connection: %q)", resp.Header.Get("Connection"))
			}
		})
	}
}

func TestDrainHandlerKeepsHijack(t *testing.T) {
	p := newProcess()
	p.startLingering()
	srv := httptest.NewServer(drainHandlerOf(p, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		defer c.Close()
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		buf.Flush()
	})))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "ok" {
		t.Errorf("hijacked response %q", b)
	}
}
