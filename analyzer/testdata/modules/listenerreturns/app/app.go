// Package app serves what listen returns.
package app

import (
	"net/http"
	"time"

	"example.com/app/listen"
)

func serve() { // want serve:`serves \[\] via`
	srv := &http.Server{ReadHeaderTimeout: time.Second}
	l, _ := listen.Listen(":8080")
	go srv.Serve(l) // want `srv.Serve starts a server that is not restartable` `l is not restartable: the listener served by srv.Serve comes from listen.Listen, which may return one a restart cannot inherit: Activated\[0\] \(listen.go:17:10\) is of unknown origin`
	f, _ := listen.FromFile()
	go srv.Serve(f) // want `srv.Serve starts a server that is not restartable` `f is not restartable: the listener served by srv.Serve comes from listen.FromFile, which may return one a restart cannot inherit: it comes from net.FileListener`
	o, _ := listen.Open(":8081")
	go srv.Serve(listen.Wrap(o)) // want `srv.Serve starts a server that is not restartable`
}
