package main

import (
	"log"
	"net/http"

	"github.com/miekg/dns"
)

// A DNS service beside its HTTP status page: UDP and TCP servers started
// with their own ListenAndServe, one with the package function, and one
// on a socket the program opened itself.
func main() {
	dns.HandleFunc(".", func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		w.WriteMsg(m)
	})
	udp := &dns.Server{Addr: ":5353", Net: "udp"}
	go func() { log.Fatal(gracefulDNSServerListenAndServe(udp)) }()
	tcp := &dns.Server{Addr: ":5353", Net: "tcp"}
	go func() { log.Fatal(gracefulDNSServerListenAndServe(tcp)) }()
	go func() { log.Fatal(gracefulDNSListenAndServe(":5354", "udp", nil)) }()
	pc, err := gracefulListenPacket("udp", ":5355")
	if err != nil {
		log.Fatal(err)
	}
	own := &dns.Server{PacketConn: pc}
	go func() { log.Fatal(gracefulDNSServerActivateAndServe(own)) }()
	log.Fatal(gracefulListenAndServe(":8053", http.NotFoundHandler()))
}
