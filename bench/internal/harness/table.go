package harness

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// Machine describes where the benchmark ran: cores, kernel, Go version.
func Machine() string {
	kernel := "unknown kernel"
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = "Linux " + strings.TrimSpace(string(b))
	}
	return fmt.Sprintf("%d cores (nproc), %s, %s %s/%s", runtime.NumCPU(), kernel, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// columns of the table, in order.
var columns = []string{
	"server", "run as", "restarts handed over", "requests",
	"failed: keep-alive GET", "failed: keep-alive POST", "failed: new conn GET", "failed: HTTP/2 POST",
	"HTTP/2 refused unprocessed (sent again)",
	"handover p50", "handover max", "exclusive p50", "exclusive max", "longest gap",
	"processes alive at once", "processes left over",
	"fd growth", "peak RSS", "throughput vs net/http", "notes",
}

// legend says what each column means.
const legend = `
- run as: "process" is a server started by the benchmark; "PID 1" runs it as PID 1 of a new pid namespace, as a container's entrypoint, and sends every signal to that PID 1, as a container runtime does.
- restarts handed over: restarts after which a new process generation answered.
- failed: requests that got no 200 answer from the handler, by client mode and kind. Go's client silently retries a failed keep-alive GET, so failures hidden there show in the POST and new-connection modes.
- failed: HTTP/2 POST: POSTs as concurrent streams of HTTP/2 with prior knowledge (h2c; every server is started with -h2c, which sets http.Server.Protocols to accept it beside HTTP/1.1).
- HTTP/2 refused unprocessed: streams the server refused before processing them (above the last stream id of its GOAWAY, or REFUSED_STREAM), which the client sent again as RFC 9113 allows; they are not failures, and are counted here so that no retry is hidden.
- handover: from the restart signal to the first answer of the new generation.
- exclusive: from the restart signal until the new generation alone accepts new connections: the later of its first answer and the last connection, opened by a client after the signal (and before the next restart), that an old generation answered. "not within" counts restarts whose old generation still answered a connection opened that long after the signal.
- processes alive at once: the most processes of the row (its process groups, whatever pid a library gave them) alive at any moment of the run, sampled from /proc every 5 ms.
- longest gap: the longest time in which no client got an answer.
- processes left over: processes alive at the end besides the serving one and a supervisor above it (one that never answered requests).
- fd growth: descriptors of the last serving process minus those of the first, both measured with no load; peak RSS: the highest VmHWM of the serving processes.
- throughput: answers per second of the row's server divided by plain net/http's (keep-alive GETs, both servers up side by side, loaded in alternating 250 ms turns in the same run); in brackets the same ratio per second of the server's own CPU time, which other work on the shared cores disturbs less.
`

// Markdown renders the report as a markdown table headed by the date, the
// machine and command, the command line that produced it, and the settings.
func (r Report) Markdown(command string) string {
	var b strings.Builder
	o := r.Options
	fmt.Fprintf(&b, "Restart benchmark, %s (%s to %s UTC), %s.\n\n",
		r.Started.UTC().Format("2006-01-02"), r.Started.UTC().Format("15:04"), r.Ended.UTC().Format("15:04"), Machine())
	fmt.Fprintf(&b, "Command: `%s`\n\n", command)
	fmt.Fprintf(&b, "Each run: %d restarts under load of %d workers per client mode on 127.0.0.1; the handler reads the body and works %v; "+
		"%v between a handover and the next restart; a restart without a new generation answering within %v failed; "+
		"an old generation alive %v after the handover is counted as not retired. "+
		"Throughput: keep-alive GETs, handler without work, %d x %v per server alternating with plain net/http.\n\n",
		o.Restarts, o.Workers, o.Delay, o.Pause, o.HandoverTimeout, o.RetireWait, o.ThroughputRounds, o.ThroughputFor)
	b.WriteString("| " + strings.Join(columns, " | ") + " |\n")
	b.WriteString("|" + strings.Repeat(" --- |", len(columns)) + "\n")
	for _, row := range r.Rows {
		for _, line := range row.lines(o.Restarts, o.RetireWait) {
			b.WriteString("| " + strings.Join(line, " | ") + " |\n")
		}
	}
	b.WriteString(legend)
	b.WriteString("\nRows:\n")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "- %s: %s\n", row.Row.Name, row.Row.How)
	}
	return b.String()
}

// lines renders a row's runs, one table line each, or one line saying why
// the row could not run.
func (rr RowReport) lines(restarts int, retireWait time.Duration) [][]string {
	if rr.BuildErr != nil {
		line := make([]string, len(columns))
		for i := range line {
			line[i] = "-"
		}
		line[0] = rr.Row.Name
		line[len(line)-1] = "could not be built: " + cell(firstLine(rr.BuildErr.Error()))
		return [][]string{line}
	}
	var out [][]string
	for i, run := range rr.Runs {
		as := "process"
		if run.PID1 {
			as = "PID 1 (own pid namespace)"
		}
		ratio := "-"
		if i == 0 {
			ratio = fmt.Sprintf("%.2f (per CPU s: %.2f)", rr.Throughput.PerSecond, rr.Throughput.PerCPU)
			if rr.RatioErr != nil {
				ratio = "not measured: " + cell(firstLine(rr.RatioErr.Error()))
			}
		}
		notes := append([]string(nil), run.Notes...)
		if rr.BuildNote != "" {
			notes = append([]string{rr.BuildNote}, notes...)
		}
		if run.Retried > 0 {
			notes = append(notes, fmt.Sprintf("%d starts died at once (bind: address already in use, in the server log) and were started again, as a supervisor would", run.Retried))
		}
		if run.NotRetired > 0 {
			notes = append(notes, fmt.Sprintf("old generation still alive %d times after the handover", run.NotRetired))
		}
		fd := "-"
		if run.FDKnown {
			fd = fmt.Sprintf("%+d", run.FDGrowth)
		}
		rss := "-"
		if run.PeakRSS > 0 {
			rss = fmt.Sprintf("%.1f MiB", float64(run.PeakRSS)/(1<<20))
		}
		handoverP50, handoverMax, exP50, exMax := "-", "-", "-", "-"
		if len(run.Handovers) > 0 {
			handoverP50, handoverMax = ms(testsupport.Percentile(run.Handovers, 50)), ms(testsupport.Percentile(run.Handovers, 100))
			notWithin := fmt.Sprintf("not within %v (%d of %d)", retireWait, run.NeverExclusive, len(run.Handovers))
			exP50, exMax = notWithin, notWithin
			if d, ok := exclusivePercentile(run, 50); ok {
				exP50 = ms(d)
			}
			if d, ok := exclusivePercentile(run, 100); ok {
				exMax = ms(d)
			}
		}
		left, gap := fmt.Sprint(run.LeftOver), ms(run.Load.LongestGap())
		if run.DownAt > 0 {
			left, gap = "all gone", fmt.Sprintf("down from restart %d", run.DownAt)
		}
		out = append(out, []string{
			rr.Row.Name, as,
			fmt.Sprintf("%d / %d", len(run.Handovers), restarts),
			fmt.Sprint(run.Load.Successes() + run.Load.AllFailed().Total()),
			run.Load.Failed[testsupport.KeepAliveGET].String(),
			run.Load.Failed[testsupport.KeepAlivePOST].String(),
			run.Load.Failed[testsupport.NewConnGET].String(),
			run.Load.Failed[testsupport.H2C].String(),
			fmt.Sprint(run.Load.Retried[testsupport.H2C]),
			handoverP50, handoverMax,
			exP50, exMax, gap, fmt.Sprint(run.MostAlive), left, fd, rss, ratio,
			cell(strings.Join(notes, "; ")),
		})
	}
	return out
}

// ms renders a duration in milliseconds.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
}

// cell makes text safe inside a markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
