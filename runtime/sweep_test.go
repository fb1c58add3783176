package graceful

import (
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"
	"unsafe"
)

// sweptServer returns a tracker whose sweeper enforces lim on srv's
// connections, with srv's ConnState hooked, but no sweeper goroutine: the
// test sweeps itself, at the times it chooses.
func sweptServer(lim connLimits) (*tracker, *http.Server) {
	tr := newTracker()
	srv := &http.Server{}
	tr.sweep.servers = map[*http.Server]connLimits{srv: lim}
	tr.sweep.hot.table.Store(&tr.sweep.hot.first)
	tr.hook(srv)
	return tr, srv
}

// pipeClosed reports whether the sweeper closed the server end of a pipe.
func pipeClosed(client net.Conn) bool {
	client.SetWriteDeadline(time.Now().Add(time.Millisecond))
	_, err := client.Write([]byte{0})
	return errors.Is(err, io.ErrClosedPipe)
}

// TestConnStateAllocatesNothing: what the runtime does as net/http reports
// a connection's states (tracker and sweeper) allocates nothing per request,
// and nothing per connection once it has seen as many open at once.
func TestConnStateAllocatesNothing(t *testing.T) {
	tr, srv := sweptServer(connLimits{header: time.Hour, idle: 2 * time.Hour})
	conns := make([]net.Conn, 200)
	for i := range conns {
		c, peer := net.Pipe()
		defer c.Close()
		defer peer.Close()
		conns[i] = c
	}
	i := 0
	open := func() {
		for _, c := range conns[:50] {
			srv.ConnState(c, http.StateNew)
		}
	}
	open()
	perRequest := testing.AllocsPerRun(1000, func() {
		c := conns[i%50]
		i++
		srv.ConnState(c, http.StateActive)
		srv.ConnState(c, http.StateIdle)
	})
	if perRequest != 0 {
		t.Errorf("%v allocations per request", perRequest)
	}
	// A connection closes, another opens: the tracker's map and the
	// sweeper's records and table are reused. Counted over all of them, not
	// rounded down per connection as AllocsPerRun does: a table copied now
	// and then would show.
	churn := func(n int) {
		for k := 0; k < n; k++ {
			c := conns[50+i%150]
			i++
			srv.ConnState(c, http.StateNew)
			srv.ConnState(c, http.StateActive)
			srv.ConnState(c, http.StateIdle)
			srv.ConnState(c, http.StateClosed)
		}
	}
	churn(1000) // warm up
	// MemStats counts the whole process: a goroutine a test before this one
	// left draining may allocate during a window. The fewest of a few
	// windows is this code's own: an allocation per connection, or a table
	// copied now and then, shows in every window.
	fewest := uint64(math.MaxUint64)
	for try := 0; try < 5 && fewest != 0; try++ {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		churn(10000)
		runtime.ReadMemStats(&after)
		fewest = min(fewest, after.Mallocs-before.Mallocs)
	}
	if fewest != 0 {
		t.Errorf("%d allocations for 10000 connections (the fewest of 5 tries)", fewest)
	}
	sweeps := testing.AllocsPerRun(100, func() { tr.sweep.sweep(sweepNow) })
	if sweeps != 0 {
		t.Errorf("%v allocations per sweep", sweeps)
	}
	if n := tr.count(); n != 50 {
		t.Errorf("tracker counts %d connections, want 50", n)
	}
}

// TestSweeperNeverClosesBeforeTheLimitAndWithinTwoSweeps: a connection that
// went idle at some moment between two sweeps is closed neither at a sweep
// before its idle timeout has passed since that moment, nor later than two
// sweep periods after; a new connection likewise for the read header
// timeout; an active one never.
func TestSweeperNeverClosesBeforeTheLimitAndWithinTwoSweeps(t *testing.T) {
	const (
		period = int64(100 * time.Millisecond)
		header = 1 * time.Second
		idle   = 3 * time.Second
	)
	for _, offset := range []int64{1, period / 2, period - 1} {
		tr, srv := sweptServer(connLimits{header: header, idle: idle})
		w := &tr.sweep
		newC, newPeer := net.Pipe()
		idleC, idlePeer := net.Pipe()
		activeC, activePeer := net.Pipe()
		defer newC.Close()
		defer idleC.Close()
		defer activeC.Close()
		base := sweepNow()
		for _, c := range []net.Conn{newC, idleC, activeC} {
			srv.ConnState(c, http.StateNew)
		}
		srv.ConnState(activeC, http.StateActive)
		srv.ConnState(idleC, http.StateActive)
		// The sweeps are at base+k*period+offset on the sweeper's clock;
		// the connection went idle just before the first one.
		idleAt := sweepNow()
		srv.ConnState(idleC, http.StateIdle)
		closedAt := map[net.Conn]int64{}
		for k := int64(0); k < 60; k++ {
			now := base + k*period + offset
			if now < idleAt {
				continue
			}
			w.sweep(func() int64 { return now })
			for c, peer := range map[net.Conn]net.Conn{newC: newPeer, idleC: idlePeer, activeC: activePeer} {
				if _, done := closedAt[c]; !done && pipeClosed(peer) {
					closedAt[c] = now
				}
			}
		}
		check := func(what string, c net.Conn, from int64, limit time.Duration) {
			at, ok := closedAt[c]
			switch {
			case !ok:
				t.Errorf("offset %v: %s connection never closed", time.Duration(offset), what)
			case at-from <= int64(limit):
				t.Errorf("offset %v: %s connection closed %v after, not past its %v limit", time.Duration(offset), what, time.Duration(at-from), limit)
			case at-from > int64(limit)+2*period+int64(10*time.Millisecond):
				t.Errorf("offset %v: %s connection closed %v after, more than two sweeps past its %v limit", time.Duration(offset), what, time.Duration(at-from), limit)
			}
		}
		check("new", newC, base, header)
		check("idle", idleC, idleAt, idle)
		if at, ok := closedAt[activeC]; ok {
			t.Errorf("offset %v: active connection closed after %v", time.Duration(offset), time.Duration(at-base))
		}
	}
}

// TestSweeperSeesAChangeBackToTheSameState: a connection that is idle at
// every sweep, but served a request between each two, is not idle for
// long: its idle timeout runs from its last request.
func TestSweeperSeesAChangeBackToTheSameState(t *testing.T) {
	tr, srv := sweptServer(connLimits{idle: 300 * time.Millisecond})
	c, peer := net.Pipe()
	defer c.Close()
	srv.ConnState(c, http.StateNew)
	now := sweepNow()
	for k := 0; k < 20; k++ {
		srv.ConnState(c, http.StateActive)
		srv.ConnState(c, http.StateIdle)
		now += int64(100 * time.Millisecond)
		tr.sweep.sweep(func() int64 { return now })
		if pipeClosed(peer) {
			t.Fatalf("closed at sweep %d, 100ms after its last request", k)
		}
	}
}

// TestConnTableFindsEveryRecordWhileItChanges: lookups without the lock
// find each live connection's record while others are added and removed
// and the table grows and is rebuilt (run with -race).
func TestConnTableFindsEveryRecordWhileItChanges(t *testing.T) {
	tr, srv := sweptServer(connLimits{header: time.Hour})
	const workers, rounds = 4, 300
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []net.Conn
			for r := 0; r < rounds; r++ {
				c, peer := net.Pipe()
				defer c.Close()
				defer peer.Close()
				tr.sweep.state(srv, c, http.StateNew)
				mine = append(mine, c)
				for _, m := range mine {
					rec := tr.sweep.hot.table.Load().find(connKey(m))
					if rec == nil || rec.c != m {
						errs <- errors.New("a live connection's record not found")
						return
					}
					tr.sweep.state(srv, m, http.StateActive)
				}
				if r%3 == 2 { // close the oldest two of three
					for _, m := range mine[:2] {
						tr.sweep.state(srv, m, http.StateClosed)
						if tr.sweep.hot.table.Load().find(connKey(m)) != nil {
							errs <- errors.New("a closed connection's record still found")
							return
						}
					}
					mine = mine[2:]
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	tr.sweep.mu.Lock()
	live := tr.sweep.live
	tr.sweep.mu.Unlock()
	if want := workers * rounds / 3; live != want {
		t.Errorf("%d records in the table, want %d", live, want)
	}
}

func TestSweepHotFitsInOnePage(t *testing.T) {
	// Go's allocator places an object of up to 2 KiB at a multiple of its
	// size class (itself a divisor of 2 KiB from 256 bytes up) in a span
	// that begins on a page: such an object never crosses a 4 KiB page.
	if size := unsafe.Sizeof(sweepHot{}); size > 2048 {
		t.Errorf("sweepHot takes %d bytes, more than 2 KiB: what a request reads may lie on two pages", size)
	}
	tr, srv := sweptServer(connLimits{idle: time.Hour})
	var conns []net.Conn
	for i := 0; i < hotRecords; i++ {
		c, _ := net.Pipe()
		conns = append(conns, c)
		srv.ConnState(c, http.StateNew)
	}
	hot := tr.sweep.hot
	inHot := func(p unsafe.Pointer) bool {
		return uintptr(p) >= uintptr(unsafe.Pointer(hot)) && uintptr(p) < uintptr(unsafe.Pointer(hot))+unsafe.Sizeof(*hot)
	}
	if tab := hot.table.Load(); !inHot(unsafe.Pointer(tab)) || !inHot(unsafe.Pointer(&tab.slots[0])) {
		t.Errorf("the first table is not in the hot block")
	}
	for _, c := range conns {
		if r := hot.table.Load().find(connKey(c)); r == nil || !inHot(unsafe.Pointer(r)) {
			t.Errorf("the record of one of the first %d connections is not in the hot block", hotRecords)
		}
	}
}
