package main

import (
	"strings"
	"testing"
)

// TestPairsRunsInOrder: the i-th result of a variant is divided into the
// i-th of the baseline of the same benchmark, whatever the repetition
// suffix, and the median of those ratios is printed.
func TestPairsRunsInOrder(t *testing.T) {
	in := `goos: linux
BenchmarkRequest/plain-2          	  100	  1000 ns/op	  2000 cpu-ns/op	  10 allocs/op
BenchmarkRequest/graceful-2       	  100	  1100 ns/op	  2000 cpu-ns/op	  10 allocs/op
BenchmarkRequest/plain#01-2       	  100	  3000 ns/op	  4000 cpu-ns/op	  10 allocs/op
BenchmarkRequest/graceful#01-2    	  100	  3000 ns/op	  5000 cpu-ns/op	  11 allocs/op
BenchmarkRequest/plain#02-2       	  100	  2000 ns/op	  1000 cpu-ns/op	  10 allocs/op
BenchmarkRequest/graceful#02-2    	  100	  1000 ns/op	  1000 cpu-ns/op	  10 allocs/op
PASS
`
	runs, order, err := parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != 2 || len(runs["BenchmarkRequest/graceful"]) != 3 {
		t.Fatalf("parsed %v: %v", order, runs)
	}
	var out strings.Builder
	if err := report(&out, runs, order, "plain"); err != nil {
		t.Fatal(err)
	}
	// ns/op ratios 1000/1100, 3000/3000, 2000/1000: median 1.000 (not the
	// ratio of the medians, 2000/1100); cpu-ns/op 1, 0.8, 1: median 1.000,
	// lowest 0.800. Three values are too few for more than their
	// range as the median's 95% interval.
	for _, want := range []string{
		"BenchmarkRequest/graceful                ns/op      base median 2000 (95% interval 1000..3000) [IQR 1500..2500, range 1000..3000] variant median 1100 (95% interval 1000..3000) [IQR 1050..2050, range 1000..3000] ratio base/variant (n=3) median 1.000 (95% interval 0.909..2.000) [IQR 0.955..1.500, range 0.909..2.000]",
		"cpu-ns/op  base median 2000 (95% interval 1000..4000) [IQR 1500..3000, range 1000..4000] variant median 2000 (95% interval 1000..5000) [IQR 1500..3500, range 1000..5000] ratio base/variant (n=3) median 1.000 (95% interval 0.800..1.000) [IQR 0.900..1.000, range 0.800..1.000]",
		"allocs/op  base median 10 (95% interval 10..10) [IQR 10..10, range 10..10] variant median 10 (95% interval 10..11) [IQR 10..10, range 10..11] ratio base/variant (n=3) median 1.000 (95% interval 0.909..1.000) [IQR 0.955..1.000, range 0.909..1.000]",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks\n%s\ngot\n%s", want, out.String())
		}
	}
	if err := report(&out, runs, order, "nothing"); err == nil {
		t.Error("no error for a baseline that is not in the input")
	}
}
