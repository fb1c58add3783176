package graceful_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pidIn waits until the pid file names want, and returns its mode.
func pidIn(t *testing.T, s *server, path string, want int) os.FileMode {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		b, err := os.ReadFile(path)
		if err == nil && strings.TrimSpace(string(b)) == strconv.Itoa(want) {
			fi, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			return fi.Mode()
		}
		if time.Now().After(deadline) {
			t.Fatalf("pid file %s: %q (%v), want %d\n%s", path, b, err, want, s.log())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPIDFileNamesTheServingProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.pid")
	old := syscall.Umask(0o077) // the mode must not depend on the umask
	s := startServer(t, "TS_PIDFILE="+path)
	syscall.Umask(old)
	if mode := pidIn(t, s, path, s.cmd.Process.Pid); mode != 0o644 {
		t.Errorf("pid file mode %v, want -rw-r--r--", mode)
	}
	h := s.restart()
	if mode := pidIn(t, s, path, h.New); mode != 0o644 {
		t.Errorf("pid file mode after a restart %v, want -rw-r--r--", mode)
	}
	s.waitExit(h.Old)
	pidIn(t, s, path, h.New) // the old process, stopping after the handover, leaves it alone
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp")); len(leftovers) != 0 {
		t.Errorf("temporary files left beside the pid file: %v", leftovers)
	}
	s.signal(h.New, syscall.SIGTERM)
	s.waitExit(h.New)
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("pid file after the stop: %v, want it removed", err)
	}
}

func TestPIDFileDoesNotFollowAPlantedSymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "app.pid")
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, "TS_PIDFILE="+path)
	if mode := pidIn(t, s, path, s.cmd.Process.Pid); !mode.IsRegular() {
		t.Errorf("pid file is %v, want a regular file in place of the symlink", mode)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Errorf("the symlink's target was written through: %q", b)
	}
}
