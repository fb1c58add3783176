package harness

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// The chart's geometry, in SVG user units (pixels).
const (
	chartWidth  = 960.0
	chartLeft   = 64.0  // room for the y axis labels
	chartRight  = 16.0  //
	plotHeight  = 200.0 // height of one panel's bars area
	panelHeader = 62.0  // title and legend above the bars
	panelFooter = 64.0  // group labels (and two lines of notes) below them
	chartHeader = 56.0  // the chart's title and subtitle
)

// palette colours the series of a panel, in order; dark enough for white
// labels to be unnecessary (labels sit above the bars).
var palette = []string{"#4e79a7", "#f28e2b", "#e15759", "#59a14f"}

// SVG writes the report as a chart of grouped bars, one group per row of
// the table run as a process: failed requests per client mode (log scale),
// then the first-answer and the exclusive handover p50 (milliseconds). Each
// group's label says how its PID 1 run ended. title heads the chart (the
// date, machine and command), one line per line of title. It is plain SVG
// 1.1: no CSS, no script.
func (r Report) SVG(w io.Writer, title string) error {
	failed := chartPanel{
		Title:  fmt.Sprintf("Failed requests during %d restarts under load, by client mode (log scale; lower is better)", r.Options.Restarts),
		Series: modeNames(r.Options),
		Log:    true,
	}
	handover := chartPanel{
		Title:  "Handover p50 in ms, from the restart signal (lower is better)",
		Series: []string{"until the first answer of the new generation", "exclusive: until the new generation alone accepts new connections"},
	}
	for _, rr := range r.Rows {
		fg := barGroup{Label: rr.Row.Name, Note: pid1Note(rr, r.Options.RetireWait)}
		hg := barGroup{Label: rr.Row.Name, Note: fg.Note}
		run, ok := processRun(rr)
		for i, m := range r.modes() {
			if !ok {
				fg.Bars = append(fg.Bars, bar{Missing: map[bool]string{true: "not run"}[i == 0]})
				continue
			}
			n := run.Load.Failed[m].Total()
			fg.Bars = append(fg.Bars, bar{Value: float64(n), Text: fmt.Sprint(n)})
		}
		if !ok {
			hg.Bars = []bar{{Missing: "not run"}, {}}
		} else {
			hg.Bars = []bar{msBar(run.Handovers), exclusiveBar(run)}
		}
		failed.Groups = append(failed.Groups, fg)
		handover.Groups = append(handover.Groups, hg)
	}
	lines := strings.Split(title, "\n")
	header := chartHeader + 14*float64(len(lines)-1)
	height := header + 2*(panelHeader+plotHeight+panelFooter) + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" font-family="Helvetica, Arial, sans-serif" font-size="12">`+"\n",
		chartWidth, height, chartWidth, height)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%g" height="%g" fill="#ffffff"/>`+"\n", chartWidth, height)
	fmt.Fprintf(&b, `<text x="%g" y="22" text-anchor="middle" font-size="16" font-weight="bold">gracefulgen against the restart libraries: restarts under load</text>`+"\n", chartWidth/2)
	for i, line := range lines {
		fmt.Fprintf(&b, `<text x="%g" y="%d" text-anchor="middle" font-size="11" fill="#444444">%s</text>`+"\n", chartWidth/2, 42+14*i, esc(line))
	}
	top := header
	top = failed.draw(&b, top)
	handover.draw(&b, top)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// modes are the client modes the report's runs loaded.
func (r Report) modes() []testsupport.Mode {
	if r.Options.NoHTTP2 {
		return http1Modes
	}
	return benchModes
}

func modeNames(o Options) []string {
	r := Report{Options: o}
	var out []string
	for _, m := range r.modes() {
		out = append(out, m.String())
	}
	return out
}

// processRun returns the row's run as a process, if it ran.
func processRun(rr RowReport) (RunResult, bool) {
	if rr.BuildErr != nil {
		return RunResult{}, false
	}
	for _, run := range rr.Runs {
		if !run.PID1 {
			return run, true
		}
	}
	return RunResult{}, false
}

// pid1Note says in a few words how the row's PID 1 run ended, one or two
// lines.
func pid1Note(rr RowReport, retireWait time.Duration) []string {
	if rr.BuildErr != nil {
		return []string{"could not be built"}
	}
	for _, run := range rr.Runs {
		if !run.PID1 {
			continue
		}
		if run.DownAt > 0 {
			return []string{fmt.Sprintf("as PID 1: down at restart %d", run.DownAt)}
		}
		failed := 0
		for _, f := range run.Load.Failed {
			failed += f.Total()
		}
		note := []string{fmt.Sprintf("as PID 1: %d/%d, %d failed", len(run.Handovers), run.Attempted, failed)}
		if run.NotRetired > 0 {
			note = append(note, fmt.Sprintf("%d old alive past %v", run.NotRetired, retireWait))
		}
		return note
	}
	return nil
}

// msBar is the p50 of ds in milliseconds, or "none" when ds is empty.
func msBar(ds []time.Duration) bar {
	if len(ds) == 0 {
		return bar{Missing: "none"}
	}
	return valueBar(testsupport.Percentile(ds, 50))
}

// exclusiveBar is the p50 of the run's exclusive handovers, "never" when it
// falls on a restart that was not exclusive within the limit.
func exclusiveBar(run RunResult) bar {
	if len(run.Handovers) == 0 {
		return bar{Missing: "none"}
	}
	d, ok := exclusivePercentile(run, 50)
	if !ok {
		return bar{Missing: "never"}
	}
	return valueBar(d)
}

func valueBar(d time.Duration) bar {
	v := float64(d) / float64(time.Millisecond)
	return bar{Value: v, Text: fmt.Sprintf("%.0f", v)}
}

// chartPanel is one chart of grouped bars.
type chartPanel struct {
	Title  string
	Series []string // one bar of each group per series, in order
	Log    bool     // a log10(1+v) scale, for counts spanning 0 to thousands
	Groups []barGroup
}

// barGroup is one row's bars.
type barGroup struct {
	Label string
	Note  []string // lines under the label
	Bars  []bar
}

// bar is one value, or, when Missing is set, a word in its place.
type bar struct {
	Value   float64
	Text    string
	Missing string
}

// draw writes the panel with its top at top and returns where it ends.
func (p chartPanel) draw(b *strings.Builder, top float64) float64 {
	fmt.Fprintf(b, `<text x="%g" y="%g" font-size="13" font-weight="bold">%s</text>`+"\n", chartLeft, top+18, esc(p.Title))
	x := chartLeft
	for i, s := range p.Series {
		fmt.Fprintf(b, `<rect x="%g" y="%g" width="12" height="12" fill="%s"/>`+"\n", x, top+30, palette[i%len(palette)])
		fmt.Fprintf(b, `<text x="%g" y="%g">%s</text>`+"\n", x+16, top+40, esc(s))
		x += 16 + 6.5*float64(len(s)) + 24
	}
	base := top + panelHeader + plotHeight // the x axis
	maxV := 0.0
	for _, g := range p.Groups {
		for _, br := range g.Bars {
			maxV = math.Max(maxV, br.Value)
		}
	}
	scale, ticks := p.axis(maxV)
	plotW := chartWidth - chartLeft - chartRight
	for _, t := range ticks {
		y := base - scale(t)*plotHeight
		fmt.Fprintf(b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#dddddd" stroke-width="1"/>`+"\n", chartLeft, y, chartLeft+plotW, y)
		fmt.Fprintf(b, `<text x="%g" y="%.1f" text-anchor="end" font-size="11" fill="#444444">%s</text>`+"\n", chartLeft-6, y+4, tickLabel(t))
	}
	fmt.Fprintf(b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#333333" stroke-width="1"/>`+"\n", chartLeft, base, chartLeft+plotW, base)
	if len(p.Groups) == 0 {
		return base + panelFooter
	}
	groupW := plotW / float64(len(p.Groups))
	barW := groupW * 0.8 / float64(len(p.Series))
	for gi, g := range p.Groups {
		left := chartLeft + float64(gi)*groupW + groupW*0.1
		for i, br := range g.Bars {
			cx := left + barW*(float64(i)+0.5)
			if br.Missing != "" || br.Text == "" {
				if br.Missing != "" {
					fmt.Fprintf(b, `<text x="%.1f" y="%g" text-anchor="middle" font-size="10" fill="#666666">%s</text>`+"\n", cx, base-4, esc(br.Missing))
				}
				continue
			}
			h := scale(br.Value) * plotHeight
			fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", cx-barW*0.45, base-h, barW*0.9, h, palette[i%len(palette)])
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="10">%s</text>`+"\n", cx, base-h-3, esc(br.Text))
		}
		mid := chartLeft + (float64(gi)+0.5)*groupW
		fmt.Fprintf(b, `<text x="%.1f" y="%g" text-anchor="middle" font-weight="bold">%s</text>`+"\n", mid, base+18, esc(g.Label))
		for i, line := range g.Note {
			fmt.Fprintf(b, `<text x="%.1f" y="%g" text-anchor="middle" font-size="10" fill="#444444">%s</text>`+"\n", mid, base+33+13*float64(i), esc(line))
		}
	}
	return base + panelFooter
}

// axis returns the panel's scale (a value to a fraction of the plot's
// height) and the values to mark on the y axis.
func (p chartPanel) axis(maxV float64) (func(float64) float64, []float64) {
	if p.Log {
		top := 1.0 // at least 0 to 10
		for math.Pow(10, top) < maxV+1 {
			top++
		}
		ticks := []float64{0}
		for k := 0.0; k <= top; k++ {
			ticks = append(ticks, math.Pow(10, k))
		}
		full := math.Log10(1 + math.Pow(10, top))
		return func(v float64) float64 { return math.Log10(1+v) / full }, ticks
	}
	top := niceCeil(maxV)
	var ticks []float64
	for i := 0; i <= 5; i++ {
		ticks = append(ticks, top*float64(i)/5)
	}
	return func(v float64) float64 { return v / top }, ticks
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 10).
func niceCeil(v float64) float64 {
	if v <= 10 {
		return 10
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func tickLabel(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%g", v)
}

// esc escapes text for SVG.
func esc(s string) string { return html.EscapeString(s) }
