package graceful

import "net"

// Activated returns listeners for the sockets that a service manager passed
// to the program by socket activation (LISTEN_FDS: a systemd .socket unit,
// or systemd-socket-activate), in the order it passed them, for a program
// that serves whatever sockets it is given rather than addresses of its own
// (exporter-toolkit's --web.systemd-socket). Each is adopted as Listen
// adopts it, so it is handed over on every restart; a process started by a
// restart gets the same sockets from its parent (LISTEN_FDS named the first
// process only, and the runtime removed it at start), and Activated returns
// them there too. It returns none where nothing was passed, and each socket
// once: a socket that Listen or an earlier call adopted is not returned
// again.
func Activated() ([]net.Listener, error) {
	return ensure().activatedListeners()
}

func (p *process) activatedListeners() ([]net.Listener, error) {
	var out []net.Listener
	for _, want := range p.in.activatedPending() {
		l, name, err := p.in.adopt(want.Network, want.Address)
		if err != nil {
			for _, l := range out {
				l.Close()
			}
			return nil, err
		}
		if l == nil {
			continue // adopted meanwhile by a Listen of another goroutine
		}
		logEvent("adopted inherited socket", "socket", name.String(), "bound", name.Bound)
		p.register(l, *name, true)
		out = append(out, l)
	}
	return out, nil
}

// activatedPending returns the names of the socket-activated stream
// sockets not adopted yet, in descriptor order; datagram sockets are
// ListenPacket's.
func (in *inheritance) activatedPending() []socketName {
	in.mu.Lock()
	defer in.mu.Unlock()
	var names []socketName
	for _, s := range in.sockets {
		if s.activated && !s.adopted && !datagramNetwork(s.name.Network) {
			names = append(names, s.name)
		}
	}
	return names
}
