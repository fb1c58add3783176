package graceful

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Socket activation: a service manager (systemd, or systemd-socket-activate)
// opens the listening sockets and starts the program with them from
// descriptor 3 onwards, naming how many in LISTEN_FDS, for which process in
// LISTEN_PID, and optionally their names in LISTEN_FDNAMES.
const (
	envListenPID     = "LISTEN_PID"
	envListenFDs     = "LISTEN_FDS"
	envListenFDNames = "LISTEN_FDNAMES"
)

// activation is what the socket-activation variables say.
type activation struct {
	pid   int
	count int
	names []string
}

// activationVars are the socket-activation variables.
var activationVars = []string{envListenPID, envListenFDs, envListenFDNames}

// readActivation reads the socket-activation variables, and removes them
// when LISTEN_PID names this process, so that programs this process starts
// do not think the sockets are theirs. Variables meant for another process
// are left to the runtime's start (see inherit). ok is false when they are
// absent.
func readActivation() (a activation, ok bool, err error) {
	pid, havePID := os.LookupEnv(envListenPID)
	fds, haveFDs := os.LookupEnv(envListenFDs)
	names := os.Getenv(envListenFDNames)
	if !havePID && !haveFDs {
		return a, false, nil
	}
	if a.pid, err = strconv.Atoi(pid); err != nil {
		return a, true, fmt.Errorf("%s=%q: %w", envListenPID, pid, err)
	}
	if a.pid != os.Getpid() {
		return a, true, nil
	}
	clearActivation()
	if a.count, err = strconv.Atoi(fds); err != nil || a.count < 0 {
		return a, true, fmt.Errorf("%s=%q: not a count of descriptors", envListenFDs, fds)
	}
	if names != "" {
		a.names = strings.Split(names, ":")
	}
	return a, true, nil
}

// activated adds the sockets a service manager passed to in, each named by
// the address it is bound to (and by its LISTEN_FDNAMES name, if any), so
// that Listen adopts the one whose address it asks for, whatever the order.
// The sockets become close-on-exec. Sockets meant for another process (a
// LISTEN_PID that is not this process) are ignored, and that is logged.
func (in *inheritance) activated() {
	a, ok, err := readActivation()
	switch {
	case !ok:
		return
	case err != nil:
		noteAtStart(fmt.Sprintf("ignoring socket activation: %v", err), activationVars...)
		return
	case a.pid != os.Getpid():
		noteAtStart(fmt.Sprintf("ignoring socket activation: %s=%d names another process than this one (%d)", envListenPID, a.pid, os.Getpid()), activationVars...)
		return
	case !canRestart:
		noteAtStart("ignoring socket activation: unsupported on this platform")
		return
	}
	for i := 0; i < a.count; i++ {
		fd := firstInheritedFD + i
		setCloseOnExec(fd)
		name, err := activatedName(fd)
		if err != nil {
			noteAtStart(fmt.Sprintf("activated socket not used: fd %d: %v", fd, err))
			continue
		}
		if i < len(a.names) && a.names[i] != "" && a.names[i] != "unknown" {
			name.Address = a.names[i]
		}
		name.Activated = true
		in.sockets = append(in.sockets, inheritedSocket{name: name, fd: fd, activated: true})
	}
}

// clearActivation removes the socket-activation variables.
func clearActivation() {
	for _, k := range activationVars {
		os.Unsetenv(k)
	}
}
