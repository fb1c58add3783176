package graceful

import (
	"os"
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
