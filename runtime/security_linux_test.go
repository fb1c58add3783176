package graceful_test

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// protocolVariable matches the variables of the restart protocol, the
// supervisor and socket activation.
var protocolVariable = regexp.MustCompile(`^(GRACEFUL_(PARENT_PID|LISTENERS|READY_FD|SUPERVISOR|SUPERVISE)|LISTEN_(PID|FDS|FDNAMES))=`)

// inheritedFDs returns the descriptors from 3 on that a subprocess of the
// app inherited and that are sockets or pipes, and its protocol variables.
func inheritedFDs(t *testing.T, s *server) []string {
	t.Helper()
	// Descriptors the test itself inherited from whoever runs it pass on to
	// everything it starts: they are not the runtime's.
	outside := map[string]bool{}
	fds, _ := os.ReadDir("/proc/self/fd")
	for _, fd := range fds {
		link, _ := os.Readlink("/proc/self/fd/" + fd.Name())
		outside[link] = true
	}
	var leaks []string
	for _, line := range strings.Split(get(t, s.targets[0], "/spawn"), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 3 && f[0] == "fd":
			if n, _ := strconv.Atoi(f[1]); n >= 3 && !outside[f[2]] && (strings.HasPrefix(f[2], "socket:") || strings.HasPrefix(f[2], "pipe:")) {
				leaks = append(leaks, line)
			}
		case len(f) >= 2 && f[0] == "env" && protocolVariable.MatchString(f[1]):
			leaks = append(leaks, line)
		}
	}
	return leaks
}

func TestSubprocessOfAppInheritsNoSocketPipeOrVariable(t *testing.T) {
	s := startServer(t)
	if leaks := inheritedFDs(t, s); len(leaks) != 0 {
		t.Errorf("a subprocess of the first process inherited: %v", leaks)
	}
	s.restart()
	if leaks := inheritedFDs(t, s); len(leaks) != 0 {
		t.Errorf("a subprocess of the restarted process inherited: %v", leaks)
	}
}

func TestForgedProtocolVariablesAreIgnoredLoggedAndRemoved(t *testing.T) {
	s := startServer(t,
		"GRACEFUL_PARENT_PID=1",
		`GRACEFUL_LISTENERS=[{"network":"tcp","address":"127.0.0.1:0","bound":"127.0.0.1:1"}]`,
		"GRACEFUL_READY_FD=3",
		"GRACEFUL_SUPERVISOR=1",
		"LISTEN_PID=1", "LISTEN_FDS=1",
	)
	logs := s.log()
	for _, want := range []string{"ignoring inherited sockets: they name parent pid 1", "ignoring supervisor"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log does not say %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "adopted inherited socket") {
		t.Errorf("a forged socket was adopted:\n%s", logs)
	}
	if leaks := inheritedFDs(t, s); len(leaks) != 0 {
		t.Errorf("forged variables or descriptors reached a subprocess: %v", leaks)
	}
	// It still restarts normally.
	h := s.restart()
	if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(h.New) {
		t.Errorf("served by %s, want %d", got, h.New)
	}
}

func TestForgedSocketActivationIsIgnoredAndLogged(t *testing.T) {
	s := startServer(t, "LISTEN_PID=1", "LISTEN_FDS=1", "LISTEN_FDNAMES=http")
	if !strings.Contains(s.log(), "ignoring socket activation: LISTEN_PID=1 names another process") {
		t.Errorf("the forged activation was not logged:\n%s", s.log())
	}
	if leaks := inheritedFDs(t, s); len(leaks) != 0 {
		t.Errorf("forged variables or descriptors reached a subprocess: %v", leaks)
	}
}
