package graceful_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// The program's own lifecycle (issue 13): its stop code, its signals, its
// working directory, and binaries that never serve.

// longRequest sends GET /sleep?d=d on a new connection and returns, once the
// server answered the headers, a channel that receives the body (or the
// error that cut it).
func longRequest(t *testing.T, target testsupport.Target, d time.Duration) <-chan error {
	t.Helper()
	conn, err := net.Dial(target.Network, target.Address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET /sleep?d=%s HTTP/1.1\r\nHost: x\r\n\r\n", d)
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("long request: %v", err)
	}
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		b, err := io.ReadAll(resp.Body)
		switch {
		case err != nil:
			done <- fmt.Errorf("cut %v into the request: %w", time.Since(start).Round(100*time.Millisecond), err)
		case !strings.HasPrefix(string(b), "slept "):
			done <- fmt.Errorf("cut %v into the request: body %q", time.Since(start).Round(100*time.Millisecond), b)
		default:
			done <- nil
		}
	}()
	return done
}

func waitRequest(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the request in flight across the restart: %v", err)
		}
	case <-time.After(waitFor):
		t.Errorf("the request in flight never ended")
	}
}

// Item 1: an os.Exit in the app's SIGTERM handler cuts nothing: the drain
// comes first.
func TestHandoverDrainsBeforeTheAppsStopCodeCanExit(t *testing.T) {
	s := startServer(t, "TS_APP_STOP=exit", "TS_DRAIN=30s")
	done := longRequest(t, s.targets[0], 7*time.Second)
	s.restart()
	waitRequest(t, done)
	if err := s.wait(); err != nil {
		t.Errorf("the old generation: %v, want status 0", err)
	}
}

// Item 1: a server the app's stop path does not know (an admin server of
// another package) is drained too.
func TestHandoverDrainsEveryServerNotOnlyTheAppsOwn(t *testing.T) {
	s := startServer(t, "TS_APP_STOP=first", "TS_DRAIN=30s", "TS_LISTEN=tcp=127.0.0.1:0;tcp=127.0.0.2:0")
	done := longRequest(t, s.targets[1], 7*time.Second)
	s.restart()
	waitRequest(t, done)
	if err := s.wait(); err != nil {
		t.Errorf("the old generation: %v, want status 0", err)
	}
}

// Item 2, default: the old generation exits 0 after the drain without
// running the app's stop code, which would remove the new one's lock file.
func TestOldGenerationLeavesTheNewOnesLockFile(t *testing.T) {
	lock := filepath.Join(t.TempDir(), "lock")
	s := startServer(t, "TS_APP_STOP=1", "TS_LOCKFILE="+lock)
	for i := 0; i < 2; i++ {
		h := s.restart()
		s.waitExit(h.Old)
		if got := get(t, s.targets[0], "/health"); got != "ok" {
			t.Errorf("health after restart %d: %q", i+1, got)
		}
		if b, _ := os.ReadFile(lock); string(b) != strconv.Itoa(h.New) {
			t.Errorf("lock file after restart %d names %q, want %d", i+1, b, h.New)
		}
	}
	if err := s.wait(); err != nil {
		t.Errorf("the first generation: %v, want status 0", err)
	}
	if strings.Contains(s.log(), "testserver: app shutdown") {
		t.Errorf("an old generation ran the app's stop path:\n%s", s.log())
	}
}

// Item 2, AppStopAfterHandover: the app's stop path runs, only once every
// server drained.
func TestAppStopAfterHandoverRunsTheStopPathOnceDrained(t *testing.T) {
	s := startServer(t, "TS_APP_STOP=exit", "TS_APP_STOP_AFTER=1", "TS_DRAIN=30s")
	done := longRequest(t, s.targets[0], 3*time.Second)
	h := s.restart()
	waitRequest(t, done)
	if err := s.wait(); err != nil {
		t.Errorf("the old generation: %v, want status 0 (its own os.Exit(0))", err)
	}
	logs := s.log()
	drained := strings.Index(logs, fmt.Sprintf("graceful: drained\" pid=%d", h.Old))
	shutdown := strings.Index(logs, "testserver: app shutdown")
	if drained < 0 || shutdown < drained {
		t.Errorf("want drained, then the app's stop path:\n%s", logs)
	}
}

// Item 3: with AppHandlesStop a real SIGTERM is the app's: one that serves
// on for its load balancer keeps accepting until it calls Shutdown, and
// then the runtime drains.
func TestRealStopBelongsToAnAppThatHandlesIt(t *testing.T) {
	s := startServer(t, "TS_APP_STOP=delay=3s")
	pid := s.cmd.Process.Pid
	s.signal(pid, syscall.SIGTERM)
	start := time.Now()
	for time.Since(start) < 2500*time.Millisecond {
		c := testsupport.NewClient(s.targets[0], testsupport.NewConnPOST, 1, 0)
		resp, err := c.Get("http://" + s.targets[0].Address + "/pid")
		if err != nil {
			t.Fatalf("refused %v after SIGTERM, while the app still serves: %v", time.Since(start).Round(100*time.Millisecond), err)
		}
		resp.Body.Close()
		time.Sleep(100 * time.Millisecond)
	}
	if err := s.wait(); err != nil {
		t.Errorf("exit: %v, want status 0", err)
	}
	logs := s.log()
	shutdown := strings.Index(logs, "testserver: app shutdown")
	draining := strings.Index(logs, "graceful: draining")
	returned := strings.Index(logs, "serve returned http.ErrServerClosed")
	if shutdown < 0 || draining < shutdown || returned < draining {
		t.Errorf("want the app's shutdown, then the runtime's drain, then ErrServerClosed:\n%s", logs)
	}
}

// cli runs the test server as a CLI that links the runtime but never
// serves, and returns it once it printed "cli ready".
type cliRun struct {
	cmd    *exec.Cmd
	stdout *bufio.Reader
	stderr *strings.Builder
	out    []string
}

func startCLI(t *testing.T, mode string, env ...string) *cliRun {
	t.Helper()
	c := &cliRun{cmd: exec.Command(serverBinary), stderr: &strings.Builder{}}
	c.cmd.Env = append(os.Environ(), append([]string{"TS_CLI=" + mode}, env...)...)
	c.cmd.Stderr = c.stderr
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.cmd.Process.Kill(); c.cmd.Wait() })
	c.stdout = bufio.NewReader(out)
	for {
		line, err := c.stdout.ReadString('\n')
		if err != nil {
			t.Fatalf("the CLI ended before it was ready: %v; stderr:\n%s", err, c.stderr)
		}
		line = strings.TrimSpace(line)
		if line == "cli ready" {
			return c
		}
		c.out = append(c.out, line)
	}
}

// exitCode waits for the CLI and returns its exit status as a shell says it.
func (c *cliRun) exitCode(t *testing.T) int {
	t.Helper()
	io.Copy(io.Discard, c.stdout)
	err := c.cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return exit.ExitCode()
	}
	t.Fatal(err)
	return -1
}

// Item 5: a binary that links the runtime and never serves keeps its
// signals, environment, descriptors and output.
func TestBinaryThatNeverServesBehavesAsUnconverted(t *testing.T) {
	foreign := []string{"GRACEFUL_SUPERVISE=1", "GRACEFUL_SUPERVISOR=1", "GRACEFUL_PARENT_PID=1", "GRACEFUL_LISTENERS=[]", "GRACEFUL_READY_FD=3", "LISTEN_PID=1", "LISTEN_FDS=1"}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			c := startCLI(t, "1", foreign...)
			for _, kv := range foreign {
				if !contains(c.out, "env "+kv) {
					t.Errorf("%s was removed from the environment of a CLI; it printed %q", kv, c.out)
				}
			}
			c.cmd.Process.Signal(sig)
			if got := c.exitCode(t); got != 128+int(sig) {
				t.Errorf("exit on %v: %d, want %d", sig, got, 128+int(sig))
			}
			if c.stderr.Len() != 0 {
				t.Errorf("the CLI printed on stderr:\n%s", c.stderr)
			}
		})
	}
}

// Item 5: a binary whose main package called Configure but that never
// opened a listener dies on SIGTERM/SIGINT as unconverted, and prints
// nothing of the runtime (--help, --version).
func TestConfiguredBinaryDiesOnAStopSignalBeforeItServes(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			c := startCLI(t, "configure")
			c.cmd.Process.Signal(sig)
			if got := c.exitCode(t); got != 128+int(sig) {
				t.Errorf("exit on %v: %d, want %d", sig, got, 128+int(sig))
			}
			if c.stderr.Len() != 0 {
				t.Errorf("the runtime printed before the process served:\n%s", c.stderr)
			}
		})
	}
	t.Run("help", func(t *testing.T) {
		cmd := exec.Command(serverBinary, "--help")
		cmd.Env = append(os.Environ(), "TS_CLI=configure")
		out, err := cmd.CombinedOutput()
		if err != nil || string(out) != "usage: testserver [--help]\n" {
			t.Errorf("--help: %v, output:\n%s", err, out)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var (
	versionsMu sync.Mutex
	versions   = map[string]string{}
)

// serverVersion returns the test server built to answer v at /version.
func serverVersion(t *testing.T, v string) string {
	t.Helper()
	versionsMu.Lock()
	defer versionsMu.Unlock()
	if bin, ok := versions[v]; ok {
		return bin
	}
	bin := filepath.Join(filepath.Dir(serverBinary), "testserver-"+v)
	out, err := exec.Command("go", "build", "-ldflags=-X main.version="+v, "-o", bin, "./internal/testserver").CombinedOutput()
	if err != nil {
		t.Fatalf("build version %s: %v\n%s", v, err, out)
	}
	versions[v] = bin
	return bin
}

// deploy renames a copy of from over to, as a deploy replaces a binary.
func deploy(t *testing.T, from, to string) {
	t.Helper()
	copyFile(t, from, to+".new")
	if err := os.Rename(to+".new", to); err != nil {
		t.Fatal(err)
	}
}

// Item 7: a second restart signal during a restart is carried out once
// the first one completes; the newest binary serves.
func TestRestartSignalDuringARestartIsCarriedOutAfterIt(t *testing.T) {
	v2, v3 := serverVersion(t, "v2"), serverVersion(t, "v3")
	s := startServer(t)
	first := s.serving()
	deploy(t, v2, s.bin)
	s.signal(first, syscall.SIGHUP)
	time.Sleep(100 * time.Millisecond)
	deploy(t, v3, s.bin)
	s.signal(first, syscall.SIGHUP) // the second deploy, while the first restart settles
	s.waitLog(`graceful: child ready`, 2)
	last := s.serving()
	s.waitExit(first)
	if got := get(t, s.targets[0], "/version"); got != "v3" {
		t.Errorf("after two deploys in a row, version %q serves (pid %d), want v3:\n%s", got, last, s.log())
	}
	if pids := s.pids(); len(pids) != 3 {
		t.Errorf("generations %v, want 3:\n%s", pids, s.log())
	}
}

// Item 7, as PID 1: the supervisor carries out a restart signal that
// arrived during a restart once it completes, without waiting for the old
// child's drain (held here for 3s by a request in flight).
func TestSupervisorCarriesOutARestartSignalDuringARestart(t *testing.T) {
	v2, v3 := serverVersion(t, "v2"), serverVersion(t, "v3")
	s := startSupervised(t, "TS_DRAIN=30s")
	done := longRequest(t, s.targets[0], 3*time.Second)
	deploy(t, v2, s.bin)
	s.signal(s.sup, syscall.SIGHUP)
	time.Sleep(100 * time.Millisecond)
	deploy(t, v3, s.bin)
	s.signal(s.sup, syscall.SIGHUP)
	s.waitLog(`msg="graceful: child ready" pid=1 `, 3)
	// Children share the socket: the one before stops accepting a moment
	// after the supervisor retires it.
	deadline := time.Now().Add(5 * time.Second)
	for got := ""; got != "v3"; got = get(t, s.targets[0], "/version") {
		if time.Now().After(deadline) {
			t.Fatalf("after two deploys in a row, version %q serves, want v3:\n%s", got, s.log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if logs := s.log(); strings.Contains(logs, "former child exited") {
		t.Errorf("the queued restart waited for the first child's drain:\n%s", logs)
	}
	waitRequest(t, done)
	s.waitLog(`former child exited`, 2)
	if kids := s.serverChildren(); len(kids) != 1 {
		t.Errorf("the supervisor's children: %v, want one server", kids)
	}
}

// Item 8: a failed restart reaches stderr at ERROR whatever the app did
// with its loggers.
func TestFailedRestartIsLoggedAtErrorWhateverTheAppsLogger(t *testing.T) {
	for _, mode := range []string{"discard", "slog-discard", "info"} {
		t.Run(mode, func(t *testing.T) {
			s := launch(t, "", "TS_LOG="+mode)
			s.targets = s.waitListening()
			pid := s.serving()
			s.setControl("exit1")
			s.signal(pid, syscall.SIGHUP)
			s.waitLog(`level=ERROR msg="graceful: restart failed, still serving"`, 1)
			if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(pid) {
				t.Errorf("served by %s after the failed restart, want %d", got, pid)
			}
		})
	}
}

// Item 9: started by a service manager in a "current" symlink without
// $PWD, a restart runs the new release in its own directory, and goes on
// working once the old release is pruned.
func TestRestartRunsInTheDirectoryTheServiceManagerNamed(t *testing.T) {
	release := func(dir, name, bin string) {
		rd := filepath.Join(dir, "releases", name)
		if err := os.MkdirAll(rd, 0o755); err != nil {
			t.Fatal(err)
		}
		copyFile(t, bin, filepath.Join(rd, "server"))
		if err := os.WriteFile(filepath.Join(rd, "release"), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(dir, "current")
		os.Remove(link + ".new")
		if err := os.Symlink(filepath.Join("releases", name), link+".new"); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(link+".new", link); err != nil {
			t.Fatal(err)
		}
	}
	s := launchVia(t, func(dir, bin string, env []string) []string {
		release(dir, "v1", bin)
		// WorkingDirectory=<dir>/current, ExecStart=<dir>/current/server, no $PWD.
		return []string{"sh", "-c", `cd current && exec env -u PWD "$0"`, filepath.Join(dir, "current", "server")}
	}, "")
	s.targets = s.waitListening()
	s.waitLog(`msg="graceful: ready"`, 1)
	if got := get(t, s.targets[0], "/cwd"); !strings.HasSuffix(got, " v1") {
		t.Fatalf("first process runs in %q, want release v1", got)
	}
	for _, name := range []string{"v2", "v3"} {
		release(s.dir, name, serverBinary)
		h := s.restart()
		if got := get(t, s.targets[0], "/cwd"); !strings.HasSuffix(got, " "+name) {
			t.Errorf("after switching current to %s, the new process runs in %q", name, got)
		}
		s.waitExit(h.Old)
		// The previous release is pruned, as deploy tools do.
		prev := map[string]string{"v2": "v1", "v3": "v2"}[name]
		if err := os.RemoveAll(filepath.Join(s.dir, "releases", prev)); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(s.log(), "restart failed") {
		t.Errorf("a restart failed:\n%s", s.log())
	}
}

// Item 9: a dependency's os.Chdir in init does not break a restart of a
// program started as ./app.
func TestChdirAtStartDoesNotBreakARelativeRestart(t *testing.T) {
	elsewhere := t.TempDir()
	s := launchVia(t, func(dir, bin string, env []string) []string {
		return []string{"env", "PWD=" + dir, "./server"}
	}, "", "TS_CHDIR="+elsewhere)
	s.targets = s.waitListening()
	s.waitLog(`msg="graceful: ready"`, 1)
	h, err := testsupport.Restart(s.targets[0], syscall.SIGHUP, 10*time.Second)
	if err != nil {
		t.Fatalf("restart of ./server after a chdir at start: %v\n%s", err, s.log())
	}
	if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(h.New) {
		t.Errorf("served by %s, want %d", got, h.New)
	}
}

// Item 10: the drain-deadline close of hijacked connections is a warning
// with a count.
func TestDrainDeadlineWarnsOfHijackedConnectionsClosed(t *testing.T) {
	s := startServer(t, "TS_DRAIN=1s")
	hijack(t, s.targets[0], "")
	hijack(t, s.targets[0], "")
	s.signal(s.cmd.Process.Pid, syscall.SIGTERM)
	if err := s.wait(); err != nil {
		t.Errorf("exit after the drain: %v, want status 0", err)
	}
	if !regexp.MustCompile(`level=WARN msg="graceful: drain deadline: hijacked connections closed".* hijacked=2`).MatchString(s.log()) {
		t.Errorf("no warning with the count of hijacked connections closed:\n%s", s.log())
	}
}

// Items 1 and 2 as PID 1: the supervisor retires an old child as a
// handover, not as a stop: it drains first and does not run the app's stop
// code.
func TestSupervisorRetiresAnOldChildWithoutItsStopCode(t *testing.T) {
	s := startSupervised(t, "TS_APP_STOP=exit", "TS_DRAIN=30s")
	done := longRequest(t, s.targets[0], 3*time.Second)
	s.signal(s.sup, syscall.SIGHUP)
	s.waitLog(`msg="graceful: child ready" pid=1 `, 2)
	waitRequest(t, done)
	logs := s.waitLog(`former child exited`, 1)
	if !regexp.MustCompile(`former child exited.*status="exit status 0"`).MatchString(logs) {
		t.Errorf("the old child did not exit 0 after its drain:\n%s", logs)
	}
	if strings.Contains(logs, "testserver: app shutdown") {
		t.Errorf("the old child ran the app's stop path:\n%s", logs)
	}
}
