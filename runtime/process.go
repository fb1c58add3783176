package graceful

import (
	"errors"
	"net"
	"net/http"
	"os"
	"reflect"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// phase is where the process stands in its life cycle. A process is idle
// (serving), restarting (one new process being started, at most), or
// draining (stopping; nothing else happens any more).
type phase int

const (
	phaseIdle phase = iota
	phaseRestarting
	phaseDraining
)

// errAborted ends a restart that a stop signal interrupted.
var errAborted = errors.New("restart aborted: the process is stopping")

// process is the runtime's state; there is one per process, theProcess.
type process struct {
	startOnce sync.Once
	started   time.Time // when the runtime initialised
	in        *inheritance
	exe       executable
	conns     *tracker
	loops     gate           // running Serve calls
	sigs      chan os.Signal // the restart signal
	stopSigs  chan os.Signal // SIGTERM and SIGINT, unless the program handles its stop
	opened    atomic.Bool    // a Listen or serving call turned the runtime on

	mu          sync.Mutex
	cfg         Config
	listeners   []*gracefulListener // open, in creation order
	packets     []*gracefulPacket   // datagram sockets, in creation order (packet.go)
	servers     map[*http.Server]int
	hooks       []func()
	stoppers    map[stoppable]bool             // servers told to stop gracefully
	drainers    map[*http.Server]*drainHandler // the handler of every server ever served
	lingering   bool                           // the drain's linger has begun (startLingering)
	restartSig  os.Signal
	stopWatched bool          // stopSigs receives SIGTERM and SIGINT
	stopsCaught chan struct{} // closed once the first watchStopSignals is done (signals.go)

	ready      bool
	readyTimer *time.Timer
	startHeld  bool        // a new process: accept loops wait for the quiet moment (handover.go)
	quiet      *time.Timer // that moment
	listening  int         // Listen calls under way
	settle     *time.Timer
	held       bool // a restart signal arrived before the process was ready
	queued     bool // a restart signal arrived during the restart under way
	successor  int  // the pid of the new process this one handed over to
	// unhandedLogged is the set of sockets not handed over that was last
	// logged (unhanded.go).
	unhandedLogged string

	phase       phase
	abort       chan struct{} // closed to abort the restart under way
	restartDone chan struct{} // closed when the restart under way has ended
	stopping    chan struct{} // closed when the drain begins
	drainDone   chan struct{} // closed when the drain has ended
	exiting     bool          // the runtime exits once drained
}

var theProcess = newProcess()

func newProcess() *process {
	in := inherit()
	return &process{
		started:   time.Now(),
		in:        in,
		startHeld: in.exclusive,
		conns:     newTracker(),
		servers:   map[*http.Server]int{},
		drainers:  map[*http.Server]*drainHandler{},
		stopping:  make(chan struct{}),
		drainDone: make(chan struct{}),
	}
}

// ensure returns the process turned on, for the Listen and serving calls:
// the first one turns the runtime on where Configure did not, and marks the
// process as one that serves (its log lines are written from now on, and a
// stop signal drains it).
func ensure() *process {
	theProcess.start()
	if !theProcess.opened.Swap(true) {
		startLogging()
	}
	return theProcess
}

// register records l as a listener the process hands over. A listener
// counts for readiness from the start: one that a serving function serves
// counts when its Serve starts, which follows at once; one served by an own
// accept loop or another protocol's server has no call the runtime sees.
func (p *process) register(l net.Listener, name socketName, inherited bool) *gracefulListener {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.registerLocked(l, name, inherited)
}

func (p *process) registerLocked(l net.Listener, name socketName, inherited bool) *gracefulListener {
	gl := &gracefulListener{Listener: l, name: name, p: p, inherited: inherited, served: true}
	p.listeners = append(p.listeners, gl)
	p.progressLocked()
	return gl
}

// serving returns the record of l, which a serving function is about to
// serve, registering it if the runtime does not know it, and marks it
// served; stopper, if not nil, is the server that serves it. A listener the
// app layered on a runtime listener (tls.NewListener, autocert's
// Manager.Listener) is found by its address, as it does not say what it
// wraps.
func (p *process) serving(l net.Listener, stopper GracefulStopper) *gracefulListener {
	p.mu.Lock()
	defer p.mu.Unlock()
	gl := p.lookupLocked(l)
	if gl == nil {
		gl = p.registerLocked(l, addrName(l.Addr()), false)
	}
	gl.served = true
	if stopper != nil {
		gl.stopper = stopper
	}
	p.progressLocked()
	return gl
}

// addrName names a socket the runtime did not open by where it is bound
// (a listener layered on a runtime listener, a datagram socket a server is
// given), or as unknown.
func addrName(addr net.Addr) socketName {
	if addr == nil {
		return socketName{Network: "unknown", Address: "unknown"}
	}
	return socketName{Network: addr.Network(), Address: addr.String(), Bound: addr.String()}
}

// lookupLocked returns the open listener that is l, or else the one at l's
// address, or nil.
func (p *process) lookupLocked(l net.Listener) *gracefulListener {
	p.pruneLocked()
	for _, gl := range p.listeners {
		if sameListener(gl.Listener, l) {
			return gl
		}
	}
	addr := l.Addr()
	if addr == nil {
		return nil
	}
	for _, gl := range p.listeners {
		if a := gl.Listener.Addr(); a != nil && a.Network() == addr.Network() && a.String() == addr.String() {
			return gl
		}
	}
	return nil
}

// sameListener reports whether a and b are the same listener, without
// panicking on listener types that are not comparable.
func sameListener(a, b net.Listener) bool {
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	return ta == tb && ta != nil && ta.Comparable() && a == b
}

// pruneLocked forgets the listeners the app closed itself.
func (p *process) pruneLocked() {
	open := p.listeners[:0]
	for _, gl := range p.listeners {
		if gl.open() {
			open = append(open, gl)
		}
	}
	for i := len(open); i < len(p.listeners); i++ {
		p.listeners[i] = nil
	}
	p.listeners = open
}

// forget removes a closed listener from the set handed over.
func (p *process) forget(l *gracefulListener) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, x := range p.listeners {
		if x == l {
			p.listeners = append(p.listeners[:i:i], p.listeners[i+1:]...)
			break
		}
	}
}

// openListeners returns the listeners currently open.
func (p *process) openListeners() []*gracefulListener {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pruneLocked()
	return append([]*gracefulListener(nil), p.listeners...)
}

// readySettle is how long a process must go on serving, with no new
// listener or server starting, before it declares itself ready: a program
// that fails right after its first server started (a second address it
// cannot bind) is then caught before the old process stops.
const readySettle = 250 * time.Millisecond

// progressLocked restarts the settle period of readiness; it is called
// whenever a listener is registered or starts serving.
func (p *process) progressLocked() {
	p.noteProgressLocked()
	if p.ready || p.cfg.ManualReady {
		return
	}
	if p.settle == nil {
		p.settle = time.AfterFunc(readySettle, p.settled)
		return
	}
	p.settle.Reset(readySettle)
}

// settled applies the readiness rule once start-up has been quiet for
// readySettle: a first process is ready when it serves (a listener counts
// from the moment the program has it, see register); a restarted one when
// it has every socket it inherited, or ReadyTimeout after it first had one
// (the new version may not need every socket of the old one).
func (p *process) settled() {
	p.mu.Lock()
	anyServed, complete := len(p.packets) > 0, !p.in.isChild() || p.in.allAdopted()
	for _, l := range p.listeners {
		anyServed = anyServed || l.served
		if l.inherited && !l.served {
			complete = false
		}
	}
	if !anyServed || p.ready {
		p.mu.Unlock()
		return
	}
	if !complete {
		if p.readyTimer == nil {
			timeout := p.cfg.withDefaults().ReadyTimeout
			p.readyTimer = time.AfterFunc(timeout, func() { p.becomeReady("ready timeout: serving without every inherited socket") })
		}
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	p.becomeReady("serving")
}

// becomeReady declares the process ready, once: a restarted process tells
// its parent, and closes the inherited sockets nobody asked for once
// StartTimeout has passed; a restart signal held until now is acted upon.
func (p *process) becomeReady(why string) {
	p.mu.Lock()
	if p.ready {
		p.mu.Unlock()
		return
	}
	p.ready = true
	if p.readyTimer != nil {
		p.readyTimer.Stop()
	}
	held := p.held
	p.held = false
	p.mu.Unlock()

	if p.in.isChild() {
		p.endStartHold()
		pending := p.in.pendingNames()
		if err := p.reportReady(); err != nil {
			logFailure("ready", "reason", why, "err", err)
		} else {
			logEvent("ready", "reason", why, "parent", p.in.parent, "not_adopted_yet", pending)
		}
		if len(pending) > 0 {
			p.closeUnadoptedLater()
		}
	} else {
		logEvent("ready", "reason", why)
		sd.ready()
	}
	p.pidFileOnReady()
	p.warnUnhanded()
	if held {
		p.requestRestart()
	}
}

// closeUnadoptedLater closes the inherited sockets the program has not asked
// for once StartTimeout has passed since this process started. Until then
// such a socket stays open, and its backlog holds the connections made to
// it, so that a server the program starts late (after a warm-up longer than
// ReadyTimeout) refuses nothing; a socket the new version no longer uses is
// closed then.
func (p *process) closeUnadoptedLater() {
	wait := time.Until(p.started.Add(p.config().StartTimeout))
	time.AfterFunc(wait, func() {
		if unused := p.in.closeUnadopted(); len(unused) > 0 {
			logEvent("closed inherited sockets the program did not ask for within the start timeout", "closed_unused", unused)
		}
	})
}

// requestRestart starts a restart. No request is lost: one that arrives
// before the process is ready is held until it is; requests during a
// restart are coalesced into one, carried out when the restart completes
// (by the new process, or by this one again if the restart failed); one
// that reaches a process draining after a handover goes to the new
// process. Only a process that really stops ignores it.
func (p *process) requestRestart() {
	if p.forwardRestart() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.phase == phaseDraining && p.successor != 0:
		p.forwardToSuccessorLocked()
	case p.phase == phaseDraining:
		logEvent("restart ignored: the process is stopping")
	case p.phase == phaseRestarting:
		p.queued = true
		logEvent("restart queued: it runs once the restart under way completes")
	case !p.ready:
		p.held = true
		logEvent("restart held until this process is ready")
	default:
		p.phase = phaseRestarting
		p.abort = make(chan struct{})
		p.restartDone = make(chan struct{})
		go p.restart(p.abort, p.restartDone)
	}
}

// restart runs one restart: start the new process, and once it is ready,
// drain this one. On failure the process goes back to idle and keeps serving.
func (p *process) restart(abort, done chan struct{}) {
	logEvent("restart requested")
	// Looked for beside the restart, not before it: a process with many
	// connections has many descriptors to look at.
	unhanded := make(chan []string, 1)
	go func() { unhanded <- p.warnUnhanded() }()
	sd.reloading()
	c, err := p.handOver(abort)
	p.mu.Lock()
	handedOver := err == nil && p.phase == phaseRestarting
	retry := false
	switch {
	case handedOver:
		p.phase = phaseDraining
		// The old process exits once drained, whoever handles the stop;
		// only a program whose stop path runs after the handover gets its
		// serving functions back (see afterHandover).
		p.exiting = !(p.cfg.AppStopAfterHandover && p.cfg.AppHandlesStop)
		p.successor = c.pid
		close(p.stopping)
	case p.phase == phaseRestarting:
		p.phase = phaseIdle
		retry, p.queued = p.queued, false
	}
	p.mu.Unlock()
	if err == nil && !handedOver {
		// A stop arrived as the new process became ready: stop means
		// stop, so it drains too (and is reaped when it exits).
		c.proc.Signal(syscall.SIGTERM)
	}
	close(done)
	switch {
	case handedOver:
		sd.handedOver(c.pid)
		p.mu.Lock()
		if p.queued {
			p.forwardToSuccessorLocked()
		}
		p.mu.Unlock()
		p.drainAndExit(true)
	case err != nil && err != errAborted:
		if names := <-unhanded; len(names) > 0 {
			logFailure("restart failed, still serving", "reason", err, "not_handed_over", names)
		} else {
			logFailure("restart failed, still serving", "reason", err)
		}
		sd.reloadFailed()
		if retry {
			logEvent("restart queued during the failed one: trying again")
			p.requestRestart()
		}
	}
}

// forwardToSuccessorLocked hands a restart request to the new process this
// one handed over to: it is ready (it said so), so it restarts at once.
func (p *process) forwardToSuccessorLocked() {
	p.queued = false
	if err := signalPID(p.successor, p.restartSig); err != nil {
		logFailure("restart not forwarded to the new process", "child", p.successor, "err", err)
		return
	}
	logEvent("restart forwarded to the new process", "child", p.successor)
}

// stop begins a stop: it aborts a restart under way, then drains. It
// returns false when the process is draining already.
func (p *process) beginStop(exit bool) bool {
	p.mu.Lock()
	switch p.phase {
	case phaseDraining:
		p.mu.Unlock()
		return false
	case phaseRestarting:
		p.phase = phaseDraining
		p.exiting = exit
		close(p.stopping)
		close(p.abort)
		done := p.restartDone
		p.mu.Unlock()
		sd.stopping()
		p.pidFileOnStop()
		<-done
		return true
	}
	p.phase = phaseDraining
	p.exiting = exit
	close(p.stopping)
	p.mu.Unlock()
	sd.stopping()
	p.pidFileOnStop()
	return true
}

// draining reports whether the process is stopping.
func (p *process) draining() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.phase == phaseDraining
}

// gate counts running things and says when none is left.
type gate struct {
	mu   sync.Mutex
	n    int
	zero chan struct{}
}

func (g *gate) add() {
	g.mu.Lock()
	if g.n == 0 || g.zero == nil {
		g.zero = make(chan struct{})
	}
	g.n++
	g.mu.Unlock()
}

func (g *gate) done() {
	g.mu.Lock()
	g.n--
	if g.n == 0 {
		close(g.zero)
	}
	g.mu.Unlock()
}

// none returns a channel closed when nothing is running.
func (g *gate) none() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.n == 0 {
		c := make(chan struct{})
		close(c)
		return c
	}
	return g.zero
}
