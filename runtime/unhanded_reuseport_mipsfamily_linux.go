//go:build linux && (mips || mipsle || mips64 || mips64le)

package graceful

// soReusePort is SO_REUSEPORT on MIPS.
const soReusePort = 0x200
