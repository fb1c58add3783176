//go:build darwin || freebsd

package graceful

// recvFlags: received descriptors are marked close-on-exec after receipt.
const recvFlags = 0
