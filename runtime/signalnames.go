//go:build !js && !windows

package graceful

import "syscall"

// The restart signals generated code configures (Config.RestartSignal).
// They are named here, and not by package syscall in the generated code,
// so that a converted program builds on every platform Go supports: where
// the signal does not exist (js; SIGUSR1 and SIGUSR2 on Windows) it is a
// stand-in that is never delivered, and restarts are unavailable there
// anyway (the program serves and stops gracefully).
const (
	SIGHUP  = syscall.SIGHUP
	SIGUSR1 = syscall.SIGUSR1
	SIGUSR2 = syscall.SIGUSR2
)
