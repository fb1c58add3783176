package main

import (
	"net"
	"strings"
)

// listen picks a unix socket for a path and TCP otherwise, as programs
// that take "unix:/run/app.sock" or "host:port" do.
func listen(addr string) (net.Listener, error) {
	if path, ok := strings.CutPrefix(addr, "unix:"); ok {
		return net.Listen("unix", path)
	}
	return net.Listen("tcp", addr)
}
