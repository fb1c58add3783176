package graceful

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
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
// tracks through ConnState anyway, by the state net/http last reported and
// when (a monotonic clock read, far cheaper than a timer), and closes
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
// A connection is closed at most one sweep period after its limit, never
// before. Timeouts the program set itself stay net/http's.

// connLimits are the timeouts the sweeper enforces on a server's
// connections; zero is none.
type connLimits struct {
	header, idle time.Duration
}

// sweepState is the state of a connection as the sweeper sees it.
const (
	sweepNew uint64 = iota
	sweepActive
	sweepIdle
)

// sweepBase is the origin of the stamps' monotonic clock.
var sweepBase = time.Now()

// sweepNow reads the monotonic clock: nanoseconds since sweepBase.
func sweepNow() int64 { return int64(time.Since(sweepBase)) }

// stamp packs a state and the clock.
func stamp(state uint64, at int64) uint64 { return uint64(at)<<2 | state }

func unstamp(s uint64) (state uint64, at int64) { return s & 3, int64(s >> 2) }

// sweptConn is a connection the sweeper watches.
type sweptConn struct {
	c     net.Conn
	lim   connLimits
	stamp atomic.Uint64 // state and when net/http reported it
	// The sweeper's own: the idle stamp under which the client was seen
	// sending, and since when.
	partialStamp uint64
	partialSince int64
}

// sweeper holds the connections of the servers whose timeouts the runtime
// enforces.
type sweeper struct {
	mu      sync.Mutex
	servers map[*http.Server]connLimits
	period  time.Duration // 0 until the sweeper runs
	conns   sync.Map      // net.Conn -> *sweptConn: lock-free for the per-request stamps
	any     atomic.Bool   // some server is swept
}

// sweepPeriod bounds the sweeper's period: a tenth of the shortest limit
// within these bounds.
const (
	minSweepPeriod = 10 * time.Millisecond
	maxSweepPeriod = time.Second
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
	w.any.Store(true)
	for _, d := range []time.Duration{lim.header, lim.idle} {
		if d <= 0 {
			continue
		}
		p := min(max(d/10, minSweepPeriod), maxSweepPeriod)
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

// state records a state change of c, a connection of srv.
func (w *sweeper) state(srv *http.Server, c net.Conn, s http.ConnState) {
	if !w.any.Load() {
		return
	}
	switch s {
	case http.StateNew:
		w.mu.Lock()
		lim, ok := w.servers[srv]
		w.mu.Unlock()
		if ok && (lim.header > 0 || lim.idle > 0) {
			sc := &sweptConn{c: c, lim: lim}
			sc.stamp.Store(stamp(sweepNew, sweepNow()))
			w.conns.Store(c, sc)
		}
	case http.StateActive:
		if v, ok := w.conns.Load(c); ok {
			v.(*sweptConn).stamp.Store(stamp(sweepActive, sweepNow()))
		}
	case http.StateIdle:
		if v, ok := w.conns.Load(c); ok {
			v.(*sweptConn).stamp.Store(stamp(sweepIdle, sweepNow()))
		}
	case http.StateHijacked, http.StateClosed:
		w.conns.Delete(c)
	}
}

// run sweeps for ever: the process serves.
func (w *sweeper) run(period time.Duration) {
	for {
		time.Sleep(period)
		w.sweep(sweepNow())
		w.mu.Lock()
		period = w.period
		w.mu.Unlock()
	}
}

// sweep closes the connections past their limits at now.
func (w *sweeper) sweep(now int64) {
	w.conns.Range(func(k, v any) bool {
		sc := v.(*sweptConn)
		st := sc.stamp.Load()
		state, at := unstamp(st)
		age := time.Duration(now - at)
		var over bool
		switch state {
		case sweepNew:
			over = sc.lim.header > 0 && age > sc.lim.header
		case sweepIdle:
			over = sc.lim.idle > 0 && age > sc.lim.idle
			if !over && sc.lim.header > 0 && age > sc.lim.header {
				over = sc.slowHeader(st, now, age)
			}
		}
		if over {
			w.conns.Delete(k)
			rawConn(sc.c).Close()
		}
		return true
	})
}

// slowHeader reports whether the client of an idle connection (idle for
// age, under stamp st) began a request that has not completed its headers
// within the read header timeout.
func (sc *sweptConn) slowHeader(st uint64, now int64, age time.Duration) bool {
	since, ok := lastReceived(sc.c)
	// TCP_INFO counts in jiffies (10ms where HZ is 100), rounded down:
	// data counts as a new request only when it surely arrived after the
	// connection went idle.
	if !ok || since >= age-20*time.Millisecond {
		return false // nothing arrived since it went idle (or cannot tell)
	}
	if sc.partialStamp != st {
		sc.partialStamp, sc.partialSince = st, now-int64(since)
	}
	return time.Duration(now-sc.partialSince) > sc.lim.header
}
