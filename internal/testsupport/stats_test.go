package testsupport

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestLongestGap(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	for _, tc := range []struct {
		name    string
		end     int
		answers []int
		want    time.Duration
	}{
		{"between answers", 100, []int{10, 20, 70, 90}, 50 * time.Millisecond},
		{"before the first answer", 100, []int{60, 70, 80}, 60 * time.Millisecond},
		{"after the last answer", 100, []int{5, 10, 15}, 85 * time.Millisecond},
		{"no answer at all", 100, nil, 100 * time.Millisecond},
		{"answers at the same instant", 40, []int{10, 10, 10, 30}, 20 * time.Millisecond},
	} {
		var answers []time.Time
		for _, a := range tc.answers {
			answers = append(answers, at(a))
		}
		if got := LongestGap(t0, at(tc.end), answers); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestPercentileNearestRank(t *testing.T) {
	ds := []time.Duration{50, 10, 40, 20, 30} // unsorted on purpose
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{50, 30}, {100, 50}, {20, 10}, {21, 20}, {90, 50}, {1, 10}} {
		if got := Percentile(ds, tc.p); got != tc.want {
			t.Errorf("p%v of %v: got %v, want %v", tc.p, ds, got, tc.want)
		}
	}
	if Percentile(nil, 50) != 0 {
		t.Error("p50 of nothing is not 0")
	}
	if ds[0] != 50 {
		t.Error("Percentile reordered its argument")
	}
}

// TestMedianIntervalHoldsTheMedianAboutNineteenTimesInTwenty draws many
// samples from distributions whose median is known and counts how often
// the interval holds it.
func TestMedianIntervalHoldsTheMedianAboutNineteenTimesInTwenty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{10, 41, 200, 1000} {
		held, width := 0, 0.0
		const trials = 2000
		for range trials {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = rng.ExpFloat64() // median ln 2, skewed as timings are
			}
			m, lo, hi := MedianInterval(xs)
			if lo > m || m > hi {
				t.Fatalf("n=%d: median %v outside its interval [%v, %v]", n, m, lo, hi)
			}
			if lo <= math.Ln2 && math.Ln2 <= hi {
				held++
			}
			width += hi - lo
		}
		if cover := float64(held) / trials; cover < 0.94 || cover > 0.985 {
			t.Errorf("n=%d: the interval held the median in %.3f of the samples, want about 0.95", n, cover)
		}
		t.Logf("n=%d: mean width %.3f", n, width/trials)
	}
	if m, lo, hi := MedianInterval([]float64{3, 1, 2}); m != 2 || lo != 1 || hi != 3 {
		t.Errorf("three values: %v [%v, %v], want 2 [1, 3]", m, lo, hi)
	}
	if m, _, _ := MedianInterval(nil); !math.IsNaN(m) {
		t.Errorf("no values: median %v, want NaN", m)
	}
}
