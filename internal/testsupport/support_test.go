package testsupport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestClassifyNamesSocketErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := net.Dial("unix", filepath.Join(dir, "none.sock"))
	if got := Classify(err); got != NoSocket {
		t.Errorf("dial to a missing socket file (%v) classified %v, want %v", err, got, NoSocket)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = net.Dial("tcp", addr)
	if got := Classify(err); got != Refused {
		t.Errorf("dial to a closed port (%v) classified %v, want %v", err, got, Refused)
	}
	if got := Classify(errors.New("net/http: transport closed: unexpected EOF in body")); got != EOF {
		t.Errorf("an EOF flattened to text classified %v, want EOF", got)
	}
	if got := Classify(errors.New("no such host")); got != Other {
		t.Errorf("an unknown error classified %v, want other", got)
	}
}

func TestModesParseFromTheirFlags(t *testing.T) {
	for m := Mode(0); m < NumModes; m++ {
		got, err := ParseMode(m.Flag())
		if err != nil || got != m {
			t.Errorf("ParseMode(%q) = %v, %v; want %v", m.Flag(), got, err, m)
		}
	}
	if _, err := ParseMode("h3"); err == nil {
		t.Error("ParseMode(h3) succeeded")
	}
}

// TestLoadOverUnixSocketAndTLSAndHTTP2 loads a unix socket server and a TLS
// server that speaks HTTP/2, in the modes the runtime's and end-to-end
// tests use, and checks the answers came as each mode says.
func TestLoadOverUnixSocketAndTLSAndHTTP2(t *testing.T) {
	protos := make(chan string, 1000)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case protos <- r.Proto + " " + r.Method + " " + r.Header.Get("X-Test"):
		default:
		}
		w.Header().Set("X-Pid", strconv.Itoa(os.Getpid()))
		w.WriteHeader(http.StatusAccepted)
	})
	sock := filepath.Join(t.TempDir(), "s.sock")
	ul, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	us := &http.Server{Handler: h}
	go us.Serve(ul)
	t.Cleanup(func() { us.Close() })
	ts := httptest.NewUnstartedServer(h)
	ts.EnableHTTP2 = true
	ts.StartTLS()
	t.Cleanup(ts.Close)
	tlsTarget := Target{Network: "tcp", Address: ts.Listener.Addr().String(), Path: "/x", TLS: InsecureTLS()}
	header := http.Header{"X-Test": {"yes"}}
	pid := func(resp *http.Response, _ []byte) (int, string, error) {
		n, err := strconv.Atoi(resp.Header.Get("X-Pid"))
		return n, resp.Proto, err
	}
	for _, tc := range []struct {
		target Target
		modes  []Mode
		want   string
	}{
		{Target{Network: "unix", Address: sock}, []Mode{KeepAlivePOST, NewConnPOST}, "HTTP/1.1 POST yes"},
		{tlsTarget, []Mode{KeepAlivePOST, NewConnGET}, "HTTP/1.1"},
		{tlsTarget, []Mode{H2}, "HTTP/2.0 POST yes"},
	} {
		var answers atomic.Int64
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		res := Run(ctx, Config{Target: tc.target, Modes: tc.modes, Workers: 2, Requests: 5, Header: header, Want: http.StatusAccepted, Identify: pid,
			Observe: func(a Answer) {
				if a.PID == os.Getpid() {
					answers.Add(1)
				}
			}})
		cancel()
		if res.Failures() != 0 || res.Successes() != 10*len(tc.modes) || res.Sent() != 10*len(tc.modes) {
			t.Errorf("%v on %s: %v; want every request answered", tc.modes, tc.target.Address, res)
		}
		for len(protos) > 0 {
			if got := <-protos; !strings.HasPrefix(got, tc.want) {
				t.Errorf("%v on %s: the server saw %q, want %q", tc.modes, tc.target.Address, got, tc.want)
			}
		}
		if n := answers.Load(); n != int64(10*len(tc.modes)) {
			t.Errorf("%v on %s: %d answers identified as this process, want %d", tc.modes, tc.target.Address, n, 10*len(tc.modes))
		}
	}
	// A status other than the wanted one fails.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := Run(ctx, Config{Target: Target{Network: "unix", Address: sock}, Workers: 1, Requests: 2})
	if got := res.AllFailed()[Status]; got != 2 {
		t.Errorf("202 answers with 200 wanted: %d counted as status, want 2; %v", got, res)
	}
	if !strings.Contains(res.String(), "2 (2 status)") || !strings.Contains(res.String(), "202 Accepted") {
		t.Errorf("String() = %q, want the failures and a sample", res.String())
	}
}

func TestOnceReturnsTheIdentifiedAnswer(t *testing.T) {
	srv := newServer(t, identityHandler("g7"))
	cfg := config(t, srv.URL)
	cfg.Modes = []Mode{NewConnGET}
	a, err := Once(cfg)
	if err != nil || a.Gen != "g7" || a.PID != os.Getpid() || !a.Fresh {
		t.Errorf("Once = %+v, %v; want generation g7 of this process on a fresh connection", a, err)
	}
	srv.Close()
	if _, err := Once(cfg); err == nil {
		t.Error("Once against a closed server succeeded")
	}
}

func TestParseStatReadsFieldsAfterAnOddCommandName(t *testing.T) {
	// Fields after the name: state ppid pgrp session tty tpgid flags minflt
	// cminflt majflt cmajflt utime stime ...
	st, err := parseStat([]byte("7 (a) b (c) S 1 7 7 0 -1 0 0 0 0 0 250 50 0 0 20 0 1 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if st.State != 'S' || st.PPID != 1 || st.PGID != 7 || st.CPU != 3*time.Second {
		t.Errorf("got %+v, want state S, ppid 1, pgrp 7, 3s of CPU (300 ticks)", st)
	}
	for _, bad := range []string{"7 no name", "7 (x) S 1", "7 (x) S one 7 7 0 -1 0 0 0 0 0 250 50"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) succeeded", bad)
		}
	}
}

func TestProcessFiguresOfLiveAndReapedProcesses(t *testing.T) {
	me := os.Getpid()
	if !Alive(me) {
		t.Error("this process is not Alive")
	}
	if st, err := Stat(me); err != nil || st.PPID != os.Getppid() {
		t.Errorf("Stat(self) = %+v, %v; want ppid %d", st, err, os.Getppid())
	}
	rss, hwm, err := Memory(me)
	if err != nil || rss <= 0 || hwm < rss {
		t.Errorf("Memory(self) = %d, %d, %v; want 0 < rss <= hwm", rss, hwm, err)
	}
	if n, err := FDCount(me); err != nil || n < 3 {
		t.Errorf("FDCount(self) = %d, %v", n, err)
	}
	if v, err := StatusField(me, "Pid"); err != nil || v != strconv.Itoa(me) {
		t.Errorf("StatusField(self, Pid) = %q, %v", v, err)
	}
	cmd := exec.Command("sh", "-c", "exit 0")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if st, err := Stat(pid); err == nil && st.State == 'Z' {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the child did not become a zombie")
		}
	}
	if Alive(pid) {
		t.Errorf("a zombie (pid %d) is Alive", pid)
	}
	cmd.Wait()
	if Alive(pid) {
		t.Errorf("a reaped process (pid %d) is Alive", pid)
	}
	if _, err := CPUTime(pid); err == nil {
		t.Errorf("CPUTime of a reaped process succeeded")
	}
}

func TestFindFreeAddrIsBelowTheEphemeralRange(t *testing.T) {
	addr := FreeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	if n < 20000 || n >= ephemeralLow() {
		t.Errorf("FreeAddr = %s, want a port in [20000, %d)", addr, ephemeralLow())
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on the free address %s: %v", addr, err)
	}
	l.Close()
}

// recorder is a testing.TB that records what a guard did.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()               {}
func (r *recorder) Skip(args ...any)      { r.skipped = fmt.Sprint(args...) }
func (r *recorder) Fatal(args ...any)     { r.failed = fmt.Sprint(args...) }
func (r *recorder) Logf(string, ...any)   {}
func (r *recorder) Errorf(string, ...any) {}

func TestGuardsSkipWithAReasonAndFailUnderCI(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		r := &recorder{}
		NeedTool(r, "no-such-tool-gracefulgen", "package nothing")
		want := "no-such-tool-gracefulgen is not installed: install package nothing to include this test"
		got := r.skipped
		if ci == "true" {
			got = r.failed
		}
		if !strings.HasPrefix(got, want) || strings.Contains(got, "\n") {
			t.Errorf("CI=%q: skipped %q, failed %q; want the one-line reason %q", ci, r.skipped, r.failed, want)
		}
		if (ci == "true") != (r.failed != "") || (ci == "true") == (r.skipped != "") {
			t.Errorf("CI=%q: skipped %q, failed %q; want a skip outside CI and a failure under it", ci, r.skipped, r.failed)
		}
		r = &recorder{}
		if path := NeedTool(r, "sh", "a shell"); path == "" || r.skipped+r.failed != "" {
			t.Errorf("CI=%q: NeedTool(sh) = %q, skipped %q, failed %q; want the path, no skip", ci, path, r.skipped, r.failed)
		}
		r = &recorder{}
		NeedRoot(r, "a new pid namespace")
		if (os.Geteuid() == 0) != (r.skipped+r.failed == "") {
			t.Errorf("CI=%q, euid %d: skipped %q, failed %q", ci, os.Geteuid(), r.skipped, r.failed)
		}
	}
}
