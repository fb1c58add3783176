package graceful

import (
	"net"
	"net/http"
)

// serve runs srv on l until the server is closed or the process has drained.
// It is the body of every serving function of the API.
func serve(srv *http.Server, l net.Listener, tlsFiles []string) error {
	p := ensure()
	gl := p.wrap(l)
	applyTimeouts(srv, p.config())
	if !p.enterServe(srv) {
		gl.Close()
		return p.afterDrain()
	}
	var err error
	if tlsFiles != nil {
		err = srv.ServeTLS(gl, tlsFiles[0], tlsFiles[1])
	} else {
		err = srv.Serve(gl)
	}
	p.leaveServe(srv)
	if p.draining() {
		return p.afterDrain()
	}
	return err
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

// enterServe counts a Serve loop of srv; it returns false when the process
// is draining already.
func (p *process) enterServe(srv *http.Server) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.phase == phaseDraining {
		return false
	}
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
	<-p.drainDone
	p.mu.Lock()
	exiting := p.exiting
	p.mu.Unlock()
	if exiting {
		select {}
	}
	return http.ErrServerClosed
}
