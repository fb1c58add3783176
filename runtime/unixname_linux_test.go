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

func TestUnixSocketRemovedByTheProgramBeforeListenIsRestored(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "app.sock")
	s := startServer(t, "TS_LISTEN=unix="+sock)
	s.setControl("remove-socket")
	const restarts, concurrency = 3, 2
	stop := load(s.targets, concurrency, testsupport.KeepAlivePOST, testsupport.NewConnPOST)
	for i := 0; i < restarts; i++ {
		time.Sleep(100 * time.Millisecond)
		h := s.restart()
		if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(h.New) {
			t.Fatalf("restart %d: the socket path is served by %s, want %d", i, got, h.New)
		}
	}
	// Connections made between the program's remove and its Listen fail
	// (a moment per restart, at most one per client); every other one
	// must not.
	for _, r := range stop() {
		t.Logf("%v", r)
		if r.Sent() == 0 || r.Failures() > restarts*concurrency {
			t.Errorf("load on the unix socket across 3 restarts that remove it: %v", r)
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
