package graceful_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// restartsUnderLoad restarts s restarts() times under the load stop was
// started with, each restart from the process the previous one started, and
// fails the test on any failed request. It returns the last handover.
func restartsUnderLoad(t *testing.T, s *server, stop func() []testsupport.Result) testsupport.Handover {
	t.Helper()
	var h testsupport.Handover
	for i := 0; i < restarts(); i++ {
		time.Sleep(150 * time.Millisecond) // let the load reach this generation
		prev := h.New
		h = s.restart()
		if prev != 0 && h.Old != prev {
			t.Fatalf("restart %d: old %d, want %d (the new process of the restart before)", i+1, h.Old, prev)
		}
	}
	time.Sleep(150 * time.Millisecond)
	for _, r := range stop() {
		if r.Sent() == 0 || r.Failures() != 0 {
			t.Errorf("load across %d restarts: %v", restarts(), r)
		} else {
			t.Logf("%v", r)
		}
	}
	return h
}

// servedByTheLast checks that every target of s is served by the new
// process of the last handover h, or by first when no restart ran.
func servedByTheLast(t *testing.T, s *server, first int, h testsupport.Handover) {
	t.Helper()
	pid := first
	if h.New != 0 {
		pid = h.New
	}
	for _, target := range s.targets {
		if got := get(t, target, "/pid"); got != strconv.Itoa(pid) {
			t.Errorf("%s served by %s, want %d", target.Address, got, pid)
		}
	}
}

func TestKeepAliveHandlerLosesNothingUnderRestarts(t *testing.T) {
	s := startServer(t, "TS_DRAIN=60s")
	target := s.targets[0]
	target.Path = "/keepalive" // the handler sets "Connection: keep-alive" itself
	restartsUnderLoad(t, s, load([]testsupport.Target{target}, 4, testsupport.KeepAlivePOST, testsupport.NewConnPOST))
}

func TestAppTLSListenerServesH2AcrossRestarts(t *testing.T) {
	s := startServer(t, "TS_TLS=1", "TS_DRAIN=60s")
	target := s.targets[0]
	target.TLS = testsupport.InsecureTLS()
	if got := get(t, target, "/proto"); got != "HTTP/1.1 tls=true" {
		t.Errorf("HTTP/1.1 client over the app's TLS listener: %q", got)
	}
	stop := load([]testsupport.Target{target}, 4, testsupport.KeepAlivePOST, testsupport.NewConnPOST, testsupport.H2)
	restartsUnderLoad(t, s, stop)
	if got := h2Proto(t, target, testsupport.H2); got != "HTTP/2.0 tls=true" {
		t.Errorf("after %d restarts, an h2 client got %q", restarts(), got)
	}
}

func TestNativeH2CAcrossRestarts(t *testing.T) {
	s := startServer(t, "TS_H2C=1", "TS_DRAIN=60s")
	target := s.targets[0]
	stop := load([]testsupport.Target{target}, 4, testsupport.KeepAlivePOST, testsupport.H2C)
	restartsUnderLoad(t, s, stop)
	if got := h2Proto(t, target, testsupport.H2C); got != "HTTP/2.0 tls=false" {
		t.Errorf("after %d restarts, an h2c client got %q", restarts(), got)
	}
}

// h2Proto asks the server, over HTTP/2, which protocol it sees.
func h2Proto(t *testing.T, target testsupport.Target, mode testsupport.Mode) string {
	t.Helper()
	c := testsupport.NewClient(target, mode, 1, 0)
	defer c.CloseIdleConnections()
	scheme := "http://"
	if mode == testsupport.H2 {
		scheme = "https://"
	}
	resp, err := c.Get(scheme + target.Address + "/proto")
	if err != nil {
		t.Fatalf("%s GET /proto: %v", mode, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestLateServerRefusesNothing(t *testing.T) {
	// A fixed port, as a real program has: bound anew, it would be the same
	// port, refusing until the late server binds it.
	fixed, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	fixed.Close()
	s := startServer(t, "TS_LISTEN=tcp=127.0.0.1:0;tcp="+fixed.Addr().String(), "TS_READY=300ms", "TS_DRAIN=60s")
	s.setControl("late=2s") // the next generation opens its second server after a 2s warm-up
	stop := load(s.targets, 4, testsupport.NewConnPOST, testsupport.KeepAlivePOST)
	time.Sleep(150 * time.Millisecond)
	h := s.restart()
	// The handover happened (ReadyTimeout) before the late server started.
	s.waitLog(`warming up`, 1)
	late := s.targets[1]
	late.Path = "/pid"
	deadline := time.Now().Add(waitFor)
	for c := testsupport.NewClient(late, testsupport.NewConnPOST, 1, 0); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := c.Get("http://" + late.Address + "/pid"); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) == strconv.Itoa(h.New) {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the late server never served; log:\n%s", s.log())
		}
	}
	time.Sleep(300 * time.Millisecond)
	for _, r := range stop() {
		if r.Sent() == 0 || r.Failures() != 0 {
			t.Errorf("load across a restart with a late server: %v", r)
		} else {
			t.Logf("%v", r)
		}
	}
	if !strings.Contains(s.log(), fmt.Sprintf(`pid=%d socket=tcp:%s`, h.New, fixed.Addr())) {
		t.Errorf("the late server did not adopt its inherited socket:\n%s", s.log())
	}
	if got := get(t, s.targets[1], "/pid"); got != strconv.Itoa(h.New) {
		t.Errorf("the late server's address is served by %s, want %d", got, h.New)
	}
}

func TestDrainWaitsForHijackedConnectionToEnd(t *testing.T) {
	s := startServer(t, "TS_DRAIN=30s")
	conn, _ := hijack(t, s.targets[0], "")
	pid := s.cmd.Process.Pid
	s.signal(pid, syscall.SIGTERM)
	time.Sleep(2 * time.Second) // past the linger: only the hijacked connection holds the drain
	if !testsupport.Alive(pid) {
		t.Fatalf("the process exited while a hijacked connection was open:\n%s", s.log())
	}
	closed := time.Now()
	conn.Close() // the handler's io.Copy ends and it closes its side
	if err := s.wait(); err != nil {
		t.Errorf("exit after the drain: %v, want status 0", err)
	}
	if took := time.Since(closed); took > 10*time.Second {
		t.Errorf("the drain ended %v after the hijacked connection closed: it waited for its deadline", took)
	}
	if logs := s.log(); !strings.Contains(logs, `msg="graceful: drained"`) || strings.Contains(logs, "closed=") {
		t.Errorf("want a drain that closed nothing:\n%s", logs)
	}
}

func TestServeStopperServerAcrossRestarts(t *testing.T) {
	s := startServer(t, "TS_STOPPER=127.0.0.3:0", "TS_DRAIN=60s")
	addr := lineAddr(t, s, "stopper")
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var calls, byes atomic.Int64
	var mu sync.Mutex
	var failures []string
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var c net.Conn
			var r *bufio.Reader
			for ctx.Err() == nil {
				if c == nil {
					var err error
					if c, err = net.Dial("tcp", addr); err != nil {
						mu.Lock()
						failures = append(failures, err.Error())
						mu.Unlock()
						return
					}
					r = bufio.NewReader(c)
				}
				fmt.Fprintf(c, "5ms\n")
				c.SetReadDeadline(time.Now().Add(waitFor))
				line, err := r.ReadString('\n')
				if err != nil {
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
					c.Close()
					c = nil
					continue
				}
				calls.Add(1)
				if strings.HasSuffix(line, " bye\n") {
					byes.Add(1)
					c.Close()
					c = nil
				}
			}
			if c != nil {
				c.Close()
			}
		}()
	}
	h := restartsUnderLoad(t, s, func() []testsupport.Result { return nil })
	cancel()
	wg.Wait()
	if len(failures) > 0 || calls.Load() == 0 || byes.Load() == 0 {
		t.Errorf("line protocol across %d restarts: %d calls, %d ended by bye, %d failed: %v", restarts(), calls.Load(), byes.Load(), len(failures), failures)
	} else {
		t.Logf("line protocol across %d restarts: %d calls, %d connections ended by bye, 0 failed", restarts(), calls.Load(), byes.Load())
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "0s\n")
	if line, _ := bufio.NewReader(c).ReadString('\n'); strings.TrimSpace(line) != strconv.Itoa(h.New) {
		t.Errorf("the stopper's address answered %q, want the newest process %d", line, h.New)
	}
}

// lineAddr returns where the first generation's line server of the kind
// ("stopper", "ownloop") listens.
func lineAddr(t *testing.T, s *server, kind string) string {
	t.Helper()
	return printedAddr(t, s, kind+" tcp")
}

// printedAddr waits for the test server's line "WORDS ADDRESS" on its
// standard output and returns the address.
func printedAddr(t *testing.T, s *server, words string) string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(words) + ` (\S+)$`)
	deadline := time.Now().Add(waitFor)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(filepath.Join(s.dir, "stdout"))
		if m := re.FindSubmatch(b); m != nil {
			return string(m[1])
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %q line; log:\n%s", words, s.log())
	return ""
}

func TestShutdownHooksRunAsTheLingerBegins(t *testing.T) {
	s := startServer(t, "TS_DRAIN=30s")
	pid := strconv.Itoa(s.cmd.Process.Pid)
	client := testsupport.NewClient(s.targets[0], testsupport.KeepAlivePOST, 1, 0)
	defer client.CloseIdleConnections()
	post := func() (string, bool, error) {
		req, _ := http.NewRequest(http.MethodPost, "http://"+s.targets[0].Address+"/work", strings.NewReader("x"))
		req.GetBody = nil
		resp, err := client.Do(req)
		if err != nil {
			return "", false, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), resp.Close, err
	}
	if got, _, err := post(); err != nil || got != pid {
		t.Fatalf("before the stop: %q %v", got, err)
	}
	conn, r := hijack(t, s.targets[0], "bye=1")
	s.signal(s.cmd.Process.Pid, syscall.SIGTERM)
	conn.SetReadDeadline(time.Now().Add(waitFor))
	if line, err := r.ReadString('\n'); err != nil || line != "bye\n" {
		t.Fatalf("the hijacked connection was not told to go by the hook: %q %v", line, err)
	}
	// The hook ran as the linger began: the keep-alive connection is still
	// served, its response closing it.
	got, closed, err := post()
	if err != nil || got != pid || !closed {
		t.Errorf("a request on the keep-alive connection after the hook: %q (closes: %v) %v; want it answered by %s with Connection: close", got, closed, err, pid)
	}
	if err := s.wait(); err != nil {
		t.Errorf("exit after the drain: %v, want status 0", err)
	}
}

func TestDrainWaitsForConnectionsOfAnOwnAcceptLoop(t *testing.T) {
	s := startServer(t, "TS_OWNLOOP=127.0.0.4:0", "TS_DRAIN=30s")
	addr := lineAddr(t, s, "ownloop")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A call longer than the drain's linger, under way when the stop comes.
	fmt.Fprintf(c, "2500ms\n")
	time.Sleep(200 * time.Millisecond)
	s.signal(s.cmd.Process.Pid, syscall.SIGTERM)
	c.SetReadDeadline(time.Now().Add(waitFor))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != strconv.Itoa(s.cmd.Process.Pid) {
		t.Errorf("the call under way at the stop got %q %v; want the answer", line, err)
	}
	if err := s.wait(); err != nil {
		t.Errorf("exit after the drain: %v, want status 0", err)
	}
	if logs := s.log(); !strings.Contains(logs, "own accept loop") || strings.Contains(logs, "closed=") {
		t.Errorf("want the drain to wait for the own loop's connection, closing nothing:\n%s", logs)
	}
}
