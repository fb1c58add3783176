package proc

import (
	"io"
	"os"
	"testing"
	"time"
)

func TestParseStatReadsFieldsAfterAnOddCommandName(t *testing.T) {
	state, ppid, pgid, err := parseStat([]byte("4242 (a) b (c)) S 17 4240 4240 0 -1 4194560 ...\n"))
	if err != nil {
		t.Fatal(err)
	}
	if state != 'S' || ppid != 17 || pgid != 4240 {
		t.Errorf("got state %c, ppid %d, pgrp %d; want S, 17, 4240", state, ppid, pgid)
	}
	if _, _, _, err := parseStat([]byte("4242 no name S 1 1")); err == nil {
		t.Error("a stat line without a command name parsed")
	}
}

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
	if n, err := FDCount(leader); err != nil || n < 3 {
		t.Errorf("FDCount = %d, %v; want at least the three standard descriptors", n, err)
	}
	if rss, err := PeakRSS(os.Getpid()); err != nil || rss <= 0 {
		t.Errorf("PeakRSS of the test = %d, %v", rss, err)
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
	if os.Geteuid() != 0 {
		// CI runs as root: there a missing privilege is a failure, not a skip.
		if os.Getenv("CI") == "true" {
			t.Fatal("a new pid namespace needs root, and CI runs as root")
		}
		t.Skip("a new pid namespace needs root: run as root to include this test")
	}
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

func TestParseCPUTimeAddsUserAndSystemTicks(t *testing.T) {
	// Fields after the name: state ppid pgrp session tty tpgid flags minflt
	// cminflt majflt cmajflt utime stime ...
	line := "7 (x y) R 1 7 7 0 -1 0 0 0 0 0 250 50 0 0 20 0 1 0\n"
	got, err := parseCPUTime([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if want := 3 * time.Second; got != want {
		t.Errorf("got %v, want %v (300 ticks)", got, want)
	}
}
