package graceful

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
)

// envNotifySocket is where systemd (Type=notify) listens for the service's
// state changes. It is read, never removed: every generation needs it, as
// each may become the service's main process.
const envNotifySocket = "NOTIFY_SOCKET"

// notifier sends the service's state to systemd's notify socket. The process
// that is the service's main pid speaks: the first process when it is ready;
// during a restart the old process, which announces RELOADING=1, then its
// successor's pid with MAINPID= and READY=1 (accepted under the default
// NotifyAccess=main because the old process is still the main pid when it
// sends it); and whichever process really stops, with STOPPING=1. A process
// draining after a handover says nothing: STOPPING=1 from it would tell
// systemd the whole service is stopping.
type notifier struct {
	mu     sync.Mutex
	socket string // "" when not under systemd's notify protocol
	silent bool   // a supervised child: its supervisor speaks for it
}

var sd = &notifier{socket: os.Getenv(envNotifySocket)}

// enabled reports whether there is a notify socket to speak to.
func (n *notifier) enabled() bool { return n.socket != "" && !n.silent }

// send writes one datagram of newline-separated assignments. A failure is
// logged and otherwise ignored: serving matters more than the report.
func (n *notifier) send(state ...string) {
	if !n.enabled() {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := notifySocket(n.socket, strings.Join(state, "\n")+"\n"); err != nil {
		logFailure("systemd notify", "state", strings.Join(state, " "), "err", err)
		return
	}
	logEvent("systemd notified", "state", strings.Join(state, " "))
}

// notifySocket sends msg to the notify socket at path; a path starting with
// "@" names a socket in the abstract namespace.
func notifySocket(path, msg string) error {
	name := path
	if strings.HasPrefix(name, "@") {
		name = "\x00" + name[1:]
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("dial %s %q: %w", envNotifySocket, path, err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(msg)); err != nil {
		return fmt.Errorf("write to %s %q: %w", envNotifySocket, path, err)
	}
	return nil
}

// ready says that the service serves (the first process, once ready).
func (n *notifier) ready() { n.send("READY=1") }

// reloading says that a restart began. Type=notify-reload requires the
// CLOCK_MONOTONIC time with it, where the platform has one.
func (n *notifier) reloading() {
	if us, ok := monotonicUsec(); ok {
		n.send("RELOADING=1", "MONOTONIC_USEC="+strconv.FormatUint(us, 10))
		return
	}
	n.send("RELOADING=1")
}

// handedOver says that pid serves now and is the service's main process.
func (n *notifier) handedOver(pid int) {
	n.send("MAINPID="+strconv.Itoa(pid), "READY=1")
}

// reloadFailed ends a restart that failed: the old process serves on.
func (n *notifier) reloadFailed() { n.send("READY=1", "STATUS=restart failed, still serving") }

// stopping says that the service really stops (never sent after a handover).
func (n *notifier) stopping() { n.send("STOPPING=1") }
