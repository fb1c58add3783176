package graceful_test

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// notification is one datagram received on the notify socket, with the pid
// the kernel says sent it.
type notification struct {
	pid   int
	state string
}

func (n notification) String() string {
	return fmt.Sprintf("%d:%q", n.pid, n.state)
}

// notifySocket listens where a service manager would, and collects every
// notification with its sender's credentials.
type notifySocket struct {
	conn *net.UnixConn
	got  chan notification
}

func listenNotify(t *testing.T, name string) *notifySocket {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	rc, err := conn.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	rc.Control(func(fd uintptr) {
		err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_PASSCRED, 1)
	})
	if err != nil {
		t.Fatal(err)
	}
	ns := &notifySocket{conn: conn, got: make(chan notification, 64)}
	go func() {
		buf, oob := make([]byte, 4096), make([]byte, 1024)
		for {
			n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
			if err != nil {
				close(ns.got)
				return
			}
			pid := 0
			msgs, _ := syscall.ParseSocketControlMessage(oob[:oobn])
			for _, m := range msgs {
				if cred, err := syscall.ParseUnixCredentials(&m); err == nil {
					pid = int(cred.Pid)
				}
			}
			ns.got <- notification{pid: pid, state: string(buf[:n])}
		}
	}()
	return ns
}

// expect waits for the next notification and checks its sender and state.
func (ns *notifySocket) expect(t *testing.T, pid int, prefix string) notification {
	t.Helper()
	select {
	case n := <-ns.got:
		if n.pid != pid || !strings.HasPrefix(n.state, prefix) {
			t.Fatalf("notification %v, want %q from %d", n, prefix, pid)
		}
		return n
	case <-time.After(waitFor):
		t.Fatalf("no notification %q from %d", prefix, pid)
	}
	return notification{}
}

// none checks that no notification is pending.
func (ns *notifySocket) none(t *testing.T, why string) {
	t.Helper()
	select {
	case n := <-ns.got:
		t.Errorf("unexpected notification %v %s", n, why)
	default:
	}
}

func TestSystemdNotifyFollowsTheMainProcess(t *testing.T) {
	for _, socket := range []string{
		fmt.Sprintf("@graceful-test-%d", os.Getpid()),
		filepath.Join(t.TempDir(), "notify"),
	} {
		t.Run(strings.Trim(filepath.Base(socket), "@"), func(t *testing.T) {
			ns := listenNotify(t, socket)
			s := startServer(t, "NOTIFY_SOCKET="+socket)
			first := s.cmd.Process.Pid
			ns.expect(t, first, "READY=1\n")

			h := s.restart()
			reload := ns.expect(t, first, "RELOADING=1\nMONOTONIC_USEC=")
			if !strings.HasSuffix(reload.state, "\n") || strings.Count(reload.state, "\n") != 2 {
				t.Errorf("RELOADING message %q: want two lines", reload.state)
			}
			ns.expect(t, first, fmt.Sprintf("MAINPID=%d\nREADY=1\n", h.New))
			if err := s.wait(); err != nil {
				t.Errorf("old process: %v", err)
			}
			ns.none(t, "from the old process after the handover (STOPPING=1 would stop the service)")

			s.signal(h.New, syscall.SIGTERM)
			ns.expect(t, h.New, "STOPPING=1\n")
			s.waitExit(h.New)
			ns.none(t, "after the stop")
			if get := s.log(); !strings.Contains(get, "systemd notified") {
				t.Errorf("the notifications were not logged:\n%s", get)
			}
		})
	}
}

func TestSystemdNotifyReportsAFailedRestart(t *testing.T) {
	socket := fmt.Sprintf("@graceful-test-fail-%d", os.Getpid())
	ns := listenNotify(t, socket)
	s := startServer(t, "NOTIFY_SOCKET="+socket)
	pid := s.cmd.Process.Pid
	ns.expect(t, pid, "READY=1\n")
	s.setControl("exit1")
	s.signal(pid, syscall.SIGHUP)
	ns.expect(t, pid, "RELOADING=1\n")
	ns.expect(t, pid, "READY=1\nSTATUS=restart failed")
}
