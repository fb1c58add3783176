package graceful

import (
	"fmt"
	"os"
	"strconv"
)

// Supervisor mode. A process that is PID 1 (a container's entrypoint) cannot
// hand over and exit: when PID 1 exits, the kernel kills everything in its
// pid namespace, its successor included. In supervisor mode the first
// process never runs the program: it becomes a small parent that starts the
// program as its child with the usual protocol, keeps copies of the child's
// listening sockets once it is ready, and on the restart signal starts a new
// child with them; when that one is ready it stops the old one with SIGTERM
// (which drains as a stop does). It forwards SIGTERM and SIGINT to the
// serving child, reaps every process that ends up as its child (zombies of
// orphans included), and exits with the serving child's exit status (128+n
// when a signal n killed it).
const (
	// envSupervise asks for supervisor mode ("1"), or refuses it ("0")
	// where it would be automatic (PID 1).
	envSupervise = "GRACEFUL_SUPERVISE"
	// envSupervisor names the supervisor's pid in the environment of the
	// children it starts; a child whose parent is another process ignores
	// it.
	envSupervisor = "GRACEFUL_SUPERVISOR"
)

// superviseEnv is GRACEFUL_SUPERVISE as this process started with it, read
// (and removed) when the runtime turns on: a binary that never serves keeps
// it.
var superviseEnv string

// readSupervise reads and removes GRACEFUL_SUPERVISE.
func readSupervise() {
	superviseEnv = os.Getenv(envSupervise)
	os.Unsetenv(envSupervise)
}

// supervisorPID is the supervisor of this process, or 0.
var supervisorPID = readSupervisor()

// readSupervisor reads GRACEFUL_SUPERVISOR at package initialisation, and
// removes it when it names this process's parent; otherwise it is removed,
// and that is logged, once the runtime turns on.
func readSupervisor() int {
	v, ok := os.LookupEnv(envSupervisor)
	if !ok {
		return 0
	}
	pid, err := strconv.Atoi(v)
	if err != nil || pid != os.Getppid() {
		noteAtStart(fmt.Sprintf("ignoring supervisor: it is not this process's parent (%s=%s, parent %d)", envSupervisor, v, os.Getppid()), envSupervisor)
		return 0
	}
	os.Unsetenv(envSupervisor)
	sd.silent = true // the supervisor is the service's main process
	return pid
}

// wantsSupervisor reports whether this process should become a supervisor:
// it was not started by a restart or a supervisor, and it is PID 1 or was
// asked to (Config.Supervise, GRACEFUL_SUPERVISE=1).
func (p *process) wantsSupervisor() bool {
	if p.in.isChild() || supervisorPID != 0 || superviseEnv == "0" {
		return false
	}
	return os.Getpid() == 1 || superviseEnv == "1" || p.config().Supervise
}

// reportReady tells whoever started this process that it is ready: the
// supervisor, with copies of the sockets, or the old process.
func (p *process) reportReady() error {
	if supervisorPID != 0 {
		return p.reportToSupervisor()
	}
	return p.in.reportReady()
}
