//go:build !linux

package graceful

import "net"

// acceptedSockets finds nothing where the process's descriptors cannot be
// listed (/proc): connections of own accept loops are then not waited for.
func acceptedSockets(net.Addr, map[int]bool) []acceptedSocket { return nil }

type acceptedSocket struct{}

func (acceptedSocket) ended() bool { return true }

func (acceptedSocket) close() {}

func connFD(net.Conn) int { return -1 }
