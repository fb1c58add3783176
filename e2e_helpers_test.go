//go:build linux

package gracefulgen_test

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
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

func (ep endpoint) url(path string) string {
	scheme, host := "http", ep.address
	if ep.tls != nil {
		scheme = "https"
	}
	if ep.network == "unix" {
		host = "unix"
	}
	return scheme + "://" + host + path
}

// Client modes: how a load client uses connections.
const (
	keepAlive = "keepalive" // HTTP/1.1, connections reused
	newConn   = "newconn"   // a new connection per request
	http2     = "h2"        // HTTP/2 over TLS, one multiplexed connection reused
	h2c       = "h2c"       // HTTP/2 without TLS, prior knowledge, one connection reused
)

// client returns an HTTP client for ep in mode.
func (ep endpoint) client(mode string) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	var protocols *http.Protocols
	if mode == h2c {
		protocols = new(http.Protocols)
		protocols.SetUnencryptedHTTP2(true)
	}
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Protocols: protocols,
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, ep.network, ep.address)
			},
			TLSClientConfig:     ep.tls.Clone(), // ForceAttemptHTTP2 adds "h2" to the config it is given
			ForceAttemptHTTP2:   mode == http2,
			DisableKeepAlives:   mode == newConn,
			DisableCompression:  true,
			MaxIdleConnsPerHost: 16,
		},
	}
}

// load sends POST requests to one endpoint in one mode until its context
// ends, and counts them. A POST whose body cannot be replayed is never
// retried by net/http's Transport, so every request the server drops is a
// failure here.
type load struct {
	ep    endpoint
	mode  string
	path  string // "/" when empty
	body  string // "payload" when empty
	want  int    // the status of a success, 200 when 0
	ctype string // the Content-Type header, if set

	requests atomic.Int64
	retried  atomic.Int64 // HTTP/2 requests the Transport sent again (see one)
	mu       sync.Mutex
	failures map[string]int    // by kind
	samples  map[string]string // one error per kind
	pids     map[string]int    // answers per serving pid
	versions map[string]int    // answers per version of the program
}

func newLoad(ep endpoint, mode string) *load {
	return &load{ep: ep, mode: mode, failures: map[string]int{}, samples: map[string]string{}, pids: map[string]int{}, versions: map[string]int{}}
}

// run loads with conc concurrent clients until ctx is done.
func (l *load) run(ctx context.Context, conc int) {
	client := l.ep.client(l.mode)
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				l.one(ctx, client)
			}
		}()
	}
	wg.Wait()
}

func (l *load) one(ctx context.Context, client *http.Client) {
	req, err := http.NewRequest(http.MethodPost, l.ep.url(cmp.Or(l.path, "/")), bytes.NewReader([]byte(cmp.Or(l.body, "payload"))))
	if err != nil {
		l.fail("request", err)
		return
	}
	if l.ctype != "" {
		req.Header.Set("Content-Type", l.ctype)
	}
	if l.mode == http2 || l.mode == h2c {
		// An HTTP/2 request that a GOAWAY refused was not processed, by the
		// protocol's guarantee, and clients (browsers, Go's with GetBody)
		// send it again: net/http's server sends one GOAWAY, not the
		// two-step one that would avoid refusing streams in flight. Such
		// retries are counted, not failed; any other loss fails.
		var attempts atomic.Int32
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			GotConn: func(httptrace.GotConnInfo) { attempts.Add(1) },
		}))
		defer func() {
			if attempts.Load() > 1 {
				l.retried.Add(1)
			}
		}()
	} else {
		req.GetBody = nil // not replayable: the Transport cannot retry it
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			l.fail(failureKind(err), err)
		}
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	switch {
	case err != nil:
		l.fail("body "+failureKind(err), err)
	case resp.StatusCode != cmp.Or(l.want, http.StatusOK):
		l.fail(fmt.Sprintf("status %d", resp.StatusCode), fmt.Errorf("%s: %q", resp.Status, body))
	case (l.mode == http2 || l.mode == h2c) && resp.ProtoMajor != 2:
		l.fail("not HTTP/2", fmt.Errorf("answered over %s", resp.Proto))
	default:
		l.requests.Add(1)
		l.mu.Lock()
		l.pids[resp.Header.Get("X-Pid")]++
		l.versions[resp.Header.Get("X-Version")]++
		l.mu.Unlock()
	}
}

func (l *load) fail(kind string, err error) {
	l.requests.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures[kind]++
	if _, ok := l.samples[kind]; !ok {
		// The time, to match the programs' log.
		l.samples[kind] = time.Now().Format("15:04:05.000") + " " + err.Error()
	}
}

// failed returns the number of failed requests and a description of them.
func (l *load) failed() (int, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	var kinds []string
	for k, v := range l.failures {
		n += v
		kinds = append(kinds, fmt.Sprintf("%s=%d (e.g. %s)", k, v, l.samples[k]))
	}
	sort.Strings(kinds)
	return n, strings.Join(kinds, "; ")
}

// failureKind names the kind of a client error.
func failureKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ENOENT):
		return "no socket file"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(err.Error(), "EOF"):
		return "eof"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "other"
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
				h.fail("push "+failureKind(err), err)
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
				h.fail("echo "+failureKind(err), err)
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
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) state ppid pgrp ...
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(fields) > 2 && fields[2] == strconv.Itoa(g.first.Process.Pid)
}

// holders returns the pids of the processes holding ep's listening socket.
func holders(ep endpoint) ([]int, error) {
	inodes, err := listeningInodes(ep)
	if err != nil || len(inodes) == 0 {
		return nil, err
	}
	var pids []int
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range dirs {
		fds, _ := os.ReadDir(dir + "/fd")
		for _, fd := range fds {
			link, _ := os.Readlink(dir + "/fd/" + fd.Name())
			if inode, ok := strings.CutPrefix(link, "socket:["); ok && inodes[strings.TrimSuffix(inode, "]")] {
				pid, _ := strconv.Atoi(filepath.Base(dir))
				pids = append(pids, pid)
				break
			}
		}
	}
	sort.Ints(pids)
	return pids, nil
}

// listeningInodes returns the inodes of the sockets listening on ep, from
// /proc/net.
func listeningInodes(ep endpoint) (map[string]bool, error) {
	inodes := map[string]bool{}
	if ep.network == "unix" {
		// Num RefCount Protocol Flags Type St Inode Path; flag 00010000 is listening.
		err := procTable("/proc/net/unix", func(f []string) {
			if len(f) >= 8 && f[3] == "00010000" && f[7] == ep.address {
				inodes[f[6]] = true
			}
		})
		return inodes, err
	}
	_, port, err := net.SplitHostPort(ep.address)
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		return nil, err
	}
	suffix := fmt.Sprintf(":%04X", n)
	// sl local_address rem_address st ... inode; state 0A is listening.
	// tcp6 holds the sockets bound to [::] (":port" in Go).
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		err = procTable(table, func(f []string) {
			if len(f) >= 10 && f[3] == "0A" && strings.HasSuffix(f[1], suffix) {
				inodes[f[9]] = true
			}
		})
		if err != nil && !(table == "/proc/net/tcp6" && errors.Is(err, fs.ErrNotExist)) {
			return inodes, err
		}
	}
	return inodes, nil
}

func procTable(file string, row func([]string)) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		row(strings.Fields(line))
	}
	return nil
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
	if err := syscall.Kill(old, syscall.SIGHUP); err != nil {
		return 0, fmt.Errorf("SIGHUP to %d: %w", old, err)
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

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
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

// freeAddr returns a loopback address that no one listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
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
