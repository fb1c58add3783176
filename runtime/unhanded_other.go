//go:build !linux

package graceful

// unhandedSockets finds nothing where the runtime cannot list the
// process's sockets (it reads /proc/self/fd on Linux).
func (p *process) unhandedSockets() []string { return nil }
