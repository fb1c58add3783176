package graceful

import (
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

// start turns the runtime on, once (see begin), and follows a change of the
// restart signal or of AppHandlesStop made since. It returns once SIGTERM
// and SIGINT are caught (unless the program handles its stop), so that no
// Listen or serving call returns before a stop signal drains the process.
func (p *process) start() {
	if p.begin() {
		<-p.stopsCaught
		return
	}
	<-p.stopsCaught
	p.watchRestartSignal()
	p.watchStopSignals()
}

// begin turns the runtime on, once: it records how the process was
// started, acts on what package initialisation noted, and installs the
// signal handlers. It reports whether it did so now. Nothing is logged
// before the process serves (see log.go).
//
// The restart signal is caught before begin returns, so that one that
// arrives during start-up is held; SIGTERM and SIGINT are caught by a
// goroutine (stopsCaught is closed once they are), off the path from exec
// to the first answer of a new process: the Go runtime enables each
// notified signal by a round trip to its signal thread, two thread
// switches per signal, on the main thread locked by package initialisation
// where Configure runs. Until they are caught, a stop signal ends the
// process as it would unconverted, which is what the runtime does with a
// stop signal before the process serves (dieAsUnconverted); start, which
// every Listen and serving call runs, waits for them.
func (p *process) begin() bool {
	now := false
	p.startOnce.Do(func() {
		now = true
		p.exe = recordExecutable()
		readSupervise()
		applyNotes()
		if p.wantsSupervisor() {
			p.supervise() // returns only where supervisor mode is unavailable
		}
		if !canRestart {
			logEvent("restarts are unavailable on this platform, graceful stop only", "os", runtime.GOOS)
		}
		p.sigs = make(chan os.Signal, 8)
		p.stopSigs = make(chan os.Signal, 8)
		p.stopsCaught = make(chan struct{})
		go p.handleSignals()
		p.watchRestartSignal()
		go func() {
			p.watchStopSignals()
			close(p.stopsCaught)
		}()
	})
	return now
}

// watchRestartSignal catches the configured restart signal (and releases a
// restart signal configured before, back to its default action).
func (p *process) watchRestartSignal() {
	if !canRestart {
		return
	}
	sig := p.config().RestartSignal
	p.mu.Lock()
	old := p.restartSig
	p.restartSig = sig
	p.mu.Unlock()
	if old == sig {
		return
	}
	signal.Notify(p.sigs, sig)
	if old != nil && old != syscall.SIGTERM && old != os.Interrupt {
		signal.Reset(old)
	}
}

// watchStopSignals catches SIGTERM and SIGINT, unless the program handles
// its own stop: those signals are then the program's, and the runtime
// drains when the program calls Shutdown.
func (p *process) watchStopSignals() {
	appStops := p.config().AppHandlesStop
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case !appStops && !p.stopWatched:
		signal.Notify(p.stopSigs, syscall.SIGTERM, os.Interrupt)
		p.stopWatched = true
	case appStops && p.stopWatched:
		signal.Stop(p.stopSigs)
		p.stopWatched = false
	}
}

// releaseStopSignals gives SIGTERM and SIGINT back to the program (or to
// their default action).
func (p *process) releaseStopSignals() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopWatched {
		signal.Stop(p.stopSigs)
		p.stopWatched = false
	}
}

// handleSignals acts on the restart and stop signals, and only those.
func (p *process) handleSignals() {
	for {
		select {
		case <-p.sigs:
			p.requestRestart()
		case sig := <-p.stopSigs:
			p.stopSignal(sig)
		}
	}
}

// stopSignal acts on SIGTERM or SIGINT: a process that never served dies
// as it would unconverted; one that serves drains and exits 0.
func (p *process) stopSignal(sig os.Signal) {
	if !p.opened.Load() {
		p.dieAsUnconverted(sig)
		return
	}
	cfg := p.config()
	if cfg.AppHandlesStop {
		return // it arrived as the program took the signal over
	}
	if p.beginStop(true) {
		logEvent("stop requested", "signal", sig.String())
		go func() {
			p.delayStop()
			p.drainAndExit(false)
		}()
	}
}
