package testsupport

import (
	"context"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Probe sends GET requests for a path that answers with the serving
// process's pid (the test server's /pid), each on a new connection, from a
// few clients at once, and records who answered each and when it was sent:
// from that, Exclusive tells when a restart's new process alone took the new
// connections.
type Probe struct {
	Target  Target // Path: a path answered with the pid
	Clients int    // concurrent probing clients (default 2)

	mu      sync.Mutex
	answers []ProbeAnswer
}

// ProbeAnswer is one probe: when it was sent, and the pid that answered (0: it
// failed).
type ProbeAnswer struct {
	Sent time.Time
	PID  int
}

// Run probes until ctx is done.
func (p *Probe) Run(ctx context.Context) {
	client := NewClient(p.Target, NewConnGET, 1, 0)
	defer client.CloseIdleConnections()
	url := p.Target.URL(NewConnGET, "")
	var wg sync.WaitGroup
	for i := 0; i < max(p.Clients, 2); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				sent := time.Now()
				pid := 0
				if req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil); err == nil {
					if resp, err := client.Do(req); err == nil {
						b, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						pid, _ = strconv.Atoi(string(b))
					}
				}
				if ctx.Err() != nil {
					return
				}
				p.mu.Lock()
				p.answers = append(p.answers, ProbeAnswer{Sent: sent, PID: pid})
				p.mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// Exclusive returns, for the restart signalled at signalled from process
// old to process nw, how long after the signal the new process answered
// the first probe sent (first answer), and how long after the signal the
// old process answered its last probe sent (exclusive: from then on the
// new process alone takes new connections; it is measured to the sending
// of the first probe after that last one, so that a restart in which the
// old process answered nothing after the signal counts the time to the
// first probe). ok is false when the probes do not show the restart.
//
// Only the probes sent before until (the next restart's signal) count.
func (p *Probe) Exclusive(signalled, until time.Time, old, nw int) (firstAnswer, exclusive time.Duration, ok bool) {
	p.mu.Lock()
	as := append([]ProbeAnswer(nil), p.answers...)
	p.mu.Unlock()
	sort.Slice(as, func(i, j int) bool { return as[i].Sent.Before(as[j].Sent) })
	lastOld := -1
	first := -1
	for i, a := range as {
		if a.Sent.Before(signalled) {
			continue
		}
		if !a.Sent.Before(until) {
			as = as[:i]
			break
		}
		switch a.PID {
		case old:
			lastOld = i
		case nw:
			if first < 0 {
				first = i
			}
		}
	}
	if first < 0 {
		return 0, 0, false
	}
	firstAnswer = as[first].Sent.Sub(signalled)
	next := lastOld + 1
	if lastOld < 0 {
		// Nothing answered by the old process after the signal: the
		// first probe after the signal.
		for next = 0; next < len(as) && as[next].Sent.Before(signalled); next++ {
		}
	}
	if next >= len(as) {
		return firstAnswer, 0, false
	}
	return firstAnswer, as[next].Sent.Sub(signalled), true
}
