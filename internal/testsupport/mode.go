package testsupport

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Mode is how a client sends requests: method, and how it uses connections.
type Mode int

// The client modes. The first four are the benchmark's, in its table order.
//
// Go's Transport silently retries an idempotent request that fails on a
// reused keep-alive connection: KeepAliveGET shows what a typical Go client
// sees. The POST modes send a body that cannot be replayed, so their requests
// are never retried (Run sets no GetBody); the new-connection modes open a
// fresh connection per request. The HTTP/2 modes send POSTs as concurrent
// streams over shared connections; a stream the server refused unprocessed
// (above the last stream id of its GOAWAY, or REFUSED_STREAM) is sent again,
// as RFC 9113 allows and browsers do, and counted in Result.Retried, never
// hidden; any other failure fails.
const (
	KeepAliveGET  Mode = iota // GET on reused connections (Go may retry these silently)
	KeepAlivePOST             // POST on reused connections, never retried
	NewConnGET                // GET on a new connection per request
	H2C                       // POST streams over unencrypted HTTP/2 with prior knowledge
	NewConnPOST               // POST on a new connection per request
	H2                        // POST streams over HTTP/2 over TLS (ALPN h2)
	NumModes
)

var modeNames = [NumModes]struct{ long, flag string }{
	KeepAliveGET:  {"keep-alive GET", "keepalive-get"},
	KeepAlivePOST: {"keep-alive POST", "keepalive"},
	NewConnGET:    {"new conn GET", "newconn-get"},
	H2C:           {"HTTP/2 POST", "h2c"},
	NewConnPOST:   {"new conn POST", "newconn"},
	H2:            {"HTTP/2 TLS POST", "h2"},
}

func (m Mode) String() string {
	if m < 0 || m >= NumModes {
		return fmt.Sprintf("Mode(%d)", int(m))
	}
	return modeNames[m].long
}

// Flag is the mode's short name, as commands take it ("keepalive",
// "newconn", "h2", "h2c", "keepalive-get", "newconn-get").
func (m Mode) Flag() string {
	if m < 0 || m >= NumModes {
		return m.String()
	}
	return modeNames[m].flag
}

// ParseMode returns the mode of a short name (see Flag).
func ParseMode(name string) (Mode, error) {
	for m, n := range modeNames {
		if n.flag == name {
			return Mode(m), nil
		}
	}
	return 0, fmt.Errorf("unknown client mode %q (keepalive, newconn, h2, h2c, keepalive-get, newconn-get)", name)
}

// HTTP2 reports whether the mode speaks HTTP/2.
func (m Mode) HTTP2() bool { return m == H2 || m == H2C }

// post reports whether the mode sends POST requests with a body.
func (m Mode) post() bool { return m != KeepAliveGET && m != NewConnGET }

// newConn reports whether the mode opens a connection per request.
func (m Mode) newConn() bool { return m == NewConnGET || m == NewConnPOST }

// Target is where requests go.
type Target struct {
	Network string // "tcp" or "unix"
	Address string // host:port, or the socket path
	Path    string // request path, e.g. "/work"; "/" when empty
	// TLS, if set, makes the requests HTTPS with this client
	// configuration. Mode H2 implies TLS: without it, InsecureTLS.
	TLS *tls.Config
}

// InsecureTLS returns a client TLS configuration that does not verify the
// server's certificate: for loopback test servers only.
func InsecureTLS() *tls.Config { return &tls.Config{InsecureSkipVerify: true} }

// ParseTarget returns the target of an http:// URL.
func ParseTarget(rawURL string) (Target, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return Target{}, fmt.Errorf("parse target: %w", err)
	}
	if u.Scheme != "http" || u.Host == "" {
		return Target{}, fmt.Errorf("parse target %q: want http://host:port/path", rawURL)
	}
	return Target{Network: "tcp", Address: u.Host, Path: u.RequestURI()}, nil
}

// URL returns the URL of path (the target's Path when empty) as mode m
// requests it.
func (t Target) URL(m Mode, path string) string {
	scheme, host := "http", t.Address
	if m == H2 || t.TLS != nil && m != H2C {
		scheme = "https"
	}
	if t.Network == "unix" {
		host = "unix"
	}
	if path == "" {
		path = t.Path
	}
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// NewClient returns a client for t that uses connections as mode m says,
// keeping up to conns idle connections, each request bounded by timeout
// (30 s when 0).
func NewClient(t Target, m Mode, conns int, timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, t.Network, t.Address)
		},
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		DisableKeepAlives:   m.newConn(),
		DisableCompression:  true,
	}
	switch {
	case m == H2C:
		// HTTP/2 only, unencrypted with prior knowledge.
		tr.Protocols = new(http.Protocols)
		tr.Protocols.SetUnencryptedHTTP2(true)
	case m == H2:
		// HTTP/2 only, over TLS with ALPN h2: no fallback to HTTP/1.
		cfg := t.TLS
		if cfg == nil {
			cfg = InsecureTLS()
		}
		tr.Protocols = new(http.Protocols)
		tr.Protocols.SetHTTP2(true)
		tr.TLSClientConfig = cfg.Clone()
		tr.TLSClientConfig.NextProtos = []string{"h2"}
	case t.TLS != nil:
		// HTTP/1.1 over TLS: an empty TLSNextProto keeps HTTP/2 off.
		tr.TLSClientConfig = t.TLS.Clone()
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}
