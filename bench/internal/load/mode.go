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
	numModes
)

// Modes lists every mode in table order.
var Modes = []Mode{KeepAliveGET, KeepAlivePOST, NewConnGET}

func (m Mode) String() string {
	switch m {
	case KeepAliveGET:
		return "keep-alive GET"
	case KeepAlivePOST:
		return "keep-alive POST"
	case NewConnGET:
		return "new conn GET"
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
	return &http.Client{Transport: tr, Timeout: timeout}
}

// request builds one request of the mode for url.
func (m Mode) request(ctx context.Context, url string) (*http.Request, error) {
	if m == KeepAlivePOST {
		return http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(postBody))
	}
	return http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
}
