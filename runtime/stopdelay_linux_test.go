package graceful_test

import (
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestStopDelayKeepsAcceptingBeforeTheDrain(t *testing.T) {
	s := startServer(t, "TS_STOP_DELAY=3s")
	pid := s.cmd.Process.Pid
	s.signal(pid, syscall.SIGTERM)
	s.waitLog(`stop delayed`, 1)
	// A new connection during the delay is still accepted and served.
	if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(pid) {
		t.Errorf("served by %s during the stop delay, want %d", got, pid)
	}
	if err := s.wait(); err != nil {
		t.Errorf("exit after the delayed stop: %v, want status 0", err)
	}
	logs := s.log()
	if d, dr := strings.Index(logs, "stop delayed"), strings.Index(logs, "graceful: draining"); dr < d {
		t.Errorf("want the delay, then the drain:\n%s", logs)
	}
}
