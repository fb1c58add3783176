package proc

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// census remembers the process group of every pid seen in /proc, so that
// counting a tracker's processes reads one directory listing and the stat
// of the tracked processes and of new pids only: cheap enough to repeat
// every few milliseconds beside a benchmark.
type census struct {
	mu   sync.Mutex
	pgOf map[int]int // pid -> process group, for pids seen in /proc
}

// CountLive returns the number of live (not zombie) processes of every
// group started. Like Live, whatever pid a restart library gave them.
func (t *Tracker) CountLive() (int, error) {
	t.mu.Lock()
	groups := make(map[int]bool, len(t.groups))
	for g := range t.groups {
		groups[g] = true
	}
	t.mu.Unlock()
	d, err := os.Open("/proc")
	if err != nil {
		return 0, fmt.Errorf("list processes: %w", err)
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return 0, fmt.Errorf("list processes: %w", err)
	}
	c := &t.census
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pgOf == nil {
		c.pgOf = map[int]int{}
	}
	self := os.Getpid()
	present := make(map[int]bool, len(names))
	n := 0
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		present[pid] = true
		if pg, ok := c.pgOf[pid]; ok && !groups[pg] {
			continue // another group: process groups do not change under the benchmark
		}
		st, err := testsupport.Stat(pid)
		if err != nil {
			continue // gone meanwhile
		}
		// A process Start just forked may not have moved to its own group
		// yet (Setpgid runs between fork and exec): look at it again.
		if st.PPID != self {
			c.pgOf[pid] = st.PGID
		}
		if groups[st.PGID] && st.State != 'Z' && st.State != 'X' {
			n++
		}
	}
	for pid := range c.pgOf {
		if !present[pid] {
			delete(c.pgOf, pid)
		}
	}
	return n, nil
}

// Peak counts the tracker's live processes every interval, from now until
// the returned stop is called, and stop returns the most seen at once. A
// process that lives less than interval may be missed.
func (t *Tracker) Peak(interval time.Duration) (stop func() int) {
	done := make(chan struct{})
	result := make(chan int, 1)
	go func() {
		most := 0
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			if n, err := t.CountLive(); err == nil && n > most {
				most = n
			}
			select {
			case <-done:
				result <- most
				return
			case <-tick.C:
			}
		}
	}()
	return func() int {
		close(done)
		return <-result
	}
}
