package testsupport

import (
	"math"
	"sort"
	"time"
)

// LongestGap returns the longest interval within [start, end] that holds no
// answer: between start and the first answer, between two answers, or
// between the last answer and end. answers must be sorted.
func LongestGap(start, end time.Time, answers []time.Time) time.Duration {
	longest := time.Duration(0)
	prev := start
	for _, a := range answers {
		if d := a.Sub(prev); d > longest {
			longest = d
		}
		if a.After(prev) {
			prev = a
		}
	}
	if d := end.Sub(prev); d > longest {
		longest = d
	}
	return longest
}

// Percentile returns the p-th percentile (0 < p <= 100) of ds by the
// nearest-rank method: the smallest value at least p percent of the values
// are less than or equal to. It returns 0 for no values.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := int(p / 100 * float64(len(s)))
	if float64(rank) < p/100*float64(len(s)) {
		rank++ // ceil
	}
	if rank < 1 {
		rank = 1
	}
	if rank > len(s) {
		rank = len(s)
	}
	return s[rank-1]
}

// MedianInterval returns the median of xs and a 95% confidence interval for
// the median of the distribution they were drawn from, which assumes
// nothing of its shape: the widest pair of order statistics x(j), x(n+1-j)
// such that the count of values below the true median, a binomial(n, 1/2),
// is less than j with probability at most 2.5%. With fewer than 6 values
// no such pair exists and the interval is their range; with none all three
// are NaN.
func MedianInterval(xs []float64) (median, low, high float64) {
	n := len(xs)
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if n%2 == 1 {
		median = s[n/2]
	} else {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	// j is the largest rank with P(B <= j-1) <= 0.025.
	j, cdf := 0, 0.0
	lgN, _ := math.Lgamma(float64(n + 1))
	for i := 0; i < n; i++ {
		lgI, _ := math.Lgamma(float64(i + 1))
		lgRest, _ := math.Lgamma(float64(n - i + 1))
		cdf += math.Exp(lgN - lgI - lgRest - float64(n)*math.Ln2) // P(B = i)
		if cdf > 0.025 {
			break
		}
		j = i + 1
	}
	if j < 1 {
		return median, s[0], s[n-1]
	}
	return median, s[j-1], s[n-j]
}
