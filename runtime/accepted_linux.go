package graceful

import (
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// acceptedSockets returns the descriptors of the connections this process
// accepted on the listening socket bound at addr and still has open,
// except those in skip: a server with its own accept loop (or of another
// protocol) hands its connections to no hook the runtime could chain, so a
// drain finds them among the process's descriptors. A connection accepted
// on a socket has that socket's local address and does not listen itself.
func acceptedSockets(addr net.Addr, skip map[int]bool) []acceptedSocket {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil
	}
	var out []acceptedSocket
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil || skip[fd] {
			continue
		}
		link, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil || !strings.HasPrefix(link, "socket:[") {
			continue
		}
		if listening, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_ACCEPTCONN); err != nil || listening != 0 {
			continue
		}
		if typ, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TYPE); err != nil || typ != syscall.SOCK_STREAM {
			continue
		}
		sa, err := syscall.Getsockname(fd)
		if err != nil || !acceptedAt(sa, addr) {
			continue
		}
		var st syscall.Stat_t
		if syscall.Fstat(fd, &st) != nil {
			continue
		}
		out = append(out, acceptedSocket{fd: fd, ino: uint64(st.Ino)})
	}
	return out
}

// acceptedAt reports whether a socket with local address sa was accepted on
// a listener bound at addr (a wildcard host matches any).
func acceptedAt(sa syscall.Sockaddr, addr net.Addr) bool {
	switch a := addr.(type) {
	case *net.TCPAddr:
		var ip net.IP
		var port int
		switch s := sa.(type) {
		case *syscall.SockaddrInet4:
			ip, port = s.Addr[:], s.Port
		case *syscall.SockaddrInet6:
			ip, port = s.Addr[:], s.Port
		default:
			return false
		}
		return port == a.Port && (a.IP == nil || a.IP.IsUnspecified() || a.IP.Equal(ip))
	case *net.UnixAddr:
		s, ok := sa.(*syscall.SockaddrUnix)
		return ok && s.Name != "" && s.Name == a.Name
	}
	return false
}

// acceptedSocket is a connection found by acceptedSockets, known by its
// descriptor and the socket's inode (a descriptor number may be reused once
// its owner closed it).
type acceptedSocket struct {
	fd  int
	ino uint64
}

// ended reports whether the owner closed the connection.
func (a acceptedSocket) ended() bool {
	var st syscall.Stat_t
	return syscall.Fstat(a.fd, &st) != nil || uint64(st.Ino) != a.ino
}

// close shuts the connection down at the drain deadline. shutdown(2), not
// close(2): the descriptor stays its owner's, whose reads and writes now
// fail, and who closes it.
func (a acceptedSocket) close() {
	if !a.ended() {
		syscall.Shutdown(a.fd, syscall.SHUT_RDWR)
	}
}

// connFD returns the descriptor of c, or -1.
func connFD(c net.Conn) int {
	sc, ok := rawConn(c).(syscall.Conn)
	if !ok {
		return -1
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1
	}
	fd := -1
	rc.Control(func(u uintptr) { fd = int(u) })
	return fd
}
