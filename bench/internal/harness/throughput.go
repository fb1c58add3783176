package harness

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gracefulgen/gracefulgen/bench/internal/load"
	"github.com/gracefulgen/gracefulgen/bench/internal/proc"
)

// throughputRatio measures the requests per second bin serves against
// those of the plain net/http server reference, in turns (reference, bin,
// bin, reference, ...) so that a change of load on the machine falls on both,
// and returns their ratio. Handlers do no work (-delay 0), so the servers'
// own cost is what is compared.
func (o *Options) throughputRatio(bin, reference string, log io.Writer) (float64, error) {
	var got, ref float64
	for i := 0; i < o.ThroughputRounds; i++ {
		// Odd rounds measure the row first: reference, row, row, reference, ...
		for _, first := range []bool{i%2 == 0, i%2 != 0} {
			if first {
				r, err := o.throughput(reference, log)
				if err != nil {
					return 0, fmt.Errorf("plain net/http reference: %w", err)
				}
				ref += r
				continue
			}
			g, err := o.throughput(bin, log)
			if err != nil {
				return 0, err
			}
			got += g
		}
	}
	if ref == 0 {
		return 0, fmt.Errorf("the plain net/http reference answered nothing")
	}
	return got / ref, nil
}

// throughput starts bin, loads it with keep-alive GETs for
// o.ThroughputFor, and returns the answers per second.
func (o *Options) throughput(bin string, log io.Writer) (perSecond float64, err error) {
	tr := proc.NewTracker()
	defer func() {
		if kerr := tr.KillAll(2 * time.Second); kerr != nil && err == nil {
			err = kerr
		}
	}()
	addr, err := freeAddr()
	if err != nil {
		return 0, err
	}
	url := "http://" + addr + "/"
	leader, err := tr.Start(bin, []string{"-addr", addr, "-delay", "0s"}, log, false)
	if err != nil {
		return 0, err
	}
	if _, err := waitServing(url, tr, leader, false, newObserver(), o.StartTimeout); err != nil {
		return 0, err
	}
	cfg := load.Config{URL: url, Modes: []load.Mode{load.KeepAliveGET}, Workers: 2 * o.Workers}
	warm, stopWarm := context.WithTimeout(context.Background(), o.ThroughputFor/4)
	load.Run(warm, cfg)
	stopWarm()
	ctx, stop := context.WithTimeout(context.Background(), o.ThroughputFor)
	defer stop()
	res := load.Run(ctx, cfg)
	if f := res.AllFailed(); f.Total() > 0 {
		return 0, fmt.Errorf("throughput run of %s: %v failed requests, e.g. %v", bin, f, res.Samples)
	}
	return float64(res.Successes()) / res.End.Sub(res.Start).Seconds(), nil
}
