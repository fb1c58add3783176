//go:build linux

package gracefulgen_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/generator"
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
	for pkg, want := range map[string]string{"plain": "AppHandlesStop:    false", "ownstop": "AppHandlesStop:    true"} {
		if !strings.Contains(gen(pkg), want) {
			t.Errorf("%s/zz_graceful.go does not say %q:\n%s", pkg, want, gen(pkg))
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
	ep := endpoint{name: "app", network: "tcp", address: freeAddr(t)}
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
	resp, err := ep.client(newConn).Get(ep.url("/"))
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
	ep := endpoint{name: "app", network: "tcp", address: freeAddr(t)}
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
