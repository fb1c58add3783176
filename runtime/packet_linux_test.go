package graceful_test

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// datagramLoad is what the datagram clients saw: every datagram is sent
// once, never again, and counts as lost if no answer came within the
// wait, so that a client retry cannot hide a lost datagram.
type datagramLoad struct {
	mu       sync.Mutex
	sent     int
	answered int
	lost     []lostDatagram // the datagrams without an answer
	wrong    []string       // answers to another datagram, or unreadable
	by       map[string]int // answers per answering pid
}

// client sends datagrams on c, to the address to (nil for a connected c),
// one at a time, each awaiting its answer, until stop is closed.
func (d *datagramLoad) client(c net.PacketConn, to net.Addr, name string, stop <-chan struct{}) {
	buf := make([]byte, 2048)
	for seq := 0; ; seq++ {
		select {
		case <-stop:
			return
		default:
		}
		payload := fmt.Sprintf("%s-%d", name, seq)
		var err error
		sent := time.Now()
		if to == nil {
			_, err = c.(net.Conn).Write([]byte(payload))
		} else {
			_, err = c.WriteTo([]byte(payload), to)
		}
		d.mu.Lock()
		d.sent++
		d.mu.Unlock()
		if err != nil {
			d.noteLost(sent, payload+": "+err.Error())
			continue
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _, err := c.ReadFrom(buf)
		if err != nil {
			d.noteLost(sent, payload+": "+err.Error())
			continue
		}
		pid, echoed, ok := strings.Cut(string(buf[:n]), " ")
		if !ok || echoed != payload {
			d.note(&d.wrong, fmt.Sprintf("sent %q, got %q", payload, buf[:n]))
			continue
		}
		d.mu.Lock()
		d.answered++
		d.by[pid]++
		d.mu.Unlock()
	}
}

// lostDatagram is a datagram that got no answer.
type lostDatagram struct {
	sent time.Time
	what string // its payload and the error
}

func (d *datagramLoad) noteLost(sent time.Time, what string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lost = append(d.lost, lostDatagram{sent, what})
}

func (d *datagramLoad) note(list *[]string, s string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	*list = append(*list, s)
}

// datagramRun is what restartsUnderDatagramLoad saw.
type datagramRun struct {
	s             *server
	load          *datagramLoad
	pids          []int       // every generation, the first one first
	exits         []time.Time // when each old process was seen gone
	udpAddr, sock string      // the server's UDP and unixgram sockets
}

// restartsUnderDatagramLoad starts a server with a UDP and a unixgram
// socket (env added to its environment) and restarts it restarts() times
// while three UDP and two unixgram clients send datagrams.
func restartsUnderDatagramLoad(t *testing.T, env ...string) datagramRun {
	t.Helper()
	dir := t.TempDir()
	udpAddr := testsupport.FreeAddr(t)
	sock := filepath.Join(dir, "dgram.sock")
	s := startServer(t, append([]string{"TS_PACKET=udp=" + udpAddr + ";unixgram=" + sock, "TS_DRAIN=10s"}, env...)...)
	if got := printedAddr(t, s, "packet udp"); got != udpAddr {
		t.Fatalf("udp socket bound at %s, want %s", got, udpAddr)
	}
	printedAddr(t, s, "packet unixgram")

	load := &datagramLoad{by: map[string]int{}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	run := func(c net.PacketConn, to net.Addr, name string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			load.client(c, to, name, stop)
		}()
	}
	for i := 0; i < 3; i++ {
		c, err := net.Dial("udp", udpAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		run(c.(net.PacketConn), nil, fmt.Sprintf("udp%d", i))
	}
	for i := 0; i < 2; i++ {
		c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: filepath.Join(dir, fmt.Sprintf("client%d.sock", i)), Net: "unixgram"})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		run(c, &net.UnixAddr{Name: sock, Net: "unixgram"}, fmt.Sprintf("unixgram%d", i))
	}

	pids := []int{s.cmd.Process.Pid}
	var exits []time.Time
	for i := 0; i < restarts(); i++ {
		time.Sleep(300 * time.Millisecond)
		h := s.restart()
		s.waitExit(h.Old)
		exits = append(exits, time.Now())
		pids = append(pids, h.New)
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()

	t.Logf("%d datagrams sent, %d answered, by pid: %v", load.sent, load.answered, load.by)
	return datagramRun{s: s, load: load, pids: pids, exits: exits, udpAddr: udpAddr, sock: sock}
}

// TestDatagramSocketsAreHandedOverUnderLoad restarts a server with a UDP
// and a unixgram socket while clients send datagrams: each restart must
// succeed (the new process adopts both sockets rather than failing to bind
// them), every datagram must be answered once (but for one the old process
// had read when it exited), and every generation must answer some.
func TestDatagramSocketsAreHandedOverUnderLoad(t *testing.T) {
	r := restartsUnderDatagramLoad(t)
	load, exits := r.load, r.exits
	// The one loss a restart may cause: a datagram the old process read
	// and had not answered when it exited (the runtime leaves the
	// program's read loop alone; README, Limits). So a lost datagram must
	// have been sent just before an old process was seen gone, and each
	// exit may take at most one per socket (the test server's read loops
	// answer one datagram at a time).
	perExit := make([]int, len(exits))
	for _, l := range load.lost {
		i := -1
		for j, e := range exits {
			if d := e.Sub(l.sent); d > -50*time.Millisecond && d < time.Second {
				i = j
			}
		}
		if i < 0 {
			t.Errorf("no answer to %s, sent nowhere near an old process's exit %v", l.what, exits)
			continue
		}
		perExit[i]++
		t.Logf("no answer to %s, sent %v before an old process was seen gone", l.what, exits[i].Sub(l.sent))
		if perExit[i] > 2 {
			t.Errorf("%d datagrams lost at one old process's exit, want at most one per socket", perExit[i])
		}
	}
	r.checkHandedOver(t)
}

// checkHandedOver checks what every datagram run must show: right answers,
// from every generation, each of which adopted both sockets, which the
// runtime never names as not handed over; the unixgram file stays.
func (r datagramRun) checkHandedOver(t *testing.T) {
	t.Helper()
	s, load, pids, udpAddr, sock := r.s, r.load, r.pids, r.udpAddr, r.sock
	if len(load.wrong) > 0 {
		t.Errorf("%d wrong answers %q", len(load.wrong), load.wrong)
	}
	for _, pid := range pids {
		if load.by[strconv.Itoa(pid)] == 0 {
			t.Errorf("generation %d answered no datagram (answers by pid: %v)", pid, load.by)
		}
	}
	if logs := s.log(); strings.Count(logs, `socket=udp:`+udpAddr) < restarts() || strings.Count(logs, "socket=unixgram:"+sock) < restarts() {
		t.Errorf("want every generation to adopt both datagram sockets; log:\n%s", logs)
	}
	if logs := s.log(); strings.Contains(logs, "sockets a restart does not hand over") {
		t.Errorf("datagram sockets the runtime hands over named as not handed over:\n%s", logs)
	}
	if _, err := os.Stat(sock); err != nil {
		t.Errorf("the unixgram socket file after the restarts: %v", err)
	}
}

// askUDP sends one datagram to addr and returns the pid that answered.
func askUDP(t *testing.T, addr string) string {
	t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("ask")); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(waitFor))
	buf := make([]byte, 512)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("no answer from %s: %v", addr, err)
	}
	pid, payload, _ := strings.Cut(string(buf[:n]), " ")
	if payload != "ask" {
		t.Fatalf("answer %q from %s", buf[:n], addr)
	}
	return pid
}

// TestSocketActivatedDatagramSocketIsAdopted runs the server under
// systemd-socket-activate --datagram: its ListenUDP adopts the activated
// socket (the service manager started it on the first datagram, which waits
// in that socket), and a restart hands the socket on.
func TestSocketActivatedDatagramSocketIsAdopted(t *testing.T) {
	needSocketActivate(t)
	addr := testsupport.FreeAddr(t)
	s := launchVia(t, socketActivatedWith([]string{"--datagram"}, addr), "", "TS_PACKET=udp="+addr)
	s.waitLog(`Listening on `+regexp.QuoteMeta(addr), 1)
	first := strconv.Itoa(s.cmd.Process.Pid)
	if got := askUDP(t, addr); got != first {
		t.Fatalf("first datagram answered by %s, want %s", got, first)
	}
	s.targets = s.waitListening()
	s.waitLog(`msg="graceful: ready"`, 1)
	s.waitLog(`adopted inherited socket" pid=\d+ socket=udp:`+regexp.QuoteMeta(addr), 1)
	h := s.restart()
	s.waitExit(h.Old)
	if got := askUDP(t, addr); got != strconv.Itoa(h.New) {
		t.Errorf("datagram after the restart answered by %s, want the new process %d", got, h.New)
	}
	s.waitLog(`adopted inherited socket" pid=\d+ socket=udp:`+regexp.QuoteMeta(addr), 2)
}

// TestSupervisorPassesDatagramSocketsOn restarts a supervised server whose
// child binds a UDP socket: the child hands it to the supervisor with its
// listeners, and the next child adopts it.
func TestSupervisorPassesDatagramSocketsOn(t *testing.T) {
	addr := testsupport.FreeAddr(t)
	s := launch(t, "", "TS_PACKET=udp="+addr, "GRACEFUL_SUPERVISE=1")
	s.targets = s.waitListening()
	s.waitLog(`child ready" pid=`+strconv.Itoa(s.cmd.Process.Pid), 1)
	first := askUDP(t, addr)
	if first == strconv.Itoa(s.cmd.Process.Pid) {
		t.Fatalf("answered by the supervisor itself:\n%s", s.log())
	}
	s.signal(s.cmd.Process.Pid, syscall.SIGHUP)
	s.waitLog(`former child exited`, 1)
	if got := askUDP(t, addr); got == first {
		t.Errorf("still answered by %s after the restart", got)
	}
	adopted := regexp.MustCompile(`adopted inherited socket" pid=\d+ socket=udp:` + regexp.QuoteMeta(addr))
	if n := len(adopted.FindAllString(s.log(), -1)); n != 1 {
		t.Errorf("%d adoptions of the UDP socket, want 1 (by the second child):\n%s", n, s.log())
	}
}

// TestPacketServerStoppedByTheDrainLosesNothing runs the datagram load on
// servers served through graceful.ServePacket, which the drain stops
// gracefully: the old process stops reading the shared sockets as its
// drain begins and answers what it read before it exits, so that not one
// datagram may go unanswered.
func TestPacketServerStoppedByTheDrainLosesNothing(t *testing.T) {
	r := restartsUnderDatagramLoad(t, "TS_PACKET_STOPPER=1")
	for _, l := range r.load.lost {
		t.Errorf("no answer to %s", l.what)
	}
	r.checkHandedOver(t)
	if n := strings.Count(r.s.log(), "stopping server gracefully"); n < 2*restarts() {
		t.Errorf("%d graceful stops of packet servers, want both sockets' at each of %d restarts:\n%s", n, restarts(), r.s.log())
	}
}

// TestPacketServerAnswersWhatItReadBeforeTheDrain restarts a server while
// its packet server handles a slow datagram: the old process's drain waits
// for the answer, which it sends from the shared socket after the new
// process took over.
func TestPacketServerAnswersWhatItReadBeforeTheDrain(t *testing.T) {
	addr := testsupport.FreeAddr(t)
	s := startServer(t, "TS_PACKET=udp="+addr, "TS_PACKET_STOPPER=1", "TS_DRAIN=10s")
	printedAddr(t, s, "packet udp")
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("sleep=1s")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // read by the old process, the only one
	h := s.restart()
	c.SetReadDeadline(time.Now().Add(waitFor))
	buf := make([]byte, 512)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("no answer to the datagram under way at the restart: %v\n%s", err, s.log())
	}
	if got := string(buf[:n]); got != strconv.Itoa(h.Old)+" sleep=1s" {
		t.Errorf("answer %q, want the old process %d's", got, h.Old)
	}
	s.waitExit(h.Old)
	if got := askUDP(t, addr); got != strconv.Itoa(h.New) {
		t.Errorf("answered by %s after the old process exited, want %d", got, h.New)
	}
}
