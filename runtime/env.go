package graceful

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// The protocol between a process and the new process it starts on restart.
// They are set only in the environment of the new process and removed from
// it as soon as the runtime has read them.
const (
	// envParentPID names the pid of the process that started this one; a
	// process whose actual parent differs ignores the protocol.
	envParentPID = "GRACEFUL_PARENT_PID"
	// envListeners describes the inherited sockets, in descriptor order
	// from fd 3: a JSON array of socketName.
	envListeners = "GRACEFUL_LISTENERS"
	// envReadyFD is the descriptor of a pipe on which the new process
	// writes one byte when it is ready.
	envReadyFD = "GRACEFUL_READY_FD"
	// envExclusive says that the old process stops accepting when the new
	// one writes 'A' on the ready pipe, once it has taken every socket it
	// inherited (handover.go): "1" from an old process, "2" from a
	// supervisor, which then stops its serving child (supervisor_unix.go).
	// Without it the new process writes only the readiness report, which
	// an older runtime expects; a supervised child does so too on "1",
	// from a supervisor that predates "2".
	envExclusive = "GRACEFUL_EXCLUSIVE"

	exclusiveProcess    = "1"
	exclusiveSupervised = "2"
)

// firstInheritedFD is the descriptor of the first inherited socket.
const firstInheritedFD = 3

// socketName names a listening socket by what the program asked for
// (Network, Address) and by where it is bound (Bound), so that a new version
// finds its sockets whatever the order in which it opens them.
type socketName struct {
	Network string `json:"network"`
	Address string `json:"address"`
	Bound   string `json:"bound"`
	// Activated is set for a socket that a service manager passed by
	// socket activation, in this process or in an earlier generation:
	// Activated() returns it, and its unix socket file belongs to the
	// service manager.
	Activated bool `json:"activated,omitempty"`
}

func (n socketName) String() string {
	return n.Network + ":" + n.Address
}

// protocol is what a new process reads from its environment.
type protocol struct {
	parentPID int
	sockets   []socketName
	readyFD   int
	exclusive string // envExclusive
}

// encodeProtocol returns the environment entries that hand sockets (fd 3
// onwards, in order) and the ready pipe (fd readyFD) to a new process.
// exclusive is exclusiveProcess or exclusiveSupervised.
func encodeProtocol(parentPID int, sockets []socketName, readyFD int, exclusive string) []string {
	return []string{
		envParentPID + "=" + strconv.Itoa(parentPID),
		envListeners + "=" + encodeSockets(sockets),
		envReadyFD + "=" + strconv.Itoa(readyFD),
		envExclusive + "=" + exclusive,
	}
}

// protocolVars are the variables of the protocol.
var protocolVars = []string{envParentPID, envListeners, envReadyFD, envExclusive}

// readProtocol reads the protocol variables of this process, and removes
// them when they name this process's parent: variables that name another
// process (or cannot be read) are left in place, to be removed only once
// the runtime turns on (a binary that never serves keeps its environment).
// ok is false when this process was not started by the runtime.
func readProtocol() (pr protocol, ok bool, err error) {
	pid, havePID := os.LookupEnv(envParentPID)
	list := os.Getenv(envListeners)
	ready := os.Getenv(envReadyFD)
	pr.exclusive = os.Getenv(envExclusive)
	if !havePID {
		return pr, false, nil
	}
	if pr.parentPID, err = strconv.Atoi(pid); err != nil {
		return pr, true, fmt.Errorf("%s=%q: %w", envParentPID, pid, err)
	}
	if pr.parentPID != os.Getppid() {
		return pr, true, nil
	}
	for _, k := range protocolVars {
		os.Unsetenv(k)
	}
	if pr.sockets, err = decodeSockets(list); err != nil {
		return pr, true, fmt.Errorf("%s=%q: %w", envListeners, list, err)
	}
	if pr.readyFD, err = strconv.Atoi(ready); err != nil {
		return pr, true, fmt.Errorf("%s=%q: %w", envReadyFD, ready, err)
	}
	return pr, true, nil
}

// withoutProtocol returns env without any protocol variable.
func withoutProtocol(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if strings.HasPrefix(kv, envParentPID+"=") || strings.HasPrefix(kv, envListeners+"=") || strings.HasPrefix(kv, envReadyFD+"=") || strings.HasPrefix(kv, envExclusive+"=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}
