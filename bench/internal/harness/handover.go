package harness

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// The handover comparison measures one figure, gracefulgen's exclusive
// handover against the fastest library's first answer, with as little of a
// shared machine's drift in it as can be had: the rows' restart runs are
// cut into passes and the passes interleaved (ABC, CBA, ABC, ...), so
// that a slow minute of the machine weighs on every row alike; and the
// ratio comes with a bootstrap interval, so that a reader sees how far
// the restarts measured pin it down.

// HandoverRow is what the comparison measured for one row.
type HandoverRow struct {
	Row         Row
	BuildErr    error
	FirstAnswer []time.Duration // signal to the new generation's first answer, every pass
	Exclusive   []time.Duration // signal until the new generation alone accepts, every pass
	Never       int             // restarts that never became exclusive (see RunResult)
	Attempted   int
	Failed      int // requests that failed, every pass
	PassP50     []time.Duration
	Notes       []string
}

// HandoverReport is a whole handover comparison.
type HandoverReport struct {
	Started, Ended time.Time
	Passes         int
	Options        Options
	Rows           []HandoverRow
	// Ratio is gracefulgen's exclusive p50 over the fastest library's
	// first-answer p50; Low and High bound its 95% bootstrap interval.
	Ratio, Low, High float64
	Fastest          string // the library whose first answer was fastest
}

// CompareHandovers builds o's rows and runs o.Restarts restarts of each as
// a process in each of passes passes, the row order reversed every other
// pass.
func CompareHandovers(o Options, passes int) (HandoverReport, error) {
	o.fill()
	if passes < 1 {
		passes = 1
	}
	b, cleanup, err := o.prepare()
	if err != nil {
		return HandoverReport{}, err
	}
	defer cleanup()
	rep := HandoverReport{Started: time.Now(), Passes: passes, Options: o}
	bins := make([]string, len(o.Rows))
	for i, row := range o.Rows {
		rep.Rows = append(rep.Rows, HandoverRow{Row: row})
		fmt.Fprintf(o.Progress, "%s: build\n", row.Name)
		bins[i], _, rep.Rows[i].BuildErr = b.build(row)
	}
	logFile, err := os.Create(filepath.Join(o.WorkDir, "handover.log"))
	if err != nil {
		return HandoverReport{}, fmt.Errorf("open the servers' log: %w", err)
	}
	defer logFile.Close()
	for pass := 0; pass < passes; pass++ {
		for _, i := range passOrder(len(o.Rows), pass) {
			hr := &rep.Rows[i]
			if hr.BuildErr != nil {
				continue
			}
			fmt.Fprintf(o.Progress, "pass %d: %s: %d restarts\n", pass+1, hr.Row.Name, o.Restarts)
			hr.add(o.restartRun(hr.Row, bins[i], false, logFile))
		}
	}
	rep.Ended = time.Now()
	rep.Ratio, rep.Low, rep.High, rep.Fastest = rep.ratio(2000)
	return rep, nil
}

// passOrder is the order of the rows in pass number pass: table order,
// reversed every other pass.
func passOrder(rows, pass int) []int {
	order := make([]int, rows)
	for i := range order {
		order[i] = i
	}
	if pass%2 == 1 {
		slices.Reverse(order)
	}
	return order
}

// add pools one pass's run into the row.
func (hr *HandoverRow) add(run RunResult) {
	hr.FirstAnswer = append(hr.FirstAnswer, run.Handovers...)
	hr.Exclusive = append(hr.Exclusive, run.Exclusive...)
	hr.Never += run.NeverExclusive
	hr.Attempted += run.Attempted
	hr.Failed += run.Load.Failures()
	hr.PassP50 = append(hr.PassP50, hr.Row.figure(run.Handovers, run.Exclusive, run.NeverExclusive))
	for _, n := range run.Notes {
		hr.Notes = append(hr.Notes, fmt.Sprintf("pass %d: %s", len(hr.PassP50), n))
	}
}

// figure is the p50 the comparison takes from a row: gracefulgen's
// exclusive handover, a library's first answer. A restart that never
// became exclusive counts as endless.
func (r Row) figure(first, exclusive []time.Duration, never int) time.Duration {
	if !r.Convert {
		return testsupport.Percentile(first, 50)
	}
	return median(withNever(exclusive, never))
}

func median(ds []time.Duration) time.Duration { return testsupport.Percentile(ds, 50) }

// ratio returns gracefulgen's exclusive p50 over the fastest library's
// first-answer p50, the 2.5th and 97.5th percentiles of that ratio over
// rounds bootstrap resamples (each row's restarts drawn again with
// replacement, the fastest library chosen again in each), and the fastest
// library's name. NaN where the report lacks either side.
func (rep HandoverReport) ratio(rounds int) (ratio, low, high float64, fastest string) {
	nan := math.NaN()
	var ours []time.Duration
	var libs []HandoverRow
	for _, hr := range rep.Rows {
		switch {
		case hr.Row.Convert:
			ours = withNever(hr.Exclusive, hr.Never)
		case !hr.Row.StopStart && len(hr.FirstAnswer) > 0:
			libs = append(libs, hr)
		}
	}
	if len(ours) == 0 || len(libs) == 0 {
		return nan, nan, nan, ""
	}
	best := func(draw func([]time.Duration) time.Duration) (time.Duration, string) {
		d := neverExclusive // longer than any first answer
		name := ""
		for _, l := range libs {
			if m := draw(l.FirstAnswer); m < d {
				d, name = m, l.Row.Name
			}
		}
		return d, name
	}
	of := func(a, b time.Duration) float64 {
		if a == neverExclusive {
			return math.Inf(1)
		}
		return float64(a) / float64(b)
	}
	lib, fastest := best(median)
	ratio = of(median(ours), lib)
	// A fixed seed: the same measurements give the same interval.
	rng := rand.New(rand.NewPCG(1, 2))
	resample := func(ds []time.Duration) time.Duration {
		s := make([]time.Duration, len(ds))
		for i := range s {
			s[i] = ds[rng.IntN(len(ds))]
		}
		return median(s)
	}
	rs := make([]float64, rounds)
	for i := range rs {
		o := resample(ours)
		l, _ := best(resample)
		rs[i] = of(o, l)
	}
	slices.Sort(rs)
	return ratio, rs[int(0.025*float64(rounds-1))], rs[int(0.975*float64(rounds-1))], fastest
}

// Markdown writes the comparison as a table and the ratio below it.
func (rep HandoverReport) Markdown(w io.Writer, command string) {
	fmt.Fprintf(w, "Handover comparison, %s (%s to %s UTC), %s.\n\n", rep.Started.UTC().Format("2006-01-02"),
		rep.Started.UTC().Format("15:04"), rep.Ended.UTC().Format("15:04"), Machine())
	fmt.Fprintf(w, "Command: `%s`\n\n", command)
	fmt.Fprintf(w, "Each row: %d passes of %d restarts as a process, the rows' order reversed every other pass, under the benchmark's load (%d workers per client mode, handler work %v).\n\n",
		rep.Passes, rep.Options.Restarts, rep.Options.Workers, rep.Options.Delay)
	fmt.Fprintln(w, "| server | restarts | first answer p50 | exclusive p50 | never exclusive | compared (p50) | per pass | failed requests |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, hr := range rep.Rows {
		if hr.BuildErr != nil {
			fmt.Fprintf(w, "| %s | could not be built: %s | | | | | | |\n", hr.Row.Name, firstLine(hr.BuildErr.Error()))
			continue
		}
		kind := "first answer"
		if hr.Row.Convert {
			kind = "exclusive"
		}
		var passes []string
		for _, d := range hr.PassP50 {
			passes = append(passes, msOrNever(d))
		}
		fmt.Fprintf(w, "| %s | %d / %d | %s | %s | %d | %s: %s | %s | %d |\n", hr.Row.Name, len(hr.FirstAnswer), hr.Attempted,
			ms(median(hr.FirstAnswer)), msOrNever(median(withNever(hr.Exclusive, hr.Never))), hr.Never,
			kind, msOrNever(hr.Row.figure(hr.FirstAnswer, hr.Exclusive, hr.Never)), strings.Join(passes, ", "), hr.Failed)
	}
	fmt.Fprintln(w)
	if math.IsNaN(rep.Ratio) {
		fmt.Fprintln(w, "Ratio: not measured (it needs the gracefulgen row and at least one library row that handed over).")
	} else {
		fmt.Fprintf(w, "Ratio: gracefulgen's exclusive p50 / the fastest library's (%s) first-answer p50 = **%.2f** (95%% bootstrap interval %.2f to %.2f).\n",
			rep.Fastest, rep.Ratio, rep.Low, rep.High)
	}
	for _, hr := range rep.Rows {
		for _, n := range hr.Notes {
			fmt.Fprintf(w, "\n- %s: %s", hr.Row.Name, n)
		}
	}
	fmt.Fprintln(w)
}

// msOrNever is ms, or "never" for an endless duration.
func msOrNever(d time.Duration) string {
	if d == neverExclusive {
		return "never"
	}
	return ms(d)
}
