//go:build linux || darwin || freebsd

package graceful

import (
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// activatedName names a listening stream socket, or a datagram socket,
// passed by a service manager by where it is bound.
func activatedName(fd int) (socketName, error) {
	typ, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TYPE)
	if err != nil {
		return socketName{}, fmt.Errorf("fd %d is not a socket: %w", fd, err)
	}
	if typ != syscall.SOCK_STREAM && typ != syscall.SOCK_DGRAM {
		return socketName{}, fmt.Errorf("fd %d is neither a stream nor a datagram socket (type %d)", fd, typ)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return socketName{}, fmt.Errorf("fd %d: getsockname: %w", fd, err)
	}
	var bound, network string
	switch sa := sa.(type) {
	case *syscall.SockaddrInet4:
		network, bound = "tcp", net.JoinHostPort(net.IP(sa.Addr[:]).String(), strconv.Itoa(sa.Port))
	case *syscall.SockaddrInet6:
		network, bound = "tcp", net.JoinHostPort(net.IP(sa.Addr[:]).String(), strconv.Itoa(sa.Port))
	case *syscall.SockaddrUnix:
		network, bound = "unix", sa.Name
	default:
		return socketName{}, fmt.Errorf("fd %d: unsupported address family %T", fd, sa)
	}
	if typ == syscall.SOCK_DGRAM {
		// ListenPacket and its kin adopt it (packet.go).
		network = map[string]string{"tcp": "udp", "unix": "unixgram"}[network]
	}
	return socketName{Network: network, Address: bound, Bound: bound}, nil
}
