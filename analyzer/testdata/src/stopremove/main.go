package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

const sock = "/tmp/app.sock"

func main() {
	defer /*@rm1*/ os.RemoveAll("/tmp/app.d")
	defer func() {
		_ = /*@rm2*/ syscall.Unlink("/tmp/app.pid")
	}()
	defer closeAll()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM)
	// A stale socket removed before the receive: not stop code, but the
	// file a restart's new process inherits (rewritten to keep it).
	os.Remove(sock)                  // want `os.Remove removes the file of a unix socket`
	l, _ := net.Listen("unix", sock) // want `opens the listener`
	srv := &http.Server{ReadHeaderTimeout: 1}
	go srv.Serve(l) // want `starts a server`
	<-stop
	cleanup()
	srv.Shutdown(context.Background())
}

func cleanup() {
	/*@rm3*/ os.Remove("/tmp/app.lock")
}

func closeAll() {
	helper()
}

func helper() {
	/*@rm4*/ os.Remove("/tmp/helper")
}

func notStop() {
	os.Remove("/tmp/other")
}

func viaContext() {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	os.Remove("/tmp/before")
	<-ctx.Done()
	/*@rm5*/ os.Remove("/tmp/after")
}
