package testsupport

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rawServer accepts connections on loopback and treats each with serve,
// until the test ends.
func rawServer(t *testing.T, serve func(c *net.TCPConn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serve(c.(*net.TCPConn))
		}
	}()
	return "http://" + l.Addr().String() + "/"
}

// benchModes are the modes the benchmark runs side by side.
var benchModes = []Mode{KeepAliveGET, KeepAlivePOST, NewConnGET, H2C}

// identityHandler answers as the benchmark's handler does: the process's
// pid and a generation id.
func identityHandler(gen string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "pid=%d gen=%s", os.Getpid(), gen)
	})
}

// identify reads an answer of identityHandler.
func identify(_ *http.Response, body []byte) (pid int, gen string, err error) {
	if _, err := fmt.Sscanf(string(body), "pid=%d gen=%s", &pid, &gen); err != nil {
		return 0, "", fmt.Errorf("parse answer %q: %w", body, err)
	}
	return pid, gen, nil
}

// config is a load of every benchmark mode on url.
func config(t *testing.T, url string) Config {
	t.Helper()
	target, err := ParseTarget(url)
	if err != nil {
		t.Fatal(err)
	}
	return Config{Target: target, Modes: benchModes, Identify: identify}
}

// newServer starts a test server that also accepts HTTP/2 with prior
// knowledge (mode H2C), as the benchmark's servers do with -h2c.
func newServer(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// readHead reads a request's head, so the client has written it.
func readHead(c net.Conn) {
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil || line == "\r\n" {
			return
		}
	}
}

// runCounted sends n requests per mode, one worker each.
func runCounted(t *testing.T, url string, n int) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := config(t, url)
	cfg.Workers, cfg.Requests, cfg.Timeout = 1, n, 5*time.Second
	return Run(ctx, cfg)
}

func TestServerThatResetsConnectionsCountsEveryRequestAsReset(t *testing.T) {
	url := rawServer(t, func(c *net.TCPConn) {
		readHead(c)
		c.SetLinger(0) // close with RST
		c.Close()
	})
	res := runCounted(t, url, 5)
	for _, m := range benchModes {
		if res.Requests[m] != 5 {
			t.Errorf("%v: sent %d requests, want 5", m, res.Requests[m])
		}
		if m == H2C {
			// A reset during HTTP/2's connection preface reaches the
			// client as "client conn could not be established", which
			// names no cause and counts as EOF.
			if f := res.Failed[m]; f[Reset]+f[EOF] != 5 {
				t.Errorf("%v: failures %v, want all 5 requests as reset or EOF; samples %v", m, f, res.Samples)
			}
			continue
		}
		if got := res.Failed[m][Reset]; got != 5 {
			t.Errorf("%v: %d requests counted as reset, want all 5; failures %v, samples %v", m, got, res.Failed[m], res.Samples)
		}
	}
	if res.Successes() != 0 {
		t.Errorf("%d answers counted from a server that answers nothing", res.Successes())
	}
}

func TestServerThatClosesWithoutAnsweringCountsEOF(t *testing.T) {
	url := rawServer(t, func(c *net.TCPConn) {
		readHead(c)
		c.CloseWrite() // FIN after the request: no answer
		time.Sleep(100 * time.Millisecond)
		c.Close()
	})
	res := runCounted(t, url, 3)
	for _, m := range benchModes {
		if got := res.Failed[m][EOF]; got != 3 {
			t.Errorf("%v: %d requests counted as EOF, want 3; failures %v, samples %v", m, got, res.Failed[m], res.Samples)
		}
	}
}

func TestNothingListeningCountsRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String() + "/"
	l.Close()
	before := time.Now()
	res := runCounted(t, url, 2)
	for _, m := range benchModes {
		if got := res.Failed[m][Refused]; got != 2 {
			t.Errorf("%v: %d requests counted as refused, want 2; failures %v", m, got, res.Failed[m])
		}
	}
	// Each failure is also listed with its time, in order.
	if len(res.FailedAt) != res.Failures() {
		t.Fatalf("%d failures listed with their time, %d counted", len(res.FailedAt), res.Failures())
	}
	perMode := map[Mode]int{}
	for i, f := range res.FailedAt {
		perMode[f.Mode]++
		if f.Kind != Refused || f.At.Before(before) || f.At.After(res.End) {
			t.Errorf("failure %d: %v %v at %v, want refused between %v and %v", i, f.Mode, f.Kind, f.At, before, res.End)
		}
		if i > 0 && f.At.Before(res.FailedAt[i-1].At) {
			t.Errorf("failure %d at %v listed after one at %v", i, f.At, res.FailedAt[i-1].At)
		}
	}
	for _, m := range benchModes {
		if perMode[m] != 2 {
			t.Errorf("%v: %d failures listed, want 2", m, perMode[m])
		}
	}
}

func TestAnswersThatAreNotTheHandlersAreFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    http.HandlerFunc
		kind Kind
	}{
		{"status 500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) }, Status},
		{"foreign body", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello\n")) }, BadBody},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, tc.h)
			res := runCounted(t, srv.URL, 2)
			if got := res.AllFailed()[tc.kind]; got != 2*len(benchModes) {
				t.Errorf("%d requests counted as %v, want %d; failures %v", got, tc.kind, 2*len(benchModes), res.AllFailed())
			}
		})
	}
}

func TestHandlerAnswersAreCountedWithTheirGeneration(t *testing.T) {
	srv := newServer(t, identityHandler("g1"))
	var gens = map[string]int{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	answers := make(chan Answer, 100)
	cfg := config(t, srv.URL)
	cfg.Workers, cfg.Requests, cfg.Observe = 2, 4, func(a Answer) { answers <- a }
	res := Run(ctx, cfg)
	close(answers)
	fresh := 0
	for a := range answers {
		gens[a.Gen]++
		if a.Fresh {
			fresh++
		}
		if a.Conn.IsZero() || a.Conn.After(a.At) {
			t.Errorf("%v answer at %v names its connection at %v", a.Mode, a.At, a.Conn)
		}
	}
	// Every new-connection GET dials; the keep-alive modes reuse theirs
	// and HTTP/2 shares one, so more than the one mode's 8 is a bug.
	if fresh < 2*4 || fresh > 2*4+3*2 {
		t.Errorf("%d answers came on fresh connections, want the 8 new-connection GETs and at most one per other worker", fresh)
	}
	for _, m := range benchModes {
		if res.Answered[m] != 2*4 {
			t.Errorf("%v: %d answered, want 8", m, res.Answered[m])
		}
	}
	if f := res.AllFailed(); f.Total() != 0 {
		t.Fatalf("failures against a healthy server: %v, samples %v", f, res.Samples)
	}
	if res.Successes() != 2*4*len(benchModes) {
		t.Errorf("%d answers, want %d", res.Successes(), 2*4*len(benchModes))
	}
	if len(gens) != 1 {
		t.Errorf("answers name %d generations, want the one of this process: %v", len(gens), gens)
	}
}

func TestFailuresString(t *testing.T) {
	var f Failures
	if f.String() != "0" {
		t.Errorf("no failures render as %q, want 0", f.String())
	}
	f[Reset], f[EOF] = 2, 1
	if got, want := f.String(), "3 (2 reset, 1 EOF)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !strings.Contains(f.Add(f).String(), "6 (4 reset, 2 EOF)") {
		t.Errorf("Add: got %q", f.Add(f).String())
	}
}

func TestServerThatNeverAnswersCountsTimeout(t *testing.T) {
	url := rawServer(t, func(c *net.TCPConn) {
		readHead(c)
		time.Sleep(2 * time.Second)
		c.Close()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := config(t, url)
	cfg.Workers, cfg.Requests, cfg.Timeout = 1, 1, 200*time.Millisecond
	res := Run(ctx, cfg)
	if got := res.AllFailed()[Timeout]; got != len(benchModes) {
		t.Errorf("%d requests counted as timeout, want %d; failures %v, samples %v", got, len(benchModes), res.AllFailed(), res.Samples)
	}
}

// chanListener is a listener fed by a dispatcher: what one server of a
// switchingServer accepts.
type chanListener struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *chanListener) Addr() net.Addr { return l.addr }

// switchingServer serves h2c on one loopback port with a chain of
// http.Servers: next makes a new server take every new connection and shuts
// the previous one down, which sends GOAWAY to its HTTP/2 connections, as a
// restart does.
type switchingServer struct {
	t  *testing.T
	l  net.Listener
	h  http.Handler
	mu sync.Mutex
	ln *chanListener
	hs *http.Server
	wg sync.WaitGroup
}

func newSwitchingServer(t *testing.T, h http.Handler) *switchingServer {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &switchingServer{t: t, l: l, h: h}
	s.next()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			for delivered := false; !delivered; {
				s.mu.Lock()
				ln := s.ln
				s.mu.Unlock()
				select {
				case ln.conns <- c:
					delivered = true
				case <-ln.done: // shut down meanwhile: the next server takes it
				}
			}
		}
	}()
	t.Cleanup(func() {
		l.Close()
		s.mu.Lock()
		hs := s.hs
		s.mu.Unlock()
		hs.Close()
		s.wg.Wait()
	})
	return s
}

// next starts a new server on the shared port and shuts the current one
// down gracefully.
func (s *switchingServer) next() {
	ln := &chanListener{addr: s.l.Addr(), conns: make(chan net.Conn), done: make(chan struct{})}
	hs := &http.Server{Handler: s.h, Protocols: new(http.Protocols)}
	hs.Protocols.SetHTTP1(true)
	hs.Protocols.SetUnencryptedHTTP2(true)
	s.wg.Add(1)
	go func() { defer s.wg.Done(); hs.Serve(ln) }()
	s.mu.Lock()
	old := s.hs
	s.ln, s.hs = ln, hs
	s.mu.Unlock()
	if old != nil {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			old.Shutdown(ctx)
		}()
	}
}

func TestHTTP2StreamsRefusedByGOAWAYAreSentAgainAndCountedApart(t *testing.T) {
	var served atomic.Int64
	var s *switchingServer
	inner := identityHandler("g1")
	s = newSwitchingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1)%25 == 0 {
			go s.next() // a restart every 25 requests: GOAWAY with streams in flight
		}
		inner.ServeHTTP(w, r)
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := config(t, "http://"+s.l.Addr().String()+"/")
	cfg.Modes, cfg.Workers, cfg.Requests, cfg.Timeout = []Mode{H2C}, 16, 100, 5*time.Second
	res := Run(ctx, cfg)
	if f := res.Failed[H2C]; f.Total() != 0 {
		t.Errorf("failures %v across graceful shutdowns, want none; e.g. %v", f, res.Samples)
	}
	if res.Answered[H2C] != 16*100 {
		t.Errorf("%d answered, want every one of %d", res.Answered[H2C], 16*100)
	}
	// 64 GOAWAYs to 16 busy workers: streams sent after a server wrote its
	// GOAWAY are refused unprocessed and sent again, each counted once.
	if res.Retried[H2C] == 0 {
		t.Errorf("no stream counted as refused unprocessed across %d GOAWAYs", served.Load()/25)
	}
	t.Logf("%d requests, %d refused unprocessed and sent again", res.Requests[H2C], res.Retried[H2C])
}

func TestClassifyNamesHTTP2ConnectionErrorsByWhatHappened(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want Kind
	}{
		// What Go's Transport returns, wrapped as http.Client.Do does.
		{"http2: client conn could not be established", EOF},
		{"http2: client connection force closed via ClientConn.Close", Reset},
		{"http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR", EOF},
		{"http2: something else", Other},
	} {
		err := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/", Err: errors.New(tc.msg)}
		if got := Classify(err); got != tc.want {
			t.Errorf("%q classified %v, want %v", tc.msg, got, tc.want)
		}
	}
}
