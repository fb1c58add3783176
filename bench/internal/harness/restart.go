package harness

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gracefulgen/gracefulgen/bench/internal/proc"
	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// RunResult is what one restart run of one row measured.
type RunResult struct {
	PID1      bool            // the server ran as PID 1 of its own pid namespace
	Attempted int             // restarts signalled
	Handovers []time.Duration // signal to the first answer of the new generation, per successful restart
	// Exclusive is, per successful restart, the time from the signal until
	// the new generation alone accepts new connections (exclusiveHandovers);
	// NeverExclusive counts the restarts whose old generation still
	// accepted a connection RetireWait after the signal.
	Exclusive      []time.Duration
	NeverExclusive int
	DownAt         int // the restart after which nothing served any more (0: never)
	NotRetired     int // restarts whose old generation was still alive RetireWait after the handover
	Load           testsupport.Result
	// MostAlive is the most processes of the row alive at once during the
	// run (the server's process groups, sampled from /proc every
	// peakInterval).
	MostAlive int
	LeftOver  int  // processes alive at the end besides the serving one (and a supervisor above it)
	FDGrowth  int  // descriptors of the final serving process minus those of the first
	FDKnown   bool // both descriptor counts could be read
	PeakRSS   int64
	Retried   int // baseline only: starts that died at once and were started again
	Notes     []string
}

func (r *RunResult) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// peakInterval is how often a run counts the row's live processes.
const peakInterval = 5 * time.Millisecond

// generation is a serving process: how it answers and where it is.
type generation struct {
	seen
	host int // root-namespace pid
}

// restartRun starts bin, loads it, restarts it o.Restarts times the row's
// way, and measures. Every process it started is killed before it returns.
func (o *Options) restartRun(row Row, bin string, pid1 bool, log io.Writer) (res RunResult) {
	res.PID1 = pid1
	r := &benchRun{Options: o, row: row, bin: bin, pid1: pid1, log: log, res: &res, tr: proc.NewTracker(), obs: newObserver()}
	defer func() {
		if err := r.tr.KillAll(2 * time.Second); err != nil {
			res.note("%v", err)
		}
	}()
	addr, err := testsupport.FindFreeAddr()
	if err != nil {
		res.note("%v", err)
		return res
	}
	r.url = "http://" + addr + "/"
	r.args = []string{"-addr", addr, "-delay", o.Delay.String()}
	modes := benchModes
	if o.NoHTTP2 {
		modes = http1Modes
	} else {
		r.args = append(r.args, "-h2c")
	}

	stopPeak := r.tr.Peak(peakInterval)
	defer func() { res.MostAlive = stopPeak() }() // before KillAll, deferred above
	if !r.startServing() {
		return res
	}
	cfg, err := loadConfig(r.url, modes, o.Workers)
	if err != nil {
		res.note("load: %v", err)
		return res
	}
	cfg.Observe = r.obs.observe
	ctx, stopLoad := context.WithCancel(context.Background())
	loaded := make(chan testsupport.Result, 1)
	go func() {
		loaded <- testsupport.Run(ctx, cfg)
	}()
	time.Sleep(o.Pause)

	limit := time.Now().Add(o.RunLimit)
	for i := 1; i <= o.Restarts; i++ {
		if time.Now().After(limit) {
			res.note("stopped before restart %d: the run's time limit (%v) passed", i, o.RunLimit)
			break
		}
		res.Attempted = i
		if !r.restart(i) {
			break
		}
	}
	stopLoad()
	res.Load = <-loaded
	res.Exclusive, res.NeverExclusive = exclusiveHandovers(r.marks, r.obs.freshConns(), res.Load.End, o.RetireWait)
	r.measureEnd()
	return res
}

// benchRun is a restartRun in progress.
type benchRun struct {
	*Options
	row  Row
	bin  string
	pid1 bool
	log  io.Writer
	res  *RunResult
	tr   *proc.Tracker
	obs  *observer
	url  string
	args []string // the server's arguments

	leader       int        // the process started last (a pid namespace's PID 1 with pid1)
	cur          generation // the generation serving now
	marks        []restartMark
	failedInARow int // restarts in a row that no new generation answered

	fdStart    int // descriptors of the first generation, idle
	fdStartErr error
}

// startServing starts the server and waits until it answers. It reports
// whether it does; when not, the result says why.
func (r *benchRun) startServing() bool {
	leader, err := r.tr.Start(r.bin, r.args, r.log, r.pid1)
	if err != nil {
		if r.pid1 {
			r.res.note("not run: the kernel refused a new pid namespace (%v)", err)
		} else {
			r.res.note("%v", err)
		}
		return false
	}
	r.leader = leader
	r.cur, err = waitServing(r.url, r.tr, leader, r.pid1, r.obs, r.StartTimeout)
	if err != nil {
		r.res.note("did not start: %v", err)
		return false
	}
	time.Sleep(200 * time.Millisecond)
	r.fdStart, r.fdStartErr = testsupport.FDCount(r.cur.host)
	r.res.sampleRSS(r.cur.host)
	return true
}

// restart runs restart i the row's way and waits for the new generation.
// It reports whether the run goes on.
func (r *benchRun) restart(i int) bool {
	res := r.res
	res.sampleRSS(r.cur.host)
	known := r.obs.known()
	target := r.cur.host
	if r.pid1 {
		target = r.leader // a container's signals go to its entrypoint
	}
	start := time.Now()
	var err error
	if r.row.StopStart {
		r.leader, err = stopAndStart(r.tr, r.row, r.bin, r.args, r.log, r.pid1, target, r.leader)
		if err != nil {
			res.note("restart %d: %v", i, err)
			res.DownAt = i
			return false
		}
	} else if err := r.tr.Signal(target, r.row.Signal); err != nil {
		res.wentDown(i, r.tr, err)
		return false
	}
	next, down := waitNewGeneration(r.tr, r.obs, known, r.HandoverTimeout)
	for tries := 0; down && r.row.StopStart && tries < 3; tries++ {
		// The new process died at start (seen: "bind: address already
		// in use" under load); start it again, as a supervisor would.
		res.Retried++
		if r.leader, err = r.tr.Start(r.bin, r.args, r.log, r.pid1); err != nil {
			break
		}
		next, down = waitNewGeneration(r.tr, r.obs, known, r.HandoverTimeout)
	}
	if down {
		res.wentDown(i, r.tr, nil)
		return false
	}
	if next == nil {
		r.failedInARow++
		res.note("restart %d: no new generation answered within %v", i, r.HandoverTimeout)
		if r.failedInARow == 3 {
			res.note("gave up after 3 restarts in a row without a handover")
			return false
		}
		return true
	}
	r.failedInARow = 0
	res.Handovers = append(res.Handovers, next.First.Sub(start))
	r.marks = append(r.marks, restartMark{Signal: start, First: next.First, Old: known})
	return r.adopt(i, next)
}

// adopt makes next, which answered after restart i, the serving generation
// once the old one had its time to retire. It reports whether the run goes
// on.
func (r *benchRun) adopt(i int, next *seen) bool {
	res := r.res
	if !r.tr.WaitExit(r.cur.host, r.RetireWait) {
		res.NotRetired++
	}
	host, err := r.tr.Find(next.PID, groupOf(r.pid1, r.leader))
	if err != nil {
		res.wentDown(i, r.tr, fmt.Errorf("the new generation (pid %d) answered, then was gone", next.PID))
		return false
	}
	r.cur = generation{seen: *next, host: host.PID}
	time.Sleep(r.Pause)
	if !r.tr.Alive(r.cur.host) {
		res.wentDown(i, r.tr, fmt.Errorf("the new generation (pid %d) answered, then was gone", next.PID))
		return false
	}
	if live, _ := r.tr.Live(); len(live) > r.MaxProcesses {
		res.note("stopped at restart %d: %d processes piled up", i, len(live))
		return false
	}
	return true
}

// measureEnd measures the process serving at the end: descriptors grown
// since the start, memory, and old generations left over.
func (r *benchRun) measureEnd() {
	res := r.res
	// Let the clients' connections close, then measure the process serving now.
	time.Sleep(500 * time.Millisecond)
	final, err := waitServing(r.url, r.tr, r.leader, r.pid1, r.obs, 3*time.Second)
	if err != nil {
		if res.DownAt == 0 {
			res.note("nothing answers at the end: %v", err)
		}
		return
	}
	fdEnd, errEnd := testsupport.FDCount(final.host)
	res.FDGrowth, res.FDKnown = fdEnd-r.fdStart, r.fdStartErr == nil && errEnd == nil
	res.sampleRSS(final.host)
	// Give a last old generation the same time to finish draining.
	for deadline := time.Now().Add(r.RetireWait); ; time.Sleep(50 * time.Millisecond) {
		res.LeftOver = leftOver(r.tr, final, r.obs)
		if res.LeftOver == 0 || time.Now().After(deadline) {
			return
		}
	}
}

// wentDown records that restart i ended the service, or, if some tracked
// process still lives, that the restart failed with err.
func (r *RunResult) wentDown(i int, tr *proc.Tracker, err error) {
	if gone := tr.WaitNone(time.Second); gone {
		r.DownAt = i
		why := ""
		if r.PID1 {
			why = " (once PID 1 exits, the kernel kills its whole pid namespace)"
		}
		r.note("down for good at restart %d: no process left%s", i, why)
		return
	}
	r.note("stopped at restart %d: %v", i, err)
}

// sampleRSS raises PeakRSS to the process's peak resident size.
func (r *RunResult) sampleRSS(pid int) {
	if rss, err := testsupport.PeakRSS(pid); err == nil && rss > r.PeakRSS {
		r.PeakRSS = rss
	}
}

// groupOf is the process group to search a pid in: in a pid namespace, pids
// repeat across namespaces, so the current container's group.
func groupOf(pid1 bool, leader int) int {
	if pid1 {
		return leader
	}
	return 0
}

// stopAndStart is the baseline's restart: stop the serving process (or the
// container) with the row's signal, wait for it to be gone, start the binary
// again. It returns the new process group's leader.
func stopAndStart(tr *proc.Tracker, row Row, bin string, args []string, log io.Writer, pid1 bool, target, leader int) (int, error) {
	if err := tr.Signal(target, row.Signal); err != nil {
		return 0, err
	}
	gone := tr.WaitExit(target, 10*time.Second)
	if pid1 {
		gone = tr.WaitGone(leader, 10*time.Second)
	}
	if !gone {
		return 0, fmt.Errorf("the stopped process %d did not exit within 10s", target)
	}
	return tr.Start(bin, args, log, pid1)
}

// waitServing probes url until a tracked process answers, or timeout passes.
func waitServing(url string, tr *proc.Tracker, leader int, pid1 bool, obs *observer, timeout time.Duration) (generation, error) {
	cfg, err := loadConfig(url, []testsupport.Mode{testsupport.NewConnGET}, 1)
	if err != nil {
		return generation{}, err
	}
	cfg.Timeout = time.Second
	deadline := time.Now().Add(timeout)
	for {
		a, err := testsupport.Once(cfg)
		if err == nil {
			obs.observe(a)
			p, ferr := tr.Find(a.PID, groupOf(pid1, leader))
			if ferr == nil {
				return generation{seen: seen{Gen: a.Gen, PID: a.PID, First: a.At}, host: p.PID}, nil
			}
			err = ferr
		}
		if time.Now().After(deadline) {
			return generation{}, fmt.Errorf("no answer from a tracked process at %s within %v: %w", url, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitNewGeneration waits for a generation not in known to answer. It
// returns nil after timeout, and down as soon as no tracked process is alive.
func waitNewGeneration(tr *proc.Tracker, obs *observer, known map[string]bool, timeout time.Duration) (next *seen, down bool) {
	deadline := time.Now().Add(timeout)
	for i := 0; ; i++ {
		if s, ok := obs.firstNew(known); ok {
			return &s, false
		}
		if i%25 == 0 {
			if live, err := tr.Live(); err == nil && len(live) == 0 {
				// One more look: the answer may have come just before the end.
				if s, ok := obs.firstNew(known); ok {
					return &s, false
				}
				return nil, true
			}
		}
		if time.Now().After(deadline) {
			return nil, false
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// leftOver counts the live processes other than the one serving at the end
// and a supervisor above it: a process that ever answered requests (an old
// generation) counts, and so does one that never did and is not an ancestor
// of the serving process (a child that never became ready).
func leftOver(tr *proc.Tracker, serving generation, obs *observer) int {
	live, err := tr.Live()
	if err != nil {
		return -1
	}
	byPID := map[int]proc.Info{}
	for _, p := range live {
		byPID[p.PID] = p
	}
	ancestors := map[int]bool{}
	for p, ok := byPID[serving.host]; ok; p, ok = byPID[p.PPID] {
		ancestors[p.PPID] = true
	}
	answered := obs.pids()
	n := 0
	for _, p := range live {
		if p.PID == serving.host {
			continue
		}
		if answered[p.InnerPID()] || !ancestors[p.PID] {
			n++
		}
	}
	return n
}
