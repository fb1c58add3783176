package graceful

import "net/http"

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
// (echo's Echo.Listener, a listener parameter) before calling this. If serve
// replaces srv.Handler once it runs, responses during the drain's linger do
// not get "Connection: close" forced on them; the drain's Shutdown still
// ends idle keep-alive connections and waits for the busy ones.
func ServerServeWith(srv *http.Server, serve func() error) error {
	return ensure().serveWith(srv, serve, nil)
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
