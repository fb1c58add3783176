package graceful_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// restartsOnUnixSocket starts the test server on a unix socket in dir with
// the control set, and restarts it restarts times under load; it returns
// the server, the load's results and each restart's window (from the
// signal to the old process letting go).
func restartsOnUnixSocket(t *testing.T, sock, control string, restarts int) (*server, []testsupport.Result, []window) {
	s := startServer(t, "TS_LISTEN=unix="+sock)
	s.setControl(control)
	stop := load(s.targets, 2, testsupport.KeepAlivePOST, testsupport.NewConnPOST)
	var windows []window
	for i := 0; i < restarts; i++ {
		time.Sleep(100 * time.Millisecond)
		h := s.restart()
		windows = append(windows, window{h.Signalled, h.Signalled.Add(h.Took)})
		if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(h.New) {
			t.Fatalf("restart %d: the socket path is served by %s, want %d", i, got, h.New)
		}
	}
	return s, stop(), windows
}

// window is a span of time.
type window struct{ from, to time.Time }

func TestUnixSocketRemovedByTheProgramBeforeListenIsRestored(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "app.sock")
	const restarts = 3
	s, results, windows := restartsOnUnixSocket(t, sock, "remove-socket", restarts)
	// A connection made between the program's own remove of the socket
	// file and its Listen finds no file: that moment lies inside a
	// restart (between the signal and the old process letting go), and
	// how many dials fall into it depends on the machine's load. Every
	// other failure, and any failure outside a restart, is a fault.
	inWindow := func(at time.Time) bool {
		for _, w := range windows {
			if !at.Before(w.from) && !at.After(w.to) {
				return true
			}
		}
		return false
	}
	for _, r := range results {
		t.Logf("%v", r)
		if r.Sent() == 0 || r.Successes() == 0 {
			t.Errorf("load on the unix socket across 3 restarts that remove it: %v", r)
		}
		for _, f := range r.FailedAt {
			if f.Kind != testsupport.NoSocket || !inWindow(f.At) {
				t.Errorf("%v request failed (%v) at %s, outside the remove-to-Listen moment of a restart %v: %v",
					f.Mode, f.Kind, f.At.Format("15:04:05.000000"), windows, r)
			}
		}
	}
	if n := strings.Count(s.log(), "restored the socket file"); n != restarts {
		t.Errorf("socket file restored %d times, want one per restart:\n%s", n, s.log())
	}
	if spares, _ := filepath.Glob(filepath.Join(dir, ".*graceful-*")); len(spares) != 0 {
		t.Errorf("spare names left: %v", spares)
	}
	if _, err := os.Stat(sock); err != nil {
		t.Error(err)
	}
}

// TestStatFindsNoInheritedSocketFile restarts a program that will not
// start when its socket's file is there (os.Stat before Listen, rewritten
// to graceful.Stat): the new process finds no file at the path of the
// socket it inherits, goes on to Listen and adopts it, and every restart
// succeeds with no request lost.
func TestStatFindsNoInheritedSocketFile(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "app.sock")
	const restarts = 3
	s, results, _ := restartsOnUnixSocket(t, sock, "refuse-socket-converted", restarts)
	for _, r := range results {
		t.Logf("%v", r)
		if r.Sent() == 0 || r.Failures() != 0 {
			t.Errorf("load on the unix socket across 3 restarts of a program that refuses a socket file left behind: %v", r)
		}
	}
	if n := strings.Count(s.log(), "looks for the inherited socket file before Listen"); n != restarts {
		t.Errorf("inherited socket file hidden from Stat %d times, want one per restart:\n%s", n, s.log())
	}
	if _, err := os.Stat(sock); err != nil {
		t.Error(err)
	}
}

// TestRemoveKeepsTheInheritedSocketFile is the same program with its
// removal rewritten by gracefulgen (graceful.Remove): the new process
// leaves the inherited socket's file in place, so that no dial finds the
// path gone, and restores nothing.
func TestRemoveKeepsTheInheritedSocketFile(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "app.sock")
	const restarts = 3
	s, results, _ := restartsOnUnixSocket(t, sock, "remove-socket-converted", restarts)
	for _, r := range results {
		t.Logf("%v", r)
		if r.Sent() == 0 || r.Failures() != 0 {
			t.Errorf("load on the unix socket across 3 restarts, each removing it through graceful.Remove: %v", r)
		}
	}
	log := s.log()
	if n := strings.Count(log, "kept the inherited socket file"); n != restarts {
		t.Errorf("socket file kept %d times, want one per restart:\n%s", n, log)
	}
	if strings.Contains(log, "restored the socket file") {
		t.Errorf("the socket file was removed and restored:\n%s", log)
	}
	if _, err := os.Stat(sock); err != nil {
		t.Error(err)
	}
}
