// Package dns is a stub of miekg/dns's server, for tests.
package dns

import (
	"crypto/tls"
	"net"
)

type Msg struct{}

type ResponseWriter interface{ WriteMsg(*Msg) error }

type Handler interface{ ServeDNS(ResponseWriter, *Msg) }

type Server struct {
	Addr       string
	Net        string
	Listener   net.Listener
	PacketConn net.PacketConn
	TLSConfig  *tls.Config
	Handler    Handler
}

func (srv *Server) ListenAndServe() error   { return nil }
func (srv *Server) ActivateAndServe() error { return nil }
func (srv *Server) Shutdown() error         { return nil }

func ListenAndServe(addr string, network string, handler Handler) error { return nil }

func HandleFunc(pattern string, handler func(ResponseWriter, *Msg)) {}
