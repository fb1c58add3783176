//go:build !(linux || darwin || freebsd)

package graceful

import (
	"errors"
	"os"
)

// raise ends this process as the default action of sig would (there is no
// way to raise a signal here).
func raise(sig os.Signal) { os.Exit(1) }

// signalPID has nothing to do where there are no restarts.
func signalPID(pid int, sig os.Signal) error {
	return errors.New("signals between processes are unavailable on this platform")
}
