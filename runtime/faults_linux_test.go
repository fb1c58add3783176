package graceful_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
	graceful "github.com/gracefulgen/gracefulgen/runtime"
)

// hijack opens a connection to the server's /hijack handler (query, if not
// empty, is its query string) and returns it, with the reader of what the
// handler writes after its "hijacked" line, once the handler holds it.
func hijack(t *testing.T, target testsupport.Target, query string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial(target.Network, target.Address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if query != "" {
		query = "?" + query
	}
	fmt.Fprintf(conn, "GET /hijack%s HTTP/1.1\r\nHost: x\r\n\r\n", query)
	r := bufio.NewReader(conn)
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "hijacked") {
		t.Fatalf("hijack: %q %v", line, err)
	}
	return conn, r
}

// sockets returns how many sockets pid holds.
func sockets(pid int) int {
	n := 0
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	for _, fd := range fds {
		if link, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name())); strings.HasPrefix(link, "socket:") {
			n++
		}
	}
	return n
}

// waitSockets waits until pid holds n sockets.
func waitSockets(t *testing.T, pid, n int) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for sockets(pid) != n {
		if time.Now().After(deadline) {
			t.Fatalf("process %d holds %d sockets, want %d", pid, sockets(pid), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestParentKilledMidDrainLeavesTheChildServing(t *testing.T) {
	s := startServer(t, "TS_DRAIN=60s")
	hijack(t, s.targets[0], "") // keeps the old process draining
	stop := load(s.targets, 4, testsupport.KeepAlivePOST, testsupport.NewConnPOST)
	time.Sleep(150 * time.Millisecond)
	h := s.restart()
	// The old process has shut its HTTP connections down and waits for the
	// hijacked one: SIGKILL it there.
	waitSockets(t, h.Old, 1)
	s.signal(h.Old, syscall.SIGKILL)
	s.waitExit(h.Old)
	time.Sleep(150 * time.Millisecond)
	for _, r := range stop() {
		if r.Sent() == 0 || r.Failures() != 0 {
			t.Errorf("load across the restart and the parent's death: %v", r)
		}
	}
	if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(h.New) {
		t.Errorf("served by %s after the parent was killed, want %d", got, h.New)
	}
	if kids := children(h.New); len(kids) != 0 {
		t.Errorf("the serving process has children: %v", kids)
	}
}

func TestRequestOutlivingTheDrainTimeoutIsCutAtTheDeadline(t *testing.T) {
	s := startServer(t, "TS_DRAIN=1s")
	resp, err := testsupport.NewClient(s.targets[0], testsupport.NewConnPOST, 1, 0).Get("http://" + s.targets[0].Address + "/sleep?d=1h")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := make(chan error, 1)
	go func() { _, err := io.ReadAll(resp.Body); body <- err }()
	h := s.restart()
	select {
	case err := <-body:
		if err == nil {
			t.Errorf("the request outliving the drain ended cleanly; want its connection closed")
		}
	case <-time.After(waitFor):
		t.Fatal("the request outliving the drain timeout was never cut")
	}
	s.waitExit(h.Old)
	if !regexp.MustCompile(fmt.Sprintf(`level=ERROR msg="graceful: drained" pid=%d`, h.Old)).MatchString(s.log()) {
		t.Errorf("the old process did not log the connection it closed at the deadline:\n%s", s.log())
	}
	if got := get(t, s.targets[0], "/pid"); got != strconv.Itoa(h.New) {
		t.Errorf("served by %s, want %d", got, h.New)
	}
}

// slowLoris opens n connections that send part of a request's headers and
// then nothing, and returns a channel that receives, for each, how it ended.
func slowLoris(t *testing.T, target testsupport.Target, n int) <-chan error {
	t.Helper()
	cut := make(chan error, n)
	for i := 0; i < n; i++ {
		conn, err := net.Dial(target.Network, target.Address)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		fmt.Fprintf(conn, "GET /pid HTTP/1.1\r\nHost: x\r\n") // and never the end of the headers
		go func() {
			conn.SetReadDeadline(time.Now().Add(3 * graceful.DefaultReadHeaderTimeout))
			b, err := io.ReadAll(conn)
			if err == nil && strings.Contains(string(b), " 200 ") {
				err = fmt.Errorf("answered: %q", b)
			}
			cut <- err
		}()
	}
	return cut
}

func TestSlowLorisClientsAreCutByTheDefaultReadHeaderTimeout(t *testing.T) {
	s := startServer(t) // the runtime's default ReadHeaderTimeout
	const clients = 10
	// Slow-loris clients of the old process hold neither it nor the restart.
	old := slowLoris(t, s.targets[0], clients)
	stop := load(s.targets, 2, testsupport.KeepAlivePOST, testsupport.NewConnPOST)
	time.Sleep(100 * time.Millisecond)
	h := s.restart()
	s.waitExit(h.Old)
	// Those of the new process, which never drains, are cut by the
	// default ReadHeaderTimeout.
	cut := slowLoris(t, s.targets[0], clients)
	for i := 0; i < clients; i++ {
		// Closed by the server (EOF, nil here, or a reset) is right;
		// still open at the client's deadline is not.
		if err := <-cut; err != nil && (os.IsTimeout(err) || strings.HasPrefix(err.Error(), "answered")) {
			t.Errorf("slow-loris connection to the new process: %v, want it closed by the default read header timeout", err)
		}
		if err := <-old; err != nil && (os.IsTimeout(err) || strings.HasPrefix(err.Error(), "answered")) {
			t.Errorf("slow-loris connection to the old process: %v, want it closed", err)
		}
	}
	for _, r := range stop() {
		if r.Sent() == 0 || r.Failures() != 0 {
			t.Errorf("load beside slow-loris clients: %v", r)
		}
	}
}

func TestRestartAtTheOpenFileLimitFailsAndKeepsServing(t *testing.T) {
	const limit = 48
	s := launchVia(t, func(dir, bin string, env []string) []string {
		return []string{"prlimit", fmt.Sprintf("--nofile=%d:%d", limit, limit), "--", bin}
	}, "")
	s.targets = s.waitListening()
	s.waitLog(`msg="graceful: ready"`, 1)
	pid := s.cmd.Process.Pid

	// One keep-alive client connected before the limit is reached.
	client := testsupport.NewClient(s.targets[0], testsupport.KeepAlivePOST, 1, 0)
	ask := func() string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, "http://"+s.targets[0].Address+"/work", strings.NewReader("x"))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("request on the connection held before the limit: %v", err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	ask()
	// Fill the process's descriptor table with idle connections.
	var idle []net.Conn
	for i := 0; i < limit+8; i++ {
		c, err := net.Dial("tcp", s.targets[0].Address)
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	s.waitLog(`too many open files`, 1)

	s.signal(pid, syscall.SIGHUP)
	logs := s.waitLog(`restart failed, still serving`, 1)
	if !regexp.MustCompile(`restart failed, still serving.*too many open files`).MatchString(logs) {
		t.Errorf("the failure does not say the process is out of descriptors:\n%s", logs)
	}
	if got := ask(); got != strconv.Itoa(pid) {
		t.Errorf("after the failed restart, served by %s, want %d", got, pid)
	}
	if kids := children(pid); len(kids) != 0 {
		t.Errorf("children after the failed restart: %v", kids)
	}
	for _, c := range idle {
		c.Close()
	}
	h := s.restart()
	if h.Old != pid {
		t.Errorf("the retry restarted %d, want %d", h.Old, pid)
	}
	s.waitExit(pid)
}
