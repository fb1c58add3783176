//go:build !linux

package graceful

// monotonicUsec is unavailable where systemd does not run.
func monotonicUsec() (uint64, bool) { return 0, false }
