// Command benchratio reads the output of one `go test -bench` run and prints,
// for each benchmark variant, the ratio of its cost per operation to a
// baseline variant's, paired run by run: the i-th result of a variant with
// the i-th of the baseline, so that both sides of each ratio come from the
// same run and, with BenchmarkRequest's -request.rounds, from the same
// round. It prints the median ratio with a 95% confidence interval for it,
// the middle half of the ratios and their range, for each metric (ns/op, cpu-ns/op, B/op, allocs/op):
//
//	go test -run '^$' -bench 'Request$' -benchmem -request.rounds 10 . | go run ./internal/cmd/benchratio
//
// A ratio is baseline cost / variant cost: the variant's throughput per
// unit of that metric relative to the baseline (0.99: 1% more cost).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

func main() {
	base := flag.String("base", "plain", "the baseline variant (the last element of the benchmark name)")
	flag.Parse()
	runs, order, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchratio:", err)
		os.Exit(1)
	}
	if err := report(os.Stdout, runs, order, *base); err != nil {
		fmt.Fprintln(os.Stderr, "benchratio:", err)
		os.Exit(1)
	}
}

// result is one line of benchmark output: its metrics by unit.
type result map[string]float64

// benchLine matches a result line: name, iterations, then value/unit pairs.
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:#\d+)?(?:-\d+)?\s+\d+\s+(.*)$`)

// parse reads benchmark output and returns the results of each variant in
// the order they ran, and the variants in the order first seen. A variant
// is the benchmark name without its "#NN" repetition and "-GOMAXPROCS"
// suffixes.
func parse(r io.Reader) (map[string][]result, []string, error) {
	runs := map[string][]result{}
	var order []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		name := m[1]
		f := strings.Fields(m[2])
		res := result{}
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: value %q: %w", name, f[i], err)
			}
			res[f[i+1]] = v
		}
		if _, ok := runs[name]; !ok {
			order = append(order, name)
		}
		runs[name] = append(runs[name], res)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("reading benchmark output: %w", err)
	}
	return runs, order, nil
}

// variantOf returns the last element of a benchmark name.
func variantOf(name string) string { return name[strings.LastIndex(name, "/")+1:] }

// report prints each variant's median cost and its ratios to the baseline
// of the same benchmark.
func report(w io.Writer, runs map[string][]result, order []string, base string) error {
	printed := false
	for _, name := range order {
		if variantOf(name) == base {
			continue
		}
		baseName := name[:len(name)-len(variantOf(name))] + base
		bs, ok := runs[baseName]
		if !ok {
			continue
		}
		vs := runs[name]
		n := min(len(bs), len(vs))
		for _, unit := range []string{"ns/op", "cpu-ns/op", "B/op", "allocs/op"} {
			var ratios, bv, vv []float64
			for i := 0; i < n; i++ {
				b, okb := bs[i][unit]
				v, okv := vs[i][unit]
				if !okb || !okv {
					continue
				}
				bv, vv = append(bv, b), append(vv, v)
				if v > 0 {
					ratios = append(ratios, b/v)
				}
			}
			if len(bv) == 0 {
				continue
			}
			fmt.Fprintf(w, "%-40s %-10s %s %s %s %s\n", name, unit,
				"base "+summary(bv, "%.0f"), "variant "+summary(vv, "%.0f"),
				fmt.Sprintf("ratio base/variant (n=%d)", len(ratios)), summary(ratios, "%.3f"))
			printed = true
		}
	}
	if !printed {
		return fmt.Errorf("no variant with a baseline %q in the input", base)
	}
	return nil
}

// summary formats the median of xs, its middle half and range.
func summary(xs []float64, format string) string {
	if len(xs) == 0 {
		return "-"
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	q := func(p float64) float64 { return quantile(s, p) }
	f := func(x float64) string { return fmt.Sprintf(format, x) }
	m, lo, hi := testsupport.MedianInterval(s)
	return fmt.Sprintf("median %s (95%% interval %s..%s) [IQR %s..%s, range %s..%s]", f(m), f(lo), f(hi), f(q(0.25)), f(q(0.75)), f(s[0]), f(s[len(s)-1]))
}

// quantile interpolates the p quantile of sorted s.
func quantile(s []float64, p float64) float64 {
	pos := p * float64(len(s)-1)
	i := int(pos)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (pos-float64(i))*(s[i+1]-s[i])
}
