package graceful

import "strings"

// warnUnhanded logs the sockets this process holds that a restart does not
// hand over (unhandedSockets), each time the set differs from the one last
// logged, and returns them. It runs once the process is ready and as each
// restart begins: a restart with such a socket fails (the new process
// cannot bind it), and the line says why before it does.
func (p *process) warnUnhanded() []string {
	names := p.unhandedSockets()
	key := strings.Join(names, "\n")
	p.mu.Lock()
	changed := key != p.unhandedLogged
	p.unhandedLogged = key
	p.mu.Unlock()
	if len(names) > 0 && changed {
		logWarning("sockets a restart does not hand over: the new process cannot bind them while this one holds them, so a restart fails (opened by a dependency, or by a call gracefulgen did not convert)", "sockets", names)
	}
	return names
}
