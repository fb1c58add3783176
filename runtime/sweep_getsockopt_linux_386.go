package graceful

import (
	"syscall"
	"unsafe"
)

// socketcallGetsockopt is getsockopt's number in socketcall(2), through
// which 32-bit x86 Linux makes the socket calls (the syscall package has
// no SYS_GETSOCKOPT there).
const socketcallGetsockopt = 15

// getsockopt reads the socket option level/name of fd into val.
func getsockopt(fd uintptr, level, name int, val unsafe.Pointer, size *uint32) syscall.Errno {
	args := [5]uintptr{fd, uintptr(level), uintptr(name), uintptr(val), uintptr(unsafe.Pointer(size))}
	_, _, errno := syscall.Syscall(syscall.SYS_SOCKETCALL, socketcallGetsockopt, uintptr(unsafe.Pointer(&args)), 0)
	return errno
}
