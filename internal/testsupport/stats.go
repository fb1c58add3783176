package testsupport

import (
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
