package graceful_test

import (
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// asPID1 runs the server as PID 1 of a new pid namespace, where it becomes a
// supervisor by itself.
func asPID1(t *testing.T) func(dir, bin string, env []string) []string {
	testsupport.NeedPIDNamespace(t)
	return func(dir, bin string, env []string) []string {
		return []string{"unshare", "--pid", "--fork", "--kill-child", bin}
	}
}

// supervised is a server running as PID 1 of its own pid namespace.
type supervised struct {
	*server
	sup int // the supervisor's pid outside the namespace
}

func startSupervised(t *testing.T, env ...string) *supervised {
	t.Helper()
	s := launchVia(t, asPID1(t), "", env...)
	s.targets = s.waitListening()
	s.waitLog(`msg="graceful: child ready"`, 1)
	kids := children(s.cmd.Process.Pid)
	if len(kids) != 1 {
		t.Fatalf("unshare's children: %v, want the supervisor", kids)
	}
	sup, _ := strconv.Atoi(strings.Fields(kids[0])[0])
	t.Cleanup(func() { syscall.Kill(sup, syscall.SIGKILL) }) // the namespace goes with it
	if !strings.Contains(s.log(), "supervisor mode") || !strings.Contains(s.log(), "pid1=true") {
		t.Fatalf("PID 1 did not become a supervisor:\n%s", s.log())
	}
	return &supervised{server: s, sup: sup}
}

// serverChildren returns the supervisor's children, and fails on a zombie.
func (s *supervised) serverChildren() []int {
	s.t.Helper()
	var pids []int
	for _, k := range children(s.sup) {
		f := strings.Fields(k)
		if f[len(f)-1] == "Z" {
			s.t.Errorf("zombie child of the supervisor: %s", k)
		}
		pid, _ := strconv.Atoi(f[0])
		pids = append(pids, pid)
	}
	return pids
}

// serving returns the pid, outside the namespace, of the child the
// supervisor declared ready last.
func (s *supervised) serving() int {
	s.t.Helper()
	want := s.lastChild()
	for _, pid := range s.serverChildren() {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "NSpid:" && f[2] == want {
				return pid
			}
		}
	}
	s.t.Fatalf("the serving child %s is not among the supervisor's children", want)
	return 0
}

// lastChild returns the pid (inside the namespace) of the last child the
// supervisor declared ready.
func (s *supervised) lastChild() string {
	m := regexp.MustCompile(`child ready" pid=1 child=(\d+)`).FindAllStringSubmatch(s.log(), -1)
	if m == nil {
		s.t.Fatalf("no child ready:\n%s", s.log())
	}
	return m[len(m)-1][1]
}

func TestSupervisorAsPID1RestartsUnderLoad(t *testing.T) {
	s := startSupervised(t, "TS_DRAIN=30s")
	stop := load(s.targets, 4, testsupport.KeepAlivePOST, testsupport.NewConnPOST)
	n := restarts()
	for i := 1; i <= n; i++ {
		time.Sleep(150 * time.Millisecond)
		if i == n {
			// A restart signal sent to the server itself is forwarded to
			// the supervisor, which runs the restart.
			s.signal(s.serving(), syscall.SIGHUP)
		} else {
			s.signal(s.sup, syscall.SIGHUP)
		}
		s.waitLog(`msg="graceful: child ready" pid=1 `, i+1)
	}
	time.Sleep(150 * time.Millisecond)
	for _, r := range stop() {
		t.Logf("%v", r)
		if r.Sent() == 0 || r.Failures() != 0 {
			t.Errorf("load across %d restarts under a supervisor: %v", n, r)
		}
	}
	s.waitLog(`former child exited`, n)
	if !strings.Contains(s.log(), "restart signal forwarded to the supervisor") {
		t.Errorf("the server's own restart signal was not forwarded:\n%s", s.log())
	}
	if kids := s.serverChildren(); len(kids) != 1 {
		t.Errorf("the supervisor's children after %d restarts: %v, want one server", n, kids)
	}
	if got := get(t, s.targets[0], "/pid"); got != s.lastChild() {
		t.Errorf("served by %s, want the last child %s", got, s.lastChild())
	}
	if leaks := inheritedFDs(t, s.server); len(leaks) != 0 {
		t.Errorf("a subprocess of the supervised server inherited: %v", leaks)
	}

	s.signal(s.sup, syscall.SIGTERM)
	if err := s.wait(); err != nil {
		t.Errorf("stop: %v, want status 0\n%s", err, s.log())
	}
	if !strings.Contains(s.log(), "supervisor exits with its status") {
		t.Errorf("the supervisor did not say why it exits:\n%s", s.log())
	}
}

func TestSupervisorPassesTheServersExitStatusThrough(t *testing.T) {
	s := startSupervised(t)
	s.signal(s.serving(), syscall.SIGKILL)
	var exit *exec.ExitError
	if err := s.wait(); !errors.As(err, &exit) || exit.ExitCode() != 128+int(syscall.SIGKILL) {
		t.Errorf("exit after the server was killed: %v, want status %d\n%s", err, 128+int(syscall.SIGKILL), s.log())
	}
}

func TestSupervisorKeepsServingWhenTheNewChildFails(t *testing.T) {
	s := startSupervised(t, "TS_START=1s")
	before := s.lastChild()
	s.setControl("hang")
	s.signal(s.sup, syscall.SIGHUP)
	s.waitLog(`restart failed, still serving.*not ready within the start timeout 1s`, 1)
	if got := get(t, s.targets[0], "/pid"); got != before {
		t.Errorf("served by %s after the failed restart, want %s", got, before)
	}
	s.waitLog(`reaped|restart failed`, 1)
	deadline := time.Now().Add(waitFor)
	for len(s.serverChildren()) != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if kids := s.serverChildren(); len(kids) != 1 {
		t.Errorf("the supervisor's children after a failed restart: %v, want one server", kids)
	}
}

func TestSupervisorReapsOrphans(t *testing.T) {
	s := startSupervised(t)
	orphan := strings.TrimSpace(get(t, s.targets[0], "/orphan"))
	s.waitLog(`reaped orphan" pid=1 pid=`+orphan+` `, 1)
	if kids := s.serverChildren(); len(kids) != 1 {
		t.Errorf("the supervisor's children: %v, want the server alone", kids)
	}
}

func TestSupervisorSpeaksForTheServiceToSystemd(t *testing.T) {
	socket := "@graceful-test-supervisor-" + strconv.Itoa(os.Getpid())
	ns := listenNotify(t, socket)
	s := startSupervised(t, "NOTIFY_SOCKET="+socket)
	ns.expect(t, s.sup, "READY=1\n")
	s.signal(s.sup, syscall.SIGHUP)
	ns.expect(t, s.sup, "RELOADING=1\n")
	ns.expect(t, s.sup, "READY=1\n")
	s.waitLog(`former child exited`, 1)
	ns.none(t, "from a retired child")
	s.signal(s.sup, syscall.SIGTERM)
	ns.expect(t, s.sup, "STOPPING=1\n")
	if err := s.wait(); err != nil {
		t.Errorf("stop: %v", err)
	}
	ns.none(t, "after the stop")
}

// TestSupervisedChildStopsAcceptingOnceTheNewOneHasItsSockets: as PID 1, the
// handover is exclusive before the new child is ready, as in process mode
// (TestOldProcessStopsAcceptingOnceTheNewOneHasItsSockets). The new child
// declares itself ready only 3s after it serves; meanwhile every new
// connection must reach it, none the serving child, which is not retired.
func TestSupervisedChildStopsAcceptingOnceTheNewOneHasItsSockets(t *testing.T) {
	s := startSupervised(t)
	before := s.lastChild()
	s.setControl("ready-after=3s")
	s.signal(s.sup, syscall.SIGHUP)
	s.waitLog(`serving child stopped accepting: the new child has every socket`, 1)
	s.waitLog(`stopped accepting: the supervisor's new child has every socket.* sockets=1`, 1)
	from := map[string]int{}
	for i := 0; i < 20; i++ {
		from[get(t, s.targets[0], "/pid")]++
	}
	logs := s.log()
	if strings.Contains(logs, `old child retired`) {
		t.Fatalf("the serving child was retired before the probe ended: the new child was ready too soon; log:\n%s", logs)
	}
	if from[before] != 0 || len(from) != 1 {
		t.Errorf("new connections after the serving child stopped accepting went to %v (serving child %s)", from, before)
	}
	s.waitLog(`msg="graceful: child ready" pid=1 `, 2)
	if got := get(t, s.targets[0], "/pid"); got != s.lastChild() || got == before {
		t.Errorf("after the handover served by %s, want the new child %s", got, s.lastChild())
	}
	s.waitLog(`former child exited`, 1)
}

// TestSupervisedChildAcceptsAgainWhenTheNewOneDies: as PID 1, a new child
// that dies after it took its sockets, before it is ready, leaves the
// serving child accepting again, and no request of a load running across
// it fails: the connections made meanwhile wait in the sockets' backlog.
func TestSupervisedChildAcceptsAgainWhenTheNewOneDies(t *testing.T) {
	s := startSupervised(t)
	before := s.lastChild()
	stop := load(s.targets, 4, testsupport.KeepAlivePOST, testsupport.NewConnPOST)
	s.setControl("die-after-listen=100ms")
	const tries = 3
	failRestarts(t, s.server, s.sup, tries, stop)
	logs := s.log()
	for _, line := range []string{
		`serving child stopped accepting: the new child has every socket`,
		`stopped accepting: the supervisor's new child has every socket`,
		`serving child accepting again: the new child failed before it was ready`,
		`accepting again: the supervisor's new child failed before it was ready`,
	} {
		if n := len(regexp.MustCompile(line).FindAllString(logs, -1)); n != tries {
			t.Errorf("%q logged %d times, want %d; log:\n%s", line, n, tries, logs)
		}
	}
	if got := get(t, s.targets[0], "/pid"); got != before {
		t.Errorf("after the failed restarts, served by %s, want %s", got, before)
	}
}
