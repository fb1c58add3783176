// Package datagram binds datagram sockets: at fixed addresses (rewritten:
// a restart hands them over) and at ephemeral ones (a client's: left
// alone), and multicast and raw IP sockets, which both generations can
// bind (left alone).
package datagram

import (
	"context"
	"net"
	"os"
	"syscall"
)

func services(ctx context.Context, addr string) {
	net.ListenUDP("udp", &net.UDPAddr{Port: 5353}) // want `net.ListenUDP binds a datagram socket that a restart does not hand over yet`
	net.ListenPacket("udp", ":8125")               // want `net.ListenPacket binds a datagram socket`
	net.ListenPacket("unixgram", "/run/app.sock")  // want `net.ListenPacket binds a datagram socket`
	var lc net.ListenConfig
	lc.ListenPacket(ctx, "udp", addr)                           // want `lc.ListenPacket binds a datagram socket`
	net.ListenUnixgram("unixgram", &net.UnixAddr{Name: "@app"}) // want `net.ListenUnixgram binds a datagram socket`
	listen := net.ListenPacket                                  // want `net.ListenPacket binds a datagram socket`
	listen("udp", addr)
}

// reusable sets a Control hook on its ListenConfig (caddy sets
// SO_REUSEPORT there): rewritten all the same, the runtime adopts the
// inherited socket and lc applies to a socket bound anew.
func reusable(ctx context.Context, config net.ListenConfig, addr string, control func(string, string, syscall.RawConn) error) {
	config.Control = control
	config.ListenPacket(ctx, "udp", addr) // want `config.ListenPacket binds a datagram socket`
}

// stale removes a stale unixgram socket before binding it: both rewritten.
func stale(path string) {
	os.Remove(path)                                           // want `os.Remove removes the file of a unix socket`
	net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path}) // want `net.ListenUnixgram binds a datagram socket`
}

func clients(ctx context.Context) {
	net.ListenUDP("udp", nil)
	net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	net.ListenUDP("udp", &net.UDPAddr{Port: 0})
	net.ListenPacket("udp", ":0")
	net.ListenPacket("udp4", "127.0.0.1:0")
	var lc net.ListenConfig
	lc.ListenPacket(ctx, "udp", "[::1]:0")
	net.ListenUnixgram("unixgram", nil)
}

// shared binds sockets that two generations can hold at once.
func shared() {
	net.ListenMulticastUDP("udp", nil, &net.UDPAddr{IP: net.IPv4(239, 1, 2, 3), Port: 9999})
	net.ListenIP("ip4:1", &net.IPAddr{IP: net.IPv4(127, 0, 0, 1)})
}
