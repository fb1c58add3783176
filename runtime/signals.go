package graceful

import (
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

// start installs the signal handlers, once; later calls (Configure from
// another package) only follow a change of the restart signal.
func (p *process) start() {
	p.startOnce.Do(func() {
		if p.wantsSupervisor() {
			p.supervise() // returns only where supervisor mode is unavailable
		}
		if p.in.warning != "" {
			logFailure(p.in.warning)
		}
		if !canRestart {
			logEvent("restarts are unavailable on this platform, graceful stop only", "os", runtime.GOOS)
		}
		p.sigs = make(chan os.Signal, 8)
		signal.Notify(p.sigs, syscall.SIGTERM, os.Interrupt)
		go p.handleSignals()
	})
	p.watchRestartSignal()
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
	logEvent("signal handlers installed", "restart", sig.String())
	if old != nil && old != syscall.SIGTERM && old != os.Interrupt {
		signal.Reset(old)
	}
}

// handleSignals acts on the restart and stop signals, and only those.
func (p *process) handleSignals() {
	for sig := range p.sigs {
		p.mu.Lock()
		restart := sig == p.restartSig
		p.mu.Unlock()
		if restart {
			p.requestRestart()
			continue
		}
		exit := !p.config().AppHandlesStop
		if p.beginStop(exit) {
			logEvent("stop requested", "signal", sig.String())
			go func() {
				p.delayStop()
				p.drainAndExit(false)
			}()
		}
	}
}
