package graceful

import (
	"os"
	"path/filepath"
	"testing"
)

func TestExecutablePathIsResolvedAsDeployed(t *testing.T) {
	dir := t.TempDir()
	release := filepath.Join(dir, "release-2", "app")
	link := filepath.Join(dir, "current")
	if err := os.MkdirAll(filepath.Dir(release), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Dir(release), link); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		argv0, dir, want string
	}{
		{filepath.Join(link, "app"), "/elsewhere", filepath.Join(link, "app")}, // the symlink stays unresolved
		{"./bin/app", "/srv", "/srv/bin/app"},                                  // relative to the start-up directory
	}
	for _, c := range cases {
		got, err := executable{argv: []string{c.argv0}, dir: c.dir}.path()
		if err != nil || got != c.want {
			t.Errorf("path(%q in %s) = %q, %v; want %q", c.argv0, c.dir, got, err, c.want)
		}
	}
}
