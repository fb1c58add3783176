package load

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"
)

// Mode is one way of sending requests.
type Mode int

// The client modes, in table order.
const (
	KeepAliveGET  Mode = iota // GET on reused connections (Go may retry these silently)
	KeepAlivePOST             // POST with a body on reused connections (never retried once written)
	NewConnGET                // GET on a new connection per request
	// H2C is POST with a body as concurrent streams of HTTP/2 over
	// unencrypted TCP with prior knowledge (h2c), all workers of the mode
	// sharing the connections the Transport keeps. The server must accept
	// h2c (http.Server.Protocols with UnencryptedHTTP2). A stream the server
	// refused unprocessed (above the last stream id of its GOAWAY, or
	// REFUSED_STREAM) is sent again, as RFC 9113 allows, and counted in
	// Result.Retried, never hidden; any other failure fails.
	H2C
	numModes
)

// Modes lists every mode in table order.
var Modes = []Mode{KeepAliveGET, KeepAlivePOST, NewConnGET, H2C}

// HTTP1Modes are the modes that speak HTTP/1.1 only, which any server
// accepts.
var HTTP1Modes = []Mode{KeepAliveGET, KeepAlivePOST, NewConnGET}

func (m Mode) String() string {
	switch m {
	case KeepAliveGET:
		return "keep-alive GET"
	case KeepAlivePOST:
		return "keep-alive POST"
	case NewConnGET:
		return "new conn GET"
	case H2C:
		return "HTTP/2 POST"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// postBody is what POST requests carry, so the server has a body to read.
var postBody = bytes.Repeat([]byte("x"), 512)

// client returns the HTTP client of a mode, sized for workers concurrent
// requests and bounded by timeout per request.
func (m Mode) client(workers int, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		MaxIdleConns:        workers,
		MaxIdleConnsPerHost: workers,
		DisableKeepAlives:   m == NewConnGET,
	}
	if m == H2C {
		// HTTP/2 only, unencrypted with prior knowledge: Go 1.24's
		// Transport.Protocols, no golang.org/x/net.
		tr.Protocols = new(http.Protocols)
		tr.Protocols.SetUnencryptedHTTP2(true)
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}

// request builds one request of the mode for url.
func (m Mode) request(ctx context.Context, url string) (*http.Request, error) {
	if m == KeepAlivePOST || m == H2C {
		return http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(postBody))
	}
	return http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
}
