package graceful

import (
	"os"
	"path/filepath"
	"strings"
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

func TestStartDirIsTheDirectoryAsTheOperatorNamedIt(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	v1 := filepath.Join(dir, "releases", "v1")
	if err := os.MkdirAll(filepath.Join(v1, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	current := filepath.Join(dir, "current")
	if err := os.Symlink(filepath.Join("releases", "v1"), current); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	if err := os.Chdir(v1); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PWD", "")
	os.Unsetenv("PWD")
	never := func(string) bool { return false }
	cases := []struct {
		name, arg0, pwd string
		isSelf          func(string) bool
		want            string
	}{
		// WorkingDirectory=/srv/app/current, ExecStart=/srv/app/current/bin/app, no $PWD.
		{"symlink without PWD", filepath.Join(current, "bin", "app"), "", never, current},
		{"no symlink without PWD", filepath.Join(v1, "bin", "app"), "", never, v1},
		{"relative argv[0] without PWD", "./bin/app", "", never, v1},
		// Started as ./bin/app in /elsewhere, which a dependency left by os.Chdir.
		{"chdir before start", "./bin/app", "/elsewhere", func(p string) bool { return p == "/elsewhere/bin/app" }, "/elsewhere"},
		// A stale $PWD: argv[0] names this executable from the current directory.
		{"stale PWD", "./bin/app", "/elsewhere", func(p string) bool { return p == filepath.Join(v1, "bin/app") }, v1},
	}
	for _, c := range cases {
		if got := startDir(c.arg0, c.pwd, c.isSelf); got != c.want {
			t.Errorf("%s: startDir(%q, PWD=%q) = %q, want %q", c.name, c.arg0, c.pwd, got, c.want)
		}
	}
}

func TestWithPWDNamesTheDirectory(t *testing.T) {
	got := withPWD([]string{"A=1", "PWD=/old", "B=2"}, "/srv/app/current")
	want := []string{"A=1", "B=2", "PWD=/srv/app/current"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("withPWD = %q, want %q", got, want)
	}
}
