package graceful

import (
	"os"
	"sync"
	"time"
)

// The runtime turns on in binaries that serve, and only there: Configure
// (generated in main packages) turns it on at start-up, otherwise the first
// Listen or serving call does. Package initialisation reads what names this
// very process (the restart protocol, socket activation for this pid) and
// nothing else; what it finds that is not this process's (variables meant
// for another process) is noted and acted upon when the runtime turns on.

// startNotes is what package initialisation found and left for the start.
type startNotes struct {
	mu       sync.Mutex
	warnings []string
	unset    []string
}

var notes startNotes

// noteAtStart records a warning to log (if not empty) and environment
// variables to remove once the runtime turns on.
func noteAtStart(warning string, unset ...string) {
	notes.mu.Lock()
	defer notes.mu.Unlock()
	if warning != "" {
		notes.warnings = append(notes.warnings, warning)
	}
	notes.unset = append(notes.unset, unset...)
}

// applyNotes removes the variables noted at initialisation and logs the
// warnings (the log waits until the process serves, see log.go).
func applyNotes() {
	notes.mu.Lock()
	warnings, unset := notes.warnings, notes.unset
	notes.warnings, notes.unset = nil, nil
	notes.mu.Unlock()
	for _, k := range unset {
		os.Unsetenv(k)
	}
	for _, w := range warnings {
		logFailure(w)
	}
}

// dieAsUnconverted ends a process that got a stop signal before it ever
// served, as it would have ended without the runtime: the runtime lets go
// of the signal and raises it again, so that the program's own handler, if
// any, gets it, and otherwise the default action ends the process (status
// 143 for SIGTERM, 130 for SIGINT).
func (p *process) dieAsUnconverted(sig os.Signal) {
	p.releaseStopSignals()
	raise(sig)
}

// appShutdownCalled is called when the program calls Shutdown on one of the
// servers it serves through the runtime. A program that handles its own
// stop (AppHandlesStop) stops that way: the runtime then drains every
// server it knows, as a stop signal would, and does not exit.
func appShutdownCalled() {
	p := theProcess
	if !p.config().AppHandlesStop {
		return
	}
	if p.beginStop(false) {
		logEvent("stop requested", "by", "the program's Server.Shutdown")
		go p.drainAndExit(false)
	}
}

// afterHandover ends an old process once it drained after a handover. By
// default it exits 0 without running any stop code of the program (which
// assumes it is the last process: it may remove the new process's files).
// With AppStopAfterHandover, a program that handles its own stop gets
// SIGTERM now that nothing is left to cut, and the process exits 0 by
// itself if the program has not ended it appStopGrace later.
func (p *process) afterHandover() {
	cfg := p.config()
	if !cfg.AppStopAfterHandover || !cfg.AppHandlesStop {
		os.Exit(0)
	}
	logEvent("drained: the program's own stop path runs now (AppStopAfterHandover)")
	if err := terminateSelf(); err != nil {
		logFailure("SIGTERM to self", "err", err)
		os.Exit(0)
	}
	time.Sleep(appStopGrace)
	logEvent("the program's stop path did not end the process; the runtime exits", "waited", appStopGrace)
	os.Exit(0)
}

// retire drains this supervised child after its supervisor made a new one
// the serving child: as after a handover, every server is drained and the
// program's stop code does not run (see afterHandover).
func (p *process) retire() {
	p.mu.Lock()
	if p.phase == phaseDraining {
		p.mu.Unlock()
		return
	}
	p.phase = phaseDraining
	p.exiting = !(p.cfg.AppStopAfterHandover && p.cfg.AppHandlesStop)
	close(p.stopping)
	p.mu.Unlock()
	logEvent("retired by the supervisor: a new child serves")
	p.drainAndExit(true)
}
