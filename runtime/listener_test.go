package graceful

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestConnIsCountedDownOnceHoweverOftenClosed(t *testing.T) {
	tr := newTracker()
	a, b := net.Pipe()
	defer b.Close()
	c := tr.add(a)
	if tr.count() != 1 {
		t.Fatalf("count = %d after add, want 1", tr.count())
	}
	c.Close()
	c.Close()
	if tr.count() != 0 {
		t.Fatalf("count = %d after two closes, want 0", tr.count())
	}
	select {
	case <-tr.idle():
	default:
		t.Error("idle channel not closed with no connection left")
	}
}

func TestCloseAllClosesHijackedConnections(t *testing.T) {
	tr := newTracker()
	a, b := net.Pipe()
	tr.add(a)
	done := make(chan error)
	go func() { _, err := b.Read(make([]byte, 1)); done <- err }()
	if n := tr.closeAll(); n != 1 {
		t.Errorf("closeAll = %d, want 1", n)
	}
	if err := <-done; err != io.EOF {
		t.Errorf("peer read %v, want EOF", err)
	}
}

// readerFromConn records whether ReadFrom reached it.
type readerFromConn struct {
	net.Conn
	used bool
}

func (c *readerFromConn) ReadFrom(r io.Reader) (int64, error) {
	c.used = true
	return io.Copy(io.Discard, r)
}

func TestConnKeepsReaderFromForSendfile(t *testing.T) {
	inner := &readerFromConn{}
	var c net.Conn = newTracker().add(inner)
	rf, ok := c.(io.ReaderFrom)
	if !ok {
		t.Fatal("gracefulConn hides io.ReaderFrom: net/http would lose sendfile")
	}
	rf.ReadFrom(strings.NewReader("data"))
	if !inner.used {
		t.Error("ReadFrom did not reach the wrapped connection")
	}
}

func TestTLSServesOverGracefulListener(t *testing.T) {
	p := newProcess()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Counted while the request is served, when its connection is surely
	// open: after the response the client may already have closed it.
	tracked := make(chan int, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case tracked <- p.conns.count():
		default:
		}
		io.WriteString(w, r.Proto)
	}))
	srv.Listener = p.register(ln, socketName{"tcp", "127.0.0.1:0", ln.Addr().String()}, false)
	srv.StartTLS()
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.TLS == nil {
		t.Error("response not over TLS")
	}
	if n := <-tracked; n != 1 {
		t.Errorf("tracked %d connections while serving, want the one TLS connection", n)
	}
}
