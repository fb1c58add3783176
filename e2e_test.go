//go:build linux

package gracefulgen_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/cmd/gracefulgen/cli"
	"github.com/gracefulgen/gracefulgen/generator"
	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

var soak = flag.Bool("soak", false, "restart each end-to-end program 100 times instead of 3 (as GRACEFUL_SOAK=1 does)")

// e2eCase is one program of testdata/e2e and how the test runs it. Every
// program serves the handler of testdata/e2e/internal/work, which takes a
// few milliseconds and answers with its pid.
type e2eCase struct {
	name    string                    // its folder under testdata/e2e
	gen     []string                  // gracefulgen flags, before the package pattern
	args    func(s e2eSetup) []string // its command line
	admin   bool                      // it also serves E2E_ADMIN_ADDR
	unix    bool                      // it serves a unix socket instead of E2E_ADDR
	tls     bool                      // it serves HTTPS with the test's certificate
	cleanup bool                      // it appends "cleanup PID" to E2E_MARKER once stopped
	hijack  bool                      // it serves long-lived /push and /echo connections
	deploy  bool                      // a new build replaces its binary before the first restart
	h2c     bool                      // it also serves HTTP/2 without TLS (prior knowledge)
	// activate starts it under systemd-socket-activate, which opens
	// E2E_ADDR and passes it by socket activation (LISTEN_FDS).
	activate bool
	// side is the protocol it serves on E2E_ADMIN_ADDR instead of HTTP:
	// sideLine (its own accept loop), sideGRPC (grpc-go) or sideDNS
	// (miekg/dns over UDP and TCP).
	side string
}

// e2eSetup is what the test prepared for one run of a program.
type e2eSetup struct {
	app, admin, unix endpoint
	cert, key        string // PEM files, for the TLS programs
	marker           string // the cleanup marker file
}

var e2eCases = []e2eCase{
	{name: "defaultmux"},
	{name: "aliased"},
	{name: "dotimport"},
	{name: "ownsignals", cleanup: true},
	{name: "notifycontext", cleanup: true},
	{name: "notifyselect", cleanup: true},
	{name: "listenserve"},
	{name: "listenconfig"},
	{name: "valuereceiver"},
	{name: "unixsocket", unix: true, args: func(s e2eSetup) []string { return []string{"-socket", s.unix.address} }},
	{name: "twoservers", admin: true},
	{name: "errgroup", admin: true},
	{name: "structserver", admin: true},
	{name: "flagaddr", args: func(s e2eSetup) []string { return []string{"-addr", s.app.address} }},
	{name: "tlsserver", tls: true, args: func(s e2eSetup) []string {
		return []string{"-addr", s.app.address, "-cert", s.cert, "-key", s.key}
	}},
	{name: "servetls", tls: true},
	// /echo connections know nothing of shutdowns: the old process closes
	// them at its drain deadline, shortened here to keep the test short.
	{name: "hijack", hijack: true, gen: []string{"-drain=2s"}},
	// A deploy: a build of version v2 is renamed over the running binary.
	{name: "deploy", deploy: true},
	// Sockets other than HTTP servers' (issue 9).
	{name: "tcpservice", side: sideLine},
	{name: "helperlistener"},
	{name: "grpcserver", side: sideGRPC},
	// miekg/dns servers beside HTTP: the UDP socket handed over, and the
	// servers stopped by the drain, so that no query goes unanswered.
	{name: "dnsserver", side: sideDNS},
	{name: "tlslistener", tls: true},
	{name: "h2cserver", h2c: true},
	// Framework starts (issue 11, item 4).
	{name: "gin"},
	{name: "ginunix", unix: true, args: func(s e2eSetup) []string { return []string{"-socket", s.unix.address} }},
	{name: "echo4"},
	{name: "echo4tls", tls: true},
	{name: "echo5"},
	// exporter-toolkit's web.ListenAndServe (issue 11): HTTPS from its
	// web config file; and systemd's socket, in every generation.
	{name: "exporter", tls: true, args: func(s e2eSetup) []string {
		config := filepath.Join(filepath.Dir(s.cert), "web.yml")
		if err := os.WriteFile(config, []byte("tls_server_config:\n  cert_file: "+s.cert+"\n  key_file: "+s.key+"\n"), 0o644); err != nil {
			panic(err)
		}
		return []string{"-web.listen-address", s.app.address, "-web.config.file", config}
	}},
	{name: "exportersocket", activate: true},
}

// e2eRequires are the modules of the programs beyond the runtime, from the
// module proxy: grpc-go, x/net, gin, echo, exporter-toolkit and miekg/dns.
const e2eRequires = "\nrequire (\n\tgithub.com/gin-gonic/gin v1.12.0\n\tgithub.com/labstack/echo/v4 v4.16.0\n\tgithub.com/labstack/echo/v5 v5.4.4\n" +
	"\tgithub.com/miekg/dns v1.1.73\n\tgithub.com/prometheus/exporter-toolkit v0.17.1\n\tgolang.org/x/net v0.62.0\n\tgoogle.golang.org/grpc v1.85.0\n)\n"

// Load and restart settings. Each mode of each endpoint gets e2eClients
// concurrent clients; the load runs e2eInterval before each restart and
// goes on until the old processes are gone.
const (
	e2eClients  = 4
	e2eInterval = 300 * time.Millisecond
)

// TestE2E converts every program of testdata/e2e with gracefulgen, builds
// it, starts it on free loopback addresses, loads it with POST requests
// (keep-alive, a new connection per request, and HTTP/2 for the TLS
// programs) while restarting it with SIGHUP, and checks that no request
// failed, that one process serves at the end and answers, that every
// earlier process exited with status 0 and was reaped, and that the
// programs' own cleanup ran in each old process. It ends by stopping the
// last process with SIGTERM.
//
//	go test -race -run TestE2E -v .                          # 3 restarts per program
//	GRACEFUL_SOAK=1 go test -run TestE2E -timeout 60m -v .   # 100 restarts per program
//
// One case alone (its generate and build steps run too):
//
//	go test -run 'TestE2E//hijack$' -v .
func TestE2E(t *testing.T) {
	restarts := 3
	if *soak || os.Getenv("GRACEFUL_SOAK") == "1" {
		restarts = 100
	}
	becomeSubreaper(t)
	bins := buildE2E(t)
	t.Run("run", func(t *testing.T) {
		running := make(chan struct{}, 2) // two programs at a time
		for _, c := range e2eCases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				running <- struct{}{}
				defer func() { <-running }()
				bin, ok := bins[c.name]
				if !ok {
					t.Fatal("not built: see the generate and build subtests")
				}
				runE2E(t, c, bin, restarts)
			})
		}
	})
}

// buildE2E copies testdata/e2e into a module of its own that requires the
// local runtime, converts each program with gracefulgen's command line (run
// in process, in the program's folder), and builds the programs two at a
// time. It returns the binaries built, by case name.
func buildE2E(t *testing.T) map[string]string {
	root := t.TempDir()
	writeTree(t, root, readTree(t, filepath.Join("testdata", "e2e"), ""))
	writeTree(t, root, map[string]string{"go.mod": goMod(t, "example.com/e2e") + e2eRequires})

	converted := map[string]bool{}
	t.Run("generate", func(t *testing.T) {
		for _, c := range e2eCases {
			t.Run(c.name, func(t *testing.T) {
				t.Chdir(filepath.Join(root, c.name))
				t.Setenv("GOWORK", "off")
				t.Setenv("GOFLAGS", os.Getenv("GOFLAGS")+" -mod=mod")
				var out bytes.Buffer
				if code := cli.Main(append(slices.Clone(c.gen), "./..."), &out, &out); code != generator.ExitOK {
					t.Fatalf("gracefulgen %s ./... exited %d:\n%s", strings.Join(c.gen, " "), code, &out)
				}
				if _, err := os.Stat("zz_graceful.go"); err != nil {
					t.Fatalf("gracefulgen wrote no zz_graceful.go:\n%s", &out)
				}
				converted[c.name] = true
			})
		}
	})

	bins := map[string]string{}
	t.Run("build", func(t *testing.T) {
		var (
			mu       sync.Mutex
			wg       sync.WaitGroup
			building = make(chan struct{}, 2)
		)
		for _, c := range e2eCases {
			if !converted[c.name] {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				building <- struct{}{}
				defer func() { <-building }()
				bin := filepath.Join(root, "bin", c.name)
				builds := [][]string{{"-o", bin}}
				if c.deploy {
					builds = append(builds, []string{"-o", bin + ".v2", "-ldflags=-X=example.com/e2e/internal/work.Version=v2"})
				}
				for _, flags := range builds {
					cmd := exec.Command("go", append(append([]string{"build"}, flags...), "./"+c.name)...)
					cmd.Dir, cmd.Env = root, testEnv()
					if out, err := cmd.CombinedOutput(); err != nil {
						t.Errorf("%s: go build %s: %v\n%s", c.name, strings.Join(flags, " "), err, out)
						return
					}
				}
				mu.Lock()
				bins[c.name] = bin
				mu.Unlock()
			}()
		}
		wg.Wait()
	})
	return bins
}

// runE2E runs one converted program through restarts under load and checks
// the outcome.
func runE2E(t *testing.T, c e2eCase, bin string, restarts int) {
	dir, err := os.MkdirTemp("", "e2e") // short: a unix socket path has a length limit
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s := e2eSetup{
		app:    endpoint{name: "app", network: "tcp", address: testsupport.FreeAddr(t)},
		admin:  endpoint{name: "admin", network: "tcp", address: testsupport.FreeAddr(t)},
		unix:   endpoint{name: "unix", network: "unix", address: filepath.Join(dir, "app.sock")},
		marker: filepath.Join(dir, "marker"),
	}
	eps := []endpoint{s.app}
	if c.tls {
		s.cert, s.key, eps[0].tls = writeCertificate(t, dir)
	}
	if c.unix {
		eps = []endpoint{s.unix}
	}
	if c.admin || c.side != "" {
		eps = append(eps, s.admin)
	}
	// The HTTP endpoints; a side protocol has its own load and check.
	httpEps := eps
	if c.side != "" {
		httpEps = eps[:len(eps)-1]
	}
	var args []string
	if c.args != nil {
		args = c.args(s)
	}
	env := []string{"E2E_ADDR=" + s.app.address, "E2E_ADMIN_ADDR=" + s.admin.address, "E2E_MARKER=" + s.marker, "E2E_CERT=" + s.cert, "E2E_KEY=" + s.key}
	version := "v1"
	if c.deploy {
		// The program runs from a copy that the new build replaces.
		exe := filepath.Join(dir, c.name)
		copyFile(t, bin, exe)
		copyFile(t, bin+".v2", exe+".v2")
		bin, version = exe, "v2"
	}
	logFile := filepath.Join(dir, "log")
	if c.activate {
		activate := testsupport.NeedTool(t, "systemd-socket-activate", "Debian package systemd")
		args = append([]string{"--listen=" + s.app.address, bin}, args...) // it execs bin: the pid stays
		bin = activate
	}
	g := startGroup(t, bin, args, env, logFile)
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(logFile)
			t.Logf("output of every generation of %s:\n%s", c.name, b)
		}
	})

	first, err := g.server(eps, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.activate {
		// systemd-socket-activate holds the socket and starts the program
		// at the first connection: a restart signal is the program's only
		// once it runs (before, SIGHUP ends the process starting up).
		if resp, err := http.Post(eps[0].url("/"), "text/plain", strings.NewReader("start")); err != nil {
			t.Fatalf("first request to the socket-activated program: %v", err)
		} else {
			resp.Body.Close()
		}
		waitLogLine(t, logFile, "graceful: ready")
	}
	ctx, stopLoad := context.WithCancel(context.Background())
	defer stopLoad()
	var (
		wg    sync.WaitGroup
		loads []*load
	)
	modes := []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST}
	if c.tls {
		modes = append(modes, testsupport.H2)
	}
	if c.h2c {
		modes = append(modes, testsupport.H2C)
	}
	for _, ep := range httpEps {
		for _, mode := range modes {
			l := newLoad(ep, mode)
			loads = append(loads, l)
			wg.Add(1)
			go func() { defer wg.Done(); l.run(ctx, e2eClients) }()
		}
	}
	side := startSide(t, c.side, bin, s.admin, g)
	h := newHijacked()
	if c.hijack {
		connected := make(chan struct{}, 4)
		for _, f := range []func(context.Context, endpoint, chan<- struct{}){h.push, h.push, h.echo, h.echo} {
			wg.Add(1)
			go func() { defer wg.Done(); f(ctx, s.app, connected) }()
		}
		for range 4 {
			select {
			case <-connected:
			case <-time.After(patience):
				t.Fatalf("the hijacked connections did not all open within %v", patience)
			}
		}
	}

	pids := []int{first}
	for i := range restarts {
		time.Sleep(e2eInterval)
		if c.deploy && i == 0 {
			// As an operator deploys: rename, never write over a running binary.
			if err := os.Rename(bin+".v2", bin); err != nil {
				t.Fatal(err)
			}
		}
		next, err := g.restart(eps, pids[len(pids)-1])
		if err != nil {
			t.Errorf("restart %d: %v", i+1, err)
			break
		}
		pids = append(pids, next)
	}
	current, old := pids[len(pids)-1], pids[:len(pids)-1]
	for _, pid := range old { // the last ones drain under load
		if !g.waitGone(pid, patience) {
			t.Errorf("old process %d is still there %v after it was replaced", pid, patience)
		}
	}
	stopLoad()
	wg.Wait()
	side.stop(t, pids)

	var requests, failed int
	for _, l := range loads {
		n, why := l.failed()
		requests += l.res.Sent()
		failed += n
		if n > 0 {
			t.Errorf("%s %s: %d of %d requests failed: %s", l.ep.name, l.mode, n, l.res.Sent(), why)
		}
		if n := l.res.RetriedAll(); n > 0 {
			t.Logf("%s %s: %d requests refused unprocessed by a GOAWAY and sent again", l.ep.name, l.mode, n)
		}
		if l.res.Sent() == 0 {
			t.Errorf("%s %s: no request was made", l.ep.name, l.mode)
		}
		if c.deploy && restarts > 0 && (l.versions["v1"] == 0 || l.versions["v2"] == 0) {
			t.Errorf("%s %s: answers by version %v, want both v1 (before the deploy) and v2", l.ep.name, l.mode, l.versions)
		}
		for pid := range l.pids {
			if !slices.Contains(pids, pid) {
				t.Errorf("%s %s: %d requests answered by pid %d, not one of the generations %v", l.ep.name, l.mode, l.pids[pid], pid, pids)
			}
		}
	}
	t.Logf("%s: %d requests, %d failed, %d restarts (pids %s)", c.name, requests, failed, len(pids)-1, pidList(pids))
	if c.hijack {
		checkHijacked(t, h)
	}

	if restarts == 0 {
		version = "v1"
	}
	checkServing(t, httpEps, current, version)
	side.checkServing(t, current)
	if members := g.members(); !slices.Equal(members, []int{current}) {
		t.Errorf("processes left in the program's process group: %v, want only the serving %d", members, current)
	}
	for _, pid := range old {
		checkExit(t, g, pid)
	}
	if c.cleanup {
		// An old generation exits once drained without the program's stop
		// code (Config.AppStopAfterHandover is off by default): that code
		// could remove the new generation's files.
		checkCleanup(t, s.marker, nil, pids)
	}

	// A stop signal drains and ends the last process as well.
	if err := syscall.Kill(current, syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM to %d: %v", current, err)
	}
	if !g.waitGone(current, patience) {
		t.Fatalf("process %d is still there %v after SIGTERM", current, patience)
	}
	checkExit(t, g, current)
	if c.cleanup {
		checkCleanup(t, s.marker, []int{current}, old)
	}
}

// checkServing checks that pid alone holds the listening socket of every
// endpoint and is the one that answers there, with version.
func checkServing(t *testing.T, eps []endpoint, pid int, version string) {
	t.Helper()
	for _, ep := range eps {
		if got, err := holders(ep); err != nil || !slices.Equal(got, []int{pid}) {
			t.Errorf("%s: listening socket held by %v (%v), want only the last process %d", ep.name, got, err, pid)
		}
		client := ep.client(testsupport.NewConnGET)
		resp, err := client.Get(ep.url("/"))
		if err != nil {
			t.Errorf("%s: %v", ep.name, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Pid") != strconv.Itoa(pid) || resp.Header.Get("X-Version") != version {
			t.Errorf("%s: answered %s by pid %s version %s, want 200 OK by %d version %s",
				ep.name, resp.Status, resp.Header.Get("X-Pid"), resp.Header.Get("X-Version"), pid, version)
		}
	}
}

// checkExit checks that the test reaped pid (after waitGone) and that it
// exited with status 0. A generation may also have been reaped by its own
// parent, if that was still draining when it ended: then there is nothing
// more to check.
func checkExit(t *testing.T, g *group, pid int) {
	t.Helper()
	ws, ok := g.exitStatus(pid)
	if ok && (!ws.Exited() || ws.ExitStatus() != 0) {
		t.Errorf("process %d ended with %s, want exit status 0", pid, describe(ws))
	}
}

// pidList shows pids, or the first and last of a long list.
func pidList(pids []int) string {
	if len(pids) > 8 {
		return fmt.Sprintf("%d, %d, ... %d", pids[0], pids[1], pids[len(pids)-1])
	}
	return fmt.Sprint(pids)
}

func describe(ws syscall.WaitStatus) string {
	if ws.Signaled() {
		return "signal " + ws.Signal().String()
	}
	return fmt.Sprintf("exit status %d", ws.ExitStatus())
}

// checkCleanup checks that the marker file has one "cleanup PID" line for
// every pid of ran, and none for any of notRan.
func checkCleanup(t *testing.T, marker string, ran, notRan []int) {
	t.Helper()
	b, err := os.ReadFile(marker)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	count := func(pid int) int { return strings.Count(string(b), fmt.Sprintf("cleanup %d\n", pid)) }
	for _, pid := range ran {
		if n := count(pid); n != 1 {
			t.Errorf("process %d ran its cleanup code %d times, want once (marker file:\n%s)", pid, n, b)
		}
	}
	for _, pid := range notRan {
		if count(pid) != 0 {
			t.Errorf("process %d ran its cleanup code, which it must not (marker file:\n%s)", pid, b)
		}
	}
}

// checkHijacked checks what the clients of hijacked connections saw: every
// /push connection ended with the app's "bye" and no new one reached a
// process that had said it, and the /echo connections, which ignore
// shutdowns, were closed by the old processes rather than keeping them
// alive.
func checkHijacked(t *testing.T, h *hijacked) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	t.Logf("hijacked: %d connections, %d ended by bye, %d echo lines, %d echo connections closed by old processes", h.conns, h.byes, h.echoes, h.closed)
	for kind, n := range h.failures {
		t.Errorf("hijacked connections: %s: %d (e.g. %s)", kind, n, h.samples[kind])
	}
	if h.byes == 0 {
		t.Error("no /push connection was told bye by a process shutting down")
	}
	if h.closed == 0 {
		t.Error("no /echo connection was closed by an old process at its drain deadline")
	}
	if h.echoes == 0 {
		t.Error("no /echo line came back")
	}
}

// waitLogLine waits until the program's log has a line containing text.
func waitLogLine(t *testing.T, logFile, text string) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		b, _ := os.ReadFile(logFile)
		if strings.Contains(string(b), text) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the program's log after %v:\n%s", text, patience, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
