package graceful_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// needSocketActivate skips a test when systemd-socket-activate is missing
// (Debian package systemd). Under CI (.ci/install installs it) a missing
// tool fails the test instead, so that a skip never hides these tests there.
func needSocketActivate(t *testing.T) {
	t.Helper()
	testsupport.NeedTool(t, "systemd-socket-activate", "Debian package systemd")
}

// socketActivated runs the server under systemd-socket-activate, which
// opens the sockets named by listen and starts the server on them.
func socketActivated(listen ...string) func(dir, bin string, env []string) []string {
	return socketActivatedWith(nil, listen...)
}

// socketActivatedWith is socketActivated with more options of
// systemd-socket-activate (--datagram).
func socketActivatedWith(options []string, listen ...string) func(dir, bin string, env []string) []string {
	return func(dir, bin string, env []string) []string {
		argv := append([]string{"systemd-socket-activate"}, options...)
		for _, l := range listen {
			argv = append(argv, "--listen="+l)
		}
		for _, kv := range env {
			if strings.HasPrefix(kv, "TS_") || strings.HasPrefix(kv, "GRACEFUL_") || strings.HasPrefix(kv, "PATH=") {
				argv = append(argv, "--setenv="+kv)
			}
		}
		return append(argv, bin)
	}
}

func TestSocketActivatedServerRestartsUnderLoad(t *testing.T) {
	needSocketActivate(t)
	tcp := testsupport.FreeAddr(t)
	sock := filepath.Join(t.TempDir(), "activated.sock")
	// The program asks for its sockets in the other order than the service
	// manager passes them: they are matched by address.
	s := launchVia(t, socketActivated(tcp, sock), "", "TS_LISTEN=unix="+sock+";tcp="+tcp, "TS_DRAIN=30s")
	// The service manager starts the program at the first connection.
	s.waitLog(`Listening on `+regexp.QuoteMeta(sock), 1)
	first := s.cmd.Process.Pid
	if got := get(t, testsupport.Target{Network: "tcp", Address: tcp}, "/pid"); got != strconv.Itoa(first) {
		t.Fatalf("first request served by %s, want %d", got, first)
	}
	s.targets = s.waitListening()
	s.waitLog(`msg="graceful: ready"`, 1)
	logs := s.log()
	if n := strings.Count(logs, "adopted inherited socket"); n != 2 {
		t.Fatalf("%d sockets adopted from the service manager, want 2:\n%s", n, logs)
	}
	if out := get(t, s.targets[1], "/spawn"); strings.Contains(out, "socket:") || strings.Contains(out, "env LISTEN_") {
		t.Errorf("a subprocess of the socket-activated app inherited sockets or variables:\n%s", out)
	}

	// One client per target and mode: every keep-alive connection stays
	// busy, which is what the drain's linger relies on (an idle pooled
	// connection closed by Shutdown while a client picks it is lost; see
	// PITFALLS.md; the drain itself is tested in restart_linux_test.go).
	stop := load(s.targets, 1, testsupport.KeepAlivePOST, testsupport.NewConnPOST)
	servedByTheLast(t, s, first, restartsUnderLoad(t, s, stop))
	if _, err := os.Stat(sock); err != nil {
		t.Errorf("the socket file of the service manager is gone: %v", err)
	}
}

func TestSocketActivatedSupervisorPassesTheSocketsOn(t *testing.T) {
	needSocketActivate(t)
	tcp := testsupport.FreeAddr(t)
	s := launchVia(t, socketActivated(tcp), "", "TS_LISTEN=tcp="+tcp, "GRACEFUL_SUPERVISE=1")
	s.waitLog(`Listening on `+regexp.QuoteMeta(tcp), 1)
	first := get(t, testsupport.Target{Network: "tcp", Address: tcp}, "/pid")
	if first == strconv.Itoa(s.cmd.Process.Pid) {
		t.Fatalf("served by the supervisor itself:\n%s", s.log())
	}
	s.targets = s.waitListening()
	s.waitLog(`child ready" pid=`+strconv.Itoa(s.cmd.Process.Pid), 1)
	s.signal(s.cmd.Process.Pid, syscall.SIGHUP)
	s.waitLog(`former child exited`, 1)
	if got := get(t, s.targets[0], "/pid"); got == first {
		t.Errorf("still served by %s after the restart", got)
	}
	if n := strings.Count(s.log(), "adopted inherited socket"); n != 2 {
		t.Errorf("%d adoptions of the activated socket by the two children, want 2:\n%s", n, s.log())
	}
}
