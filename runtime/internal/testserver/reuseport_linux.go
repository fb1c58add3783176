package main

import "syscall"

// setReusePort sets SO_REUSEPORT (15 on Linux but MIPS; syscall lacks it on
// some architectures) on the socket fd.
func setReusePort(fd uintptr) error {
	return syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, 15, 1)
}
