package graceful

import (
	"net"
	"net/http"
	"sync"
)

// ServerServeWith runs serve, a function of another package that serves srv
// itself (a framework's start: echo's StartServer, exporter-toolkit's
// ServeMultiple), as if srv were served by ServerServe: srv gets the default
// timeouts it lacks, the runtime follows its connections (srv.ConnState,
// chained before the app's hook), the drain shuts it down, and the app's own
// srv.Shutdown is seen. It returns what serve returns, after the drain when
// the drain ended it (never, like the other serving functions, when the
// runtime exits the process itself).
//
// The sockets serve uses must come from Listen (or ListenConfig, ListenTCP,
// ListenUnix) to be handed to the next process: hand them to the framework
// (echo's Echo.Listener, a listener parameter) before calling this. A
// handler that serve sets on srv before serving (echo's, exporter-toolkit's)
// is wrapped for the drain as ServerServe's is, when the first connection
// arrives.
func ServerServeWith(srv *http.Server, serve func() error) error {
	p := ensure()
	return p.serveWith(srv, p.keepDrainHandler(srv, serve), nil)
}

// keepDrainHandler returns serve, with srv's handler wrapped again for the
// drain if serve replaced it before serving (echo v4's configureServer sets
// s.Handler = e; exporter-toolkit wraps it): without the wrap, responses
// during the drain's linger keep their connections alive, and a client
// sending on one as Shutdown closes it loses its request (seen in the e2e
// test of echo v4: 1 of 1,563). The handler is checked once, when the
// first connection arrives: net/http reports StateNew from its accept loop
// before it starts the goroutine that reads srv.Handler, so the write
// happens before every read.
func (p *process) keepDrainHandler(srv *http.Server, serve func() error) func() error {
	return func() error {
		var once sync.Once
		next := srv.ConnState
		srv.ConnState = func(c net.Conn, s http.ConnState) {
			if s == http.StateNew {
				once.Do(func() {
					p.mu.Lock()
					defer p.mu.Unlock()
					p.wrapHandlerLocked(srv)
				})
			}
			if next != nil {
				next(c, s)
			}
		}
		return serve()
	}
}

// serveWith is the body of every HTTP serving function: serve serves srv
// until the server is closed or the process has drained. abandon, if not
// nil, closes the listener serve would have served when the process is
// draining already.
func (p *process) serveWith(srv *http.Server, serve func() error, abandon func() error) error {
	p.applyTimeouts(srv)
	if !p.enterServe(srv) {
		if abandon != nil {
			abandon()
		}
		return p.afterDrain()
	}
	err := serve()
	p.leaveServe(srv)
	if err == http.ErrServerClosed {
		// The app shut the server down: maybe on the same stop signal the
		// runtime is receiving now. Never return before that drain.
		p.awaitStop()
	}
	if p.draining() {
		return p.afterDrain()
	}
	return err
}
