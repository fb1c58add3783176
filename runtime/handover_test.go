package graceful

import (
	"net"
	"os"
	"testing"
	"time"
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

// initOnMain is whether package initialisation, which runs on the main
// goroutine, is seen there.
var initOnMain = onMainGoroutine()

func TestOnMainGoroutine(t *testing.T) {
	if !initOnMain {
		t.Error("package initialisation is not on the main goroutine")
	}
	if onMainGoroutine() {
		t.Error("a test's goroutine is taken for the main goroutine")
	}
}

// A new process whose main goroutine is about to serve has ended its
// start-up: it takes over (writes 'A', accepts) without waiting out the
// quiet moment, unless a Listen is under way or an inherited socket is not
// taken yet. No quiet-moment timer runs in these cases, so the take-over
// can only come from the serving call.
func TestMainGoroutineServingEndsTheStartHold(t *testing.T) {
	for _, tc := range []struct {
		name               string
		onMain             bool
		listening          int
		adopted, wantTaken bool
	}{
		{"main goroutine serves", true, 0, true, true},
		{"another goroutine serves", false, 0, true, false},
		{"a Listen is under way", true, 1, true, false},
		{"an inherited socket is not taken yet", true, 0, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			defer w.Close()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			p := newProcess()
			p.in = &inheritance{parent: 1, readyFD: int(w.Fd()), exclusive: true,
				sockets: []inheritedSocket{{fd: -1, adopted: tc.adopted}}}
			p.startHeld, p.listening = true, tc.listening
			gl := &gracefulListener{Listener: ln, p: p, inherited: true, served: true}
			p.listeners = append(p.listeners, gl)

			_, done := gl.serveThroughFrom(ln, func() bool { return tc.onMain })
			defer done()
			wait := 5 * time.Second
			if !tc.wantTaken {
				wait = 100 * time.Millisecond // nothing could write it
			}
			r.SetReadDeadline(time.Now().Add(wait))
			var b [1]byte
			n, _ := r.Read(b[:])
			taken := n == 1 && b[0] == msgTaken
			p.mu.Lock()
			stillHeld := p.startHeld
			p.mu.Unlock()
			gl.accepts.mu.Lock()
			loopHeld := gl.accepts.held
			gl.accepts.mu.Unlock()
			if taken != tc.wantTaken || stillHeld == tc.wantTaken || loopHeld == tc.wantTaken {
				t.Errorf("took over: 'A' written %v, start hold ended %v, accept loop released %v; want %v for all",
					taken, !stillHeld, !loopHeld, tc.wantTaken)
			}
		})
	}
}
