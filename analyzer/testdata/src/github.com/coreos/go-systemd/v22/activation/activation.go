// Package activation is a stand-in for go-systemd's.
package activation

import "net"

// Listeners returns the sockets systemd passed.
func Listeners() ([]net.Listener, error) { return nil, nil }
