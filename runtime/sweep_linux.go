package graceful

import (
	"net"
	"syscall"
	"time"
	"unsafe"
)

// lastReceived returns how long ago data last arrived on a TCP connection
// (TCP_INFO's tcpi_last_data_recv), or false where that cannot be told.
func lastReceived(c net.Conn) (time.Duration, bool) {
	tc, ok := rawConn(c).(*net.TCPConn)
	if !ok {
		return 0, false
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return 0, false
	}
	var info syscall.TCPInfo
	var errno syscall.Errno
	err = rc.Control(func(fd uintptr) {
		size := uint32(syscall.SizeofTCPInfo)
		errno = getsockopt(fd, syscall.IPPROTO_TCP, syscall.TCP_INFO, unsafe.Pointer(&info), &size)
	})
	if err != nil || errno != 0 {
		return 0, false
	}
	return time.Duration(info.Last_data_recv) * time.Millisecond, true
}
