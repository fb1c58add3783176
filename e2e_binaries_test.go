//go:build linux

package gracefulgen_test

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
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

	"github.com/gracefulgen/gracefulgen/generator"
	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// e2eModule copies testdata/e2e into a module of its own that requires the
// local runtime and returns its root.
func e2eModule(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	writeTree(t, root, readTree(t, filepath.Join("testdata", "e2e"), ""))
	writeTree(t, root, map[string]string{"go.mod": goMod(t, "example.com/e2e")})
	return root
}

// goBuild runs go build (or go test -c, when args say so) in root.
func goBuild(t *testing.T, root string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = root, testEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// convert runs gracefulgen on the packages below dir, in one run, as
// `gracefulgen [flags] ./...` does there, and returns its exit code and output.
func convert(dir string, opts generator.Options) (int, string) {
	var out bytes.Buffer
	opts.Dir, opts.Patterns, opts.Env = dir, []string{"./..."}, testEnv()
	opts.Stdout, opts.Stderr = &out, &out
	if opts.Config.RestartSignal == "" {
		opts.Config = generator.DefaultConfig()
	}
	if opts.HandlesStop == "" {
		opts.HandlesStop = generator.HandlesStopAuto
	}
	return generator.Run(opts), out.String()
}

// TestE2EBinaries converts, in one run, a module with two serving binaries
// that differ in stop handling (plain, ownstop), a library they do not use
// (lib, with a server start), a CLI that links that library but never
// serves (cli), and checks on real processes that each binary got its own
// decisions: plain drains and exits 0 on SIGTERM, ownstop runs its own
// stop, and the CLI and the library's test binary behave exactly as their
// unconverted builds (output, environment, exit codes, fate on signals).
func TestE2EBinaries(t *testing.T) {
	becomeSubreaper(t)
	root := e2eModule(t)
	bin := func(name string) string { return filepath.Join(root, "bin", name) }

	// The unconverted builds, to compare with.
	goBuild(t, root, "build", "-o", bin("orig/cli"), "./binaries/cli")
	goBuild(t, root, "test", "-c", "-o", bin("orig/lib.test"), "./binaries/lib")

	code, out := convert(filepath.Join(root, "binaries"), generator.Options{})
	if code != generator.ExitOK {
		t.Fatalf("gracefulgen ./... exited %d:\n%s", code, out)
	}
	t.Logf("gracefulgen ./...:\n%s", out)
	gen := func(pkg string) string {
		b, err := os.ReadFile(filepath.Join(root, "binaries", pkg, "zz_graceful.go"))
		if err != nil {
			return ""
		}
		return string(b)
	}
	// gofmt aligns the Config fields: match the value whatever the spacing.
	for pkg, want := range map[string]string{"plain": "false", "ownstop": "true"} {
		if !regexp.MustCompile(`\bAppHandlesStop:\s+` + want + `,`).MatchString(gen(pkg)) {
			t.Errorf("%s/zz_graceful.go does not say AppHandlesStop: %s:\n%s", pkg, want, gen(pkg))
		}
	}
	if lib := gen("lib"); lib == "" || strings.Contains(lib, "func init") || strings.Contains(lib, "Configure") {
		t.Errorf("lib/zz_graceful.go must hold the shims and no init, no Configure:\n%s", lib)
	}
	if cli := gen("cli"); cli != "" {
		t.Errorf("cli never serves, yet got a zz_graceful.go:\n%s", cli)
	}
	for _, want := range []string{"binaries/plain: SIGHUP restarts it; on SIGTERM/SIGINT", "binaries/ownstop: SIGHUP restarts it; SIGTERM/SIGINT are the program's"} {
		if !strings.Contains(out, want) {
			t.Errorf("gracefulgen did not say %q", want)
		}
	}

	goBuild(t, root, "build", "-o", bin("plain"), "./binaries/plain")
	goBuild(t, root, "build", "-o", bin("ownstop"), "./binaries/ownstop")
	goBuild(t, root, "build", "-o", bin("cli"), "./binaries/cli")
	goBuild(t, root, "test", "-c", "-o", bin("lib.test"), "./binaries/lib")

	t.Run("plain", func(t *testing.T) {
		// Converted beside ownstop, plain still drains and exits 0 itself.
		st, log := stopServer(t, bin("plain"), nil)
		if !st.Exited() || st.ExitStatus() != 0 {
			t.Errorf("plain ended with %s on SIGTERM, want exit status 0; output:\n%s", describe(st), log)
		}
		if strings.Contains(log, "Server closed") {
			t.Errorf("plain's log.Fatal saw http.ErrServerClosed: the runtime left the stop to a program that has no stop code:\n%s", log)
		}
	})
	t.Run("ownstop", func(t *testing.T) {
		marker := filepath.Join(t.TempDir(), "marker")
		st, log := stopServer(t, bin("ownstop"), []string{"E2E_MARKER=" + marker})
		if !st.Exited() || st.ExitStatus() != 0 {
			t.Errorf("ownstop ended with %s on SIGTERM, want exit status 0; output:\n%s", describe(st), log)
		}
		if b, _ := os.ReadFile(marker); !strings.HasPrefix(string(b), "cleanup ") {
			t.Errorf("ownstop's own stop code did not run: marker %q; output:\n%s", b, log)
		}
	})
	t.Run("cli", func(t *testing.T) {
		// Output and exit code, as unconverted; then the environment: the
		// restart protocol's variables are neither read nor removed (nor
		// logged about) in a process that never serves.
		for _, env := range [][]string{nil, {"GRACEFUL_LISTENERS=tcp:127.0.0.1:1", "GRACEFUL_PARENT_PID=1", "GRACEFUL_SUPERVISE=1", "GRACEFUL_SUPERVISOR=1"}} {
			for _, args := range [][]string{{"-version"}, {"a", "b"}} {
				want, wantCode := runOutput(t, bin("orig/cli"), args, env)
				got, gotCode := runOutput(t, bin("cli"), args, env)
				if got != want || gotCode != wantCode {
					t.Errorf("cli %v with environment %v: converted build printed %q and exited %d; unconverted %q, %d", args, env, got, gotCode, want, wantCode)
				}
			}
		}
		// Signals: the CLI's fate is Go's default, as unconverted
		// (143 and 129 in a shell).
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT} {
			want := signalled(t, bin("orig/cli"), []string{"-wait"}, nil, "waiting", sig)
			got := signalled(t, bin("cli"), []string{"-wait"}, nil, "waiting", sig)
			if got != want {
				t.Errorf("cli -wait on %v: converted build ended with %s, unconverted with %s", sig, describe(got), describe(want))
			}
			if !got.Signaled() || got.Signal() != sig {
				t.Errorf("cli -wait on %v ended with %s, want killed by the signal", sig, describe(got))
			}
		}
	})
	t.Run("testbinary", func(t *testing.T) {
		// A test binary of the converted library, interrupted mid-test.
		args := []string{"-test.run", "^TestSlow$", "-test.v"}
		env := []string{"E2E_SLOW_TEST=1"}
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			want := signalled(t, bin("orig/lib.test"), args, env, "slow test started", sig)
			got := signalled(t, bin("lib.test"), args, env, "slow test started", sig)
			if got != want {
				t.Errorf("test binary on %v: converted build ended with %s, unconverted with %s", sig, describe(got), describe(want))
			}
		}
	})
}

// TestE2EReload converts a program that reloads its configuration on SIGHUP:
// gracefulgen refuses SIGHUP as the restart signal unless named, and with
// -signal SIGUSR2 the program's SIGHUP reloads in the same process while
// SIGUSR2 restarts it.
func TestE2EReload(t *testing.T) {
	becomeSubreaper(t)
	root := e2eModule(t)
	dir := filepath.Join(root, "reload")
	code, out := convert(dir, generator.Options{})
	if code != generator.ExitError || !strings.Contains(out, "main.go:32:2: signal.Notify asks for SIGHUP, the restart signal") {
		t.Fatalf("gracefulgen took SIGHUP over from a program that handles it (exit %d):\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "zz_graceful.go")); err == nil {
		t.Fatal("the refused run wrote zz_graceful.go")
	}
	cfg := generator.DefaultConfig()
	cfg.RestartSignal = "SIGUSR2"
	if code, out := convert(dir, generator.Options{Config: cfg, SignalExplicit: true}); code != generator.ExitOK {
		t.Fatalf("gracefulgen -signal SIGUSR2 exited %d:\n%s", code, out)
	}
	goBuild(t, root, "build", "-o", filepath.Join(root, "bin", "reload"), "./reload")

	tmp := t.TempDir()
	greeting := filepath.Join(tmp, "greeting")
	if err := os.WriteFile(greeting, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	ep := endpoint{name: "app", network: "tcp", address: testsupport.FreeAddr(t)}
	logFile := filepath.Join(tmp, "log")
	g := startGroup(t, filepath.Join(root, "bin", "reload"), nil, []string{"E2E_ADDR=" + ep.address, "E2E_GREETING=" + greeting}, logFile)
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(logFile)
			t.Logf("output:\n%s", b)
		}
	})
	first, err := g.server([]endpoint{ep}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if pid, body := get(t, ep); pid != first || body != "one" {
		t.Fatalf("answered %q by %d, want \"one\" by %d", body, pid, first)
	}

	// SIGHUP reloads, in the same process.
	if err := os.WriteFile(greeting, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(first, syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(patience)
	for {
		pid, body := get(t, ep)
		if pid != first {
			t.Fatalf("after SIGHUP pid %d answers, want the same process %d (SIGHUP restarted the program)", pid, first)
		}
		if body == "two" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("SIGHUP did not reload the greeting within %v: still %q", patience, body)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// SIGUSR2 restarts.
	if err := syscall.Kill(first, syscall.SIGUSR2); err != nil {
		t.Fatal(err)
	}
	next, err := g.server([]endpoint{ep}, first)
	if err != nil {
		t.Fatalf("SIGUSR2 did not restart the program: %v", err)
	}
	if !g.waitGone(first, patience) {
		t.Fatalf("the old process %d is still there after the restart", first)
	}
	if pid, body := get(t, ep); pid != next || body != "two" {
		t.Errorf("after the restart: %q by %d, want \"two\" by %d", body, pid, next)
	}
	if err := syscall.Kill(next, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if !g.waitGone(next, patience) {
		t.Fatalf("process %d is still there %v after SIGTERM", next, patience)
	}
}

// get fetches / from ep on a new connection and returns the pid that
// answered and the body.
func get(t *testing.T, ep endpoint) (int, string) {
	t.Helper()
	resp, err := ep.client(testsupport.NewConnGET).Get(ep.url("/"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", ep.url("/"), resp.Status, err)
	}
	pid, _ := strconv.Atoi(resp.Header.Get("X-Pid"))
	return pid, string(b)
}

// stopServer starts a server binary on a free address, waits until it
// serves, sends it SIGTERM and returns how it ended and its output.
func stopServer(t *testing.T, bin string, env []string) (syscall.WaitStatus, string) {
	t.Helper()
	ep := endpoint{name: "app", network: "tcp", address: testsupport.FreeAddr(t)}
	logFile := filepath.Join(t.TempDir(), "log")
	g := startGroup(t, bin, nil, append([]string{"E2E_ADDR=" + ep.address}, env...), logFile)
	pid, err := g.server([]endpoint{ep}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if !g.waitGone(pid, patience) {
		t.Fatalf("%s is still there %v after SIGTERM", bin, patience)
	}
	st, _ := g.exitStatus(pid)
	b, _ := os.ReadFile(logFile)
	return st, string(b)
}

// runOutput runs bin to its end and returns its output (stdout, then
// stderr) and exit code.
func runOutput(t *testing.T, bin string, args, env []string) (string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Args[0] = filepath.Base(bin) // the same argv[0] for both builds, as usage messages show it
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s: %v", bin, err)
	}
	return stdout.String() + "--- stderr\n" + stderr.String(), cmd.ProcessState.ExitCode()
}

// signalled starts bin, waits for a line of its output that contains ready,
// sends it sig and returns how it ended (killed after patience if it did
// not end).
func signalled(t *testing.T, bin string, args, env []string, ready string, sig syscall.Signal) syscall.WaitStatus {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	done := make(chan struct{})
	defer close(done)
	go func() { // a bound against hanging: the process ends either way
		select {
		case <-done:
		case <-time.After(patience):
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}()
	lines := bufio.NewScanner(stdout)
	found := false
	for lines.Scan() {
		if strings.Contains(lines.Text(), ready) {
			found = true
			break
		}
	}
	if !found {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("%s %v never printed %q", bin, args, ready)
	}
	go io.Copy(io.Discard, stdout)
	if err := syscall.Kill(pid, sig); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	return cmd.ProcessState.Sys().(syscall.WaitStatus)
}

// TestE2ELifecycle converts, each with `gracefulgen ./...` in its folder,
// three programs whose own stop code collides with restarts (issue 13) and
// checks them on real processes:
//
//   - osexit, whose SIGTERM handler calls os.Exit: a 4 s request in flight
//     across a restart completes, answered by the old process, which then
//     exits 0;
//   - lockfile, whose stop code removes the lock file it writes at start
//     (/health answers 503 without it): after 2 restarts /health answers 200
//     and the file names the serving pid;
//   - delayedstop, which keeps serving 2 s after SIGTERM before Shutdown:
//     every new connection made during that delay is served, and the
//     program ends as it decides (its last log line, exit status 0).
//
// Run alone:
//
//	go test -race -count=1 -run TestE2ELifecycle -v .
func TestE2ELifecycle(t *testing.T) {
	becomeSubreaper(t)
	root := e2eModule(t)
	// build converts and builds one program and returns its binary and
	// gracefulgen's output.
	build := func(t *testing.T, name string) (string, string) {
		t.Helper()
		code, out := convert(filepath.Join(root, name), generator.Options{})
		if code != generator.ExitOK {
			t.Fatalf("gracefulgen ./... in %s exited %d:\n%s", name, code, out)
		}
		t.Logf("gracefulgen ./... in %s:\n%s", name, out)
		bin := filepath.Join(root, "bin", name)
		goBuild(t, root, "build", "-o", bin, "./"+name)
		return bin, out
	}
	// start starts bin on a free address and returns the endpoint, the
	// group and the first process serving.
	start := func(t *testing.T, bin string, env ...string) (endpoint, *group, int, string) {
		t.Helper()
		ep := endpoint{name: "app", network: "tcp", address: testsupport.FreeAddr(t)}
		logFile := filepath.Join(t.TempDir(), "log")
		g := startGroup(t, bin, nil, append([]string{"E2E_ADDR=" + ep.address}, env...), logFile)
		t.Cleanup(func() {
			if t.Failed() {
				b, _ := os.ReadFile(logFile)
				t.Logf("output of every generation:\n%s", b)
			}
		})
		pid, err := g.server([]endpoint{ep}, 0)
		if err != nil {
			t.Fatal(err)
		}
		return ep, g, pid, logFile
	}

	t.Run("osexit", func(t *testing.T) {
		bin, _ := build(t, "osexit")
		ep, g, first, _ := start(t, bin)
		type answer struct {
			status int
			pid    string
			body   string
			err    error
			took   time.Duration
		}
		const slow = 4 * time.Second
		done := make(chan answer, 1)
		began := time.Now()
		go func() {
			resp, err := ep.client(testsupport.NewConnGET).Get(ep.url(fmt.Sprintf("/slow?ms=%d", slow.Milliseconds())))
			if err != nil {
				done <- answer{err: err, took: time.Since(began)}
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			done <- answer{status: resp.StatusCode, pid: resp.Header.Get("X-Pid"), body: string(b), err: err, took: time.Since(began)}
		}()
		time.Sleep(500 * time.Millisecond) // the request is in the handler
		next, err := g.restart([]endpoint{ep}, first)
		if err != nil {
			t.Fatal(err)
		}
		var a answer
		select {
		case a = <-done:
		case <-time.After(patience):
			t.Fatalf("the %v request made before the restart got no answer within %v", slow, patience)
		}
		if a.err != nil || a.status != http.StatusOK || a.pid != strconv.Itoa(first) || a.body != fmt.Sprintf("slow done %d\n", first) {
			t.Errorf("the %v request in flight across the restart: %d %q by pid %q, error %v after %v; want 200 \"slow done %d\" by the old process %d",
				slow, a.status, a.body, a.pid, a.err, a.took.Round(time.Millisecond), first, first)
		}
		if !g.waitGone(first, patience) {
			t.Fatalf("the old process %d is still there %v after the restart", first, patience)
		}
		if st, ok := g.exitStatus(first); !ok || !st.Exited() || st.ExitStatus() != 0 {
			t.Errorf("the old process %d ended with %s (reaped: %v), want exit status 0", first, describe(st), ok)
		}
		if pid, _ := get(t, ep); pid != next {
			t.Errorf("after the restart pid %d answers, want the new process %d", pid, next)
		}
		t.Logf("osexit: the %v request took %v, answered %d by %s; old %d exited 0, new %d serves", slow, a.took.Round(time.Millisecond), a.status, a.pid, first, next)
	})

	t.Run("lockfile", func(t *testing.T) {
		bin, out := build(t, "lockfile")
		// gracefulgen names the stop code that removes a file.
		if !regexp.MustCompile(`main\.go:\d+:\d+: os\.Remove`).MatchString(out) {
			t.Errorf("gracefulgen did not name lockfile's os.Remove with its position:\n%s", out)
		}
		lock := filepath.Join(t.TempDir(), "lock")
		ep, g, pid, _ := start(t, bin, "E2E_LOCK="+lock)
		health := func(pid int) {
			t.Helper()
			resp, err := ep.client(testsupport.NewConnGET).Get(ep.url("/health"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			b, err := os.ReadFile(lock)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Pid") != strconv.Itoa(pid) || string(b) != strconv.Itoa(pid) {
				t.Errorf("/health answered %s by pid %s, lock file %q (%v); want 200 by %d and the lock file naming %d",
					resp.Status, resp.Header.Get("X-Pid"), b, err, pid, pid)
			}
		}
		health(pid)
		pids := []int{pid}
		for i := range 2 {
			next, err := g.restart([]endpoint{ep}, pid)
			if err != nil {
				t.Fatalf("restart %d: %v", i+1, err)
			}
			// Once the old process is gone, its stop code had its chance.
			if !g.waitGone(pid, patience) {
				t.Fatalf("the old process %d is still there %v after restart %d", pid, patience, i+1)
			}
			checkExit(t, g, pid)
			pid = next
			pids = append(pids, pid)
			health(pid)
		}
		t.Logf("lockfile: generations %v; after each restart /health answered 200 by the new process and the lock file named it", pids)
	})

	t.Run("delayedstop", func(t *testing.T) {
		bin, _ := build(t, "delayedstop")
		const delay = 2 * time.Second
		ep, g, pid, logFile := start(t, bin, "E2E_STOP_DELAY="+delay.String())
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		sent := time.Now()
		// A new connection every 20 ms through most of the delay.
		var (
			served, failed int
			last           time.Duration
			first          string // the first failure
		)
		for time.Since(sent) < delay-300*time.Millisecond {
			resp, err := ep.client(testsupport.NewConnGET).Get(ep.url("/"))
			if err == nil {
				resp.Body.Close()
			}
			at := time.Since(sent).Round(time.Millisecond)
			switch {
			case err != nil:
				failed++
				first = cmp.Or(first, fmt.Sprintf("+%v: %v", at, err))
			case resp.StatusCode != http.StatusOK || resp.Header.Get("X-Pid") != strconv.Itoa(pid):
				failed++
				first = cmp.Or(first, fmt.Sprintf("+%v: %s by pid %s, want 200 by %d", at, resp.Status, resp.Header.Get("X-Pid"), pid))
			default:
				served++
				last = time.Since(sent)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if failed > 0 {
			t.Errorf("%d of %d connections made during the %v stop delay failed, the first %s", failed, failed+served, delay, first)
		}
		if served < 10 {
			t.Errorf("only %d connections served during the %v stop delay", served, delay)
		}
		if !g.waitGone(pid, patience) {
			t.Fatalf("delayedstop %d is still there %v after SIGTERM", pid, patience)
		}
		gone := time.Since(sent)
		if st, ok := g.exitStatus(pid); !ok || !st.Exited() || st.ExitStatus() != 0 {
			t.Errorf("delayedstop ended with %s (reaped: %v), want exit status 0", describe(st), ok)
		}
		if b, _ := os.ReadFile(logFile); !strings.Contains(string(b), "stopped\n") {
			t.Errorf("delayedstop did not reach the end of its own stop code (its \"stopped\" line):\n%s", b)
		}
		t.Logf("delayedstop: %d connections served, %d failed during the delay (last served +%v); gone +%v after SIGTERM",
			served, failed, last.Round(time.Millisecond), gone.Round(time.Millisecond))
	})
}
