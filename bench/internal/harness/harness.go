package harness

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Options configure a benchmark run. Zero numbers and durations take the
// values of Defaults; PID1 is taken as given.
type Options struct {
	Rows             []Row
	Restarts         int           // restarts per run
	PID1             bool          // also run every row as PID 1 of its own pid namespace
	NoHTTP2          bool          // leave out the HTTP/2 client mode (and the servers' -h2c)
	Workers          int           // load workers per client mode
	Delay            time.Duration // handler work per request
	Pause            time.Duration // between a handover and the next restart, and before the first
	HandoverTimeout  time.Duration // a restart without a new generation answering by then failed
	RetireWait       time.Duration // an old generation still alive this long after the handover was not retired
	StartTimeout     time.Duration // the first process must answer by then
	MaxProcesses     int           // a run stops when more tracked processes than this are alive
	RunLimit         time.Duration // a run stops restarting after this long
	ThroughputFor    time.Duration // length of one throughput measurement
	ThroughputRounds int           // alternating reference/row measurements
	WorkDir          string        // binaries and logs; a temporary directory when empty
	Converted        string        // an already converted copy of servers/plain (development only)
	Prebuilt         string        // a Build's bin directory: run its binaries instead of building (no Go needed)
	Progress         io.Writer     // one line per step; nil for none
}

// Defaults are the full benchmark's settings.
var Defaults = Options{
	Restarts:         100,
	PID1:             true,
	Workers:          4,
	Delay:            5 * time.Millisecond,
	Pause:            100 * time.Millisecond,
	HandoverTimeout:  10 * time.Second,
	RetireWait:       3 * time.Second,
	StartTimeout:     15 * time.Second,
	MaxProcesses:     20,
	RunLimit:         10 * time.Minute,
	ThroughputFor:    2 * time.Second,
	ThroughputRounds: 2,
}

func (o *Options) fill() {
	d := Defaults
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setD := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&o.Restarts, d.Restarts)
	set(&o.Workers, d.Workers)
	set(&o.MaxProcesses, d.MaxProcesses)
	set(&o.ThroughputRounds, d.ThroughputRounds)
	setD(&o.Delay, d.Delay)
	setD(&o.Pause, d.Pause)
	setD(&o.HandoverTimeout, d.HandoverTimeout)
	setD(&o.RetireWait, d.RetireWait)
	setD(&o.StartTimeout, d.StartTimeout)
	setD(&o.RunLimit, d.RunLimit)
	setD(&o.ThroughputFor, d.ThroughputFor)
	if o.Rows == nil {
		o.Rows = Rows
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
}

// RowReport is everything measured for one row.
type RowReport struct {
	Row        Row
	BuildNote  string
	BuildErr   error
	Runs       []RunResult // the process run, then the PID 1 run
	Throughput Throughput  // against plain net/http, as ratios
	RatioErr   error
}

// Report is a whole benchmark run.
type Report struct {
	Started, Ended time.Time
	Options        Options
	Rows           []RowReport
}

// Run benchmarks every row of o and returns the report. Each row's
// processes are killed before the next row starts.
func Run(o Options) (Report, error) {
	o.fill()
	b, cleanup, err := o.prepare()
	if err != nil {
		return Report{}, err
	}
	defer cleanup()
	rep := Report{Started: time.Now(), Options: o}
	reference, _, err := b.build(plainReference)
	if err != nil {
		return Report{}, fmt.Errorf("build the plain net/http reference: %w", err)
	}
	for _, row := range o.Rows {
		rep.Rows = append(rep.Rows, o.runRow(b, row, reference))
	}
	rep.Ended = time.Now()
	return rep, nil
}

// plainReference is the row of plain net/http that throughput is measured
// against.
var plainReference = Row{Name: "plain-reference", Server: "servers/plain"}

// Build compiles the plain reference and every row of o into o.WorkDir's
// bin directory, which a later run on another machine names as
// Options.Prebuilt, and returns that directory.
func Build(o Options) (string, error) {
	o.fill()
	if o.WorkDir == "" {
		return "", fmt.Errorf("build: no work directory to keep the binaries in")
	}
	b, cleanup, err := o.prepare()
	if err != nil {
		return "", err
	}
	defer cleanup()
	for _, row := range append([]Row{plainReference}, o.Rows...) {
		fmt.Fprintf(o.Progress, "%s: build\n", row.Name)
		if _, _, err := b.build(row); err != nil {
			return "", fmt.Errorf("build %s: %w", row.Name, err)
		}
	}
	return filepath.Join(o.WorkDir, "bin"), nil
}

// prepare makes o's work directory (a temporary one, which cleanup removes,
// when o names none) and the builder of its binaries.
func (o *Options) prepare() (b *builder, cleanup func(), err error) {
	cleanup = func() {}
	if o.WorkDir == "" {
		dir, err := os.MkdirTemp("", "restartbench-")
		if err != nil {
			return nil, nil, fmt.Errorf("make a work directory: %w", err)
		}
		cleanup = func() { os.RemoveAll(dir) }
		o.WorkDir = dir
	}
	if o.Prebuilt != "" {
		return &builder{workDir: o.WorkDir, prebuilt: o.Prebuilt}, cleanup, nil
	}
	if b, err = newBuilder(o.WorkDir, o.Converted); err != nil {
		cleanup()
		return nil, nil, err
	}
	return b, cleanup, nil
}

// runRow builds one row and runs its restart runs and throughput ratio.
func (o *Options) runRow(b *builder, row Row, reference string) RowReport {
	rr := RowReport{Row: row}
	fmt.Fprintf(o.Progress, "%s: build\n", row.Name)
	bin, note, err := b.build(row)
	rr.BuildNote, rr.BuildErr = note, err
	if err != nil {
		fmt.Fprintf(o.Progress, "%s: %v\n", row.Name, err)
		return rr
	}
	logFile, err := os.Create(filepath.Join(o.WorkDir, row.Name+".log"))
	if err != nil {
		rr.BuildErr = fmt.Errorf("open the row's log: %w", err)
		return rr
	}
	defer logFile.Close()
	for _, pid1 := range o.modes() {
		fmt.Fprintf(o.Progress, "%s: %d restarts%s\n", row.Name, o.Restarts, map[bool]string{true: " as PID 1"}[pid1])
		from, _ := logFile.Seek(0, io.SeekCurrent) // the servers write through the same open file
		r := o.restartRun(row, bin, pid1, logFile)
		if to, err := logFile.Seek(0, io.SeekCurrent); err == nil {
			if n, first := panicsLogged(logFile, from, to); n > 0 {
				r.note("%d %s in the server log (%s)", n, map[bool]string{true: "panic", false: "panics"}[n == 1], first)
			}
		}
		fmt.Fprintf(o.Progress, "%s: %d handovers, failed %v; %s\n", row.Name, len(r.Handovers), r.Load.AllFailed(), strings.Join(r.Notes, "; "))
		for kind, sample := range r.Load.Samples {
			fmt.Fprintf(o.Progress, "%s:   e.g. %v: %s\n", row.Name, kind, sample)
		}
		rr.Runs = append(rr.Runs, r)
	}
	fmt.Fprintf(o.Progress, "%s: throughput\n", row.Name)
	rr.Throughput, rr.RatioErr = o.throughputRatio(bin, reference, logFile)
	return rr
}

// modes are the restart runs of each row: as a process, then as PID 1.
func (o *Options) modes() []bool {
	if o.PID1 {
		return []bool{false, true}
	}
	return []bool{false}
}

// panicsLogged counts the Go panics ("panic: " at the start of a line) that
// the servers wrote to log between the offsets from and to, and returns the
// first one's message.
func panicsLogged(log io.ReaderAt, from, to int64) (n int, first string) {
	if to <= from {
		return 0, ""
	}
	b := make([]byte, to-from)
	if _, err := log.ReadAt(b, from); err != nil && err != io.EOF {
		return 0, ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if msg, ok := strings.CutPrefix(line, "panic: "); ok {
			if n == 0 {
				first = msg
			}
			n++
		}
	}
	return n, first
}
