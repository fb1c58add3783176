package graceful_test

import (
	"bufio"
	"context"
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
	"syscall"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// serverBinary is the test server, built once by TestMain.
var serverBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "graceful-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	serverBinary = filepath.Join(dir, "testserver")
	build := exec.Command("go", "build", "-o", serverBinary, "./internal/testserver")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build test server:", err)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// waitFor bounds every wait of these tests: far above what each step takes,
// it only turns a hang into a failure.
const waitFor = 30 * time.Second

// server is a running test server and every generation it started.
type server struct {
	t       *testing.T
	dir     string
	bin     string
	cmd     *exec.Cmd
	done    chan struct{} // closed when the first generation is reaped
	err     error         // its exit
	targets []testsupport.Target
}

// startServer copies the test server into a directory of its own (so that a
// test may remove it or change its mode), starts it with env, and waits for
// it to listen.
func startServer(t *testing.T, env ...string) *server {
	t.Helper()
	s := launch(t, "", env...)
	s.targets = s.waitListening()
	s.waitLog(`msg="graceful: ready"`, 1)
	return s
}

// launch starts the server with control words for its first generation and
// returns at once.
func launch(t *testing.T, control string, env ...string) *server {
	t.Helper()
	return launchVia(t, nil, control, env...)
}

// launchVia is launch with the command line made by argv from the server's
// directory, binary and environment (nil: the binary alone); its last word
// is the program the restarts run.
func launchVia(t *testing.T, argv func(dir, bin string, env []string) []string, control string, env ...string) *server {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "server")
	copyFile(t, serverBinary, bin)
	s := &server{t: t, dir: dir, bin: bin, done: make(chan struct{})}
	s.setControl(control)
	out, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	defer logf.Close()
	s.cmd = exec.Command(bin)
	s.cmd.Dir = dir
	s.cmd.Env = append(os.Environ(), append([]string{"TS_CONTROL=" + s.control(), "TS_LISTEN=tcp=127.0.0.1:0"}, env...)...)
	if argv != nil {
		words := argv(dir, bin, s.cmd.Env)
		s.cmd.Path, s.cmd.Args, s.bin = lookPath(t, words[0]), words, words[len(words)-1]
	}
	s.cmd.Stdout, s.cmd.Stderr = out, logf
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(s.killAll)
	return s
}

func lookPath(t *testing.T, name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func copyFile(t *testing.T, from, to string) {
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

func (s *server) control() string { return filepath.Join(s.dir, "control") }

// setControl tells the next generation how to behave.
func (s *server) setControl(words string) {
	if err := os.WriteFile(s.control(), []byte(words), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func (s *server) waitListening() []testsupport.Target {
	s.t.Helper()
	var targets []testsupport.Target
	deadline := time.Now().Add(waitFor)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(filepath.Join(s.dir, "stdout"))
		targets = targets[:0]
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 3 && f[0] == "listen" {
				network := strings.TrimRight(f[1], "46")
				targets = append(targets, testsupport.Target{Network: network, Address: f[2], Path: "/work"})
			}
		}
		if want := strings.Count(envOf(s.cmd, "TS_LISTEN"), "="); len(targets) >= want && want > 0 {
			return targets
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatalf("server did not listen; log:\n%s", s.log())
	return nil
}

func envOf(cmd *exec.Cmd, key string) string {
	v := ""
	for _, kv := range cmd.Env {
		if k, val, _ := strings.Cut(kv, "="); k == key {
			v = val
		}
	}
	return v
}

// log returns everything every generation logged so far.
func (s *server) log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "log"))
	return string(b)
}

// waitLog waits until the log matches pattern at least n times.
func (s *server) waitLog(pattern string, n int) string {
	s.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(waitFor)
	for time.Now().Before(deadline) {
		if l := s.log(); len(re.FindAllString(l, -1)) >= n {
			return l
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatalf("log never matched %q %d times; log:\n%s", pattern, n, s.log())
	return ""
}

// pids returns every process of this server: the first and every child the
// log names.
func (s *server) pids() []int {
	pids := []int{s.cmd.Process.Pid}
	for _, m := range regexp.MustCompile(`child started.* child=(\d+)`).FindAllStringSubmatch(s.log(), -1) {
		pid, _ := strconv.Atoi(m[1])
		pids = append(pids, pid)
	}
	return pids
}

// ours reports whether pid is a live process started from this server's binary.
func (s *server) ours(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && strings.HasPrefix(string(b), s.bin+"\x00") && testsupport.Alive(pid)
}

// killAll kills every process of this server still alive, by pid.
func (s *server) killAll() {
	for _, pid := range s.pids() {
		if s.ours(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	select {
	case <-s.done:
	case <-time.After(waitFor):
	}
}

// wait waits for the first generation to exit and returns how it did.
func (s *server) wait() error {
	s.t.Helper()
	select {
	case <-s.done:
		return s.err
	case <-time.After(waitFor):
		s.t.Fatalf("process %d did not exit; log:\n%s", s.cmd.Process.Pid, s.log())
		return nil
	}
}

// serving returns the pid of the one process serving the first target.
func (s *server) serving() int {
	s.t.Helper()
	pid, err := testsupport.SolePID(s.targets[0], 0, waitFor)
	if err != nil {
		s.t.Fatal(err)
	}
	return pid
}

// signal sends sig to pid.
func (s *server) signal(pid int, sig syscall.Signal) {
	s.t.Helper()
	if err := syscall.Kill(pid, sig); err != nil {
		s.t.Fatalf("signal %d: %v", pid, err)
	}
}

// restart restarts the server and waits for the handover.
func (s *server) restart() testsupport.Handover {
	s.t.Helper()
	h, err := testsupport.Restart(s.targets[0], syscall.SIGHUP, waitFor)
	if err != nil {
		s.t.Fatalf("restart: %v; log:\n%s", err, s.log())
	}
	return h
}

// waitExit waits until pid is gone (or a zombie).
func (s *server) waitExit(pid int) {
	s.t.Helper()
	deadline := time.Now().Add(waitFor)
	for testsupport.Alive(pid) {
		if time.Now().After(deadline) {
			s.t.Fatalf("process %d still alive; log:\n%s", pid, s.log())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// get sends one request on a new connection and returns the body.
func get(t *testing.T, target testsupport.Target, path string) string {
	t.Helper()
	c := testsupport.NewClient(target, testsupport.NewConnGET, 1, 0)
	resp, err := c.Get(target.URL(testsupport.NewConnGET, path))
	if err != nil {
		t.Fatalf("GET %s on %s: %v", path, target.Address, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s on %s: %s: %s", path, target.Address, resp.Status, b)
	}
	return string(b)
}

// children returns the processes whose parent is pid, zombies included.
func children(pid int) []string {
	var out []string
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		st := string(b)
		i := strings.LastIndexByte(st, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(st[i+1:]) // state ppid ...
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, strings.TrimSpace(st[:i+1])+" "+f[0])
		}
	}
	return out
}

// fdCount returns the number of open descriptors of pid.
func fdCount(t *testing.T, pid int) int {
	t.Helper()
	n, err := testsupport.FDCount(pid)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// load runs loads in the background; stop ends them and returns the results.
func load(targets []testsupport.Target, concurrency int, modes ...testsupport.Mode) (stop func() []testsupport.Result) {
	ctx, cancel := context.WithCancel(context.Background())
	results := make(chan testsupport.Result, len(targets)*len(modes))
	for _, target := range targets {
		for _, mode := range modes {
			cfg := testsupport.Config{Target: target, Modes: []testsupport.Mode{mode}, Workers: concurrency, Body: []byte("payload"), Timeout: 30 * time.Second}
			go func() { results <- testsupport.Run(ctx, cfg) }()
		}
	}
	return func() []testsupport.Result {
		cancel()
		var rs []testsupport.Result
		for i := 0; i < cap(results); i++ {
			rs = append(rs, <-results)
		}
		return rs
	}
}

// listening reports whether this machine can listen on network/address.
func listening(network, address string) error {
	l, err := net.Listen(network, address)
	if err == nil {
		l.Close()
	}
	return err
}
