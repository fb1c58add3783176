//go:build linux || darwin || freebsd

package graceful

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// supervisor is the state of a process in supervisor mode.
type supervisor struct {
	cfg         Config
	exe         executable
	held        []int // listening sockets of the serving child, close-on-exec copies
	names       []socketName
	current     int            // pid of the serving child, 0 before the first is ready
	ctls        map[int]int    // each ready child's end of its readiness socket, to retire it
	next        *startingChild // the child being started, nil when none
	retired     map[int]bool   // old children draining
	stopping    bool           // a stop signal was forwarded
	restartHeld bool           // a restart signal arrived before the first child was ready
	queued      bool           // a restart signal arrived while a new child was starting
	sigs        chan os.Signal
	readyCh     chan readyReport
	takenCh     chan int // pids of children that have every socket (msgTaken)
	paused      int      // the serving child, while it has stopped accepting for the next one
}

// startingChild is a child that is not ready yet.
type startingChild struct {
	pid   int
	timer *time.Timer
}

// readyReport is what a child's readiness socket carried: its sockets, or
// an error when it closed without a report.
type readyReport struct {
	pid   int
	fds   []int
	names []socketName
	ctl   int // the supervisor's end of the readiness socket, -1 on error
	err   error
}

// supervise runs this process as a supervisor; it never returns.
func (p *process) supervise() {
	s := &supervisor{
		cfg:     p.config(),
		exe:     p.exe,
		retired: map[int]bool{},
		ctls:    map[int]int{},
		sigs:    make(chan os.Signal, 32),
		readyCh: make(chan readyReport, 1),
		takenCh: make(chan int, 1),
	}
	for _, sk := range p.in.sockets { // passed by socket activation: the first child's
		s.held = append(s.held, sk.fd)
		s.names = append(s.names, sk.name)
	}
	signal.Notify(s.sigs, s.cfg.RestartSignal, syscall.SIGTERM, os.Interrupt, syscall.SIGCHLD)
	logEvent("supervisor mode: this process keeps the sockets and runs the server as its child", "pid1", os.Getpid() == 1, "restart", s.cfg.RestartSignal.String())
	if err := s.start(); err != nil {
		startLogging()
		logFailure("supervisor: cannot start the server", "err", err)
		os.Exit(1)
	}
	s.loop()
}

// loop acts on signals, readiness reports and timeouts until the serving
// child exits.
func (s *supervisor) loop() {
	var timeout <-chan time.Time
	for {
		if s.next != nil {
			timeout = s.next.timer.C
		} else {
			timeout = nil
		}
		select {
		case sig := <-s.sigs:
			switch {
			case sig == syscall.SIGCHLD:
				s.reap()
			case sig == s.cfg.RestartSignal:
				s.restart()
			default:
				s.stop(sig)
			}
		case r := <-s.readyCh:
			s.ready(r)
		case pid := <-s.takenCh:
			s.taken(pid)
		case <-timeout:
			pid := s.next.pid
			syscall.Kill(pid, syscall.SIGKILL)
			s.retired[pid] = true
			startLogging()
			logFailure("restart failed, still serving", "reason", fmt.Sprintf("child %d not ready within the start timeout %v, killed", pid, s.cfg.StartTimeout))
			s.abandon()
			s.resume()
			sd.reloadFailed()
			s.runQueued()
		}
	}
}

// start starts a child with the sockets held, and a socket on which it
// reports readiness and sends its own sockets back.
func (s *supervisor) start() error {
	path, err := s.exe.path()
	if err != nil {
		return fmt.Errorf("find executable: %w", err)
	}
	if err := checkExecutable(path); err != nil {
		return err
	}
	pair, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		return fmt.Errorf("readiness socket: %w", err)
	}
	syscall.CloseOnExec(pair[0])
	syscall.CloseOnExec(pair[1])
	proto := encodeProtocol(os.Getpid(), s.names, firstInheritedFD+len(s.held), exclusiveSupervised)
	env := append(withPWD(withoutProtocol(os.Environ()), s.exe.dir), proto...)
	env = append(env, envSupervisor+"="+strconv.Itoa(os.Getpid()))
	pid, err := startProcess(path, s.exe.argv, env, s.exe.dir, append(append([]int(nil), s.held...), pair[1]))
	syscall.Close(pair[1])
	if err != nil {
		syscall.Close(pair[0])
		return err
	}
	s.next = &startingChild{pid: pid, timer: time.NewTimer(s.cfg.StartTimeout)}
	logEvent("child started", "child", pid, "path", path, "sockets", len(s.held))
	go func() { s.readyCh <- receiveReport(pid, pair[0], func() { s.takenCh <- pid }) }()
	return nil
}

// restart starts a new child. No request is lost: one that arrives while
// a new child is starting is queued (several coalesce into one) and runs
// once that child is ready or has failed; one before the first child is
// ready is held. Old children draining do not hold restarts up.
func (s *supervisor) restart() {
	switch {
	case s.stopping:
		logEvent("restart ignored: the process is stopping")
		return
	case s.next != nil:
		s.queued = true
		logEvent("restart queued: it runs once the restart under way completes")
		return
	case s.current == 0:
		s.restartHeld = true
		logEvent("restart held until the server is ready")
		return
	}
	logEvent("restart requested")
	sd.reloading()
	if err := s.start(); err != nil {
		logFailure("restart failed, still serving", "reason", err)
		sd.reloadFailed()
	}
}

// ready takes the sockets of a child that is ready, makes it the serving
// child, and retires the one before it.
func (s *supervisor) ready(r readyReport) {
	if s.next == nil || r.pid != s.next.pid {
		closeAll(r.fds)
		closeAll([]int{r.ctl})
		return
	}
	if r.err != nil {
		// It closed its readiness socket without a report: it is exiting,
		// and reap says why.
		return
	}
	s.next.timer.Stop()
	s.next = nil
	s.paused = 0 // retired below
	closeAll(s.held)
	s.held, s.names = r.fds, r.names
	s.ctls[r.pid] = r.ctl
	old := s.current
	s.current = r.pid
	startLogging() // the supervisor serves, through its child: its lines go out from now on
	logEvent("child ready", "child", r.pid, "sockets", len(s.held))
	if old == 0 {
		sd.ready()
		writePIDFile(s.cfg.PIDFile, os.Getpid())
		if s.restartHeld || s.queued {
			s.restartHeld = false
			s.queued = false
			s.restart()
		}
		return
	}
	sd.ready()
	s.retired[old] = true
	s.retire(old)
	s.runQueued()
}

// retire tells an old child that a new one serves: on its readiness
// socket, which it keeps open to hear this, so that it drains as after a
// handover (every server drained, none of the program's stop code run)
// and not as on a stop signal, which a program that handles its own stop
// would take as its own. A child that cannot hear it (its runtime predates
// this) gets SIGTERM.
func (s *supervisor) retire(pid int) {
	ctl, ok := s.ctls[pid]
	delete(s.ctls, pid)
	if ok {
		_, err := syscall.Write(ctl, []byte{msgRetire})
		syscall.Close(ctl)
		if err == nil {
			logEvent("old child retired", "child", pid)
			return
		}
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		logFailure("supervisor: retire old child", "child", pid, "err", err)
		return
	}
	logEvent("old child retired", "child", pid, "by", "SIGTERM")
}

// taken acts on a child that has every socket it inherited: the serving
// child stops accepting, so that the new one alone accepts new connections
// from now on (as an old process does in a handover, handover.go). The
// connections that the new one has not accepted wait in the backlog of the
// shared sockets; resume makes the serving child accept again if the new
// one fails before it is ready.
func (s *supervisor) taken(pid int) {
	if s.next == nil || pid != s.next.pid || s.current == 0 || s.paused != 0 {
		return
	}
	if s.tell(s.current, msgHold) {
		s.paused = s.current
		logEvent("serving child stopped accepting: the new child has every socket", "child", s.current, "new", pid)
	}
}

// resume makes the serving child accept again after the new child failed
// before it was ready.
func (s *supervisor) resume() {
	if s.paused == 0 || s.paused != s.current {
		s.paused = 0
		return
	}
	if s.tell(s.current, msgResume) {
		logEvent("serving child accepting again: the new child failed before it was ready", "child", s.current)
	}
	s.paused = 0
}

// tell writes one byte to a ready child on its readiness socket, and
// reports whether it did.
func (s *supervisor) tell(pid int, msg byte) bool {
	ctl, ok := s.ctls[pid]
	if !ok {
		return false
	}
	if _, err := syscall.Write(ctl, []byte{msg}); err != nil {
		logFailure("supervisor: tell child", "child", pid, "msg", string(msg), "err", err)
		return false
	}
	return true
}

// runQueued runs the restart queued during the one that just completed.
func (s *supervisor) runQueued() {
	if s.queued && !s.stopping {
		s.queued = false
		logEvent("running the restart queued during the last one")
		s.restart()
	}
}

// abandon forgets the child being started after it was killed or exited.
func (s *supervisor) abandon() {
	s.next.timer.Stop()
	s.next = nil
}

// stop forwards a stop signal to every child; the supervisor exits when the
// serving child does.
func (s *supervisor) stop(sig os.Signal) {
	if !s.stopping {
		s.stopping = true
		sd.stopping()
		removePIDFile(s.cfg.PIDFile, os.Getpid())
	}
	target := s.current
	switch {
	case target == 0 && s.next == nil:
		os.Exit(0)
	case target == 0:
		target = s.next.pid // the first child, still starting, stops too
	case s.next != nil:
		syscall.Kill(s.next.pid, syscall.SIGKILL)
	}
	logEvent("stop requested, forwarded to the server", "signal", sig.String(), "child", target)
	syscall.Kill(target, sig.(syscall.Signal))
}

// reap collects every child that exited, whoever it is: as PID 1 the
// supervisor inherits orphans and must not leave zombies.
func (s *supervisor) reap() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if pid <= 0 || err != nil {
			return
		}
		s.exited(pid, ws)
	}
}

// exited acts on the end of a child.
func (s *supervisor) exited(pid int, ws syscall.WaitStatus) {
	why := describeStatus(ws)
	if ctl, ok := s.ctls[pid]; ok {
		syscall.Close(ctl)
		delete(s.ctls, pid)
	}
	switch {
	case s.next != nil && pid == s.next.pid:
		s.abandon()
		if s.current == 0 {
			if ws.Exited() && ws.ExitStatus() == 0 {
				os.Exit(0) // a run that never serves (--help): nothing of the runtime's to say
			}
			startLogging()
			logFailure("supervisor: the server exited before it was ready", "child", pid, "status", why)
			os.Exit(exitCode(ws))
		}
		logFailure("restart failed, still serving", "reason", fmt.Sprintf("child %d exited before it was ready: %s", pid, why))
		s.resume()
		sd.reloadFailed()
		s.runQueued()
	case pid == s.current:
		logEvent("server exited, supervisor exits with its status", "child", pid, "status", why)
		closeAll(s.held)
		if s.next != nil {
			syscall.Kill(s.next.pid, syscall.SIGKILL)
		}
		os.Exit(exitCode(ws))
	case s.retired[pid]:
		delete(s.retired, pid)
		logEvent("former child exited", "child", pid, "status", why)
	default:
		logEvent("reaped orphan", "pid", pid, "status", why)
	}
}

func describeStatus(ws syscall.WaitStatus) string {
	switch {
	case ws.Exited():
		return "exit status " + strconv.Itoa(ws.ExitStatus())
	case ws.Signaled():
		return "signal: " + ws.Signal().String()
	}
	return fmt.Sprintf("status %#x", uint32(ws))
}

// exitCode is the status a shell would report for ws.
func exitCode(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

func closeAll(fds []int) {
	for _, fd := range fds {
		syscall.Close(fd)
	}
}

// receiveReport reads a child's readiness report until the child shuts its
// end of the socket down for writing (or closes it): "R", the JSON names of
// its sockets, and the sockets themselves as SCM_RIGHTS, after msgTaken
// (reported to taken) once it has every socket. On success the socket stays
// open (report.ctl), to tell the child to stop accepting, to accept again,
// or to retire, later.
func receiveReport(pid, fd int, taken func()) (report readyReport) {
	defer func() {
		if report.err != nil {
			syscall.Close(fd)
			report.ctl = -1
		}
	}()
	r := readyReport{pid: pid, ctl: fd}
	var data []byte
	// A stream socket: a report longer than buf comes in several reads
	// (a 64 KiB buffer here cost 128 KiB of goroutine stack per child).
	buf, oob := make([]byte, 4<<10), make([]byte, syscall.CmsgSpace(4*256))
	for {
		n, oobn, _, _, err := syscall.Recvmsg(fd, buf, oob, recvFlags)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			r.err = err
			break
		}
		if oobn > 0 {
			msgs, _ := syscall.ParseSocketControlMessage(oob[:oobn])
			for _, m := range msgs {
				fds, _ := syscall.ParseUnixRights(&m)
				for _, f := range fds {
					syscall.CloseOnExec(f)
				}
				r.fds = append(r.fds, fds...)
			}
		}
		if n == 0 {
			break
		}
		data = append(data, buf[:n]...)
		if len(data) > 0 && data[0] == msgTaken {
			data = data[1:]
			taken()
		}
	}
	if len(data) == 0 || data[0] != 'R' {
		if r.err == nil {
			r.err = errors.New("closed without a readiness report")
		}
		return r
	}
	var err error
	if r.names, err = decodeSockets(string(data[1:])); err != nil || len(r.names) != len(r.fds) {
		r.err = fmt.Errorf("bad readiness report (%d names, %d sockets): %v", len(r.names), len(r.fds), err)
		closeAll(r.fds)
		r.fds = nil
		return r
	}
	r.err = nil
	return r
}

// reportToSupervisor tells the supervisor that this child is ready and
// sends it copies of every listening socket, so that it can start the next
// child with them. The socket files of unix listeners now outlive this
// process, which the supervisor retires with SIGTERM.
func (p *process) reportToSupervisor() error {
	fd := p.in.takeReadyFD()
	if fd < 0 {
		return nil
	}
	listening := false
	defer func() {
		if !listening {
			syscall.Close(fd)
		}
	}()
	for _, l := range p.openListeners() {
		l.keepSocketFile() // the supervisor passes it on
	}
	fds, names := p.dupSockets("supervisor")
	defer func() { closeAll(fds) }()
	js := encodeSockets(names)
	var rights []byte
	if len(fds) > 0 {
		rights = syscall.UnixRights(fds...)
	}
	if err := syscall.Sendmsg(fd, append([]byte{'R'}, js...), rights, nil, 0); err != nil {
		return fmt.Errorf("report readiness to the supervisor: %w", err)
	}
	// The report ends here; the socket stays open to hear of retirement.
	if err := syscall.Shutdown(fd, syscall.SHUT_WR); err != nil {
		return fmt.Errorf("end the readiness report to the supervisor: %w", err)
	}
	listening = true
	go p.awaitRetirement(fd)
	return nil
}

// awaitRetirement waits on the readiness socket for the supervisor to say
// that a new child serves (msgRetire); until then it stops and resumes
// accepting as the supervisor says (msgHold once the new child has every
// socket, msgResume if it failed before it was ready). The socket closing
// (the supervisor is gone) retires nothing, and ends a hold.
func (p *process) awaitRetirement(fd int) {
	defer syscall.Close(fd)
	held := false
	defer func() {
		if held {
			p.releaseAccepts()
		}
	}()
	var b [1]byte
	for {
		n, err := syscall.Read(fd, b[:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n != 1 {
			return
		}
		switch b[0] {
		case msgHold:
			held = true
			logEvent("stopped accepting: the supervisor's new child has every socket", "sockets", p.holdAccepts())
		case msgResume:
			held = false
			p.releaseAccepts()
			logEvent("accepting again: the supervisor's new child failed before it was ready")
		case msgRetire:
			held = false // the drain closes the sockets
			p.retire()
			return
		default:
			return
		}
	}
}

// forwardRestart hands a restart signal of a supervised child to its
// supervisor, which runs restarts. It reports whether it did.
func (p *process) forwardRestart() bool {
	if supervisorPID == 0 || p.draining() {
		return false // a retired child draining has no say in restarts
	}
	p.mu.Lock()
	sig, _ := p.restartSig.(syscall.Signal)
	p.mu.Unlock()
	if err := syscall.Kill(supervisorPID, sig); err != nil {
		logFailure("restart signal not forwarded to the supervisor", "supervisor", supervisorPID, "err", err)
	} else {
		logEvent("restart signal forwarded to the supervisor", "supervisor", supervisorPID)
	}
	return true
}
