package graceful

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// The default ReadHeaderTimeout and IdleTimeout without a cost per request.
//
// Given those timeouts, net/http sets a read deadline on the connection three
// times per request (idle, then headers, then none), each a runtime timer
// added, moved or removed and a clock read: measured, that was most of
// the runtime's cost per request on tiny responses. For a server served by
// ServerServe (or the drop-ins that listen) on the listener the runtime
// gave, with neither TLS nor unencrypted HTTP/2, the runtime leaves the
// server's timeout fields as they are and enforces its defaults itself: one
// sweeper goroutine, every sweepPeriod, looks at the connections the runtime
// tracks through ConnState anyway, by the state net/http last reported, and
// closes
//
//   - a connection still new (no request header read yet) after the read
//     header timeout: the slow-loris client of a first request;
//   - an idle keep-alive connection after the idle timeout;
//   - an idle connection on which the client began a request (data arrived
//     since it went idle, as TCP_INFO says on Linux) that has not completed
//     its headers within the read header timeout: the slow-loris client of
//     a later request. Elsewhere such a client is bounded by the idle
//     timeout.
//
// What a request pays is two ConnState calls (active, idle), each a
// lock-free lookup of the connection's record (connTable) and one atomic
// store of its state and change count: no clock read, no lock, no
// allocation. The sweeper reads the clock itself: a state it sees for the
// first time dates from when it saw it, which is at most one sweep after
// net/http reported it and never before. So a connection is closed at most
// two sweep periods (a tenth of the timeout) after its limit, never
// before. Recording a connection (new, closed) takes the sweeper's lock and
// one clock read, and allocates nothing once the records of as many
// connections as were open at once exist. Timeouts the program set itself
// stay net/http's.

// connLimits are the timeouts the sweeper enforces on a server's
// connections; zero is none.
type connLimits struct {
	header, idle time.Duration
}

// sweepState is the state of a connection as the sweeper sees it: the low
// two bits of a stamp, above which the stamp counts the state changes.
const (
	sweepNew uint64 = iota
	sweepActive
	sweepIdle
)

// sweepState is the sweeper's state for net/http's StateActive or
// StateIdle.
func sweepState(s http.ConnState) uint64 {
	if s == http.StateActive {
		return sweepActive
	}
	return sweepIdle
}

// nextStamp returns the stamp after old for a change to state: the count
// goes up, so that the sweeper tells a change from no change even when the
// state is the same again (idle, active, idle between two sweeps).
func nextStamp(old, state uint64) uint64 { return (old>>2+1)<<2 | state }

// sweepBase is the origin of the sweeper's monotonic clock.
var sweepBase = time.Now()

// sweepNow reads the monotonic clock: nanoseconds since sweepBase.
func sweepNow() int64 { return int64(time.Since(sweepBase)) }

// sweptConn is a connection the sweeper watches. Records are reused, so
// that watching a connection allocates nothing in the steady state. A
// record is larger than a cache line, so the stamps of two records, which
// two cores write at every request, never share one
// (BenchmarkRuntimePerRequest/connstate-parallel).
type sweptConn struct {
	key   atomic.Uintptr // connKey(c); 0 while the record is not in the table
	stamp atomic.Uint64  // the state net/http last reported, and the count of changes

	// The sweeper's own, guarded by sweeper.mu.
	c     net.Conn
	lim   connLimits
	seen  uint64 // the stamp last seen
	since int64  // when seen first: not before net/http reported it
	// The idle stamp under which the client was seen sending, and since
	// when.
	partialStamp uint64
	partialSince int64
	probed       int64      // when TCP_INFO was last asked
	next         *sweptConn // the free list
}

// sweeper holds the connections of the servers whose timeouts the runtime
// enforces.
type sweeper struct {
	hot     *sweepHot // the table; never nil once init ran
	mu      sync.Mutex
	servers map[*http.Server]connLimits
	period  time.Duration // 0 until the sweeper runs
	live    int           // records in the table
	used    int           // slots not nil (records and tombstones)
	free    *sweptConn    // records to reuse
	// Reused by sweep, which alone touches them.
	closing []net.Conn
	probes  []slowProbe
	fresh   []*sweptConn
}

// sweepHot is what a request of a swept server reads (the table pointer,
// the table, its slots, and the records of the first connections), in one
// allocation that Go's allocator keeps within one memory page (at most
// 2 KiB: objects of a size class up to 8 KiB are aligned to their class
// size within page-aligned spans; TestSweepHotFitsInOnePage).
//
// Why: the lookup is a few loads, yet each load of memory that nothing else
// of a request touches can miss the cache and the TLB (more so where a
// client shares the cores, and in a virtual machine, whose page walks are
// nested): sampled with perf on a loaded 2-core VM, the slot and record
// loads were nearly all of the lookup's cost, about 200 ns a request, when
// the table header, slots and records lay on three pages and the table
// pointer on a fourth (the tracker's). Tables that grow past minTableSize
// and records past hotRecords are allocated apart, as before.
type sweepHot struct {
	table atomic.Pointer[connTable] // nil until some server is swept
	first connTable                 // the first table, over slots
	slots [minTableSize]atomic.Pointer[sweptConn]
	recs  [hotRecords]sweptConn // the free list's first records
}

// hotRecords is how many records sweepHot holds: as many as keep it within
// 2 KiB.
const hotRecords = 15

// init gives w its hot block, its first records on the free list.
func (w *sweeper) init() {
	h := new(sweepHot)
	h.first = connTable{slots: h.slots[:], shift: tableShift(len(h.slots))}
	for i := len(h.recs) - 1; i >= 0; i-- {
		h.recs[i].next = w.free
		w.free = &h.recs[i]
	}
	w.hot = h
}

// sweepPeriod bounds the sweeper's period: a twentieth of the shortest limit
// within these bounds, so that two sweeps are at most a tenth of it.
const (
	minSweepPeriod = 5 * time.Millisecond
	maxSweepPeriod = 500 * time.Millisecond
)

// adopt takes over the default timeouts of srv: the timeouts its zero fields
// would get (see applyTimeouts) are enforced by the sweeper instead. Once
// per server; it reports whether srv is swept.
func (w *sweeper) adopt(srv *http.Server, cfg Config) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.servers == nil {
		w.servers = map[*http.Server]connLimits{}
	}
	if _, ok := w.servers[srv]; ok {
		return true
	}
	var lim connLimits
	if srv.ReadHeaderTimeout == 0 && srv.ReadTimeout == 0 {
		lim.header = cfg.ReadHeaderTimeout
	}
	if srv.IdleTimeout == 0 && srv.ReadTimeout == 0 {
		lim.idle = cfg.IdleTimeout
	}
	w.servers[srv] = lim
	if w.hot.table.Load() == nil {
		w.hot.table.Store(&w.hot.first)
	}
	for _, d := range []time.Duration{lim.header, lim.idle} {
		if d <= 0 {
			continue
		}
		p := min(max(d/20, minSweepPeriod), maxSweepPeriod)
		if w.period == 0 {
			w.period = p
			go w.run(p)
		} else if p < w.period {
			w.period = p
		}
	}
	return true
}

// swept reports whether the sweeper enforces srv's default timeouts.
func (w *sweeper) swept(srv *http.Server) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, ok := w.servers[srv]
	return ok
}

// state records a state change of c, a connection of srv. Called by
// net/http on the connection's goroutine (StateNew on the accept loop's,
// before that goroutine starts), so each record has one writer at a time.
func (w *sweeper) state(srv *http.Server, c net.Conn, s http.ConnState) {
	if w.hot.table.Load() == nil {
		return // no server is swept
	}
	switch s {
	case http.StateActive, http.StateIdle:
		w.hot.mark(c, sweepState(s))
	case http.StateNew:
		w.add(srv, c, sweepNow())
	case http.StateHijacked, http.StateClosed:
		w.remove(c)
	}
}

// mark records that c, if watched, is now active or idle: what a request
// costs, two lookups without a lock and two atomic stores, reading only h
// where the table has not grown.
func (h *sweepHot) mark(c net.Conn, state uint64) {
	tab := h.table.Load()
	if tab == nil {
		return // no server is swept
	}
	if r := tab.find(connKey(c)); r != nil {
		r.stamp.Store(nextStamp(r.stamp.Load(), state))
	}
}

// add starts watching c, a new connection of srv, at now.
func (w *sweeper) add(srv *http.Server, c net.Conn, now int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	lim, ok := w.servers[srv]
	if !ok || (lim.header <= 0 && lim.idle <= 0) {
		return
	}
	r := w.free
	if r == nil {
		// A few records at once: one allocation for several connections.
		chunk := make([]sweptConn, 16)
		for i := range chunk[1:] {
			chunk[i+1].next = w.free
			w.free = &chunk[i+1]
		}
		r = &chunk[0]
	} else {
		w.free = r.next
	}
	r.next = nil
	r.c, r.lim = c, lim
	r.seen = nextStamp(r.stamp.Load(), sweepNew) // the count goes on: a reused record's stamps stay distinct
	r.stamp.Store(r.seen)
	r.since = now
	r.partialStamp, r.partialSince, r.probed = 0, 0, 0
	w.insertLocked(r, connKey(c))
}

// remove stops watching c (closed or hijacked) and keeps its record for
// reuse: only c's own goroutine, which reports nothing more of it, finds it.
func (w *sweeper) remove(c net.Conn) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if r := w.deleteLocked(connKey(c)); r != nil {
		r.c = nil
		r.next = w.free
		w.free = r
	}
}

// run sweeps for ever: the process serves.
func (w *sweeper) run(period time.Duration) {
	for {
		time.Sleep(period)
		w.sweep(sweepNow)
		w.mu.Lock()
		period = w.period
		w.mu.Unlock()
	}
}

// slowProbe is an idle connection past the read header timeout, whose
// client may have begun a request: TCP_INFO tells, outside the lock.
type slowProbe struct {
	r     *sweptConn
	key   uintptr
	stamp uint64
	c     net.Conn
	age   time.Duration // idle at least that long at the sweep
	// What TCP_INFO said: data last arrived dataAgo before at (or it
	// could not tell).
	dataAgo time.Duration
	told    bool
	at      int64
}

// sweep closes the connections past their limits, on clock (sweepNow but
// in tests).
func (w *sweeper) sweep(clock func() int64) {
	now := clock()
	w.mu.Lock()
	tab := w.hot.table.Load()
	if tab == nil {
		w.mu.Unlock()
		return
	}
	for i := range tab.slots {
		r := tab.slots[i].Load()
		if r == nil || r == tombstone {
			continue
		}
		st := r.stamp.Load()
		if st != r.seen {
			// A change since the last sweep: it dates from no later than
			// the clock read once every stamp is read; nothing is over a
			// limit yet.
			r.seen = st
			w.fresh = append(w.fresh, r)
			continue
		}
		age := time.Duration(now - r.since)
		var over bool
		switch st & 3 {
		case sweepNew:
			over = r.lim.header > 0 && age > r.lim.header
		case sweepIdle:
			over = r.lim.idle > 0 && age > r.lim.idle
			// A system call per idle connection: every tenth of the read
			// header timeout (every other sweep) is enough for the bound.
			if !over && r.lim.header > 0 && age > r.lim.header && time.Duration(now-r.probed) >= r.lim.header/10 {
				r.probed = now
				w.probes = append(w.probes, slowProbe{r: r, key: r.key.Load(), stamp: st, c: r.c, age: age})
			}
		}
		if over {
			w.closing = append(w.closing, r.c)
			w.dropLocked(r)
		}
	}
	seen := clock()
	for i, r := range w.fresh {
		r.since = seen
		w.fresh[i] = nil
	}
	w.fresh = w.fresh[:0]
	w.mu.Unlock()
	for i, c := range w.closing {
		rawConn(c).Close()
		w.closing[i] = nil
	}
	w.closing = w.closing[:0]
	if len(w.probes) > 0 {
		w.probeSlowHeaders(clock)
	}
}

// probeSlowHeaders closes the probed connections whose client began a
// request that has not completed its headers within the read header
// timeout.
func (w *sweeper) probeSlowHeaders(clock func() int64) {
	// The system calls outside the lock: the accept loop takes it for
	// every new connection.
	for i := range w.probes {
		p := &w.probes[i]
		p.dataAgo, p.told = lastReceived(p.c)
		p.at = clock()
	}
	w.mu.Lock()
	for _, p := range w.probes {
		r := p.r
		// The record may have been reused (its connection closed, another
		// added) or its connection active again since.
		if r.key.Load() != p.key || r.stamp.Load() != p.stamp || r.c != p.c {
			continue
		}
		// TCP_INFO counts in jiffies (10ms where HZ is 100), rounded
		// down: data counts as a new request only when it surely arrived
		// after the connection went idle (at least age before the sweep).
		if !p.told || p.dataAgo >= p.age-20*time.Millisecond {
			continue // nothing arrived since it went idle (or cannot tell)
		}
		if r.partialStamp != p.stamp {
			r.partialStamp, r.partialSince = p.stamp, p.at-int64(p.dataAgo)
		}
		if time.Duration(p.at-r.partialSince) > r.lim.header {
			w.closing = append(w.closing, r.c)
			w.dropLocked(r)
		}
	}
	w.mu.Unlock()
	for i := range w.probes {
		w.probes[i] = slowProbe{}
	}
	w.probes = w.probes[:0]
	for i, c := range w.closing {
		rawConn(c).Close()
		w.closing[i] = nil
	}
	w.closing = w.closing[:0]
}

// dropLocked takes r, whose connection the sweeper closes, out of the table
// for good: its connection's goroutine may still be about to store a state
// in it, so it is not reused.
func (w *sweeper) dropLocked(r *sweptConn) {
	w.deleteLocked(r.key.Load())
	r.c = nil
}

// connKey identifies a connection by the pointer in its interface value:
// net/http passes the same value (its conn.rwc) for every state of a
// connection, and a record keeps the connection, so the pointer stays
// unique while the record is in the table.
func connKey(c net.Conn) uintptr {
	return uintptr((*[2]unsafe.Pointer)(unsafe.Pointer(&c))[1])
}

// connTable maps connKey to record, open addressing with linear probing.
// Finding takes no lock: slots and keys are read atomically. Changes are
// made under sweeper.mu; a table that fills is copied into a larger one,
// which replaces it, and records are shared by both, so that a goroutine
// still probing the old one finds its record there all the same.
type connTable struct {
	slots []atomic.Pointer[sweptConn]
	shift uint // 64 - log2(len(slots))
}

// tombstone marks a slot whose record was removed: probing goes on past it.
var tombstone = new(sweptConn)

const minTableSize = 64

func newConnTable(size int) *connTable {
	shift := tableShift(size)
	return &connTable{slots: make([]atomic.Pointer[sweptConn], 1<<(64-shift)), shift: shift}
}

// tableShift is connTable.shift for a table of at least size slots (a power
// of two).
func tableShift(size int) uint {
	shift := uint(64)
	for n := 1; n < size; n <<= 1 {
		shift--
	}
	return shift
}

// home is the first slot to probe for key: Fibonacci hashing of the pointer.
func (t *connTable) home(key uintptr) int {
	return int(uint64(key) * 0x9E3779B97F4A7C15 >> t.shift)
}

// find returns the record of key, or nil.
func (t *connTable) find(key uintptr) *sweptConn {
	_, r := t.lookup(key)
	return r
}

// lookup returns the record of key and its slot, or nil. The table always
// has an empty slot, which ends the probing.
func (t *connTable) lookup(key uintptr) (int, *sweptConn) {
	mask := len(t.slots) - 1
	for i := t.home(key); ; i = (i + 1) & mask {
		r := t.slots[i].Load()
		if r == nil {
			return -1, nil
		}
		if r.key.Load() == key {
			return i, r
		}
	}
}

// insertLocked adds r under key, growing the table first when three
// quarters of its slots would be in use.
func (w *sweeper) insertLocked(r *sweptConn, key uintptr) {
	t := w.hot.table.Load()
	if (w.used+1)*4 > len(t.slots)*3 {
		t = w.rehashLocked(t)
	}
	r.key.Store(key)
	mask := len(t.slots) - 1
	for i := t.home(key); ; i = (i + 1) & mask {
		switch t.slots[i].Load() {
		case nil:
			w.used++
			fallthrough
		case tombstone:
			t.slots[i].Store(r)
			w.live++
			return
		}
	}
}

// rehashLocked copies the records of t into a new table with room for
// twice as many, and publishes it; the tombstones stay behind.
func (w *sweeper) rehashLocked(t *connTable) *connTable {
	size := minTableSize
	for size < (w.live+1)*4 {
		size <<= 1
	}
	n := newConnTable(size)
	mask := len(n.slots) - 1
	for i := range t.slots {
		r := t.slots[i].Load()
		if r == nil || r == tombstone {
			continue
		}
		j := n.home(r.key.Load())
		for n.slots[j].Load() != nil {
			j = (j + 1) & mask
		}
		n.slots[j].Store(r)
	}
	w.used = w.live
	w.hot.table.Store(n)
	return n
}

// deleteLocked takes key's record out of the table and returns it, or nil.
func (w *sweeper) deleteLocked(key uintptr) *sweptConn {
	t := w.hot.table.Load()
	if t == nil || key == 0 {
		return nil
	}
	i, r := t.lookup(key)
	if r == nil {
		return nil
	}
	r.key.Store(0)
	w.live--
	mask := len(t.slots) - 1
	if t.slots[(i+1)&mask].Load() != nil {
		t.slots[i].Store(tombstone) // probing must go on past it
		return r
	}
	// No probing goes on past an empty slot, so the slot, and the
	// tombstones before it, can be empty again: tombstones do not pile up
	// until the table is copied (an allocation) as connections come and go.
	t.slots[i].Store(nil)
	w.used--
	for j := (i - 1) & mask; t.slots[j].Load() == tombstone; j = (j - 1) & mask {
		t.slots[j].Store(nil)
		w.used--
	}
	return r
}
