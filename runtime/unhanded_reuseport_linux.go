//go:build linux && !(mips || mipsle || mips64 || mips64le)

package graceful

// soReusePort is SO_REUSEPORT, which the syscall package does not define
// on every architecture.
const soReusePort = 15
