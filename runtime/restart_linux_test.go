package graceful_test

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// restarts is how many restarts run under load: a few by default, 100 with
// GRACEFUL_SOAK=1.
func restarts() int {
	if os.Getenv("GRACEFUL_SOAK") == "1" {
		return 100
	}
	return 4
}

func TestRestartUnderLoadLosesNoRequest(t *testing.T) {
	s := startServer(t, "TS_DRAIN=60s")
	first := s.restart()
	settledFDs := settle(t, first.New)

	stop := load(s.targets, 4, testsupport.KeepAlivePOST, testsupport.NewConnPOST)
	var olds []int
	for i := 0; i < restarts(); i++ {
		time.Sleep(150 * time.Millisecond) // let the load reach this generation
		h := s.restart()
		olds = append(olds, h.Old)
		assertNonBlocking(t, s.targets[0], h.New)
	}
	time.Sleep(150 * time.Millisecond)
	for _, r := range stop() {
		if r.Sent() == 0 || r.Failures() != 0 {
			t.Errorf("load across %d restarts: %v", restarts(), r)
		} else {
			t.Logf("%v", r)
		}
	}

	last := s.restart()
	// Every old generation exits by itself: its listener closed promptly
	// (a listener switched to blocking mode would keep Serve, and so the
	// drain, waiting for the 60s drain timeout).
	for _, pid := range append(olds, first.Old, last.Old) {
		s.waitExit(pid)
	}
	if got := settle(t, last.New); got != settledFDs {
		t.Errorf("descriptors of the serving process: %d after the first restart, %d after %d more", settledFDs, got, restarts()+1)
	}
	var live []int
	for _, pid := range s.pids() {
		if s.ours(pid) {
			live = append(live, pid)
		}
	}
	if len(live) != 1 || live[0] != last.New {
		t.Errorf("serving processes at the end: %v, want only %d", live, last.New)
	}
	if kids := children(last.New); len(kids) != 0 {
		t.Errorf("the serving process has children (zombies?): %v", kids)
	}
}

// settle returns the descriptor count of pid once it stops falling (the
// connections of the previous checks close asynchronously).
func settle(t *testing.T, pid int) int {
	n := fdCount(t, pid)
	for i := 0; i < 50; i++ {
		time.Sleep(20 * time.Millisecond)
		m := fdCount(t, pid)
		if m == n {
			return n
		}
		n = m
	}
	return n
}

// assertNonBlocking checks that the listening socket the processes share is
// still in non-blocking mode: handing it over did not switch it.
func assertNonBlocking(t *testing.T, target testsupport.Target, pid int) {
	t.Helper()
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	for _, fd := range fds {
		link, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if !strings.HasPrefix(link, "socket:") {
			continue
		}
		info, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/%s", pid, fd.Name()))
		if err != nil {
			continue
		}
		m := regexp.MustCompile(`flags:\s+(\d+)`).FindStringSubmatch(string(info))
		if m == nil {
			continue
		}
		flags, _ := strconv.ParseUint(m[1], 8, 64)
		if flags&syscall.O_NONBLOCK == 0 {
			t.Errorf("process %d fd %s (%s) is in blocking mode (flags %s)", pid, fd.Name(), link, m[1])
		}
	}
}

// failedRestart sends SIGHUP to a server whose next generation fails, and
// checks that the old process logged why, reaped the child, kept serving,
// and restarts fine once the cause is gone.
func failedRestart(t *testing.T, s *server, reason string, undo func()) {
	t.Helper()
	pid := s.serving()
	fds := settle(t, pid)
	s.signal(pid, syscall.SIGHUP)
	logs := s.waitLog(`restart failed, still serving`, 1)
	if got := settle(t, pid); got != fds {
		t.Errorf("descriptors of the old process: %d before the failed restart, %d after", fds, got)
	}
	if !regexp.MustCompile(`restart failed, still serving.*` + reason).MatchString(logs) {
		t.Errorf("the failure log does not say %q:\n%s", reason, logs)
	}
	if kids := children(pid); len(kids) != 0 {
		t.Errorf("failed child not reaped: %v", kids)
	}
	if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(pid) {
		t.Errorf("after the failed restart, served by %s, want %d", got, pid)
	}
	undo()
	h := s.restart()
	if h.Old != pid {
		t.Errorf("the retry restarted %d, want %d", h.Old, pid)
	}
	if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(h.New) {
		t.Errorf("after the retry, served by %s, want %d", got, h.New)
	}
}

func TestChildExitingBeforeReadyKeepsParentServing(t *testing.T) {
	s := startServer(t)
	s.setControl("exit1")
	failedRestart(t, s, `exited before it was ready: exit status 1`, func() { s.setControl("") })
}

func TestChildPanickingBeforeReadyKeepsParentServing(t *testing.T) {
	s := startServer(t)
	s.setControl("panic")
	failedRestart(t, s, `exited before it was ready: exit status 2`, func() { s.setControl("") })
}

func TestChildHangingPastStartTimeoutIsKilled(t *testing.T) {
	s := startServer(t, "TS_START=1s")
	s.setControl("hang")
	failedRestart(t, s, `not ready within the start timeout 1s, killed \(signal: killed\)`, func() { s.setControl("") })
}

func TestMissingExecutableKeepsParentServing(t *testing.T) {
	s := startServer(t)
	moved := s.bin + ".moved"
	if err := os.Rename(s.bin, moved); err != nil {
		t.Fatal(err)
	}
	failedRestart(t, s, `no such file or directory`, func() {
		if err := os.Rename(moved, s.bin); err != nil {
			t.Fatal(err)
		}
	})
}

func TestNonExecutableFileKeepsParentServing(t *testing.T) {
	s := startServer(t)
	if err := os.Chmod(s.bin, 0o644); err != nil {
		t.Fatal(err)
	}
	failedRestart(t, s, `not executable`, func() {
		if err := os.Chmod(s.bin, 0o755); err != nil {
			t.Fatal(err)
		}
	})
}

func TestChildFailingToBindNewAddressKeepsParentServing(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	s := startServer(t)
	s.setControl("bind=" + taken.Addr().String())
	failedRestart(t, s, `exited before it was ready: exit status 1`, func() { s.setControl("") })
	if !strings.Contains(s.log(), "address already in use") {
		t.Errorf("the child did not say why it failed:\n%s", s.log())
	}
}

func TestDrainDeadlineClosesHijackedConnection(t *testing.T) {
	s := startServer(t, "TS_DRAIN=1s")
	conn, r := hijack(t, s.targets[0], "")
	s.signal(s.cmd.Process.Pid, syscall.SIGTERM)
	conn.SetReadDeadline(time.Now().Add(waitFor))
	if _, err := r.ReadByte(); err == nil || os.IsTimeout(err) {
		t.Fatalf("the hijacked connection was not closed at the drain deadline: %v", err)
	}
	if err := s.wait(); err != nil {
		t.Errorf("exit after the drain: %v, want status 0", err)
	}
	if !strings.Contains(s.log(), "closed=1") {
		t.Errorf("the drain did not log the closed connection:\n%s", s.log())
	}
}

func TestStopDuringRestartKillsChildAndExits(t *testing.T) {
	s := startServer(t, "TS_START=60s")
	s.setControl("hang")
	s.signal(s.cmd.Process.Pid, syscall.SIGHUP)
	s.waitLog(`child started`, 1)
	child := s.pids()[1]
	s.signal(s.cmd.Process.Pid, syscall.SIGTERM)
	if err := s.wait(); err != nil {
		t.Errorf("exit after SIGTERM during a restart: %v, want status 0", err)
	}
	if testsupport.Alive(child) {
		t.Errorf("the child %d outlived its parent's stop", child)
	}
	if strings.Contains(s.log(), "restart failed") {
		t.Errorf("an aborted restart was logged as a failure:\n%s", s.log())
	}
}

func TestRestartSignalBurstRunsOneRestartThenOneMore(t *testing.T) {
	s := startServer(t, "TS_API=las", "TS_LISTEN=tcp="+testsupport.FreeAddr(t))
	s.setControl("slow")
	pid := s.serving()
	for i := 0; i < 20; i++ { // a burst, all within the new process's slow start
		s.signal(pid, syscall.SIGHUP)
		time.Sleep(10 * time.Millisecond)
	}
	// The first signal restarts; the 19 others are coalesced into one more
	// restart, which the new process runs once it took over.
	s.waitLog(`graceful: child ready`, 2)
	s.waitExit(pid)
	time.Sleep(500 * time.Millisecond) // no third restart comes
	logs := s.log()
	if n := strings.Count(logs, "child started"); n != 2 {
		t.Errorf("%d children started for one burst, want 2:\n%s", n, logs)
	}
	if !strings.Contains(logs, "restart queued") || !strings.Contains(logs, "restart forwarded to the new process") {
		t.Errorf("the burst's extra signals were not queued and forwarded:\n%s", logs)
	}
	pids := s.pids()
	last := pids[len(pids)-1]
	nw, err := testsupport.SolePID(s.targets[0], pids[1], waitFor)
	if err != nil || nw != last {
		t.Fatalf("serving: %d, %v; want the last child %d", nw, err, last)
	}
	if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(last) {
		t.Errorf("served by %s, want %d", got, last)
	}
}

func TestRestartSignalBeforeReadyIsHeld(t *testing.T) {
	s := launch(t, "slow")
	s.waitLog(`testserver: configured`, 1)
	s.signal(s.cmd.Process.Pid, syscall.SIGHUP) // while the app still initialises
	s.waitLog(`restart held until this process is ready`, 1)
	s.targets = s.waitListening()
	nw, err := testsupport.SolePID(s.targets[0], s.cmd.Process.Pid, waitFor)
	if err != nil {
		t.Fatalf("the held restart did not happen: %v\n%s", err, s.log())
	}
	if err := s.wait(); err != nil {
		t.Errorf("the first generation: %v, want status 0", err)
	}
	if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(nw) {
		t.Errorf("served by %s, want %d", got, nw)
	}
}

func TestListenersMatchedByAddressInAnyOrder(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "s.sock")
	listen := "tcp4=127.0.0.1:0;unix=" + sock
	if err := listening("tcp6", "[::1]:0"); err != nil {
		t.Logf("no IPv6 loopback (%v): testing tcp4 and unix only", err)
	} else {
		listen = "tcp6=[::1]:0;" + listen
	}
	s := startServer(t, "TS_LISTEN="+listen)
	stop := load(s.targets, 2, testsupport.KeepAlivePOST, testsupport.NewConnPOST)
	time.Sleep(100 * time.Millisecond)
	s.setControl("reverse")
	h := s.restart()
	time.Sleep(100 * time.Millisecond)
	for _, r := range stop() {
		if r.Sent() == 0 || r.Failures() != 0 {
			t.Errorf("load during the handover: %v", r)
		}
	}
	s.waitExit(h.Old)
	for _, target := range s.targets {
		if got := get(t, target, "/pid"); got != strconv.Itoa(h.New) {
			t.Errorf("%s %s served by %s, want %d", target.Network, target.Address, got, h.New)
		}
	}
	if _, err := os.Stat(sock); err != nil {
		t.Errorf("the old process removed the socket file its successor serves: %v", err)
	}
	if strings.Contains(s.log(), "closed_unused=[tcp") || strings.Contains(s.log(), "closed_unused=[unix") {
		t.Errorf("a socket was left unadopted:\n%s", s.log())
	}
}

func TestSubprocessOfAppInheritsNoListener(t *testing.T) {
	s := startServer(t)
	s.restart()
	out := get(t, s.targets[0], "/spawn")
	if strings.Contains(out, "socket:") || strings.Contains(out, "env GRACEFUL_") {
		t.Errorf("a subprocess of the restarted app inherited sockets or protocol variables:\n%s", out)
	}
}

func TestAppHandlingStopGetsServerClosedAfterDrain(t *testing.T) {
	s := startServer(t, "TS_APP_STOP=1", "TS_API=las", "TS_LISTEN=tcp="+testsupport.FreeAddr(t))
	s.signal(s.cmd.Process.Pid, syscall.SIGTERM)
	if err := s.wait(); err != nil {
		t.Errorf("exit: %v, want status 0", err)
	}
	logs := s.log()
	drained := strings.Index(logs, "graceful: drained")
	returned := strings.Index(logs, "serve returned http.ErrServerClosed")
	if drained < 0 || returned < drained || !strings.Contains(logs, "app shutdown") {
		t.Errorf("want the app's own shutdown, then the runtime's drain, then ErrServerClosed:\n%s", logs)
	}
}

func TestHandoverRunsTheAppsOwnShutdownOnlyAfterTheDrainWhenAsked(t *testing.T) {
	for _, after := range []bool{false, true} {
		t.Run(fmt.Sprintf("AppStopAfterHandover=%v", after), func(t *testing.T) {
			env := []string{"TS_APP_STOP=1"}
			if after {
				env = append(env, "TS_APP_STOP_AFTER=1")
			}
			s := startServer(t, env...)
			h := s.restart()
			if err := s.wait(); err != nil {
				t.Errorf("the old generation exited with %v, want status 0", err)
			}
			logs := s.log()
			drained := strings.Index(logs, fmt.Sprintf("graceful: drained\" pid=%d", h.Old))
			shutdown := strings.Index(logs, "testserver: app shutdown")
			returned := strings.Index(logs, "serve returned http.ErrServerClosed")
			switch {
			case drained < 0:
				t.Errorf("the old generation did not drain:\n%s", logs)
			case !after && (shutdown >= 0 || returned >= 0):
				t.Errorf("by default the old generation must exit without the app's stop path:\n%s", logs)
			case after && (returned < drained || shutdown < drained):
				t.Errorf("want drained, then ErrServerClosed and the app's own stop path:\n%s", logs)
			}
			if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(h.New) {
				t.Errorf("served by %s, want %d", got, h.New)
			}
		})
	}
}

func TestSocketTheNewVersionDropsIsClosedAfterTheStartTimeout(t *testing.T) {
	s := startServer(t, "TS_LISTEN=tcp=127.0.0.1:0;tcp=127.0.0.2:0", "TS_READY=500ms", "TS_START=5s")
	s.setControl("first-only")
	h := s.restart()
	s.waitExit(h.Old)
	logs := s.log()
	if !regexp.MustCompile(`ready timeout.*not_adopted_yet=\[tcp:127.0.0.2:0\]`).MatchString(logs) {
		t.Errorf("want readiness by ReadyTimeout with the dropped socket not adopted:\n%s", logs)
	}
	if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(h.New) {
		t.Errorf("kept socket served by %s, want %d", got, h.New)
	}
	// Until the start timeout the new process keeps it, for a late server.
	if pids, _ := testsupport.ListenerPIDs(s.targets[1]); len(pids) != 1 || pids[0] != h.New {
		t.Errorf("before the start timeout the dropped socket %s is held by %v, want the new process %d", s.targets[1].Address, pids, h.New)
	}
	s.waitLog(`closed_unused=\[tcp:127.0.0.2:0\]`, 1)
	if pids, _ := testsupport.ListenerPIDs(s.targets[1]); len(pids) != 0 {
		t.Errorf("the dropped socket %s is still held by %v after the start timeout", s.targets[1].Address, pids)
	}
}
