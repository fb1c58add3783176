package harness

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

func TestSelectRowsKeepsTableOrderAndRejectsUnknownNames(t *testing.T) {
	rows, err := SelectRows("stopstart, tableflip")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Name != "tableflip" || rows[1].Name != "stopstart" {
		t.Errorf("got %v, want tableflip then stopstart", rows)
	}
	if _, err := SelectRows("tableflip,nginx"); err == nil || !strings.Contains(err.Error(), "nginx") {
		t.Errorf("an unknown row gave %v, want an error naming it", err)
	}
}

func TestMarkdownSaysWhyARowCouldNotRun(t *testing.T) {
	rep := Report{Started: time.Now(), Ended: time.Now(), Options: Defaults, Rows: []RowReport{
		{Row: Rows[0], BuildErr: errors.New("build the gracefulgen command: no Go files\nmore detail")},
	}}
	md := rep.Markdown("restartbench -rows gracefulgen")
	for _, want := range []string{"| gracefulgen |", "could not be built: build the gracefulgen command: no Go files", "Command: `restartbench -rows gracefulgen`", Machine()} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q:\n%s", want, md)
		}
	}
}

// TestSmokeRun runs two rows for two restarts each, as a process and as
// PID 1, and checks what does not depend on timing: every restart handed
// over where the row can restart, tableflip goes down as PID 1 (its parent
// is the namespace's init, which exits), and no process is left behind.
func TestSmokeRun(t *testing.T) {
	testsupport.NeedRoot(t, "the PID 1 runs (a new pid namespace each)")
	rows, err := SelectRows("tableflip,stopstart")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	rep, err := Run(Options{Rows: rows, Restarts: 2, PID1: true, ThroughputFor: 300 * time.Millisecond, ThroughputRounds: 1, WorkDir: work})
	if err != nil {
		t.Fatal(err)
	}
	for _, rr := range rep.Rows {
		if rr.BuildErr != nil || len(rr.Runs) != 2 {
			t.Fatalf("%s: build error %v, %d runs; want 2 runs", rr.Row.Name, rr.BuildErr, len(rr.Runs))
		}
		process, pid1 := rr.Runs[0], rr.Runs[1]
		if len(process.Handovers) != 2 || process.DownAt != 0 || process.LeftOver != 0 {
			t.Errorf("%s as a process: %d handovers, down at %d, %d left over; want 2, never, 0 (notes %v)",
				rr.Row.Name, len(process.Handovers), process.DownAt, process.LeftOver, process.Notes)
		}
		for _, m := range benchModes {
			if process.Load.Answered[m] == 0 {
				t.Errorf("%s: no %v request answered (failures %v, e.g. %v)", rr.Row.Name, m, process.Load.Failed[m], process.Load.Samples)
			}
		}
		if len(process.Exclusive)+process.NeverExclusive != len(process.Handovers) {
			t.Errorf("%s: %d exclusive handovers and %d never, for %d handovers", rr.Row.Name, len(process.Exclusive), process.NeverExclusive, len(process.Handovers))
		}
		for i, ex := range process.Exclusive {
			if ex < process.Handovers[i] && process.NeverExclusive == 0 {
				t.Errorf("%s: restart %d exclusive after %v, before the new generation's first answer (%v)", rr.Row.Name, i+1, ex, process.Handovers[i])
			}
		}
		// Stop-and-start never runs two processes at once; a handover
		// overlaps the old generation and the new one.
		switch {
		case rr.Row.Name == "stopstart" && process.MostAlive != 1:
			t.Errorf("stopstart: %d processes alive at once, want 1", process.MostAlive)
		case rr.Row.Name == "tableflip" && process.MostAlive < 2:
			t.Errorf("tableflip: %d processes alive at once, want at least the old and the new", process.MostAlive)
		}
		if rr.RatioErr != nil || rr.Throughput.PerSecond <= 0 || rr.Throughput.PerCPU <= 0 {
			t.Errorf("%s: throughput ratio %v, %v", rr.Row.Name, rr.Throughput, rr.RatioErr)
		}
		switch rr.Row.Name {
		case "tableflip":
			if pid1.DownAt != 1 {
				t.Errorf("tableflip as PID 1: down at restart %d, want 1 (notes %v)", pid1.DownAt, pid1.Notes)
			}
		case "stopstart":
			if len(pid1.Handovers) != 2 || pid1.DownAt != 0 {
				t.Errorf("stopstart as PID 1: %d handovers, down at %d; want 2, never (notes %v)", len(pid1.Handovers), pid1.DownAt, pid1.Notes)
			}
		}
	}
	if md := rep.Markdown("smoke"); !strings.Contains(md, "| tableflip | PID 1") || !strings.Contains(md, "| stopstart | process") || !strings.Contains(md, "exclusive p50") {
		t.Errorf("table lacks a run:\n%s", md)
	}
	if left := processesRunning(t, filepath.Join(work, "bin")); len(left) > 0 {
		t.Errorf("processes of the benchmark still running: %v", left)
	}
}

// processesRunning lists the live processes whose executable is under dir.
func processesRunning(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err == nil && strings.HasPrefix(exe, dir) {
			out = append(out, e.Name()+" "+exe)
		}
	}
	return out
}

func TestPanicsLoggedCountsGoPanicsInTheRunsPartOfTheLog(t *testing.T) {
	log := strings.NewReader("started\npanic: before the run\n" +
		"serving\npanic: sync: negative WaitGroup counter\n\ngoroutine 1 [running]:\n\tmain.go:96\n" +
		"a line with panic: inside\npanic: second\n" + "panic: after the run\n")
	from := int64(len("started\npanic: before the run\n"))
	to := int64(log.Len() - len("panic: after the run\n"))
	n, first := panicsLogged(log, from, to)
	if n != 2 || first != "sync: negative WaitGroup counter" {
		t.Errorf("got %d panics, first %q; want 2, the WaitGroup one", n, first)
	}
	if n, _ := panicsLogged(log, to, to); n != 0 {
		t.Errorf("an empty part of the log has %d panics", n)
	}
}

func TestPrebuiltBinariesRunInsteadOfBeingBuilt(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "tableflip")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	o := Options{WorkDir: t.TempDir(), Prebuilt: dir}
	b, cleanup, err := o.prepare()
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	got, note, err := b.build(Row{Name: "tableflip", Server: "servers/tableflip"})
	if err != nil || got != bin || !strings.Contains(note, "prebuilt") {
		t.Errorf("build of a prebuilt row: %q, %q, %v; want %q with a note saying prebuilt", got, note, err, bin)
	}
	if _, _, err := b.build(Row{Name: "endless", Server: "servers/endless"}); err == nil || !strings.Contains(err.Error(), "-build-only") {
		t.Errorf("build of a row with no prebuilt binary: %v, want an error saying how to build it", err)
	}
}
