package graceful_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	buildV2Once sync.Once
	serverV2    string
	buildV2Err  error
)

// serverVersion2 returns the test server built as version "v2" (the usual
// build answers "dev" at /version).
func serverVersion2(t *testing.T) string {
	t.Helper()
	buildV2Once.Do(func() {
		serverV2 = filepath.Join(filepath.Dir(serverBinary), "testserver-v2")
		out, err := exec.Command("go", "build", "-ldflags=-X main.version=v2", "-o", serverV2, "./internal/testserver").CombinedOutput()
		if err != nil {
			buildV2Err = &exec.Error{Name: string(out), Err: err}
		}
	})
	if buildV2Err != nil {
		t.Fatalf("build version 2: %v", buildV2Err)
	}
	return serverV2
}

func TestRestartRunsABinaryRenamedOverTheOldOne(t *testing.T) {
	v2 := serverVersion2(t)
	s := startServer(t)
	if got := get(t, s.targets[0], "/version"); got != "dev" {
		t.Fatalf("first version %q, want dev", got)
	}
	next := s.bin + ".new"
	copyFile(t, v2, next)
	if err := os.Rename(next, s.bin); err != nil { // how a deploy replaces a running binary
		t.Fatal(err)
	}
	h := s.restart()
	if got := get(t, s.targets[0], "/version"); got != "v2" {
		t.Errorf("after the restart, version %q served by %d, want v2", got, h.New)
	}
}

func TestRestartRunsTheReleaseASymlinkWasSwitchedTo(t *testing.T) {
	v2 := serverVersion2(t)
	var current string
	s := launchVia(t, func(dir, bin string, env []string) []string {
		for _, r := range []string{"v1", "v2"} {
			if err := os.MkdirAll(filepath.Join(dir, "releases", r), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		copyFile(t, bin, filepath.Join(dir, "releases", "v1", "server"))
		current = filepath.Join(dir, "current")
		if err := os.Symlink(filepath.Join("releases", "v1"), current); err != nil {
			t.Fatal(err)
		}
		return []string{filepath.Join(current, "server")}
	}, "")
	s.targets = s.waitListening()
	s.waitLog(`msg="graceful: ready"`, 1)
	if got := get(t, s.targets[0], "/version"); got != "dev" {
		t.Fatalf("first version %q, want dev", got)
	}
	copyFile(t, v2, filepath.Join(s.dir, "releases", "v2", "server"))
	// Switch the symlink atomically, as deploy tools do.
	if err := os.Symlink(filepath.Join("releases", "v2"), current+".new"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(current+".new", current); err != nil {
		t.Fatal(err)
	}
	h := s.restart()
	if got := get(t, s.targets[0], "/version"); got != "v2" {
		t.Errorf("after the restart, version %q served by %d, want v2 (the release the symlink names)", got, h.New)
	}
}
