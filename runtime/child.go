package graceful

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// inheritance is what a new process received from the process that started
// it: listening sockets named by network and address, and the pipe on which
// it reports readiness.
type inheritance struct {
	mu      sync.Mutex
	parent  int
	sockets []inheritedSocket
	readyFD int // -1 once readiness was reported
	// exclusive: the parent (or the supervisor's serving child) stops
	// accepting on msgTaken; taken: sent.
	exclusive, taken bool
}

// inheritedSocket is one descriptor from fd 3 onwards.
type inheritedSocket struct {
	name      socketName
	fd        int
	adopted   bool
	activated bool   // passed by a service manager, which owns a unix socket's file
	spare     string // a spare name of its socket file (unixname.go), or ""
}

// inherit reads the protocol from the environment, removes it, and marks
// the inherited descriptors close-on-exec. It runs at package
// initialisation, before any program code can start a subprocess, and
// touches nothing but the protocol that names this very process (and
// socket activation meant for it): variables meant for another process
// are removed, and that is logged, only once the runtime turns on.
func inherit() *inheritance {
	in := &inheritance{readyFD: -1}
	pr, ok, err := readProtocol()
	switch {
	case !ok:
		in.activated()
		return in
	case err != nil:
		noteAtStart(fmt.Sprintf("ignoring inherited sockets: %v", err), protocolVars...)
		in.activated()
		return in
	case pr.parentPID != os.Getppid():
		noteAtStart(fmt.Sprintf("ignoring inherited sockets: they name parent pid %d, but the parent is %d", pr.parentPID, os.Getppid()), protocolVars...)
		in.activated()
		return in
	}
	// Sockets activated for a restarted process were its parent's.
	noteAtStart("", activationVars...)
	if !canRestart {
		return in
	}
	in.parent = pr.parentPID
	in.readyFD = pr.readyFD
	// Under a supervisor that predates exclusiveSupervised, 'A' would spoil
	// the readiness report.
	in.exclusive = pr.exclusive == exclusiveSupervised || pr.exclusive == exclusiveProcess && supervisorPID == 0
	setCloseOnExec(pr.readyFD)
	for i, name := range pr.sockets {
		fd := firstInheritedFD + i
		setCloseOnExec(fd)
		in.sockets = append(in.sockets, inheritedSocket{name: name, fd: fd, activated: name.Activated})
	}
	in.keepUnixNames()
	return in
}

// isChild reports whether this process was started by a restart.
func (in *inheritance) isChild() bool { return in.parent != 0 }

// adopt returns the inherited listener that matches network and address, or
// nil when none does (see take).
func (in *inheritance) adopt(network, address string) (net.Listener, *socketName, error) {
	s, ok := in.take(network, address)
	if !ok {
		return nil, nil, nil
	}
	l, err := listenerFromFD(s.fd, s.name.String())
	if err != nil {
		return nil, nil, fmt.Errorf("adopt inherited socket %s (fd %d): %w", s.name, s.fd, err)
	}
	if ul, ok := l.(*net.UnixListener); ok && !s.activated {
		// Adopted unix listeners do not unlink by default; this process
		// now owns the file, as if it had bound it.
		ul.SetUnlinkOnClose(true)
	}
	return l, &s.name, nil
}

// adoptPacket returns the inherited datagram socket that matches network
// and address, or nil when none does (see take).
func (in *inheritance) adoptPacket(network, address string) (net.PacketConn, *socketName, error) {
	s, ok := in.take(network, address)
	if !ok {
		return nil, nil, nil
	}
	c, err := packetConnFromFD(s.fd, s.name.String())
	if err != nil {
		return nil, nil, fmt.Errorf("adopt inherited socket %s (fd %d): %w", s.name, s.fd, err)
	}
	return c, &s.name, nil
}

// take marks as adopted, and returns, the inherited socket that matches
// network and address: one asked for with the same address, or else one
// bound where address points. A socket is taken at most once; its file, if
// the program removed it, is restored first. Stream and datagram sockets
// never match each other: their networks differ.
func (in *inheritance) take(network, address string) (inheritedSocket, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, exact := range []bool{true, false} {
		for i := range in.sockets {
			s := &in.sockets[i]
			if s.adopted || !sameNetwork(s.name.Network, network) {
				continue
			}
			if exact && s.name.Address != address || !exact && !boundAt(s.name, address) {
				continue
			}
			s.adopted = true
			s.restoreUnixName()
			return *s, true
		}
	}
	return inheritedSocket{}, false
}

// keepsSocketFile reports whether name is the file of an inherited unix
// socket that no Listen has adopted yet.
func (in *inheritance) keepsSocketFile(name string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, s := range in.sockets {
		if !s.adopted && strings.HasPrefix(s.name.Network, "unix") && s.name.Bound != "" && samePath(s.name.Bound, name) {
			return true
		}
	}
	return false
}

// samePath reports whether two file names name the same path, relative
// ones taken from the working directory.
func samePath(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

// pending reports whether every inherited socket has been adopted.
func (in *inheritance) allAdopted() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, s := range in.sockets {
		if !s.adopted {
			return false
		}
	}
	return true
}

// pendingNames returns the names of the inherited sockets not adopted yet.
func (in *inheritance) pendingNames() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	var names []string
	for _, s := range in.sockets {
		if !s.adopted {
			names = append(names, s.name.String())
		}
	}
	return names
}

// dupPending duplicates the inherited sockets not adopted yet, so that a
// restart (or the supervisor) passes them on, as a late server of this
// version would have asked for them.
func (in *inheritance) dupPending() (fds []int, names []socketName) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, s := range in.sockets {
		if s.adopted {
			continue
		}
		fd, err := dupRawFD(s.fd)
		if err != nil {
			logFailure("socket not passed on", "socket", s.name.String(), "err", err)
			continue
		}
		fds = append(fds, fd)
		names = append(names, s.name)
	}
	return fds, names
}

// closeUnadopted closes the inherited sockets the new version did not ask
// for, and returns their names.
func (in *inheritance) closeUnadopted() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	var names []string
	for i := range in.sockets {
		s := &in.sockets[i]
		if !s.adopted {
			s.adopted = true
			s.dropSpare()
			closeFD(s.fd)
			names = append(names, s.name.String())
		}
	}
	return names
}

// takeReadyFD returns the readiness descriptor, or -1 when readiness was
// reported already.
func (in *inheritance) takeReadyFD() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	fd := in.readyFD
	in.readyFD = -1
	return fd
}

// reportTaken tells the parent, once, that this process has taken every
// socket it inherited, so that the parent stops accepting on them
// (handover.go): from now on this process alone accepts new connections,
// while the parent can still take over again if this one dies before it is
// ready.
func (in *inheritance) reportTaken() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if !in.exclusive || in.taken || in.readyFD < 0 {
		return
	}
	for _, s := range in.sockets {
		if !s.adopted {
			return
		}
	}
	in.taken = true
	if _, err := writeFD(in.readyFD, []byte{msgTaken}); err != nil {
		logFailure("sockets taken: not told to the parent", "err", err)
	}
}

// reportReady writes the readiness byte to the parent, once.
func (in *inheritance) reportReady() error {
	fd := in.takeReadyFD()
	if fd < 0 {
		return nil
	}
	f := os.NewFile(uintptr(fd), "graceful-ready")
	defer f.Close()
	if _, err := f.Write([]byte{'R'}); err != nil {
		return fmt.Errorf("report readiness to parent: %w", err)
	}
	return nil
}

// sameNetwork reports whether two listen networks are interchangeable.
func sameNetwork(a, b string) bool {
	return strings.TrimRight(a, "46") == strings.TrimRight(b, "46") && (a == b || !strings.HasPrefix(a, "unix"))
}

// boundAt reports whether socket n is bound where address points: the same
// literal host and port, or a wildcard host with the same port.
func boundAt(n socketName, address string) bool {
	if n.Bound == address {
		return true
	}
	if strings.HasPrefix(n.Network, "unix") {
		return false
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return false
	}
	bhost, bport, err := net.SplitHostPort(n.Bound)
	if err != nil || bport != port {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.Equal(net.ParseIP(bhost))
	}
	return host == "" && net.ParseIP(bhost) != nil && net.ParseIP(bhost).IsUnspecified()
}
