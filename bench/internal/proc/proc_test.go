package proc

import (
	"io"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

func TestTrackerFindsAndKillsEveryProcessOfItsGroups(t *testing.T) {
	tr := NewTracker()
	// The shell starts a child of its own, as a restart library forks a
	// new generation: both must be found and killed through the group.
	leader, err := tr.Start("/bin/sh", []string{"-c", "sleep 30 & wait"}, io.Discard, false)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.KillAll(time.Second)
	var live []Info
	for i := 0; i < 100 && len(live) < 2; i++ {
		time.Sleep(10 * time.Millisecond)
		if live, err = tr.Live(); err != nil {
			t.Fatal(err)
		}
	}
	if len(live) != 2 {
		t.Fatalf("tracked %d live processes, want the shell and its sleep: %v", len(live), live)
	}
	for _, p := range live {
		if p.PGID != leader {
			t.Errorf("process %d is in group %d, want %d", p.PID, p.PGID, leader)
		}
	}
	if p, err := tr.Find(leader, 0); err != nil || p.PID != leader {
		t.Errorf("Find(%d) = %v, %v", leader, p, err)
	}
	if err := tr.KillAll(time.Second); err != nil {
		t.Fatal(err)
	}
	for _, p := range live {
		if tr.Alive(p.PID) {
			t.Errorf("process %d alive after KillAll", p.PID)
		}
	}
}

func TestCountLiveAndPeakCountEveryProcessOfTheGroups(t *testing.T) {
	tr := NewTracker()
	defer tr.KillAll(time.Second)
	stop := tr.Peak(2 * time.Millisecond)
	// Three processes at once for a moment (the shell and two sleeps),
	// then one more that outlives them all: the peak is 3, never 4 or 2.
	// The sleeps are long enough for a loaded machine to look at them.
	if _, err := tr.Start("/bin/sh", []string{"-c", "sleep 1.5 & sleep 1.5 & wait"}, io.Discard, false); err != nil {
		t.Fatal(err)
	}
	var counted int
	for i := 0; i < 200 && counted < 3; i++ {
		time.Sleep(5 * time.Millisecond)
		n, err := tr.CountLive()
		if err != nil {
			t.Fatal(err)
		}
		counted = n
	}
	if live, _ := tr.Live(); counted != 3 || len(live) != 3 {
		t.Fatalf("CountLive = %d, Live lists %d; want the shell and its two sleeps", counted, len(live))
	}
	if !tr.WaitNone(10 * time.Second) {
		t.Fatal("the shell did not end")
	}
	if _, err := tr.Start("/bin/sleep", []string{"30"}, io.Discard, false); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ { // until the sleep has its own group
		if live, _ := tr.Live(); len(live) == 1 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n, _ := tr.CountLive(); n != 1 {
		t.Errorf("CountLive = %d with one sleep left, want 1 (the ended shell and sleeps are not counted)", n)
	}
	if most := stop(); most != 3 {
		t.Errorf("Peak = %d, want 3", most)
	}
}

func TestPIDNamespaceProcessSeesItselfAsPID1(t *testing.T) {
	testsupport.NeedRoot(t, "a new pid namespace")
	tr := NewTracker()
	defer tr.KillAll(time.Second)
	leader, err := tr.Start("/bin/sleep", []string{"30"}, io.Discard, true)
	if err != nil {
		t.Fatalf("start in a new pid namespace: %v", err)
	}
	p, err := tr.Find(1, leader)
	if err != nil {
		t.Fatal(err)
	}
	if p.PID != leader || p.InnerPID() != 1 {
		t.Errorf("got root pid %d, inner pid %d; want %d and 1", p.PID, p.InnerPID(), leader)
	}
}
