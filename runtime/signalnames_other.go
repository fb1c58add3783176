//go:build js || windows

package graceful

import "syscall"

// The restart signals generated code configures (Config.RestartSignal):
// stand-ins, never delivered, where the platform lacks them (see
// signalnames.go). Restarts are unavailable on these platforms.
const (
	SIGHUP  = syscall.Signal(0x1)
	SIGUSR1 = syscall.Signal(0xa)
	SIGUSR2 = syscall.Signal(0xc)
)
