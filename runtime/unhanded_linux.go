package graceful

import (
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// unhandedSockets lists the sockets of this process that a restart's new
// process would have to bind at the same address but does not get: listening
// stream sockets and unconnected datagram sockets bound to a fixed address,
// other than those the runtime hands over. A dependency opened them (a
// cluster's gossip port, an embedded DNS or QUIC server), or the program did
// through a call gracefulgen did not convert. While the old process holds
// one, the new process cannot bind it (EADDRINUSE), and the restart fails.
//
// Left out, as no obstacle to a restart: sockets with SO_REUSEPORT (both
// generations can bind; caddy's), datagram sockets with SO_REUSEADDR
// (multicast), connected datagram sockets and unbound ones (clients), and
// sockets on a port of the system's ephemeral range where the system picks
// ports: a datagram socket anywhere (a client's), a listener on a loopback
// address (a helper's). Each is named "network address", as Listen takes it.
func (p *process) unhandedSockets() []string {
	held := map[string]bool{} // by socket, "socket:[inode]": a copy of one is the same
	for fd := range p.heldFDs() {
		if link, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd)); err == nil {
			held[link] = true
		}
	}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil
	}
	lo, hi := ephemeralPorts()
	var out []string
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		// Copies of a held socket (those a restart is passing to the new
		// process) are the same socket.
		if link, err := os.Readlink("/proc/self/fd/" + e.Name()); err != nil || !strings.HasPrefix(link, "socket:") || held[link] {
			continue
		}
		if name := unhandedSocket(fd, lo, hi); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// unhandedSocket names the socket fd as unhandedSockets does, or returns ""
// for a socket that is no obstacle to a restart.
func unhandedSocket(fd, lo, hi int) string {
	typ, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TYPE)
	if err != nil {
		return ""
	}
	switch typ {
	case syscall.SOCK_STREAM, syscall.SOCK_SEQPACKET:
		if v, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_ACCEPTCONN); err != nil || v == 0 {
			return "" // not listening
		}
	case syscall.SOCK_DGRAM:
		if _, err := syscall.Getpeername(fd); err == nil {
			return "" // connected: a client's
		}
		if v, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR); err == nil && v != 0 {
			return ""
		}
	default:
		return ""
	}
	// Asked after the cheaper checks: most sockets of a busy server are
	// its accepted connections.
	if v, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, soReusePort); err == nil && v != 0 {
		return ""
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return ""
	}
	dgram := typ == syscall.SOCK_DGRAM
	var ip net.IP
	var port int
	switch sa := sa.(type) {
	case *syscall.SockaddrInet4:
		ip, port = net.IP(sa.Addr[:]), sa.Port
	case *syscall.SockaddrInet6:
		ip, port = net.IP(sa.Addr[:]), sa.Port
	case *syscall.SockaddrUnix:
		if sa.Name == "" {
			return "" // unbound, or autobound by the system
		}
		if dgram {
			return "unixgram " + sa.Name
		}
		return "unix " + sa.Name
	default:
		return ""
	}
	if port == 0 || port >= lo && port <= hi && (dgram || ip.IsLoopback()) {
		return ""
	}
	network := "tcp"
	if dgram {
		network = "udp"
	}
	return network + " " + net.JoinHostPort(ip.String(), strconv.Itoa(port))
}

// ephemeralPorts returns the range of ports the system picks from for a
// socket bound to port 0.
func ephemeralPorts() (lo, hi int) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if f := strings.Fields(string(b)); err == nil && len(f) == 2 {
		l, errL := strconv.Atoi(f[0])
		h, errH := strconv.Atoi(f[1])
		if errL == nil && errH == nil {
			return l, h
		}
	}
	return 32768, 60999 // Linux's default
}

// heldFDs returns the descriptors of the sockets the runtime hands over:
// its listeners, its datagram sockets, and inherited sockets not adopted
// yet.
func (p *process) heldFDs() map[int]bool {
	held := map[int]bool{}
	for _, s := range p.heldSockets() {
		sc, ok := s.conn.(syscall.Conn)
		if !ok {
			continue
		}
		if rc, err := sc.SyscallConn(); err == nil {
			rc.Control(func(fd uintptr) { held[int(fd)] = true })
		}
	}
	p.in.mu.Lock()
	defer p.in.mu.Unlock()
	for _, s := range p.in.sockets {
		if !s.adopted {
			held[s.fd] = true
		}
	}
	return held
}
