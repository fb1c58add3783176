package graceful

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"
)

// drainAndExit drains every server within DrainTimeout; then an old
// process after a handover ends (afterHandover), and a stopping one exits 0
// unless the app handles its own stop. Nothing of the app's stop path runs
// before the drain has ended.
func (p *process) drainAndExit(handover bool) {
	cfg := p.config()
	ctx, cancel := context.WithTimeout(context.Background(), cfg.DrainTimeout)
	defer cancel()
	p.drain(ctx, handover)
	if handover {
		p.afterHandover()
	}
	p.mu.Lock()
	exiting := p.exiting
	p.mu.Unlock()
	if exiting {
		os.Exit(0)
	}
}

// drain stops the process without losing a request, in an order measured to
// be safe (a bare http.Server.Shutdown right after a handover loses some):
//
//  1. close the listeners and wait for every Serve loop to return, so that
//     no connection is accepted and then dropped by a shutting-down server
//     (a ServeStopper server is told to GracefulStop instead);
//  2. run the shutdown hooks; keep serving the open connections for a moment (keepAliveLinger, then
//     while connections remain, up to maxKeepAliveLinger more), answering
//     every request with "Connection: close", so that keep-alive connections
//     end cleanly. (Server.SetKeepAlivesEnabled(false) would do the same but
//     also closes the connections idle at that instant, which a client may
//     be reusing right then: measured, it loses requests.)
//  3. http.Server.Shutdown on every server the runtime knows (not only
//     those the app's own stop path would shut); the shutdown hooks ran
//     as the linger began;
//  4. wait for the connections still tracked (hijacked ones, until their
//     owner closes them) and the servers stopping gracefully, and at the
//     deadline close the servers and every tracked connection (Stop for
//     the ServeStopper servers).
//
// No stop code of the app runs before it returns: after a handover the
// app's SIGTERM path runs, if at all, only once everything drained
// (afterHandover), so an os.Exit there cuts nothing.
//
// It closes drainDone when it returns.
func (p *process) drain(ctx context.Context, handover bool) error {
	defer close(p.drainDone)
	start := time.Now()
	servers := p.serverList()
	logEvent("draining", "handover", handover, "servers", len(servers), "connections", p.conns.count())

	for _, l := range p.openListeners() {
		if handover {
			l.keepSocketFile()
		}
		l.Close()
	}
	p.stopPacketServers()
	select {
	case <-p.loops.none():
	case <-ctx.Done():
	}

	p.linger(ctx)
	shutdownAll(ctx, servers)

	select {
	case <-p.conns.idle():
	case <-ctx.Done():
	}
	if ctx.Err() != nil {
		return p.closeAtDeadline(ctx, servers, start)
	}
	logEvent("drained", "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// linger runs the shutdown hooks and keeps the servers answering for the
// keep-alive linger (step 3 of drain), longer while connections remain.
func (p *process) linger(ctx context.Context) {
	// The shutdown hooks run now, as the linger begins: hijacked
	// connections (websockets; x/net h2c connections, which the h2c shim's
	// hook sends GOAWAY) then end while the linger goes on instead of
	// holding it to its end.
	p.mu.Lock()
	hooks := append([]func(){}, p.hooks...)
	p.mu.Unlock()
	// Lingering first: a client told to go by a hook may send its next
	// request at once, and that request must be answered with
	// "Connection: close".
	p.startLingering()
	for _, h := range hooks {
		go h()
	}

	linger := time.NewTimer(keepAliveLinger)
	select {
	case <-linger.C:
	case <-ctx.Done():
		linger.Stop()
	}
	// Go on lingering while connections remain, so that idle keep-alive
	// connections are ended by their client or by a "Connection: close"
	// answer rather than closed under a request (see maxKeepAliveLinger).
	// Half the drain time left at most: the shutdown hooks (telling hijacked
	// connections to end) need the rest.
	extra := maxKeepAliveLinger
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline)/2 < extra {
		extra = time.Until(deadline) / 2
	}
	more := time.NewTimer(extra)
	select {
	case <-p.conns.idle():
	case <-more.C:
	case <-ctx.Done():
	}
	more.Stop()
}

// closeAtDeadline closes the servers and every connection still tracked
// once the drain deadline passed (step 4 of drain), and says how many.
func (p *process) closeAtDeadline(ctx context.Context, servers []*http.Server, start time.Time) error {
	// Count before Server.Close, which closes the plain connections too.
	n := p.conns.count()
	for _, s := range servers {
		s.Close()
	}
	// Server.Close closed the connections net/http owns: what is left
	// was hijacked (websockets, h2c).
	if hijacked := p.conns.closeAll(); hijacked > 0 {
		logWarning("drain deadline: hijacked connections closed", "hijacked", hijacked,
			"hint", "end them through OnShutdown (a websocket close frame) before DrainTimeout")
	}
	logFailure("drained", "took", time.Since(start).Round(time.Millisecond), "closed", n)
	return fmt.Errorf("drain deadline passed, %d connections closed: %w", n, ctx.Err())
}

// appStopGrace bounds how long an old process whose app's stop path runs
// after the handover (AppStopAfterHandover) waits for that path to end the
// process before it exits by itself.
const appStopGrace = 5 * time.Second

// shutdownAll runs http.Server.Shutdown on every server at once.
func shutdownAll(ctx context.Context, servers []*http.Server) {
	var wg sync.WaitGroup
	for _, s := range servers {
		wg.Add(1)
		go func(s *http.Server) {
			defer wg.Done()
			s.Shutdown(ctx)
		}(s)
	}
	wg.Wait()
}
