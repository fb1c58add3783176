package harness

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gracefulgen/gracefulgen/bench/internal/proc"
	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// throughputSlice is how long one turn of load lasts: short turns that
// alternate between the two servers make a change of load on the machine
// (other work on the same cores) fall on both alike.
const throughputSlice = 250 * time.Millisecond

// throughputRatio measures the answers per second of bin against those of
// the plain net/http reference, both running side by side, loaded in
// alternating turns (reference, bin, bin, reference, ...) for
// o.ThroughputFor x o.ThroughputRounds each, and returns their ratios. The
// handlers do no work (-delay 0), so the servers' own cost is compared.
func (o *Options) throughputRatio(bin, reference string, log io.Writer) (ratio Throughput, err error) {
	tr := proc.NewTracker()
	defer func() {
		if kerr := tr.KillAll(2 * time.Second); kerr != nil && err == nil {
			err = kerr
		}
	}()
	var servers [2]throughputServer // reference, row
	for i, b := range []string{reference, bin} {
		if servers[i], err = startIdle(tr, b, o.StartTimeout, log); err != nil {
			return Throughput{}, err
		}
	}
	turns := int(o.ThroughputFor * time.Duration(o.ThroughputRounds) / throughputSlice)
	if turns < 1 {
		turns = 1
	}
	for i := -1; i < turns; i++ { // turn -1 warms both up and is not counted
		order := []int{0, 1}
		if i%2 != 0 {
			order = []int{1, 0}
		}
		for _, s := range order {
			if err := servers[s].turn(o.Workers*2, i >= 0); err != nil {
				return Throughput{}, err
			}
		}
	}
	ref, row := servers[0], servers[1]
	if ref.answers == 0 || row.answers == 0 || ref.cpu == 0 || row.cpu == 0 {
		return Throughput{}, fmt.Errorf("too little measured: %d and %d answers, %v and %v CPU", ref.answers, row.answers, ref.cpu, row.cpu)
	}
	return Throughput{
		PerSecond: row.rate() / ref.rate(),
		PerCPU:    row.perCPU() / ref.perCPU(),
	}, nil
}

// Throughput compares a row's server with plain net/http.
type Throughput struct {
	// PerSecond is the ratio of answers per second of wall time: what a
	// client sees, but disturbed by anything else the machine's cores run.
	PerSecond float64
	// PerCPU is the ratio of answers per second of the server's own CPU
	// time (utime+stime): its cost per request, steady under other load.
	PerCPU float64
}

// throughputServer is one server of a throughput comparison and its counts.
type throughputServer struct {
	url     string
	pid     int
	answers int
	busy    time.Duration // wall time of the counted turns
	cpu     time.Duration // the server's CPU time in the counted turns
}

// startIdle starts bin with a handler that does no work and waits for it
// to answer.
func startIdle(tr *proc.Tracker, bin string, timeout time.Duration, log io.Writer) (throughputServer, error) {
	addr, err := testsupport.FindFreeAddr()
	if err != nil {
		return throughputServer{}, err
	}
	url := "http://" + addr + "/"
	leader, err := tr.Start(bin, []string{"-addr", addr, "-delay", "0s"}, log, false)
	if err != nil {
		return throughputServer{}, err
	}
	g, err := waitServing(url, tr, leader, false, newObserver(), timeout)
	if err != nil {
		return throughputServer{}, err
	}
	return throughputServer{url: url, pid: g.host}, nil
}

// turn loads the server with keep-alive GETs for one slice and, if count,
// adds what it answered.
func (s *throughputServer) turn(workers int, count bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), throughputSlice)
	defer cancel()
	cpu0, err := testsupport.CPUTime(s.pid)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(s.url, []testsupport.Mode{testsupport.KeepAliveGET}, workers)
	if err != nil {
		return err
	}
	res := testsupport.Run(ctx, cfg)
	if f := res.AllFailed(); f.Total() > 0 {
		return fmt.Errorf("throughput run of %s: %v failed requests, e.g. %v", s.url, f, res.Samples)
	}
	cpu1, err := testsupport.CPUTime(s.pid)
	if err != nil {
		return err
	}
	if count {
		s.answers += res.Successes()
		s.busy += res.End.Sub(res.Start)
		s.cpu += cpu1 - cpu0
	}
	return nil
}

// perCPU is the answers per second of the server's CPU time.
func (s *throughputServer) perCPU() float64 { return float64(s.answers) / s.cpu.Seconds() }

// rate is the answers per second over the counted turns.
func (s *throughputServer) rate() float64 {
	if s.busy == 0 {
		return 0
	}
	return float64(s.answers) / s.busy.Seconds()
}
