package graceful

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// serve runs srv on l until the server is closed or the process has drained.
// It is the body of every serving function of the API. serveTLS is nil for
// plain HTTP; the TLS serving functions pass srv.ServeTLS with their files,
// so that a program that never serves TLS does not link net/http's TLS
// server (the TLS handshake, certificate parsing, RSA and ECDSA signing:
// 540 KiB; TestRuntimeAddsLittleCode).
func serve(srv *http.Server, l net.Listener, serveTLS func(*http.Server, net.Listener) error) error {
	return ensure().serve(srv, l, serveTLS)
}

func (p *process) serve(srv *http.Server, l net.Listener, serveTLS func(*http.Server, net.Listener) error) error {
	gl := p.serving(l, nil)
	chainBaseContext(srv)
	if serveTLS == nil && sameListener(l, gl.Listener) && !servesH2C(srv) {
		// Plain HTTP/1 on the runtime's listener: the default timeouts
		// cost nothing per request (sweep.go).
		p.conns.sweep.adopt(srv, p.config())
	}
	return p.serveWith(srv, func() error {
		// The accept loop stops while the new process of a restart takes
		// over (handover.go).
		al, done := gl.serveThrough(l)
		defer done()
		if serveTLS != nil {
			return serveTLS(srv, al)
		}
		return srv.Serve(al)
	}, gl.Close)
}

// applyTimeouts gives srv the default timeouts where it has none. A server
// with a ReadTimeout already bounds headers and idle time with it; a value
// the app set is never changed; there is no default WriteTimeout, which
// would cut streaming responses.
func applyTimeouts(srv *http.Server, cfg Config) {
	if srv.ReadHeaderTimeout == 0 && srv.ReadTimeout == 0 {
		srv.ReadHeaderTimeout = cfg.ReadHeaderTimeout
	}
	if srv.IdleTimeout == 0 && srv.ReadTimeout == 0 {
		srv.IdleTimeout = cfg.IdleTimeout
	}
}

// applyTimeouts gives srv the default timeouts it lacks, unless the
// sweeper enforces them.
func (p *process) applyTimeouts(srv *http.Server) {
	if !p.conns.sweep.swept(srv) {
		applyTimeouts(srv, p.config())
	}
}

// enterServe counts a Serve loop of srv; it returns false when the process
// is draining already.
func (p *process) enterServe(srv *http.Server) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.phase == phaseDraining {
		return false
	}
	p.wrapHandlerLocked(srv)
	appShutdowns.watch(srv)
	p.conns.hook(srv)
	p.servers[srv]++
	p.loops.add()
	return true
}

func (p *process) leaveServe(srv *http.Server) {
	p.mu.Lock()
	if p.servers[srv]--; p.servers[srv] == 0 {
		delete(p.servers, srv)
	}
	p.mu.Unlock()
	p.loops.done()
}

// stopGrace is how long a Serve call that the app shut down waits for the
// runtime to start draining on the same signal before it returns.
const stopGrace = 250 * time.Millisecond

// awaitStop waits up to stopGrace for the process to start stopping.
func (p *process) awaitStop() {
	t := time.NewTimer(stopGrace)
	defer t.Stop()
	select {
	case <-p.stopping:
	case <-t.C:
	}
}

// serverList returns the servers with a running Serve loop.
func (p *process) serverList() []*http.Server {
	p.mu.Lock()
	defer p.mu.Unlock()
	list := make([]*http.Server, 0, len(p.servers))
	for s := range p.servers {
		list = append(list, s)
	}
	return list
}

// afterDrain waits for the drain to end, then returns http.ErrServerClosed
// as net/http does, or, when the runtime exits the process itself, never
// returns: a program that treats any return as fatal must not cut the drain.
func (p *process) afterDrain() error {
	return p.afterStopper(http.ErrServerClosed)
}

// drainHandler wraps a server's handler so that, while the process drains,
// every HTTP/1 response closes its connection, whatever header the handler
// sets: net/http decides from the "Connection" header as it is when the
// response header is written, so the handler's own "Connection: keep-alive"
// would otherwise keep its client on the draining process.
//
// Each handler keeps its own copy of the process's lingering flag, set by
// startLingering: a request then reads one word beside the handler it
// calls anyway, not the process struct, which nothing else of a request
// touches (memory a request reads for the runtime alone is what its cost
// per request came to on a loaded server: issue 12, and sweepHot).
type drainHandler struct {
	h         http.Handler
	lingering atomic.Bool
}

// wrapHandlerLocked makes srv's handler a drainHandler, unless it is one
// already, and registers it for startLingering; it lingers from the start
// if the drain's linger has begun. p.mu is held, so that startLingering
// sees the handler or the handler sees the flag. The registration stays
// after srv's Serve loops end (the drain ends them before the linger, and
// their connections are still served): one entry per server ever served,
// as the tracker's hooks and the shutdown watch keep.
func (p *process) wrapHandlerLocked(srv *http.Server) {
	d, ok := srv.Handler.(*drainHandler)
	if !ok {
		d = &drainHandler{h: srv.Handler}
		srv.Handler = d
	}
	if p.lingering {
		d.lingering.Store(true)
	}
	p.drainers[srv] = d
}

// startLingering makes every response of every served server close its
// connection, from now on (step 3 of the drain).
func (p *process) startLingering() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lingering = true
	for _, d := range p.drainers {
		d.lingering.Store(true)
	}
}

func (d *drainHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d.lingering.Load() {
		switch r.ProtoMajor {
		case 1:
			w.Header().Set("Connection", "close")
			if cw := newClosingWriter(w); cw != nil {
				d.serve(cw, r)
				cw.closeConnection() // a response the handler did not write
				return
			}
		case 2:
			// net/http's HTTP/2 server drops the header and sends GOAWAY:
			// the client opens its next streams elsewhere, instead of
			// holding the connection busy until the linger's end.
			w.Header().Set("Connection", "close")
		}
	}
	d.serve(w, r)
}

func (d *drainHandler) serve(w http.ResponseWriter, r *http.Request) {
	h := d.h
	if h == nil {
		if r.RequestURI == "*" && r.Method == http.MethodOptions {
			// What net/http answers for "OPTIONS *" without a handler.
			w.Header().Set("Content-Length", "0")
			return
		}
		h = http.DefaultServeMux
	}
	h.ServeHTTP(w, r)
}

// appShutdowns records which servers have been shut down (Server.Shutdown).
// An app that handles its own stop shuts its servers down when its signal
// arrives: that is when the runtime drains (appShutdownCalled), so that the
// serving functions never return before the app asked them to, as with
// net/http. (Returning first would send a program that selects on "Serve
// returned" and "signal received" down its error path.)
var appShutdowns = &shutdownWatch{}

// shutdownWatch hooks Server.Shutdown of every served server, once.
type shutdownWatch struct {
	mu   sync.Mutex
	shut map[*http.Server]chan struct{} // closed when Shutdown was called
}

// watch registers a shutdown hook on srv unless it has one already.
func (w *shutdownWatch) watch(srv *http.Server) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.shut == nil {
		w.shut = map[*http.Server]chan struct{}{}
	}
	if _, ok := w.shut[srv]; ok {
		return
	}
	c := make(chan struct{})
	w.shut[srv] = c
	var once sync.Once
	srv.RegisterOnShutdown(func() {
		once.Do(func() {
			close(c)
			appShutdownCalled()
		})
	})
}

// responseWriter1 is what net/http's HTTP/1 response writer implements.
type responseWriter1 interface {
	http.ResponseWriter
	http.Flusher
	http.Hijacker
	http.CloseNotifier //nolint:staticcheck // handlers may still use it
	io.ReaderFrom
	io.StringWriter
	FlushError() error
}

// closingWriter is an HTTP/1 response writer during a drain: it sets
// "Connection: close" again right before the response header goes out, so
// that a handler cannot undo it. It implements every interface of the
// writer it wraps, and Unwrap for http.ResponseController, so it hides
// nothing from handlers.
type closingWriter struct {
	w       responseWriter1
	settled bool // the header went out, or the connection was hijacked
}

// newClosingWriter wraps w, or returns nil when w is not net/http's HTTP/1
// writer (then only the header set before the handler runs applies).
func newClosingWriter(w http.ResponseWriter) *closingWriter {
	if rw, ok := w.(responseWriter1); ok {
		return &closingWriter{w: rw}
	}
	return nil
}

func (c *closingWriter) closeConnection() {
	if !c.settled {
		c.w.Header().Set("Connection", "close")
	}
}

func (c *closingWriter) Header() http.Header { return c.w.Header() }

func (c *closingWriter) WriteHeader(code int) {
	c.closeConnection()
	if code >= 200 || code == http.StatusSwitchingProtocols {
		c.settled = true
	}
	c.w.WriteHeader(code)
}

func (c *closingWriter) Write(b []byte) (int, error) {
	c.closeConnection()
	c.settled = true
	return c.w.Write(b)
}

func (c *closingWriter) WriteString(s string) (int, error) {
	c.closeConnection()
	c.settled = true
	return c.w.WriteString(s)
}

// ReadFrom keeps net/http's sendfile path.
func (c *closingWriter) ReadFrom(r io.Reader) (int64, error) {
	c.closeConnection()
	c.settled = true
	return c.w.ReadFrom(r)
}

func (c *closingWriter) Flush() {
	c.closeConnection()
	c.settled = true
	c.w.Flush()
}

func (c *closingWriter) FlushError() error {
	c.closeConnection()
	c.settled = true
	return c.w.FlushError()
}

func (c *closingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c.settled = true
	return c.w.Hijack()
}

func (c *closingWriter) CloseNotify() <-chan bool { return c.w.CloseNotify() }

// Unwrap gives http.ResponseController the writer net/http made.
func (c *closingWriter) Unwrap() http.ResponseWriter { return c.w }
