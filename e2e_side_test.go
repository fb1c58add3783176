//go:build linux

package gracefulgen_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Protocols served beside HTTP, on E2E_ADMIN_ADDR (e2eCase.side).
const (
	sideLine = "line" // the program's own accept loop: one line "pid PID" per connection
	sideGRPC = "grpc" // grpc-go's health service; the program is its own client with -load
	sideDNS  = "dns"  // miekg/dns over UDP (and TCP) at the same address; loaded over UDP
)

// sideLoad loads the side protocol of a program while it restarts: a new
// connection per exchange for sideLine, unary calls on one reused client
// connection for sideGRPC, DNS queries over UDP for sideDNS (udpLoad: one
// at a time per client, never sent again; an answer carries no pid).
type sideLoad struct {
	kind string
	bin  string
	ep   endpoint

	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	calls  int
	failed int
	sample string
	pids   map[int]int

	client *exec.Cmd      // sideGRPC: the -load client
	stdin  io.WriteCloser // closing it ends the client
	out    strings.Builder

	udp *udpLoad // sideDNS
}

// startSide starts the load of a side protocol, or returns nil for none.
func startSide(t *testing.T, kind, bin string, ep endpoint, g *group) *sideLoad {
	t.Helper()
	if kind == "" {
		return nil
	}
	s := &sideLoad{kind: kind, bin: bin, ep: ep, pids: map[int]int{}}
	if kind == sideGRPC {
		s.client, s.stdin = s.startClient(t)
		return s
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	if kind == sideDNS {
		s.udp = newUDPLoad(s.udpEndpoint())
		s.wg.Add(1)
		go func() { defer s.wg.Done(); s.udp.run(ctx, e2eClients) }()
		return s
	}
	for range e2eClients {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for ctx.Err() == nil {
				pid, err := lineExchange(ep)
				if ctx.Err() != nil {
					return
				}
				s.count(pid, err)
			}
		}()
	}
	return s
}

func (s *sideLoad) count(pid int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if err != nil {
		s.failed++
		if s.sample == "" {
			s.sample = time.Now().Format("15:04:05.000") + " " + err.Error()
		}
		return
	}
	s.pids[pid]++
}

// lineExchange reads the one line a new connection to the line service
// gets, and returns the pid it names.
func lineExchange(ep endpoint) (int, error) {
	c, err := net.DialTimeout(ep.network, ep.address, 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("read: %w", err)
	}
	pid, ok := strings.CutPrefix(strings.TrimSpace(line), "pid ")
	n, err := strconv.Atoi(pid)
	if !ok || err != nil {
		return 0, fmt.Errorf("answer %q, want \"pid PID\"", line)
	}
	return n, nil
}

// startClient starts the program as a gRPC client of ep.
func (s *sideLoad) startClient(t *testing.T) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(s.bin, "-load", s.ep.address)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.out.Reset()
	cmd.Stdout, cmd.Stderr = &s.out, &s.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, stdin
}

// stopClient ends the gRPC client and reads its counts.
func (s *sideLoad) stopClient(t *testing.T) {
	t.Helper()
	s.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- s.client.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("grpc client: %v\n%s", err, &s.out)
		}
	case <-time.After(patience):
		s.client.Process.Kill()
		t.Fatalf("grpc client still running %v after its input closed:\n%s", patience, &s.out)
	}
	var pids, first string
	out := strings.TrimSpace(s.out.String())
	if i := strings.LastIndex(out, "\n"); i >= 0 {
		out = out[i+1:]
	}
	if _, err := fmt.Sscanf(out, "calls %d failed %d pids %s first-error", &s.calls, &s.failed, &pids); err != nil {
		t.Fatalf("grpc client output %q: %v", s.out.String(), err)
	}
	if i := strings.Index(out, "first-error "); i >= 0 {
		first = out[i+len("first-error "):]
	}
	s.sample = first
	for _, p := range strings.Split(pids, ",") {
		if n, err := strconv.Atoi(p); err == nil {
			s.pids[n]++
		}
	}
}

// stop ends the load and checks it: no call failed, and every answer came
// from one of the generations.
func (s *sideLoad) stop(t *testing.T, generations []int) {
	t.Helper()
	if s == nil {
		return
	}
	if s.kind == sideGRPC {
		s.stopClient(t)
	} else {
		s.cancel()
		s.wg.Wait()
	}
	if s.udp != nil {
		s.calls, _, s.failed, s.sample = s.udp.counts()
	}
	t.Logf("%s on %s: %d calls, %d failed, answered by %v", s.kind, s.ep.name, s.calls, s.failed, s.pids)
	if s.failed > 0 {
		t.Errorf("%s: %d of %d calls failed (e.g. %s)", s.kind, s.failed, s.calls, s.sample)
	}
	if s.calls == 0 {
		t.Errorf("%s: no call was made", s.kind)
	}
	for pid := range s.pids {
		if !slices.Contains(generations, pid) {
			t.Errorf("%s: answered by pid %d, not one of the generations %v", s.kind, pid, generations)
		}
	}
}

// checkServing checks that pid alone holds the side socket and answers on it.
func (s *sideLoad) checkServing(t *testing.T, pid int) {
	t.Helper()
	if s == nil {
		return
	}
	if got, err := holders(s.ep); err != nil || !slices.Equal(got, []int{pid}) {
		t.Errorf("%s: listening socket held by %v (%v), want only the last process %d", s.kind, got, err, pid)
	}
	if s.kind == sideDNS {
		if got, err := holders(s.udpEndpoint()); err != nil || !slices.Equal(got, []int{pid}) {
			t.Errorf("%s: UDP socket held by %v (%v), want only the last process %d", s.kind, got, err, pid)
		}
		probe := newUDPLoad(s.udpEndpoint())
		conn, err := net.Dial("udp", s.ep.address)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.Write(dnsQuery(1)); err != nil {
			t.Fatal(err)
		}
		if ok, why := probe.answer(conn, make([]byte, 4096), 1); !ok {
			t.Errorf("%s: no answer after the restarts: %s", s.kind, why)
		}
		return
	}
	if s.kind == sideLine {
		if got, err := lineExchange(s.ep); err != nil || got != pid {
			t.Errorf("%s: answered by %d (%v), want %d", s.kind, got, err, pid)
		}
		return
	}
	// A client started on a loaded machine can spend a short window on its
	// own start-up and connection and make no call: it gets longer until
	// it makes one.
	var probe *sideLoad
	for window := 300 * time.Millisecond; ; window *= 2 {
		probe = &sideLoad{kind: s.kind, bin: s.bin, ep: s.ep, pids: map[int]int{}}
		probe.client, probe.stdin = probe.startClient(t)
		time.Sleep(window)
		probe.stopClient(t)
		if probe.calls > 0 || window >= patience {
			break
		}
		t.Logf("%s: the probe made no call in %v; again for longer", s.kind, window)
	}
	if probe.failed > 0 || len(probe.pids) != 1 || probe.pids[pid] == 0 {
		t.Errorf("%s: after the restarts, %d calls (%d failed: %s) answered by %v, want all by %d", s.kind, probe.calls, probe.failed, probe.sample, probe.pids, pid)
	}
}

// udpEndpoint is the side endpoint's address over UDP (sideDNS).
func (s *sideLoad) udpEndpoint() endpoint {
	return endpoint{name: s.ep.name + "-udp", network: "udp", address: s.ep.address}
}
