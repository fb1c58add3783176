//go:build !(linux || darwin || freebsd)

package graceful

// activatedName is unreachable where restarts are unavailable: such
// platforms ignore socket activation.
func activatedName(int) (socketName, error) { return socketName{}, errNoRestart }
