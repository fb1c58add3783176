// Package datagram binds datagram sockets: at fixed addresses (a restart
// cannot hand them over) and at ephemeral ones (a client's: left alone).
package datagram

import (
	"context"
	"net"
	"syscall"
)

func services(ctx context.Context, addr string) {
	net.ListenUDP("udp", &net.UDPAddr{Port: 5353}) // want `net.ListenUDP is not restartable: it binds a datagram socket at &net.UDPAddr\{Port: 5353\}, which the runtime does not hand over`
	net.ListenPacket("udp", ":8125")               // want `net.ListenPacket is not restartable: it binds a datagram socket at ":8125"`
	net.ListenPacket("unixgram", "/run/app.sock")  // want `net.ListenPacket is not restartable`
	var lc net.ListenConfig
	lc.ListenPacket(ctx, "udp", addr)                            // want `lc.ListenPacket is not restartable: it binds a datagram socket at addr`
	net.ListenUnixgram("unixgram", &net.UnixAddr{Name: "@app"})  // want `net.ListenUnixgram is not restartable`
	net.ListenMulticastUDP("udp", nil, &net.UDPAddr{Port: 9999}) // want `net.ListenMulticastUDP is not restartable`
}

// reusable sets a Control hook on its ListenConfig (caddy sets
// SO_REUSEPORT there): the program chose its socket options.
func reusable(ctx context.Context, config net.ListenConfig, addr string, control func(string, string, syscall.RawConn) error) {
	config.Control = control
	config.ListenPacket(ctx, "udp", addr)
	lc := net.ListenConfig{Control: control}
	lc.ListenPacket(ctx, "udp", addr)
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
