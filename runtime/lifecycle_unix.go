//go:build linux || darwin || freebsd

package graceful

import (
	"errors"
	"os"
	"syscall"
)

// raise sends sig to this process.
func raise(sig os.Signal) {
	if s, ok := sig.(syscall.Signal); ok {
		syscall.Kill(os.Getpid(), s)
	}
}

// signalPID sends sig to the process pid.
func signalPID(pid int, sig os.Signal) error {
	s, ok := sig.(syscall.Signal)
	if !ok {
		return errors.New("not a signal of this platform")
	}
	return syscall.Kill(pid, s)
}
