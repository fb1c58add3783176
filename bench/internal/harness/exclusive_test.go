package harness

import (
	"testing"
	"time"
)

func TestExclusiveHandoverIsTheLaterOfFirstAnswerAndLastOldAccept(t *testing.T) {
	t0 := time.Unix(5000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	old := map[string]bool{"a": true}
	older := map[string]bool{"a": true, "b": true}
	marks := []restartMark{
		// Restart 1 at 0: b answers first at 20 ms, but a still accepts
		// connections until 990 ms (one before the signal does not count).
		{Signal: at(0), First: at(20), Old: old},
		// Restart 2 at 1000: a is gone; b stops accepting before c's first
		// answer at 40 ms: exclusive from the first answer on.
		{Signal: at(1000), First: at(1040), Old: older},
		// Restart 3 at 2000: b accepts even 3.5 s later, past the 3 s limit.
		{Signal: at(2000), First: at(2030), Old: map[string]bool{"a": true, "b": true, "c": true}},
	}
	conns := []connSample{
		{at(255), "a"}, {at(-5), "a"}, {at(30), "b"}, {at(100), "a"}, {at(990), "a"}, // restart 1's window
		{at(1010), "b"}, {at(1050), "c"}, {at(1500), "c"}, // restart 2's window
		{at(2100), "b"}, {at(5500), "b"}, {at(5600), "d"}, // restart 3's window
	}
	times, never := exclusiveHandovers(marks, conns, at(6000), 3*time.Second)
	want := []time.Duration{990 * time.Millisecond, 40 * time.Millisecond}
	if never != 1 || len(times) != 2 || times[0] != want[0] || times[1] != want[1] {
		t.Errorf("got %v, %d never; want %v, 1 never", times, never, want)
	}
}

func TestExclusiveHandoverWithoutOldAcceptsIsTheFirstAnswer(t *testing.T) {
	// The stop-and-start baseline: the old process is gone at the signal;
	// new connections are refused until the new one answers.
	t0 := time.Unix(5000, 0)
	marks := []restartMark{{Signal: t0, First: t0.Add(120 * time.Millisecond), Old: map[string]bool{"a": true}}}
	conns := []connSample{{t0.Add(-time.Millisecond), "a"}, {t0.Add(121 * time.Millisecond), "b"}}
	times, never := exclusiveHandovers(marks, conns, t0.Add(time.Second), 3*time.Second)
	if never != 0 || len(times) != 1 || times[0] != 120*time.Millisecond {
		t.Errorf("got %v, %d never; want [120ms], 0", times, never)
	}
}
