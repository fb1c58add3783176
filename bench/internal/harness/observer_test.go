package harness

import (
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

func TestObserverFindsTheFirstGenerationNotKnownBefore(t *testing.T) {
	o := newObserver()
	t0 := time.Unix(2000, 0)
	o.observe(testsupport.Answer{At: t0, PID: 10, Gen: "old"})
	known := o.known()
	if _, ok := o.firstNew(known); ok {
		t.Fatal("a new generation found before any answered")
	}
	o.observe(testsupport.Answer{At: t0.Add(30 * time.Millisecond), PID: 12, Gen: "later"})
	o.observe(testsupport.Answer{At: t0.Add(20 * time.Millisecond), PID: 11, Gen: "new"})
	o.observe(testsupport.Answer{At: t0.Add(40 * time.Millisecond), PID: 11, Gen: "new"})
	s, ok := o.firstNew(known)
	if !ok || s.Gen != "new" || s.PID != 11 || !s.First.Equal(t0.Add(20*time.Millisecond)) {
		t.Errorf("got %+v, %v; want generation new, pid 11, first seen at +20ms", s, ok)
	}
	if p := o.pids(); len(p) != 3 || !p[10] || !p[11] || !p[12] {
		t.Errorf("pids = %v, want 10, 11, 12", p)
	}
}
