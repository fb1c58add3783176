package graceful

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Exclusive handover. The old process stops accepting as soon as the new one
// has taken every socket it inherited and its start-up is over (it writes
// 'A' on the readiness pipe), not only once the new one has settled ('R'):
// from then on the new process alone accepts new connections. Its start-up
// is over when its main goroutine blocks in a serving call, or when it has
// gone on for a moment (takenQuiet; longer after a listener failed to
// open) without opening another listener or starting another server, its
// main goroutine blocked at the end of it (takeOverWhenQuiet); never
// while a Listen call is under way. Until that moment the new process accepts nothing, so that
// one that fails right after it took its sockets (a second address it
// cannot bind) dies with no connection of anyone's in its hands. The old one does not close its sockets for
// that: its accept loops wait on them, and the connections the new process
// has not accepted yet wait in the kernel's backlog of the shared socket. If
// the new process dies before it settles, the old one accepts again from the
// same sockets and refuses nothing; once the new one is ready, the drain
// closes them as before.
//
// Only the accept loops the runtime runs can wait so: the serving functions
// (ServerServe, ListenAndServe, ...) and ServeStopper give their server the
// listener through acceptLoop. A socket served by an accept loop of the
// program's own (or through ServerServeWith, whose framework calls Accept
// itself) keeps accepting until the new process is ready, as before.

// msgTaken is written by a new process on the readiness pipe once it has
// every socket it inherited; msgReady ('R', or any other byte from an older
// runtime) once it is ready.
const msgTaken = 'A'

// What a supervisor writes to its serving child on the readiness socket,
// which the child keeps open once ready (supervisor_unix.go): stop
// accepting (the new child has every socket), accept again (the new child
// failed before it was ready), retire (the new child is ready).
const (
	msgHold   = 'H'
	msgResume = 'G'
	msgRetire = 'T'
)

// deadliner is a listener whose Accept a deadline wakes: *net.TCPListener
// and *net.UnixListener.
type deadliner interface {
	SetDeadline(time.Time) error
}

// acceptHold is the state of a socket's accept loops while the new process
// of a restart accepts alone.
type acceptHold struct {
	mu    sync.Mutex
	loops int           // accept loops of the runtime on the socket
	held  bool          // the accept loops wait
	wake  chan struct{} // closed when they may accept again
	gen   atomic.Uint64 // counts holds and releases, so that a loop woken by either retries
}

// hold makes the runtime's accept loops on l stop accepting, leaving the
// socket open. It reports whether it did: a socket without a runtime
// accept loop, or whose listener has no deadline, keeps accepting.
func (l *gracefulListener) hold() bool {
	d, ok := l.Listener.(deadliner)
	if !ok {
		return false
	}
	h := &l.accepts
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held || h.loops == 0 {
		return h.held
	}
	h.held = true
	h.wake = make(chan struct{})
	h.gen.Add(1)
	// A deadline in the past wakes an Accept under way at once.
	d.SetDeadline(time.Unix(1, 0))
	return true
}

// release lets the accept loops on l accept again (or, once l is closed,
// see that it is).
func (l *gracefulListener) release() {
	h := &l.accepts
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.held {
		return
	}
	if d, ok := l.Listener.(deadliner); ok {
		d.SetDeadline(time.Time{})
	}
	h.held = false
	// An Accept that the hold's deadline woke may reach waitHeld only now:
	// the count tells it the failure was the hold's.
	h.gen.Add(1)
	close(h.wake)
}

// waitHeld is called by an accept loop whose Accept failed with err; it
// reports whether the loop should call Accept again: the failure was the
// runtime's hold (it returns once the hold ends), or a hold began or ended
// while Accept ran (gen is the count of holds and releases before Accept).
func (l *gracefulListener) waitHeld(err error, gen uint64) bool {
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		return false
	}
	h := &l.accepts
	h.mu.Lock()
	if h.held {
		wake := h.wake
		h.mu.Unlock()
		<-wake
		return true
	}
	retry := h.gen.Load() != gen
	h.mu.Unlock()
	return retry
}

// acceptLoop is the listener a serving function hands its server: the
// listener the program passed (the OS listener, or a TLS listener layered on
// it), whose Accept waits, instead of failing, while the socket is held.
// Connections are returned exactly as the program's listener returns them.
type acceptLoop struct {
	net.Listener
	gl *gracefulListener
}

// serveThrough returns the listener to serve ln, the program's listener for
// the socket l, through, and a function to call once the serving ends.
func (l *gracefulListener) serveThrough(ln net.Listener) (net.Listener, func()) {
	return l.serveThroughFrom(ln, onMainGoroutine)
}

// serveThroughFrom is serveThrough, where onMain tells whether the caller
// is the program's main goroutine.
func (l *gracefulListener) serveThroughFrom(ln net.Listener, onMain func() bool) (net.Listener, func()) {
	h := &l.accepts
	h.mu.Lock()
	h.loops++
	h.mu.Unlock()
	// A new process accepts nothing until its start-up has been quiet for
	// takenQuiet (see noteProgressLocked), or its main goroutine serves.
	l.p.mu.Lock()
	held := l.p.startHeld
	if held {
		l.hold()
	}
	l.p.mu.Unlock()
	if held && onMain() {
		l.p.mainServes()
	}
	return &acceptLoop{Listener: ln, gl: l}, func() {
		h.mu.Lock()
		h.loops--
		h.mu.Unlock()
	}
}

func (a *acceptLoop) Accept() (net.Conn, error) {
	for {
		gen := a.gl.accepts.gen.Load()
		c, err := a.Listener.Accept()
		if err == nil || !a.gl.waitHeld(err, gen) {
			return c, err
		}
	}
}

// Close closes the program's listener and wakes an Accept that waits, so
// that it sees the listener closed.
func (a *acceptLoop) Close() error {
	err := a.Listener.Close()
	a.gl.release()
	return err
}

// unwrapListener returns the program's listener behind l.
func unwrapListener(l net.Listener) net.Listener {
	if a, ok := l.(*acceptLoop); ok {
		return a.Listener
	}
	return l
}

// baseContexts records the servers whose BaseContext hook sees the
// program's listener rather than the runtime's acceptLoop.
var baseContexts sync.Map // *http.Server -> struct{}

// chainBaseContext makes srv's BaseContext hook, if it has one, see the
// listener the program passed, not the acceptLoop around it. Once per
// server.
func chainBaseContext(srv *http.Server) {
	if _, loaded := baseContexts.LoadOrStore(srv, struct{}{}); loaded || srv.BaseContext == nil {
		return
	}
	app := srv.BaseContext
	srv.BaseContext = func(l net.Listener) context.Context { return app(unwrapListener(l)) }
}

// holdAccepts stops the runtime's accept loops on every socket; the new
// process of a restart has them all. It returns how many sockets it held.
func (p *process) holdAccepts() int {
	n := 0
	for _, l := range p.openListeners() {
		if l.hold() {
			n++
		}
	}
	return n
}

// releaseAccepts makes every held socket accept again: the new process
// failed before it was ready.
func (p *process) releaseAccepts() {
	p.mu.Lock()
	ls := append([]*gracefulListener(nil), p.listeners...)
	p.mu.Unlock()
	for _, l := range ls {
		l.release()
	}
}

// takenQuiet is how long the start-up of a new process must go on without
// opening another listener or starting another server, once it has every
// socket it inherited, before it accepts and the old process stops. A
// listener that fails to open in that time holds it off for failedQuiet:
// the program that fails right after its first listener (a second address
// it cannot bind, then log.Fatal) dies without having accepted anything.
const (
	takenQuiet  = 2 * time.Millisecond
	failedQuiet = readySettle
)

// noteProgressLocked restarts the quiet moment of a new process that has not
// taken over yet; called whenever a listener is registered or starts
// serving.
func (p *process) noteProgressLocked() {
	if !p.startHeld {
		return
	}
	if p.quiet == nil {
		p.quiet = time.AfterFunc(takenQuiet, p.takeOverWhenQuiet)
		return
	}
	p.quiet.Reset(takenQuiet)
}

// listenStarts holds off the take-over of a new process while one of its
// Listen calls is under way; listenEnds ends that, holding it off for
// failedQuiet when the listener failed to open (the program is likely to
// exit) and for takenQuiet otherwise.
func (p *process) listenStarts() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.listening++
}

func (p *process) listenEnds(failed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.listening--
	if p.startHeld && p.quiet != nil {
		if failed {
			p.quiet.Reset(failedQuiet)
		} else {
			p.quiet.Reset(takenQuiet)
		}
	}
}

// mainServes is called as the main goroutine of a new process is about to
// block in a serving call: it can open no other listener, so its start-up
// is over and the quiet moment need not be waited out (the program's
// sequential start-up is where a second Listen that fails comes, and a
// Listen under way in another goroutine still holds the take-over off).
// Goroutines the program started just before get the processor first, so
// that one on its way to a Listen is under way by then.
func (p *process) mainServes() {
	runtime.Gosched()
	p.takeOver()
}

// onMainGoroutine reports whether it runs on the program's main goroutine:
// goroutine 1, which the first line of its stack trace names.
func onMainGoroutine() bool {
	var buf [len("goroutine 1 [")]byte
	n := runtime.Stack(buf[:], false)
	return string(buf[:n]) == "goroutine 1 ["
}

// takeOverWhenQuiet is takeOver for the quiet moment's timer. A main
// goroutine that is running, waiting for a processor or in a system call
// is start-up code under way, not a quiet moment (on a loaded machine the
// few instructions between two Listens can outlast takenQuiet, and a
// process that then fails its second Listen would die with connections it
// accepted): the moment is waited for again. Readiness ends the hold in
// any case (becomeReady).
func (p *process) takeOverWhenQuiet() {
	if p.cannotTakeOver() {
		return // the cheap checks first: a stack dump stops the world
	}
	if mainGoroutineBusy() {
		p.mu.Lock()
		if p.startHeld && p.quiet != nil {
			p.quiet.Reset(takenQuiet)
		}
		p.mu.Unlock()
		return
	}
	p.takeOver()
}

// mainGoroutineBusy reports whether goroutine 1 is running, runnable or in
// a system call, by the header of its stack trace. Not found (a trace
// larger than the buffer), it counts as not busy.
func mainGoroutineBusy() bool {
	buf := make([]byte, 64<<10)
	buf = buf[:runtime.Stack(buf, true)]
	// Not the first trace: that is the calling goroutine's.
	_, state, found := bytes.Cut(buf, []byte("\n\ngoroutine 1 ["))
	if !found {
		return false
	}
	for _, busy := range []string{"running", "runnable", "syscall"} {
		if bytes.HasPrefix(state, []byte(busy)) {
			return true
		}
	}
	return false
}

// takeOver ends the start-up hold of a new process that has every socket
// it inherited: its accept loops start, and the old process is told to stop
// accepting. A process that has not asked for every socket yet waits for
// its next listener (or its readiness, see becomeReady).
func (p *process) takeOver() {
	if p.cannotTakeOver() {
		return // listenEnds or the next listener sets the timer again
	}
	p.endStartHold()
	p.in.reportTaken()
}

// cannotTakeOver reports whether the process must wait to take over: a
// Listen is under way, or an inherited socket is not adopted yet.
func (p *process) cannotTakeOver() bool {
	p.mu.Lock()
	listening := p.listening > 0
	p.mu.Unlock()
	return listening || !p.in.allAdopted()
}

// endStartHold lets the accept loops of a new process accept.
func (p *process) endStartHold() {
	p.mu.Lock()
	held := p.startHeld
	p.startHeld = false
	p.mu.Unlock()
	if held {
		p.releaseAccepts()
	}
}
