package harness

import (
	"math"
	"sort"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// connSample is a connection that a generation accepted: the client got it
// fresh (not reused) at At, and the answer on it came from Gen.
type connSample struct {
	At  time.Time
	Gen string
}

// restartMark is one restart that handed over, as the exclusive handover
// needs it.
type restartMark struct {
	Signal time.Time       // when the restart signal was sent
	First  time.Time       // the first answer of the new generation
	Old    map[string]bool // the generations that had answered before the signal
}

// exclusiveHandovers returns, for each restart in marks (in signal order),
// its exclusive handover: the time from the signal until the new generation
// alone accepts new connections. That is the later of the new generation's
// first answer and the last connection, established after the signal and
// before the next restart's signal (or end), that an old generation
// accepted (conns: every fresh connection that got an answer, in any
// order). A restart whose old generation still accepted a connection limit
// or more after the signal never became exclusive in that time: it is
// counted in never and left out of times.
func exclusiveHandovers(marks []restartMark, conns []connSample, end time.Time, limit time.Duration) (times []time.Duration, never int) {
	sorted := append([]connSample(nil), conns...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].At.Before(sorted[j].At) })
	for i, m := range marks {
		until := end
		if i+1 < len(marks) {
			until = marks[i+1].Signal
		}
		from := sort.Search(len(sorted), func(k int) bool { return !sorted[k].At.Before(m.Signal) })
		var last time.Time
		for _, c := range sorted[from:] {
			if !c.At.Before(until) {
				break
			}
			if m.Old[c.Gen] {
				last = c.At
			}
		}
		if !last.IsZero() && last.Sub(m.Signal) >= limit {
			never++
			continue
		}
		d := m.First.Sub(m.Signal)
		if !last.IsZero() && last.Sub(m.Signal) > d {
			d = last.Sub(m.Signal)
		}
		times = append(times, d)
	}
	return times, never
}

// neverExclusive stands for the handover of a restart that never became
// exclusive: longer than every other.
const neverExclusive = time.Duration(math.MaxInt64)

// withNever is ds with n restarts that never became exclusive added, as
// neverExclusive.
func withNever(ds []time.Duration, n int) []time.Duration {
	out := append([]time.Duration(nil), ds...)
	for range n {
		out = append(out, neverExclusive)
	}
	return out
}

// exclusivePercentile returns the p-th percentile (as testsupport.Percentile) of a
// run's exclusive handovers, the restarts that never became exclusive
// counted as longer than every other; ok is false when the percentile falls
// on one of those, or the run handed over nothing.
func exclusivePercentile(run RunResult, p float64) (d time.Duration, ok bool) {
	ds := withNever(run.Exclusive, run.NeverExclusive)
	d = testsupport.Percentile(ds, p)
	return d, len(ds) > 0 && d != neverExclusive
}
