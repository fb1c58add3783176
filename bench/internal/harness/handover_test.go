package harness

import (
	"bytes"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPassOrderReversesEveryOtherPass(t *testing.T) {
	for pass, want := range [][]int{{0, 1, 2}, {2, 1, 0}, {0, 1, 2}} {
		if got := passOrder(3, pass); !slices.Equal(got, want) {
			t.Errorf("pass %d: %v, want %v", pass, got, want)
		}
	}
}

// spread returns n durations around mid, up to 20% either side.
func spread(rng *rand.Rand, mid time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(float64(mid) * (0.8 + 0.4*rng.Float64()))
	}
	return out
}

func handoverReport(ours, fast, slow []time.Duration, never int) HandoverReport {
	gg, tf, en, ss := Rows[0], Rows[1], Rows[2], Rows[5]
	return HandoverReport{Rows: []HandoverRow{
		{Row: gg, FirstAnswer: ours, Exclusive: ours, Never: never},
		{Row: tf, FirstAnswer: slow},
		{Row: en, FirstAnswer: fast},
		{Row: ss, FirstAnswer: spread(rand.New(rand.NewPCG(9, 9)), time.Millisecond, 30)}, // the baseline is no library
	}}
}

func TestHandoverRatioAgainstTheFastestLibraryWithItsInterval(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ms40, ms50, ms80 := 40*time.Millisecond, 50*time.Millisecond, 80*time.Millisecond

	// As fast as the fastest library: the interval holds 1.
	rep := handoverReport(spread(rng, ms40, 60), spread(rng, ms40, 60), spread(rng, ms50, 60), 0)
	r, lo, hi, fastest := rep.ratio(2000)
	if fastest != "endless" || lo > 1 || hi < 1 || math.Abs(r-1) > 0.1 || lo >= hi {
		t.Errorf("same speed: ratio %.3f [%.3f, %.3f] against %s; want about 1 inside its interval, against endless", r, lo, hi, fastest)
	}

	// Twice as slow: the interval is around 2 and far from 1.2.
	rep = handoverReport(spread(rng, ms80, 60), spread(rng, ms40, 60), spread(rng, ms50, 60), 0)
	if r, lo, hi, _ := rep.ratio(2000); r < 1.8 || r > 2.2 || lo < 1.6 || hi > 2.4 {
		t.Errorf("twice as slow: ratio %.3f [%.3f, %.3f], want about 2", r, lo, hi)
	}

	// Most restarts never exclusive: the ratio is endless.
	rep = handoverReport(spread(rng, ms40, 10), spread(rng, ms40, 60), nil, 20)
	if r, _, hi, _ := rep.ratio(200); !math.IsInf(r, 1) || !math.IsInf(hi, 1) {
		t.Errorf("never exclusive in most restarts: ratio %v, high %v; want +Inf", r, hi)
	}

	// Nothing to compare with.
	rep = handoverReport(spread(rng, ms40, 10), nil, nil, 0)
	if r, _, _, _ := rep.ratio(200); !math.IsNaN(r) {
		t.Errorf("no library row: ratio %v, want NaN", r)
	}
}

func TestHandoverMarkdownNamesEveryRowAndTheRatio(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	rep := handoverReport(spread(rng, 40*time.Millisecond, 20), spread(rng, 40*time.Millisecond, 20), spread(rng, 50*time.Millisecond, 20), 1)
	rep.Passes, rep.Options = 2, Defaults
	rep.Rows[0].PassP50 = []time.Duration{41 * time.Millisecond, math.MaxInt64}
	rep.Ratio, rep.Low, rep.High, rep.Fastest = rep.ratio(500)
	var b bytes.Buffer
	rep.Markdown(&b, "restartbench -handover-passes 2")
	md := b.String()
	for _, want := range []string{"| gracefulgen | 20 / 0 |", "| exclusive: ", "41 ms, never", "| endless |", "first answer: ", "fastest library's (endless)", "95% bootstrap interval", "Command: `restartbench -handover-passes 2`"} {
		if !strings.Contains(md, want) {
			t.Errorf("comparison lacks %q:\n%s", want, md)
		}
	}
}

// TestCompareHandoversSmoke runs the comparison for two passes of one
// restart of gracefulgen and tableflip, and checks what does not depend on
// timing: every restart handed over and counted in its row, one figure per
// pass, gracefulgen lost no request, a finite ratio inside its interval,
// and no process left behind.
func TestCompareHandoversSmoke(t *testing.T) {
	rows, err := SelectRows("gracefulgen,tableflip")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	rep, err := CompareHandovers(Options{Rows: rows, Restarts: 1, WorkDir: work}, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, hr := range rep.Rows {
		if hr.BuildErr != nil || hr.Attempted != 2 || len(hr.FirstAnswer) != 2 || len(hr.PassP50) != 2 {
			t.Errorf("%s: build error %v, %d restarts, %d handed over, %d pass figures; want 2 of each (notes %v)",
				hr.Row.Name, hr.BuildErr, hr.Attempted, len(hr.FirstAnswer), len(hr.PassP50), hr.Notes)
		}
		if hr.Row.Convert && (hr.Failed != 0 || len(hr.Exclusive)+hr.Never != 2) {
			t.Errorf("gracefulgen: %d requests failed, %d exclusive and %d never; want 0 failed, 2 measured", hr.Failed, len(hr.Exclusive), hr.Never)
		}
	}
	if rep.Fastest != "tableflip" || !(rep.Ratio > 0) || math.IsInf(rep.Ratio, 0) || rep.Low > rep.Ratio || rep.Ratio > rep.High {
		t.Errorf("ratio %v [%v, %v] against %q; want a finite ratio inside its interval, against tableflip", rep.Ratio, rep.Low, rep.High, rep.Fastest)
	}
	if left := processesRunning(t, filepath.Join(work, "bin")); len(left) > 0 {
		t.Errorf("processes of the benchmark still running: %v", left)
	}
}
