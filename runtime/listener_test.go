package graceful

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t *testing.T) (server, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close(); client.Close() })
	return server, client
}

func TestTrackerCountsConnectionDownOnceHoweverOftenClosed(t *testing.T) {
	tr := newTracker()
	c, _ := tcpPair(t)
	tr.state(c, http.StateNew)
	tr.state(c, http.StateActive)
	if tr.count() != 1 {
		t.Fatalf("count = %d after StateNew, want 1", tr.count())
	}
	tr.state(c, http.StateClosed)
	tr.state(c, http.StateClosed)
	if tr.count() != 0 {
		t.Fatalf("count = %d after two StateClosed, want 0", tr.count())
	}
	select {
	case <-tr.idle():
	default:
		t.Error("idle channel not closed with no connection left")
	}
}

func TestTrackerWaitsForHijackedConnectionUntilItsOwnerClosesIt(t *testing.T) {
	tr := newTracker()
	c, _ := tcpPair(t)
	tr.state(c, http.StateNew)
	tr.state(c, http.StateHijacked)
	select {
	case <-tr.idle():
		t.Fatal("idle while a hijacked connection is open")
	case <-time.After(5 * hijackPoll):
	}
	c.Close() // by its owner: net/http says nothing
	select {
	case <-tr.idle():
	case <-time.After(5 * time.Second):
		t.Fatalf("still %d tracked after the hijacked connection was closed", tr.count())
	}
}

func TestCloseAllClosesHijackedConnections(t *testing.T) {
	tr := newTracker()
	c, peer := tcpPair(t)
	tr.state(c, http.StateNew)
	tr.state(c, http.StateHijacked)
	done := make(chan error)
	go func() { _, err := peer.Read(make([]byte, 1)); done <- err }()
	if n := tr.closeAll(); n != 1 {
		t.Errorf("closeAll = %d, want 1", n)
	}
	if err := <-done; err != io.EOF {
		t.Errorf("peer read %v, want EOF", err)
	}
	select {
	case <-tr.idle():
	default:
		t.Error("not idle after closeAll")
	}
}

func TestListenReturnsTheOSListener(t *testing.T) {
	l, err := Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, ok := l.(*net.TCPListener); !ok {
		t.Errorf("Listen returned %T, want *net.TCPListener", l)
	}
	tl, err := ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer tl.Close()
	path := filepath.Join(t.TempDir(), "s.sock")
	ul, err := ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer ul.Close()
	found := map[string]bool{}
	for _, gl := range theProcess.openListeners() {
		found[gl.Listener.Addr().String()] = true
	}
	for _, a := range []net.Addr{l.Addr(), tl.Addr(), ul.Addr()} {
		if !found[a.String()] {
			t.Errorf("%s not recorded for handover (have %v)", a, found)
		}
	}
	if _, err := ListenTCP("udp", nil); err == nil {
		t.Error("ListenTCP accepted network udp")
	}
	tl.Close()
	for _, gl := range theProcess.openListeners() {
		if gl.Listener == net.Listener(tl) {
			t.Error("a listener the app closed is still handed over")
		}
	}
}

// testCert returns a certificate and a client that trusts it, borrowed from
// httptest.
func testCert(t *testing.T) (tls.Certificate, *http.Client) {
	ts := httptest.NewUnstartedServer(http.NotFoundHandler())
	ts.EnableHTTP2 = true
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts.TLS.Certificates[0], ts.Client()
}

func TestAppTLSListenerServesH2AndTheAppSeesOSConnTypes(t *testing.T) {
	p := newProcess()
	ln, err := p.listen(nil, context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cert, client := testCert(t)
	var mu sync.Mutex
	var states, contexts []string
	tracked := make(chan int, 1)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case tracked <- p.conns.count():
			default:
			}
			if r.TLS == nil {
				http.Error(w, "r.TLS is nil", http.StatusInternalServerError)
				return
			}
			io.WriteString(w, r.Proto)
		}),
		ConnState: func(c net.Conn, s http.ConnState) {
			mu.Lock()
			defer mu.Unlock()
			tc := c.(*tls.Conn) // what apps assert
			_ = tc.NetConn().(*net.TCPConn)
			states = append(states, s.String())
		},
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			mu.Lock()
			defer mu.Unlock()
			_ = c.(*tls.Conn).NetConn().(*net.TCPConn)
			contexts = append(contexts, "ok")
			return ctx
		},
	}
	tl := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}})
	served := make(chan error, 1)
	go func() { served <- p.serve(srv, tl, nil) }()
	resp, err := client.Get("https://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "HTTP/2.0" {
		t.Errorf("got %s %q, want 200 HTTP/2.0", resp.Status, body)
	}
	if n := <-tracked; n != 1 {
		t.Errorf("tracked %d connections while serving, want the one TLS connection", n)
	}
	if gls := p.openListeners(); len(gls) != 1 || gls[0].Listener != ln {
		t.Errorf("the TLS listener was not matched to the runtime's socket: %d records", len(gls))
	}
	srv.Close()
	<-served
	mu.Lock()
	defer mu.Unlock()
	if len(states) == 0 || len(contexts) != 1 {
		t.Errorf("app hooks: states %v, contexts %v", states, contexts)
	}
	if p.conns.count() != 0 {
		t.Errorf("%d connections still tracked after the server closed", p.conns.count())
	}
}

func TestServeHandsTheAppPlainTCPConns(t *testing.T) {
	p := newProcess()
	ln, err := p.listen(nil, context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	panics := make(chan any, 4)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
		ConnState: func(c net.Conn, s http.ConnState) {
			defer func() {
				if v := recover(); v != nil {
					panics <- v
				}
			}()
			c.(*net.TCPConn).SetKeepAlive(true)
		},
	}
	served := make(chan error, 1)
	go func() { served <- p.serve(srv, ln, nil) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	srv.Close()
	<-served
	select {
	case v := <-panics:
		t.Errorf("ConnState asserting *net.TCPConn panicked: %v", v)
	default:
	}
}
