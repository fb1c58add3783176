//go:build !linux

package graceful

import (
	"net"
	"time"
)

// lastReceived cannot tell when data last arrived outside Linux: a client
// that begins a request on an idle connection and never ends its headers is
// bounded by the idle timeout there.
func lastReceived(net.Conn) (time.Duration, bool) { return 0, false }
