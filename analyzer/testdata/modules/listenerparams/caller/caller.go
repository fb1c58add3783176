// Package caller calls web's functions, which serve the listeners they
// are given.
package caller

import (
	"crypto/tls"
	"net"

	"example.com/app/web"
)

func converted() { // want converted:`serves \[\] via`
	l, _ := net.Listen("tcp", ":8080") // want `net.Listen opens a listening socket`
	go web.Serve(l)
	h := &web.Handler{}
	h.Run([]net.Listener{l})
	h.Run(nil)
	web.Forward(l)
	(&web.Server{Listener: l}).Start()
}

func unknown(l net.Listener, cfg *tls.Config) { // want unknown:`serves \[\] via`
	go web.Serve(l) // want `l is not restartable: web.Serve serves it \(srv.Serve\), but it is of unknown origin`
	t, _ := tls.Listen("tcp", ":8443", cfg)
	new(web.Handler).Run([]net.Listener{t}) // want `\[\]net.Listener\{t\} is not restartable: new\(web.Handler\).Run serves it \(srv.Serve\), but it comes from tls.Listen`
	web.Forward(l)                          // want `l is not restartable: web.Forward serves it`
	s := &web.Server{}
	s.Listener = t // want `t is not restartable: it is stored in field \(example.com/app/web.Server\).Listener, which a server start serves \(srv.Serve\), but it comes from tls.Listen`
	s.Start()
}
