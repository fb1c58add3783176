package graceful

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSocketMatching(t *testing.T) {
	cases := []struct {
		name    socketName
		network string
		address string
		want    bool
	}{
		{socketName{Network: "tcp", Address: ":8080", Bound: "[::]:8080"}, "tcp", ":8080", true},
		{socketName{Network: "tcp", Address: "localhost:8080", Bound: "127.0.0.1:8080"}, "tcp4", "127.0.0.1:8080", true},
		{socketName{Network: "tcp", Address: "[::1]:8080", Bound: "[::1]:8080"}, "tcp6", "[::1]:8080", true},
		{socketName{Network: "tcp", Address: ":8080", Bound: "[::]:8080"}, "tcp", ":8081", false},
		{socketName{Network: "tcp", Address: "127.0.0.1:8080", Bound: "127.0.0.1:8080"}, "tcp", "127.0.0.2:8080", false},
		{socketName{Network: "unix", Address: "/run/s.sock", Bound: "/run/s.sock"}, "unix", "/run/s.sock", true},
		{socketName{Network: "unix", Address: "/run/s.sock", Bound: "/run/s.sock"}, "tcp", "/run/s.sock", false},
		{socketName{Network: "unix", Address: "/run/s.sock", Bound: "/run/s.sock"}, "unixpacket", "/run/s.sock", false},
	}
	for _, c := range cases {
		got := sameNetwork(c.name.Network, c.network) && (c.name.Address == c.address || boundAt(c.name, c.address))
		if got != c.want {
			t.Errorf("%+v matches %s %s: %v, want %v", c.name, c.network, c.address, got, c.want)
		}
	}
}

func TestProtocolNamingAnotherParentIsIgnored(t *testing.T) {
	env := encodeProtocol(os.Getppid()+1, []socketName{{Network: "tcp", Address: ":8080", Bound: "[::]:8080"}}, 4, exclusiveProcess)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	in := inherit()
	if in.isChild() || len(in.sockets) != 0 {
		t.Errorf("adopted sockets named for parent %d while the parent is %d", os.Getppid()+1, os.Getppid())
	}
	notes.mu.Lock()
	warnings := strings.Join(notes.warnings, "\n")
	notes.mu.Unlock()
	if !strings.Contains(warnings, "parent") {
		t.Errorf("no warning says why the sockets were ignored: %q", warnings)
	}
	// Left in place at initialisation (a binary that never serves keeps
	// its environment), removed when the runtime turns on.
	if _, set := os.LookupEnv(envListeners); !set {
		t.Errorf("%s removed at initialisation", envListeners)
	}
	applyNotes()
	if _, set := os.LookupEnv(envListeners); set {
		t.Errorf("%s left in the environment once the runtime turned on", envListeners)
	}
}

// TestRemoveOutsideARestart is os.Remove: in a process that inherited
// nothing, and for a path no inherited socket is bound at.
func TestRemoveOutsideARestart(t *testing.T) {
	name := filepath.Join(t.TempDir(), "stale.sock")
	if err := os.WriteFile(name, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Remove(name); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("Remove left %s: %v", name, err)
	}
	if err := Remove(name); !os.IsNotExist(err) {
		t.Errorf("Remove of a missing file: %v, want os.ErrNotExist as os.Remove", err)
	}
	in := &inheritance{sockets: []inheritedSocket{{name: socketName{Network: "unix", Address: "app.sock", Bound: "app.sock"}}}}
	for _, tt := range []struct {
		name string
		want bool
	}{{"app.sock", true}, {"./app.sock", true}, {"other.sock", false}} {
		if got := in.keepsSocketFile(tt.name); got != tt.want {
			t.Errorf("keepsSocketFile(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
	in.sockets[0].adopted = true
	if in.keepsSocketFile("app.sock") {
		t.Error("an adopted socket's file is kept: a later Remove is the program's own")
	}
}
