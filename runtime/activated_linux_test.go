package graceful_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// A program that serves whatever sockets the service manager passed
// (graceful.Activated, as exporter-toolkit's --web.systemd-socket does)
// finds them again in every restarted generation, where LISTEN_FDS no
// longer names it: they come from its parent, still marked as activated.
func TestActivatedListenersSurviveRestarts(t *testing.T) {
	needSocketActivate(t)
	tcp := testsupport.FreeAddr(t)
	sock := filepath.Join(t.TempDir(), "activated.sock")
	// TS_LISTEN only says how many sockets to wait for: the server asks
	// for none by address.
	s := launchVia(t, socketActivated(tcp, sock), "", "TS_ACTIVATED=1", "TS_LISTEN=tcp=x;unix=y", "TS_DRAIN=30s")
	s.waitLog(`Listening on `+regexp.QuoteMeta(sock), 1)
	first := s.cmd.Process.Pid
	if got := get(t, testsupport.Target{Network: "unix", Address: sock}, "/pid"); got != strconv.Itoa(first) {
		t.Fatalf("first request served by %s, want %d", got, first)
	}
	s.targets = s.waitListening()
	s.waitLog(`msg="graceful: ready"`, 1)

	stop := load(s.targets, 1, testsupport.KeepAlivePOST, testsupport.NewConnPOST)
	servedByTheLast(t, s, first, restartsUnderLoad(t, s, stop))
	n := restarts()
	if got, want := strings.Count(s.log(), "adopted inherited socket"), 2*(n+1); got != want {
		t.Errorf("%d adoptions through Activated over %d generations, want %d:\n%s", got, n+1, want, s.log())
	}
	if _, err := os.Stat(sock); err != nil {
		t.Errorf("the socket file of the service manager is gone after the restarts: %v", err)
	}
}
