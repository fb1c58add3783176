// Command dnsserver serves HTTP and, beside it, DNS with miekg/dns on a
// second address, over UDP and TCP, each server started with its own
// ListenAndServe: every query gets an empty answer after a moment's work.
package main

import (
	"log"
	"net/http"
	"os"
	"time"

	"github.com/miekg/dns"

	"example.com/e2e/internal/work"
)

func main() {
	answer := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		time.Sleep(time.Millisecond) // a lookup of its own
		m := new(dns.Msg)
		m.SetReply(r)
		w.WriteMsg(m)
	})
	for _, network := range []string{"udp", "tcp"} {
		srv := &dns.Server{Addr: os.Getenv("E2E_ADMIN_ADDR"), Net: network, Handler: answer}
		go func() { log.Fatal(srv.ListenAndServe()) }()
	}
	srv := &http.Server{Addr: os.Getenv("E2E_ADDR"), Handler: work.Handler(), ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
