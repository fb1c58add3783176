package graceful_test

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// TestUnhandedSocketsAreNamed runs a server that holds, beside the sockets
// the runtime hands over, sockets it opened with package net itself, as a
// dependency would: the runtime names those a restart's new process could
// not bind, once ready, and again in the failure of the restart they break.
func TestUnhandedSocketsAreNamed(t *testing.T) {
	dir := t.TempDir()
	tcp := testsupport.FreeAddr(t)
	reuse := testsupport.FreeAddr(t)
	udp := testsupport.FreeAddr(t)
	converted := testsupport.FreeAddr(t)
	sock := filepath.Join(dir, "dep.sock")
	gram := filepath.Join(dir, "dep.gram")
	s := startServer(t,
		"TS_FOREIGN=tcp="+tcp+";udp="+udp+";unix="+sock+";unixgram="+gram+";udp=127.0.0.1:0;tcp-reuseport="+reuse,
		"TS_PACKET=udp="+converted)
	line := regexp.MustCompile(`.*sockets a restart does not hand over.*`).FindString(
		s.waitLog(`sockets a restart does not hand over`, 1))
	for _, want := range []string{"tcp " + tcp, "udp " + udp, "unix " + sock, "unixgram " + gram} {
		if !strings.Contains(line, want) {
			t.Errorf("want %q named:\n%s", want, line)
		}
	}
	for _, not := range []string{reuse, converted, s.targets[0].Address} {
		if strings.Contains(line, not) {
			t.Errorf("%s named, but a restart hands it over or can bind it:\n%s", not, line)
		}
	}
	if n := strings.Count(line, "udp 127.0.0.1:"); n != 1 {
		t.Errorf("%d UDP sockets named, want 1 (not the client's on an ephemeral port):\n%s", n, line)
	}

	// The new process cannot bind the dependency's address and exits: the
	// failure names the sockets again.
	s.signal(s.cmd.Process.Pid, syscall.SIGHUP)
	logs := s.waitLog(`restart failed, still serving`, 1)
	if !regexp.MustCompile(`restart failed, still serving.*not_handed_over=.*` + regexp.QuoteMeta(tcp)).MatchString(logs) {
		t.Errorf("the restart failure does not name the sockets not handed over:\n%s", logs)
	}
	if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(s.cmd.Process.Pid) {
		t.Errorf("served by %s after the failed restart, want the old process %d", got, s.cmd.Process.Pid)
	}
}
