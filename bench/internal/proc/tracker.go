package proc

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// Tracker starts server processes, each as the leader of a new process
// group, and remembers every group so that all their members, whatever pid
// the restart libraries gave them, can be listed and killed.
type Tracker struct {
	mu     sync.Mutex
	groups map[int]bool          // every group started, dead or alive
	exited map[int]chan struct{} // per started pid, closed once reaped
	census census                // for CountLive
}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker {
	return &Tracker{groups: map[int]bool{}, exited: map[int]chan struct{}{}}
}

// Start runs bin with args as the leader of a new process group, its output
// to out. With pidNamespace it runs as PID 1 of a new pid namespace (needs
// root), as a container's entrypoint does. It returns the started process's
// pid in the root namespace.
func (t *Tracker) Start(bin string, args []string, out io.Writer, pidNamespace bool) (int, error) {
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if pidNamespace {
		cmd.SysProcAttr.Cloneflags = syscall.CLONE_NEWPID
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start %s: %w", bin, err)
	}
	pid := cmd.Process.Pid
	startedGroups.Lock()
	startedGroups.m[pid] = true
	startedGroups.Unlock()
	done := make(chan struct{})
	t.mu.Lock()
	t.groups[pid] = true
	t.exited[pid] = done
	t.mu.Unlock()
	go func() {
		cmd.Wait() // reap; the exit status is read from the processes left, not here
		close(done)
	}()
	return pid, nil
}

// startedGroups are the groups every Tracker of this process started, for
// KillEverything.
var startedGroups = struct {
	sync.Mutex
	m map[int]bool
}{m: map[int]bool{}}

// KillEverything sends SIGKILL to every process group any Tracker of this
// process started that still has live members. It is for an emergency exit
// (the benchmark interrupted), when the trackers cannot finish their runs.
func KillEverything() {
	startedGroups.Lock()
	groups := make(map[int]bool, len(startedGroups.m))
	for g := range startedGroups.m {
		groups[g] = true
	}
	startedGroups.Unlock()
	ps, err := live(groups)
	if err != nil {
		return
	}
	for _, p := range ps {
		syscall.Kill(-p.PGID, syscall.SIGKILL)
	}
}

// Live lists the live (not zombie) processes of every group started.
func (t *Tracker) Live() ([]Info, error) {
	t.mu.Lock()
	groups := make(map[int]bool, len(t.groups))
	for g := range t.groups {
		groups[g] = true
	}
	t.mu.Unlock()
	return live(groups)
}

// Alive reports whether the process with root-namespace pid is one of the
// tracked live processes.
func (t *Tracker) Alive(pid int) bool {
	ps, err := t.Live()
	if err != nil {
		return false
	}
	for _, p := range ps {
		if p.PID == pid {
			return true
		}
	}
	return false
}

// ErrNotFound is returned by Find when no tracked live process has the pid.
var ErrNotFound = errors.New("no tracked live process has this pid")

// Find returns the tracked live process that sees itself as innerPID (its pid
// in its own innermost pid namespace). Pids inside different namespaces may
// repeat; leader, when not zero, restricts the search to that group.
func (t *Tracker) Find(innerPID, leader int) (Info, error) {
	ps, err := t.Live()
	if err != nil {
		return Info{}, err
	}
	for _, p := range ps {
		if p.InnerPID() == innerPID && (leader == 0 || p.PGID == leader) {
			return p, nil
		}
	}
	return Info{}, fmt.Errorf("find process %d: %w", innerPID, ErrNotFound)
}

// Signal sends sig to one tracked process by its root-namespace pid.
func (t *Tracker) Signal(pid int, sig syscall.Signal) error {
	if err := syscall.Kill(pid, sig); err != nil {
		return fmt.Errorf("signal %v to %d: %w", sig, pid, err)
	}
	return nil
}

// WaitGone waits until no process of the group led by leader is alive, or
// timeout passes, and reports whether the group is gone.
func (t *Tracker) WaitGone(leader int, timeout time.Duration) bool {
	return poll(timeout, func() bool {
		ps, err := live(map[int]bool{leader: true})
		return err == nil && len(ps) == 0
	})
}

// WaitNone waits until no tracked process is alive, or timeout passes, and
// reports whether none is (processes being killed take a moment to go).
func (t *Tracker) WaitNone(timeout time.Duration) bool {
	return poll(timeout, func() bool {
		ps, err := t.Live()
		return err == nil && len(ps) == 0
	})
}

// WaitExit waits until the process pid is gone (exited, or a zombie), or
// timeout passes, and reports whether it is gone.
func (t *Tracker) WaitExit(pid int, timeout time.Duration) bool {
	return poll(timeout, func() bool {
		return !testsupport.Alive(pid)
	})
}

// poll checks done every 10 ms until it holds or timeout passes, and
// reports whether it held.
func poll(timeout time.Duration, done func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !done() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// KillAll stops every process of every tracked group: SIGTERM to each group
// that still has members, up to grace for them to exit, then SIGKILL to the
// groups still there. It waits for the processes it started to be reaped and
// returns an error if any tracked process is still alive after that.
func (t *Tracker) KillAll(grace time.Duration) error {
	t.signalGroups(syscall.SIGTERM)
	t.WaitNone(grace)
	t.signalGroups(syscall.SIGKILL)
	t.mu.Lock()
	var waits []chan struct{}
	for _, c := range t.exited {
		waits = append(waits, c)
	}
	t.mu.Unlock()
	for _, c := range waits {
		select {
		case <-c:
		case <-time.After(5 * time.Second):
		}
	}
	if t.WaitNone(2 * time.Second) {
		return nil
	}
	ps, _ := t.Live()
	return fmt.Errorf("kill tracked processes: %d still alive after SIGKILL: %v", len(ps), ps)
}

// signalGroups sends sig to every tracked group that has live members.
func (t *Tracker) signalGroups(sig syscall.Signal) {
	ps, err := t.Live()
	if err != nil {
		return
	}
	seen := map[int]bool{}
	for _, p := range ps {
		if !seen[p.PGID] {
			seen[p.PGID] = true
			syscall.Kill(-p.PGID, sig)
		}
	}
}
