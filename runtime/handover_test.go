package graceful

import (
	"net"
	"os"
	"testing"
)

// An Accept that the hold's deadline woke, and that looks at the hold only
// after the hold ended (the new process took over in between), must
// accept again: before, it returned the deadline's error to the program,
// whose own accept loop (a ServeStopper server) then failed (seen in CI:
// "stopper: accept tcp ...: i/o timeout", the new process exited 1).
func TestAcceptWokenByAHoldThatEndedAcceptsAgain(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	l := &gracefulListener{Listener: ln}
	l.accepts.loops = 1 // one accept loop of the runtime serves it

	before := l.accepts.gen.Load() // an Accept starts
	if !l.hold() {
		t.Fatal("a TCP listener with an accept loop was not held")
	}
	l.release() // the hold ends before the woken Accept looks at it
	if !l.waitHeld(os.ErrDeadlineExceeded, before) {
		t.Error("Accept started before the hold: its deadline error went to the program")
	}
	l.hold()
	during := l.accepts.gen.Load() // an Accept starts during the hold
	l.release()
	if !l.waitHeld(os.ErrDeadlineExceeded, during) {
		t.Error("Accept started during the hold: its deadline error went to the program after the hold ended")
	}
	after := l.accepts.gen.Load() // no hold since: a deadline of the program's own
	if l.waitHeld(os.ErrDeadlineExceeded, after) {
		t.Error("a deadline error with no hold since the Accept began is retried instead of returned")
	}
}
