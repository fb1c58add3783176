package graceful_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// keepAliveConn opens a connection to the server and completes one request
// on it, so that it is an idle keep-alive connection.
func keepAliveConn(t *testing.T, s *server) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial(s.targets[0].Network, s.targets[0].Address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	br := bufio.NewReader(conn)
	fmt.Fprintf(conn, "GET /pid HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Close {
		t.Fatalf("first request: %s, close %v", resp.Status, resp.Close)
	}
	return conn, br
}

// closedWithin reports how long it took the server to close conn, or
// fails if it did not within limit.
func closedWithin(t *testing.T, conn net.Conn, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	conn.SetReadDeadline(start.Add(limit))
	b, err := io.ReadAll(conn)
	took := time.Since(start)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("connection still open after %v", limit)
	}
	if strings.Contains(string(b), " 200 ") {
		t.Fatalf("answered: %q", b)
	}
	return took
}

// TestSlowLorisOnAKeepAliveConnectionIsCut: a client that completes one
// request and then sends the next one's headers byte by byte, never ending
// them, is cut by the read header timeout (here 1s), not only by the idle
// timeout (120s by default).
func TestSlowLorisOnAKeepAliveConnectionIsCut(t *testing.T) {
	s := startServer(t, "TS_READ_HEADER=1s")
	conn, _ := keepAliveConn(t, s)
	time.Sleep(200 * time.Millisecond) // idle for a while first
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for _, b := range []byte("GET /pid HTTP/1.1\r\nHost: x\r\nX-Slow: ") {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if _, err := conn.Write([]byte{b}); err != nil {
				return
			}
		}
	}()
	took := closedWithin(t, conn, 10*time.Second)
	t.Logf("cut after %v", took)
	if took < time.Second {
		t.Errorf("cut after %v, before the 1s read header timeout", took)
	}
}

// TestIdleKeepAliveConnectionsLiveUntilTheIdleTimeout: an idle connection is
// not mistaken for a slow client (it outlives several read header
// timeouts), and is closed once the idle timeout has passed.
func TestIdleKeepAliveConnectionsLiveUntilTheIdleTimeout(t *testing.T) {
	s := startServer(t, "TS_READ_HEADER=300ms", "TS_IDLE=3s")
	conn, br := keepAliveConn(t, s)
	time.Sleep(1500 * time.Millisecond)
	fmt.Fprintf(conn, "GET /pid HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("idle connection closed after 1.5s (read header timeout 300ms, idle timeout 3s): %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	took := closedWithin(t, conn, 10*time.Second)
	t.Logf("closed after %v idle", took)
	if took < 3*time.Second {
		t.Errorf("closed after %v idle, before the 3s idle timeout", took)
	}
}
