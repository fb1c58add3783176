package harness

import (
	"sync"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// observer remembers every server generation that answered and when it
// first did, so that a restart's handover is the time from the signal to the
// first answer of a generation not seen before it.
type observer struct {
	mu    sync.Mutex
	gens  map[string]seen
	conns []connSample // every fresh connection answered, for the exclusive handover
}

// seen is what is known of one generation.
type seen struct {
	Gen   string
	PID   int // as the server sees itself
	First time.Time
}

func newObserver() *observer { return &observer{gens: map[string]seen{}} }

// observe records an answer; it is testsupport.Config.Observe.
func (o *observer) observe(a testsupport.Answer) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.gens[a.Gen]; !ok {
		o.gens[a.Gen] = seen{Gen: a.Gen, PID: a.PID, First: a.At}
	}
	if a.Fresh {
		o.conns = append(o.conns, connSample{At: a.Conn, Gen: a.Gen})
	}
}

// freshConns returns every fresh connection answered so far.
func (o *observer) freshConns() []connSample {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]connSample(nil), o.conns...)
}

// known returns the set of generations seen so far.
func (o *observer) known() map[string]bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	k := make(map[string]bool, len(o.gens))
	for g := range o.gens {
		k[g] = true
	}
	return k
}

// firstNew returns the generation first seen earliest among those not in
// known, if any.
func (o *observer) firstNew(known map[string]bool) (seen, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var best seen
	found := false
	for g, s := range o.gens {
		if !known[g] && (!found || s.First.Before(best.First)) {
			best, found = s, true
		}
	}
	return best, found
}

// pids returns the pids (as the servers see themselves) of every
// generation that ever answered.
func (o *observer) pids() map[int]bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	p := map[int]bool{}
	for _, s := range o.gens {
		p[s.PID] = true
	}
	return p
}
