package graceful

import (
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// gracefulListener is the runtime's record of a listening socket: the
// socket is handed to the next process on restart under its name, and
// closed by the drain. The app holds the listener itself, exactly as
// net.Listen returned it (*net.TCPListener, *net.UnixListener): no wrapper
// type reaches it, so tls.NewListener, type assertions and SyscallConn all
// see what they expect.
type gracefulListener struct {
	Listener  net.Listener // the OS listener, the one the app holds
	name      socketName
	p         *process
	inherited bool            // adopted from the parent process
	served    bool            // counts for readiness; guarded by p.mu
	stopper   GracefulStopper // the server that serves it (ServeStopper), or nil; guarded by p.mu
	closing   sync.Once
	closeErr  error
	accepts   acceptHold // the runtime's accept loops on it (handover.go)
}

// Close stops the listener; the process no longer hands it over. A listener
// served through ServeStopper is closed by the server's GracefulStop, so
// that its Serve returns as after a stop and not with an accept error.
func (l *gracefulListener) Close() error {
	l.closing.Do(func() {
		l.p.forget(l)
		l.p.mu.Lock()
		s := l.stopper
		l.p.mu.Unlock()
		if s != nil {
			l.p.stopGracefully(s)
			return
		}
		l.closeErr = l.Listener.Close()
		l.release() // an accept loop held by a handover sees it closed
		// Connections an own accept loop took from it: the drain waits
		// for them too.
		if addr := l.Listener.Addr(); addr != nil {
			l.p.conns.trackAccepted(addr)
		}
	})
	return l.closeErr
}

// open reports whether the socket is still open: the app may have closed
// the listener itself, without the runtime seeing it.
func (l *gracefulListener) open() bool {
	sc, ok := l.Listener.(syscall.Conn)
	if !ok {
		return true
	}
	return connOpen(sc)
}

// keepSocketFile stops a unix listener from removing its socket file when it
// closes: after a handover the file belongs to the new process.
func (l *gracefulListener) keepSocketFile() {
	if ul, ok := l.Listener.(*net.UnixListener); ok {
		ul.SetUnlinkOnClose(false)
	}
}

// connOpen reports whether the descriptor behind c is still open. Control
// fails on a closed net.Conn or net.Listener without a system call; the
// descriptor number is never looked at, so a reused number cannot fool it.
func connOpen(c syscall.Conn) bool {
	rc, err := c.SyscallConn()
	if err != nil {
		return false
	}
	return rc.Control(func(uintptr) {}) == nil
}

// tracked is one thing a drain waits for: an accepted connection (until
// net/http or, for a hijacked one, its new owner closes it), or a server
// stopping gracefully (ServeStopper).
type tracked interface {
	// close ends it at once (the drain deadline).
	close()
}

// trackedConn is a connection net/http accepted, as the drain ends it.
type trackedConn struct {
	c net.Conn
}

func (t *trackedConn) close() {
	// The innermost connection: a *tls.Conn's Close would first try to send
	// an alert, and may block for seconds on a peer that does not read.
	rawConn(t.c).Close()
}

// ended reports whether a hijacked connection was closed by its owner, which
// net/http no longer reports through ConnState.
func (t *trackedConn) ended() bool {
	sc, ok := rawConn(t.c).(syscall.Conn)
	if !ok {
		return false // cannot tell: it is closed at the deadline
	}
	return !connOpen(sc)
}

// rawConn unwraps the connections that say what they wrap (*tls.Conn).
func rawConn(c net.Conn) net.Conn {
	for {
		u, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			return c
		}
		inner := u.NetConn()
		if inner == nil || inner == c {
			return c
		}
		c = inner
	}
}

// hijackPoll is how often the tracker looks whether hijacked connections
// have been closed.
const hijackPoll = 50 * time.Millisecond

// tracker holds the open accepted connections of a process, learnt from
// http.Server.ConnState, and the servers stopping gracefully.
type tracker struct {
	mu sync.Mutex
	// The connections net/http reported, and whether each was hijacked: a
	// value, not a record, so that tracking allocates nothing per
	// connection.
	conns   map[net.Conn]bool
	others  map[tracked]struct{}
	polling bool          // a goroutine watches hijacked connections
	empty   chan struct{} // closed once nothing is open; nil until idle asks for it
	hooked  map[*http.Server]bool
	sweep   sweeper // the default timeouts of some servers (sweep.go)
}

func newTracker() *tracker {
	t := &tracker{conns: map[net.Conn]bool{}, others: map[tracked]struct{}{}, hooked: map[*http.Server]bool{}}
	t.sweep.init()
	return t
}

// hook makes srv report its connections to the tracker, chained before the
// app's own ConnState hook, which still sees every state and the
// connection as net/http has it. It does so once per server.
func (t *tracker) hook(srv *http.Server) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.hooked[srv] {
		return
	}
	t.hooked[srv] = true
	app := srv.ConnState
	hot := t.sweep.hot
	srv.ConnState = func(c net.Conn, s http.ConnState) {
		switch s {
		case http.StateActive, http.StateIdle:
			// What every request reports: only the sweeper cares, and
			// only its hot block is read (sweepHot).
			hot.mark(c, sweepState(s))
		default:
			t.state(c, s)
			t.sweep.state(srv, c, s)
		}
		if app != nil {
			app(c, s)
		}
	}
}

// state records a connection state change.
func (t *tracker) state(c net.Conn, s http.ConnState) {
	switch s {
	case http.StateNew:
		t.addConn(c)
	case http.StateHijacked:
		t.mu.Lock()
		if _, ok := t.conns[c]; ok {
			t.conns[c] = true
			t.pollLocked()
		}
		t.mu.Unlock()
	case http.StateClosed:
		t.removeConn(c)
	}
}

func (t *tracker) addConn(c net.Conn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.conns[c] = false
}

func (t *tracker) removeConn(c net.Conn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.conns[c]; ok {
		delete(t.conns, c)
		t.idleLocked()
	}
}

// add tracks x until remove, or until the drain deadline closes it.
func (t *tracker) add(x tracked) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.others[x] = struct{}{}
}

func (t *tracker) remove(x tracked) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.others[x]; ok {
		delete(t.others, x)
		t.idleLocked()
	}
}

// idleLocked closes the channel idle returned once nothing is open.
func (t *tracker) idleLocked() {
	if len(t.conns)+len(t.others) == 0 && t.empty != nil {
		close(t.empty)
		t.empty = nil
	}
}

// trackAccepted tracks the connections accepted on the socket at addr that
// net/http does not report (own accept loops, other protocols), until
// their owner closes them.
func (t *tracker) trackAccepted(addr net.Addr) {
	t.mu.Lock()
	skip := map[int]bool{}
	for c := range t.conns {
		if fd := connFD(c); fd >= 0 {
			skip[fd] = true
		}
	}
	t.mu.Unlock()
	found := acceptedSockets(addr, skip)
	if len(found) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, a := range found {
		t.others[a] = struct{}{}
	}
	t.pollLocked()
	logEvent("waiting for connections of an own accept loop", "socket", addr.String(), "connections", len(found))
}

// pollable is a tracked thing whose end the tracker must look for.
type pollable interface {
	tracked
	ended() bool
}

// pollLocked starts the poller unless it runs.
func (t *tracker) pollLocked() {
	if !t.polling {
		t.polling = true
		go t.poll()
	}
}

// poll drops the hijacked connections (and those of own accept loops)
// their owner has closed, while any is tracked: net/http does not report
// those.
func (t *tracker) poll() {
	for {
		time.Sleep(hijackPoll)
		t.mu.Lock()
		var hijacked []*trackedConn
		for c, h := range t.conns {
			if h {
				hijacked = append(hijacked, &trackedConn{c: c})
			}
		}
		var others []pollable
		for x := range t.others {
			if p, ok := x.(pollable); ok {
				others = append(others, p)
			}
		}
		if len(hijacked)+len(others) == 0 {
			t.polling = false
			t.mu.Unlock()
			return
		}
		t.mu.Unlock()
		for _, tc := range hijacked {
			if tc.ended() {
				t.removeConn(tc.c)
			}
		}
		for _, x := range others {
			if x.ended() {
				t.remove(x)
			}
		}
	}
}

// idle returns a channel closed when nothing is open. It is made here, not
// as a connection opens, which then costs nothing.
func (t *tracker) idle() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.empty == nil {
		t.empty = make(chan struct{})
	}
	c := t.empty
	t.idleLocked() // closed at once if nothing is open
	return c
}

// count returns the number of open connections (and stopping servers).
func (t *tracker) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.conns) + len(t.others)
}

// closeAll closes every open connection (and stops every server still
// stopping) and returns how many there were.
func (t *tracker) closeAll() int {
	t.mu.Lock()
	open := make([]tracked, 0, len(t.conns)+len(t.others))
	for c := range t.conns {
		open = append(open, &trackedConn{c: c})
	}
	for x := range t.others {
		open = append(open, x)
	}
	n := len(open)
	if n > 0 {
		t.conns = map[net.Conn]bool{}
		t.others = map[tracked]struct{}{}
		t.idleLocked()
	}
	t.mu.Unlock()
	for _, x := range open {
		x.close()
	}
	return n
}
