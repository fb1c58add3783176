package graceful

import (
	"net"
	"reflect"
)

// GracefulStopper is a server of another protocol that can stop gracefully,
// such as *grpc.Server: Serve serves a listener until the server stops,
// GracefulStop stops accepting, lets what is in flight finish and returns
// when it has, and Stop ends everything at once.
type GracefulStopper interface {
	Serve(net.Listener) error
	stoppable
}

// stoppable is what the drain calls on a server of another protocol.
type stoppable interface {
	GracefulStop()
	Stop()
}

// ServeStopper is s.Serve(l) through the runtime: l (from Listen, or any
// listener with a descriptor) is handed to the next process on restart, and
// when the process drains, the runtime calls s.GracefulStop (which closes
// l) and waits for it, calling s.Stop at the drain deadline. It returns what
// s.Serve returns, once the drain has ended, as the HTTP serving functions
// do (and never, like them, when the runtime exits the process itself). s
// should be a pointer, as *grpc.Server is, so that the runtime stops it once
// however many listeners it serves.
func ServeStopper(s GracefulStopper, l net.Listener) error {
	return ensure().serveStopper(s, l)
}

func (p *process) serveStopper(s GracefulStopper, l net.Listener) error {
	p.mu.Lock()
	draining := p.phase == phaseDraining
	p.mu.Unlock()
	if draining {
		l.Close()
		return p.afterStopper(nil)
	}
	al, done := p.serving(l, s).serveThrough(l)
	err := s.Serve(al)
	done()
	if p.draining() {
		return p.afterStopper(err)
	}
	return err
}

// afterStopper waits for the drain to end and returns err, or never returns
// when the runtime exits the process once drained. Every serving function
// ends this way once the process drains.
func (p *process) afterStopper(err error) error {
	<-p.drainDone
	p.mu.Lock()
	exiting := p.exiting
	p.mu.Unlock()
	if exiting {
		select {}
	}
	return err
}

// stopGracefully starts s.GracefulStop, once per server, and tracks it until
// it returns, so that the drain waits for it and calls s.Stop at the
// deadline.
func (p *process) stopGracefully(s stoppable) {
	st := &stopping{s: s, done: make(chan struct{})}
	if reflect.TypeOf(s).Comparable() {
		p.mu.Lock()
		if p.stoppers == nil {
			p.stoppers = map[stoppable]bool{}
		}
		seen := p.stoppers[s]
		p.stoppers[s] = true
		p.mu.Unlock()
		if seen {
			return
		}
	}
	p.conns.add(st)
	logEvent("stopping server gracefully", "server", reflect.TypeOf(s).String())
	go func() {
		s.GracefulStop()
		close(st.done)
		p.conns.remove(st)
	}()
}

// stopping is a server stopping gracefully, as the tracker sees it.
type stopping struct {
	s    stoppable
	done chan struct{} // closed when GracefulStop returned
}

// close stops the server at once: the drain deadline has passed.
func (st *stopping) close() { st.s.Stop() }

// ServeListener is serve(l) through the runtime, for a server of another
// protocol whose type has no GracefulStopper methods (the code gracefulgen
// generates for a miekg/dns server): as ServeStopper, with gracefulStop
// and stop for the server's GracefulStop and Stop. serve gets the listener
// to serve, which waits, rather than fails, while a restart's new process
// accepts alone.
func ServeListener(l net.Listener, serve func(net.Listener) error, gracefulStop, stop func()) error {
	return ensure().serveStopper(&funcStopper{serve, gracefulStop, stop}, l)
}

// funcStopper is a GracefulStopper made of functions. It is used by
// pointer, so that each is a server of its own to stopGracefully.
type funcStopper struct {
	serve              func(net.Listener) error
	gracefulStop, stop func()
}

func (s *funcStopper) Serve(l net.Listener) error { return s.serve(l) }
func (s *funcStopper) GracefulStop()              { s.gracefulStop() }
func (s *funcStopper) Stop()                      { s.stop() }
