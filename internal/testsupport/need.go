package testsupport

import (
	"os"
	"os/exec"
	"testing"
)

// Need skips t, with reason as its one line, when ok is false. Under CI=true
// it fails t instead: CI provides every requirement (.ci/install), and a
// skip there would hide the test.
func Need(t testing.TB, ok bool, reason string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(reason + " (CI=true: CI must provide this, so the test fails rather than skips)")
		return
	}
	t.Skip(reason)
}

// NeedRoot needs the test to run as root; what says what needs it, as "a
// new pid namespace".
func NeedRoot(t testing.TB, what string) {
	t.Helper()
	Need(t, os.Geteuid() == 0, what+" needs root: run the tests as root to include this test")
}

// NeedTool needs an executable in PATH, from the named package, and returns
// its path.
func NeedTool(t testing.TB, tool, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	Need(t, err == nil, tool+" is not installed: install "+pkg+" to include this test")
	return path
}

// NeedPIDNamespace needs the kernel to give this user a new pid namespace,
// tried with unshare --pid --fork (util-linux), as the tests that run a
// server as PID 1 start it.
func NeedPIDNamespace(t testing.TB) {
	t.Helper()
	NeedTool(t, "unshare", "util-linux")
	out, err := exec.Command("unshare", "--pid", "--fork", "true").CombinedOutput()
	if err != nil {
		Need(t, false, "the kernel refuses a new pid namespace to this user (unshare --pid --fork: "+err.Error()+": "+firstLine(out)+"): run as root to include this test")
	}
}

func firstLine(b []byte) string {
	for i, c := range b {
		if c == '\n' {
			return string(b[:i])
		}
	}
	return string(b)
}
