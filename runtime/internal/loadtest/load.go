// Package loadtest loads an HTTP server over loopback with requests that a
// client cannot silently retry, and counts every failure by kind. The
// runtime's tests and the restartload command use it to prove that restarts
// lose no request.
package loadtest

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Mode is how a client uses connections.
type Mode string

const (
	// KeepAlive reuses connections, the way browsers and proxies do.
	KeepAlive Mode = "keepalive"
	// NewConn opens a new connection for every request.
	NewConn Mode = "newconn"
	// H2 sends concurrent streams over HTTP/2 over TLS (ALPN h2; the
	// server's certificate is not verified: loopback test servers only).
	// Needs Go 1.24 or later.
	H2 Mode = "h2"
	// H2C sends concurrent streams over unencrypted HTTP/2 with prior
	// knowledge. Needs Go 1.24 or later.
	H2C Mode = "h2c"
)

// Target is where the load goes.
type Target struct {
	Network string // "tcp" or "unix"
	Address string // host:port, or the socket path
	Path    string // request path, e.g. "/work"
	TLS     bool   // HTTPS (certificate not verified: loopback test servers); mode H2 implies it
}

// Load runs concurrent POST requests against a target until its context is
// done. POST requests with a body that cannot be replayed are never retried
// by net/http's Transport, so a request the server drops is counted.
type Load struct {
	Target      Target
	Mode        Mode
	Concurrency int
	Body        []byte

	requests atomic.Int64
	retried  atomic.Int64
	mu       sync.Mutex
	failures map[string]int64
	samples  map[string]string
}

// Result is what a load saw.
type Result struct {
	Mode     Mode
	Requests int64
	Retried  int64            // HTTP/2 streams the server refused unprocessed, sent again
	Failures map[string]int64 // by kind
	Samples  map[string]string
}

// Failed returns the number of failed requests.
func (r Result) Failed() int64 {
	var n int64
	for _, v := range r.Failures {
		n += v
	}
	return n
}

func (r Result) String() string {
	kinds := make([]string, 0, len(r.Failures))
	for k, v := range r.Failures {
		kinds = append(kinds, fmt.Sprintf("%s=%d (e.g. %s)", k, v, r.Samples[k]))
	}
	sort.Strings(kinds)
	retried := ""
	if r.Retried > 0 {
		retried = fmt.Sprintf(" (%d refused unprocessed by a GOAWAY and sent again)", r.Retried)
	}
	return fmt.Sprintf("%s: %d requests, %d failed %v%s", r.Mode, r.Requests, r.Failed(), kinds, retried)
}

// Run loads the target until ctx is done and returns what it saw.
func (l *Load) Run(ctx context.Context) Result {
	l.failures = map[string]int64{}
	l.samples = map[string]string{}
	client := NewClient(l.Target, l.Mode, l.Concurrency)
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	for i := 0; i < max(1, l.Concurrency); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				l.one(ctx, client)
			}
		}()
	}
	wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return Result{Mode: l.Mode, Requests: l.requests.Load(), Retried: l.retried.Load(), Failures: l.failures, Samples: l.samples}
}

func (l *Load) one(ctx context.Context, client *http.Client) {
	scheme := "http://"
	if l.Mode == H2 || l.Target.TLS && l.Mode != H2C {
		scheme = "https://"
	}
	url := scheme + hostOf(l.Target) + l.Target.Path
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(l.Body))
	if err != nil {
		l.fail("request", err)
		return
	}
	req.GetBody = nil // never replayable: a failure cannot hide behind a retry
	if l.Mode == H2 || l.Mode == H2C {
		// HTTP/2 retries only a stream the server refused unprocessed
		// (above the last stream id of its GOAWAY, or REFUSED_STREAM), as
		// RFC 9113 allows and browsers do; any other failure still fails.
		// Each such retry is counted, not hidden.
		req.GetBody = func() (io.ReadCloser, error) {
			l.retried.Add(1)
			return io.NopCloser(bytes.NewReader(l.Body)), nil
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return // the load ended; not the server's fault
		}
		l.fail(Kind(err), err)
		return
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch {
	case err != nil:
		l.fail("body "+Kind(err), err)
	case resp.StatusCode != http.StatusOK:
		l.fail(fmt.Sprintf("status %d", resp.StatusCode), errors.New(resp.Status))
	case (l.Mode == H2 || l.Mode == H2C) && resp.ProtoMajor != 2:
		l.fail("not HTTP/2", errors.New(resp.Proto))
	default:
		l.requests.Add(1)
		return
	}
}

func (l *Load) fail(kind string, err error) {
	l.requests.Add(1)
	l.mu.Lock()
	l.failures[kind]++
	if _, ok := l.samples[kind]; !ok {
		l.samples[kind] = err.Error()
	}
	l.mu.Unlock()
}

// NewClient returns a client for the target that uses connections as mode
// says.
func NewClient(t Target, mode Mode, conns int) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, t.Network, t.Address)
		},
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		DisableKeepAlives:   mode == NewConn,
		DisableCompression:  true,
	}
	switch {
	case mode == H2 || mode == H2C:
		// One connection carries every client's streams at once.
		http2Only(tr, mode == H2C)
	case t.TLS:
		// HTTP/1.1 over TLS: an empty TLSNextProto keeps HTTP/2 off.
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

func hostOf(t Target) string {
	if t.Network == "unix" {
		return "unix"
	}
	return t.Address
}

// Kind names the kind of a failure: refused, reset, eof, timeout or other.
func Kind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(err.Error(), "EOF"):
		return "eof"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "other"
}
