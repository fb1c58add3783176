//go:build linux && !386

package graceful

import (
	"syscall"
	"unsafe"
)

// getsockopt reads the socket option level/name of fd into val.
func getsockopt(fd uintptr, level, name int, val unsafe.Pointer, size *uint32) syscall.Errno {
	_, _, errno := syscall.Syscall6(syscall.SYS_GETSOCKOPT, fd, uintptr(level), uintptr(name),
		uintptr(val), uintptr(unsafe.Pointer(size)), 0)
	return errno
}
