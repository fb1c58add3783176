// Command fdpass serves the benchmark handler with the classic hand-written
// restart recipe found in blog posts: on SIGHUP the process passes its
// listener to a new copy of itself as fd 3 (ExtraFiles), the child kills its
// parent with SIGTERM via Getppid, and the parent closes its listener and
// waits on a WaitGroup over its connections; no http.Server.Shutdown.
//
// It is kept faithful to the recipe, faults included (the inherited *os.File
// is never closed, the environment flag is left set, Close is not guarded
// against being called twice), because the benchmark measures the recipe.
package main

import (
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"

	"github.com/gracefulgen/gracefulgen/bench/handler"
)

const childEnv = "FDPASS_CHILD=1"

var connections sync.WaitGroup

func main() {
	addr, h := handler.Setup()

	inherited := os.Getenv("FDPASS_CHILD") == "1"
	var ln net.Listener
	var err error
	if inherited {
		ln, err = net.FileListener(os.NewFile(3, "listener"))
	} else {
		ln, err = net.Listen("tcp", addr)
	}
	if err != nil {
		log.Fatalf("listen: %v", err)
	}

	srv := &http.Server{Handler: h, Protocols: handler.Protocols()}
	go srv.Serve(watchedListener{ln})

	if inherited {
		syscall.Kill(os.Getppid(), syscall.SIGTERM)
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP, syscall.SIGTERM)
	for s := range sig {
		if s == syscall.SIGHUP {
			if err := fork(ln); err != nil {
				log.Printf("restart: %v", err)
			}
			continue
		}
		srv.SetKeepAlivesEnabled(false)
		ln.Close()
		connections.Wait()
		os.Exit(0)
	}
}

// fork starts a new copy of the program with the listener as fd 3.
func fork(ln net.Listener) error {
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		return err
	}
	cmd := exec.Command(os.Args[0], os.Args[1:]...)
	cmd.Env = append(os.Environ(), childEnv)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{f}
	return cmd.Start()
}

// watchedListener counts every accepted connection in the WaitGroup.
type watchedListener struct{ net.Listener }

func (l watchedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	connections.Add(1)
	return watchedConn{c}, nil
}

// watchedConn leaves the WaitGroup when it is closed.
type watchedConn struct{ net.Conn }

func (c watchedConn) Close() error {
	connections.Done()
	return c.Conn.Close()
}
