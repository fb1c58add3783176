//go:build !(linux || darwin || freebsd)

package graceful

// supervise is unavailable where descriptors cannot be passed: the process
// says so and serves as usual.
func (p *process) supervise() {
	logEvent("supervisor mode is unavailable on this platform; serving without it")
}

func (p *process) reportToSupervisor() error { return nil }

func (p *process) forwardRestart() bool { return false }
