// Package dnsserver starts miekg/dns servers: each start is rewritten, so
// that its socket is handed over and the drain stops it with Shutdown.
package dnsserver

import (
	"log"
	"net"

	"github.com/miekg/dns"
)

func servers(h dns.Handler) {
	udp := &dns.Server{Addr: ":53", Net: "udp", Handler: h}
	go func() { log.Fatal(udp.ListenAndServe()) }() // want `udp.ListenAndServe starts a server that is not restartable`
	var tcp dns.Server
	tcp.Addr, tcp.Net = ":53", "tcp"
	go tcp.ListenAndServe()                  // want `tcp.ListenAndServe starts a server that is not restartable`
	go dns.ListenAndServe(":5353", "udp", h) // want `dns.ListenAndServe starts a server that is not restartable`

	pc, err := net.ListenPacket("udp", ":5354") // want `net.ListenPacket binds a datagram socket`
	if err != nil {
		log.Fatal(err)
	}
	own := &dns.Server{PacketConn: pc, Handler: h}
	log.Fatal(own.ActivateAndServe()) // want `own.ActivateAndServe starts a server that is not restartable`
}
