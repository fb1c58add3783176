//go:build linux

package gracefulgen_test

import (
	"bufio"
	"cmp"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// This file holds what the end-to-end test needs around the programs: an
// endpoint and a load client that cannot hide a failure behind a retry,
// clients of hijacked connections, the process group of one program and
// its generations (who holds a listening socket, found in /proc; reaping),
// and a certificate for the TLS programs.

// patience bounds every wait of the end-to-end test for something that must
// happen (a process ready, a handover, an old process gone). It is a bound
// against hanging, not a measurement: a healthy run takes a small fraction.
const patience = 60 * time.Second

// endpoint is one listening socket of a program, as a client reaches it.
type endpoint struct {
	name    string // "app", "admin" or "unix"
	network string // "tcp" or "unix"
	address string // host:port or socket path
	tls     *tls.Config
}

// target is where a load client of ep sends requests.
func (ep endpoint) target() testsupport.Target {
	return testsupport.Target{Network: ep.network, Address: ep.address, TLS: ep.tls}
}

func (ep endpoint) url(path string) string {
	return ep.target().URL(testsupport.KeepAlivePOST, path)
}

// client returns an HTTP client for ep in mode.
func (ep endpoint) client(mode testsupport.Mode) *http.Client {
	return testsupport.NewClient(ep.target(), mode, 16, 30*time.Second)
}

// load sends POST requests to one endpoint in one mode until its context
// ends (testsupport.Run: a request the server drops is never retried, so it
// fails), and counts the answers by the serving pid and program version
// (the X-Pid and X-Version headers of the programs).
type load struct {
	ep    endpoint
	mode  testsupport.Mode
	path  string // "/" when empty
	body  string // "payload" when empty
	want  int    // the status of a success, 200 when 0
	ctype string // the Content-Type header, if set
	// header is added to every request (tus: Tus-Resumable, Upload-Length).
	header http.Header

	res      testsupport.Result
	mu       sync.Mutex
	pids     map[int]int    // answers per serving pid (0: no X-Pid)
	versions map[string]int // answers per version of the program
}

func newLoad(ep endpoint, mode testsupport.Mode) *load {
	return &load{ep: ep, mode: mode, pids: map[int]int{}, versions: map[string]int{}}
}

func (l *load) config(conc int) testsupport.Config {
	cfg := testsupport.Config{
		Target:  l.ep.target(),
		Modes:   []testsupport.Mode{l.mode},
		Workers: conc,
		Timeout: 30 * time.Second,
		Body:    []byte(cmp.Or(l.body, "payload")),
		Want:    l.want,
		Identify: func(resp *http.Response, _ []byte) (int, string, error) {
			pid, _ := strconv.Atoi(resp.Header.Get("X-Pid"))
			return pid, resp.Header.Get("X-Version"), nil
		},
		Observe: func(a testsupport.Answer) {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.pids[a.PID]++
			l.versions[a.Gen]++
		},
	}
	cfg.Target.Path = cmp.Or(l.path, "/")
	cfg.Header = l.header.Clone()
	if l.ctype != "" {
		if cfg.Header == nil {
			cfg.Header = http.Header{}
		}
		cfg.Header.Set("Content-Type", l.ctype)
	}
	return cfg
}

// run loads with conc concurrent clients until ctx is done.
func (l *load) run(ctx context.Context, conc int) {
	l.res = testsupport.Run(ctx, l.config(conc))
}

// once sends one request and returns its error.
func (l *load) once() error {
	_, err := testsupport.Once(l.config(1))
	return err
}

// failed returns the number of failed requests and a description of them.
func (l *load) failed() (int, string) {
	return l.res.Failures(), l.res.String()
}

// hijacked counts what the clients of hijacked connections saw.
type hijacked struct {
	mu       sync.Mutex
	conns    int               // connections upgraded
	byes     int               // /push connections ended by the server's "bye"
	echoes   int               // /echo lines echoed
	closed   int               // /echo connections closed by the server
	failures map[string]int    // by kind
	samples  map[string]string // one per kind
}

func newHijacked() *hijacked {
	return &hijacked{failures: map[string]int{}, samples: map[string]string{}}
}

func (h *hijacked) count(f func()) {
	h.mu.Lock()
	f()
	h.mu.Unlock()
}

func (h *hijacked) fail(kind string, err error) {
	h.count(func() {
		h.failures[kind]++
		if _, ok := h.samples[kind]; !ok {
			h.samples[kind] = err.Error()
		}
	})
}

// upgrade opens a connection to path and reads the 101 answer and the
// server's "hello PID" line. The connection is closed when ctx is done.
func upgrade(ctx context.Context, ep endpoint, path string) (net.Conn, *bufio.Reader, string, error) {
	conn, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, ep.network, ep.address)
	if err != nil {
		return nil, nil, "", err
	}
	context.AfterFunc(ctx, func() { conn.Close() })
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: e2e\r\nConnection: Upgrade\r\nUpgrade: e2e\r\n\r\n", path)
	r := bufio.NewReader(conn)
	status, err := r.ReadString('\n')
	if err != nil {
		conn.Close()
		return nil, nil, "", fmt.Errorf("upgrade %s: %w", path, err)
	}
	if !strings.Contains(status, " 101 ") {
		conn.Close()
		return nil, nil, "", fmt.Errorf("upgrade %s: %q", path, status)
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			conn.Close()
			return nil, nil, "", fmt.Errorf("upgrade %s: headers: %w", path, err)
		}
		if line == "\r\n" {
			break
		}
	}
	hello, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(hello, "hello ") {
		conn.Close()
		return nil, nil, "", fmt.Errorf("upgrade %s: hello %q: %v", path, hello, err)
	}
	return conn, r, strings.TrimSpace(strings.TrimPrefix(hello, "hello ")), nil
}

// push keeps a /push connection open, reconnecting after each "bye", until
// ctx is done. A connection that ends without "bye", or a new connection
// that reaches the process that just said goodbye, is a failure.
func (h *hijacked) push(ctx context.Context, ep endpoint, connected chan<- struct{}) {
	byePID := ""
	for ctx.Err() == nil {
		conn, r, pid, err := upgrade(ctx, ep, "/push")
		if err != nil {
			if ctx.Err() == nil {
				h.fail("push "+testsupport.Classify(err).String(), err)
			}
			return
		}
		if connected != nil {
			connected <- struct{}{}
			connected = nil
		}
		h.count(func() { h.conns++ })
		if pid == byePID {
			h.fail("push reached a draining process", fmt.Errorf("pid %s said bye, then accepted a new connection", pid))
		}
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				if ctx.Err() == nil {
					h.fail("push cut without bye", err)
				}
				break
			}
			if line == "bye\n" {
				byePID = pid
				h.count(func() { h.byes++ })
				break
			}
		}
		conn.Close()
	}
}

// echo keeps an /echo connection open, sending a line every few
// milliseconds and checking its echo, and reconnects when the server closes
// it (which a draining process does at its deadline), until ctx is done.
func (h *hijacked) echo(ctx context.Context, ep endpoint, connected chan<- struct{}) {
	for ctx.Err() == nil {
		conn, r, _, err := upgrade(ctx, ep, "/echo")
		if err != nil {
			if ctx.Err() == nil {
				h.fail("echo "+testsupport.Classify(err).String(), err)
			}
			return
		}
		if connected != nil {
			connected <- struct{}{}
			connected = nil
		}
		h.count(func() { h.conns++ })
		for i := 0; ctx.Err() == nil; i++ {
			want := fmt.Sprintf("ping %d\n", i)
			_, err := io.WriteString(conn, want)
			var got string
			if err == nil {
				got, err = r.ReadString('\n')
			}
			if err != nil {
				if ctx.Err() == nil {
					h.count(func() { h.closed++ })
				}
				break
			}
			if got != want {
				h.fail("echo mismatch", fmt.Errorf("sent %q, got %q", want, got))
				break
			}
			h.count(func() { h.echoes++ })
			time.Sleep(5 * time.Millisecond)
		}
		conn.Close()
	}
}

// group is the processes of one program: the first one, started by the
// test in a process group of its own, and the generations it restarts
// into, which the test reaps as their parents exit (it is a child
// subreaper: see becomeSubreaper).
type group struct {
	t     *testing.T
	first *exec.Cmd
	exit  chan error // the first process's Wait

	mu     sync.Mutex
	seen   map[int]bool               // every pid that served
	status map[int]syscall.WaitStatus // pids reaped, with their status
}

// startGroup starts bin with args and env (added to the test's own), its
// output going to logFile, and kills every process of its group when the
// test ends.
func startGroup(t *testing.T, bin string, args, env []string, logFile string) *group {
	t.Helper()
	out, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out // a file, not a pipe: every generation inherits it
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	g := &group{t: t, first: cmd, exit: make(chan error, 1), seen: map[int]bool{cmd.Process.Pid: true}, status: map[int]syscall.WaitStatus{}}
	go func() { g.exit <- cmd.Wait() }()
	t.Cleanup(g.kill)
	return g
}

// kill sends SIGKILL, by pid, to every process of the group still there
// (the generations keep the first process's group; a pid that served and
// is gone may have been reused by another process, which is left alone),
// then reaps them.
func (g *group) kill() {
	pids := g.members()
	for _, pid := range pids {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	for _, pid := range pids {
		g.waitGone(pid, 5*time.Second)
	}
}

// members returns the pids of the processes of the group.
func (g *group) members() []int {
	var pids []int
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range dirs {
		pid, _ := strconv.Atoi(filepath.Base(dir))
		if g.member(pid) {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids
}

// member reports whether pid exists and is in the group.
func (g *group) member(pid int) bool {
	st, err := testsupport.Stat(pid)
	return err == nil && st.PGID == g.first.Process.Pid
}

// holders returns the pids of the processes holding ep's listening socket.
func holders(ep endpoint) ([]int, error) {
	return testsupport.ListenerPIDs(ep.target())
}

// server waits until one process other than not alone holds the listening
// socket of every endpoint, and returns it.
func (g *group) server(eps []endpoint, not int) (int, error) {
	deadline := time.Now().Add(patience)
	for {
		pid, err := soleHolder(eps)
		if err != nil {
			return 0, err
		}
		if pid != 0 && pid != not {
			g.mu.Lock()
			g.seen[pid] = true
			g.mu.Unlock()
			return pid, nil
		}
		if not == 0 {
			select {
			case err := <-g.exit:
				g.exit <- err
				return 0, fmt.Errorf("the program exited (%v) before it served every endpoint", err)
			default:
			}
		}
		if time.Now().After(deadline) {
			all := map[string][]int{}
			for _, ep := range eps {
				all[ep.name], _ = holders(ep)
			}
			return 0, fmt.Errorf("no single process other than %d holds every listening socket after %v: holders %v", not, patience, all)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// soleHolder returns the one process holding every endpoint, or 0.
func soleHolder(eps []endpoint) (int, error) {
	pid := 0
	for _, ep := range eps {
		pids, err := holders(ep)
		if err != nil {
			return 0, err
		}
		if len(pids) != 1 || (pid != 0 && pids[0] != pid) {
			return 0, nil
		}
		pid = pids[0]
	}
	return pid, nil
}

// restart sends SIGHUP to the process serving eps and waits for another to
// serve them alone.
func (g *group) restart(eps []endpoint, old int) (int, error) {
	return g.restartWith(eps, old, syscall.SIGHUP)
}

// restartWith is restart with the program's restart signal sig (-signal).
func (g *group) restartWith(eps []endpoint, old int, sig syscall.Signal) (int, error) {
	if err := syscall.Kill(old, sig); err != nil {
		return 0, fmt.Errorf("signal %q to %d: %w", sig, old, err)
	}
	return g.server(eps, old)
}

// waitGone waits up to d for pid to be gone from the group, reaping it if
// it is the test's child, and reports whether it is gone.
func (g *group) waitGone(pid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if pid == g.first.Process.Pid {
			select {
			case err := <-g.exit:
				g.exit <- err
				g.mu.Lock()
				g.status[pid] = g.first.ProcessState.Sys().(syscall.WaitStatus)
				g.mu.Unlock()
				return true
			default:
			}
		} else {
			var ws syscall.WaitStatus
			if got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil); err == nil && got == pid {
				g.mu.Lock()
				g.status[pid] = ws
				g.mu.Unlock()
			}
			if !g.member(pid) { // gone, or its pid reused by an unrelated process
				return true
			}
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// exitStatus returns how pid ended, if the test reaped it.
func (g *group) exitStatus(pid int) (syscall.WaitStatus, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ws, ok := g.status[pid]
	return ws, ok
}

// becomeSubreaper makes the test process the reaper of the orphans of the
// processes it starts, until the test ends: when an old generation exits,
// the new one is re-parented to the test rather than to the machine's PID 1
// (which, in a container, may never reap it), and the test can check that
// every generation exited and was reaped.
func becomeSubreaper(t *testing.T) {
	const prSetChildSubreaper = 36
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		t.Fatalf("prctl(PR_SET_CHILD_SUBREAPER): %v", errno)
	}
	t.Cleanup(func() { syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 0, 0) })
}

// writeCertificate writes a self-signed certificate for the loopback
// addresses and its key, as PEM files in dir, and returns their paths and a
// client configuration that trusts the certificate.
func writeCertificate(t *testing.T, dir string) (certFile, keyFile string, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Organization: []string{"gracefulgen e2e"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// copyFile copies an executable.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

// udpLoad sends DNS queries as datagrams to one endpoint (network "udp")
// until its context ends: each client sends one query at a time (a
// hand-built "example.org. A IN" with an ID of its own) and waits up to
// wait for the answer with that ID. A query without one is lost: it is
// never sent again, since a retry would hide the loss.
type udpLoad struct {
	ep   endpoint
	wait time.Duration // how long a query waits for its answer

	mu       sync.Mutex
	sent     int
	answered int
	lost     int
	why      map[string]int // the lost queries by what the client saw
	slow     int            // answers that took longer than slowAnswer
	slowest  time.Duration  // the longest wait for an answer
}

// newUDPLoad returns a load of DNS queries on ep, which waits up to 3s
// for each answer.
func newUDPLoad(ep endpoint) *udpLoad {
	return &udpLoad{ep: ep, wait: 3 * time.Second, why: map[string]int{}}
}

// run loads with conc clients, each on a socket of its own, until ctx is
// done; a query in flight then still waits for its answer.
func (u *udpLoad) run(ctx context.Context, conc int) {
	var wg sync.WaitGroup
	for i := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u.client(ctx, uint16(i)<<12)
		}()
	}
	wg.Wait()
}

// client sends queries from one socket, their IDs counting up from id.
func (u *udpLoad) client(ctx context.Context, id uint16) {
	conn, err := net.Dial("udp", u.ep.address)
	if err != nil {
		u.count(false, fmt.Sprintf("dial: %v", err))
		return
	}
	defer conn.Close()
	buf := make([]byte, 4096)
	for ctx.Err() == nil {
		id++
		if _, err := conn.Write(dnsQuery(id)); err != nil {
			u.count(false, fmt.Sprintf("send: %v", err))
			time.Sleep(10 * time.Millisecond) // an ICMP error reported here: pace the next query
			continue
		}
		sent := time.Now()
		ok, why := u.answer(conn, buf, id)
		if ok {
			u.took(time.Since(sent))
		}
		u.count(ok, why)
	}
}

// took records how long an answered query waited for its answer: a stall
// (an answer later than slowAnswer) is counted, lost or not.
func (u *udpLoad) took(d time.Duration) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.slowest = max(u.slowest, d)
	if d > slowAnswer {
		u.slow++
	}
}

// slowAnswer is the wait past which udpLoad counts an answer as slow.
const slowAnswer = 100 * time.Millisecond

// answer waits for the answer to query id on conn, skipping late answers
// to earlier queries, and reports whether it came, or what came instead.
func (u *udpLoad) answer(conn net.Conn, buf []byte, id uint16) (bool, string) {
	conn.SetReadDeadline(time.Now().Add(u.wait))
	for {
		n, err := conn.Read(buf)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return false, fmt.Sprintf("no answer within %v", u.wait)
			}
			return false, err.Error() // an ICMP port unreachable: no socket at the port
		}
		if n < 12 || binary.BigEndian.Uint16(buf) != id {
			continue // an answer that came after its query was counted lost
		}
		flags := binary.BigEndian.Uint16(buf[2:])
		if flags&0x8000 == 0 || flags&0xf != 0 {
			return false, fmt.Sprintf("not an answer, or rcode %d (flags %#04x)", flags&0xf, flags)
		}
		return true, ""
	}
}

// count adds one query to the counts: answered, or lost for why.
func (u *udpLoad) count(answered bool, why string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.sent++
	if answered {
		u.answered++
		return
	}
	u.lost++
	u.why[why]++
}

// stalls says how many answers were slow, and the slowest wait.
func (u *udpLoad) stalls() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return fmt.Sprintf("%d answered after more than %v, the slowest after %v", u.slow, slowAnswer, u.slowest.Round(time.Millisecond))
}

// counts returns the queries sent, answered and lost, and what the lost
// ones saw.
func (u *udpLoad) counts() (sent, answered, lost int, why string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	var parts []string
	for w, n := range u.why {
		parts = append(parts, fmt.Sprintf("%d× %s", n, w))
	}
	sort.Strings(parts)
	return u.sent, u.answered, u.lost, strings.Join(parts, "; ")
}

// dnsQuery returns a DNS query with id for "example.org." A IN, recursion
// desired: a 12-byte header (one question) and the question.
func dnsQuery(id uint16) []byte {
	q := binary.BigEndian.AppendUint16(nil, id)
	q = append(q, 0x01, 0x00) // flags: RD
	q = append(q, 0, 1, 0, 0, 0, 0, 0, 0)
	for _, label := range []string{"example", "org"} {
		q = append(q, byte(len(label)))
		q = append(q, label...)
	}
	q = append(q, 0)
	q = binary.BigEndian.AppendUint16(q, 1) // QTYPE A
	q = binary.BigEndian.AppendUint16(q, 1) // QCLASS IN
	return q
}
