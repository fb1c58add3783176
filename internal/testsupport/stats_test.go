package testsupport

import (
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
