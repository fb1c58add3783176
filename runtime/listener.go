package graceful

import (
	"io"
	"net"
	"sync"
	"syscall"
)

// gracefulListener is a listener the runtime knows: it is handed to the next
// process on restart, reports when it starts serving (readiness) and tracks
// every connection it accepts, so that a drain can close the ones that
// outlive it (hijacked connections included).
type gracefulListener struct {
	net.Listener
	name      socketName
	p         *process
	conns     *tracker
	inherited bool // adopted from the parent process
	served    bool // Accept was called; guarded by p.mu
	accepting sync.Once
	closing   sync.Once
	closeErr  error
}

// Accept waits for the next connection and returns it wrapped in a
// gracefulConn. Its first call marks the listener as served.
func (l *gracefulListener) Accept() (net.Conn, error) {
	l.accepting.Do(func() { l.p.served(l) })
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return l.conns.add(c), nil
}

// Close stops the listener; the process no longer hands it over.
func (l *gracefulListener) Close() error {
	l.closing.Do(func() {
		l.p.forget(l)
		l.closeErr = l.Listener.Close()
	})
	return l.closeErr
}

// keepSocketFile stops a unix listener from removing its socket file when it
// closes: after a handover the file belongs to the new process.
func (l *gracefulListener) keepSocketFile() {
	if ul, ok := l.Listener.(*net.UnixListener); ok {
		ul.SetUnlinkOnClose(false)
	}
}

// gracefulConn is an accepted connection tracked until it is closed, however
// often it is closed (net/http may close a connection twice).
type gracefulConn struct {
	net.Conn
	t    *tracker
	once sync.Once
}

// Close closes the connection and stops tracking it, exactly once.
func (c *gracefulConn) Close() error {
	c.once.Do(func() { c.t.remove(c) })
	return c.Conn.Close()
}

// ReadFrom keeps net/http's sendfile and splice path: it hands the copy to
// the wrapped connection when that can do it.
func (c *gracefulConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{c.Conn}, r)
}

// CloseWrite shuts down the writing side, as net/http does before it closes
// a connection whose request body it did not read.
func (c *gracefulConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// SyscallConn gives access to the underlying socket, for programs that set
// socket options on accepted connections.
func (c *gracefulConn) SyscallConn() (syscall.RawConn, error) {
	if sc, ok := c.Conn.(syscall.Conn); ok {
		return sc.SyscallConn()
	}
	return nil, syscall.EINVAL
}

// writerOnly hides every method but Write, so that io.Copy does not loop
// back into ReadFrom.
type writerOnly struct{ io.Writer }

// tracker holds the open accepted connections of a process.
type tracker struct {
	mu    sync.Mutex
	conns map[*gracefulConn]struct{}
	empty chan struct{} // closed while there is no connection
}

func newTracker() *tracker {
	t := &tracker{conns: map[*gracefulConn]struct{}{}, empty: make(chan struct{})}
	close(t.empty)
	return t
}

func (t *tracker) add(c net.Conn) *gracefulConn {
	gc := &gracefulConn{Conn: c, t: t}
	t.mu.Lock()
	if len(t.conns) == 0 {
		t.empty = make(chan struct{})
	}
	t.conns[gc] = struct{}{}
	t.mu.Unlock()
	return gc
}

func (t *tracker) remove(c *gracefulConn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.conns[c]; !ok {
		return
	}
	delete(t.conns, c)
	if len(t.conns) == 0 {
		close(t.empty)
	}
}

// idle returns a channel closed when no connection is open.
func (t *tracker) idle() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.empty
}

// count returns the number of open connections.
func (t *tracker) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.conns)
}

// closeAll closes every open connection and returns how many there were.
func (t *tracker) closeAll() int {
	t.mu.Lock()
	open := make([]*gracefulConn, 0, len(t.conns))
	for c := range t.conns {
		open = append(open, c)
	}
	t.mu.Unlock()
	for _, c := range open {
		c.Close()
	}
	return len(open)
}
