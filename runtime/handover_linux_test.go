package graceful_test

import (
	"net"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// TestOldProcessStopsAcceptingOnceTheNewOneHasItsSockets: the handover is
// exclusive before the new process is ready. The new process here declares
// itself ready only 3s after it serves; meanwhile every new connection
// must reach it, none the old one, which has not started draining.
func TestOldProcessStopsAcceptingOnceTheNewOneHasItsSockets(t *testing.T) {
	s := startServer(t)
	old := s.serving()
	s.setControl("ready-after=3s")
	s.signal(old, syscall.SIGHUP)
	s.waitLog(`stopped accepting: the new process has every socket.* sockets=1`, 1)
	from := map[string]int{}
	for i := 0; i < 20; i++ {
		from[get(t, s.targets[0], "/pid")]++
	}
	logs := s.log()
	if strings.Contains(logs, `msg="graceful: draining"`) {
		t.Fatalf("the old process drained before the probe ended: the new process was ready too soon; log:\n%s", logs)
	}
	if from[strconv.Itoa(old)] != 0 || len(from) != 1 {
		t.Errorf("new connections after the old process stopped accepting went to %v (old process %d)", from, old)
	}
	if !testsupport.Alive(old) {
		t.Errorf("old process %d gone before the new one was ready", old)
	}
	h, err := testsupport.SolePID(s.targets[0], old, waitFor)
	if err != nil {
		t.Fatal(err)
	}
	if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(h) {
		t.Errorf("after the handover served by %s, want %d", got, h)
	}
	s.waitExit(old)
}

// TestChildDyingBeforeReadyRefusesNothing: a new process that fails before it
// is ready, before or after it took the sockets (and so after the old
// process stopped accepting), leaves the old one serving, and no request of
// a load running across it fails: the connections made meanwhile wait in
// the shared socket's backlog. One that fails right after its first
// listener, before its start-up went quiet, accepted nothing.
func TestChildDyingBeforeReadyRefusesNothing(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	const (
		never  = iota // the old process never stopped accepting
		always        // it stopped first every time
		maybe         // either: a timing the test does not control
	)
	for _, tc := range []struct {
		name, control string
		held          int
	}{
		{"exits at once", "exit1", never},
		{"panics at once", "panic", never},
		{"dies 100ms after taking its sockets", "die-after-listen=100ms", always},
		// Its second Listen fails within takenQuiet of its first, as a
		// rule (on a busy machine the gap between the two may be longer):
		// it has accepted nothing, and the old process never stopped.
		{"exits 1 after binding", "bind=" + taken.Addr().String(), maybe},
		// The same, its main goroutine computing for 100ms between the
		// two Listens (as start-up code does, or a loaded machine that
		// keeps it waiting for a processor): that is no quiet moment.
		{"exits 1 after binding, computing before", "spin=100ms bind=" + taken.Addr().String(), never},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t)
			pid := s.serving()
			stop := load(s.targets, 4, testsupport.KeepAlivePOST, testsupport.NewConnPOST)
			s.setControl(tc.control)
			const tries = 3
			failRestarts(t, s, pid, tries, stop)
			logs := s.log()
			held := len(regexp.MustCompile(`stopped accepting: the new process has every socket`).FindAllString(logs, -1))
			again := len(regexp.MustCompile(`accepting again: the new process failed before it was ready`).FindAllString(logs, -1))
			switch {
			case tc.held == always && (held != tries || again != tries):
				t.Errorf("stopped accepting %d times and accepted again %d times, want %d each; log:\n%s", held, again, tries, logs)
			case tc.held == never && held != 0:
				t.Errorf("stopped accepting for a new process that never took its sockets; log:\n%s", logs)
			case held != again:
				t.Errorf("stopped accepting %d times but accepted again %d times; log:\n%s", held, again, logs)
			}
			t.Logf("stopped accepting and accepted again %d times", held)
			if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(pid) {
				t.Errorf("after the failed restarts, served by %s, want %d", got, pid)
			}
		})
	}
}

// failRestarts sends the restart signal to pid tries times, 100ms apart,
// waiting each time for the restart to fail, then ends the load (stop) and
// fails the test if a request of it failed.
func failRestarts(t *testing.T, s *server, pid, tries int, stop func() []testsupport.Result) {
	t.Helper()
	for i := 1; i <= tries; i++ {
		time.Sleep(100 * time.Millisecond)
		s.signal(pid, syscall.SIGHUP)
		s.waitLog(`restart failed, still serving`, i)
	}
	time.Sleep(100 * time.Millisecond)
	for _, r := range stop() {
		if r.Sent() == 0 || r.Failures() != 0 {
			t.Errorf("load across %d failed restarts: %v", tries, r)
		} else {
			t.Logf("%v", r)
		}
	}
}
