package graceful_test

import (
	"context"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	graceful "github.com/gracefulgen/gracefulgen/runtime"
)

// A program that used http.ListenAndServe: on SIGHUP it hands its socket to
// a new copy of its executable and exits once drained; on SIGTERM it drains
// and exits 0.
func ExampleListenAndServe() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello\n")
	})
	log.Fatal(graceful.ListenAndServe(":8080", nil))
}

// What generated code does from an init function: one process-wide
// configuration, merged over every package that calls it.
func ExampleConfigure() {
	graceful.Configure(graceful.Config{
		RestartSignal:     graceful.SIGHUP,
		DrainTimeout:      10 * time.Second,
		ReadHeaderTimeout: 5 * time.Second,
	})
}

// A program with its own stop path: with AppHandlesStop the runtime drains
// on SIGTERM (and after a handover) but lets the program decide what to do
// once ServerListenAndServe returns http.ErrServerClosed.
func ExampleServerListenAndServe() {
	graceful.Configure(graceful.Config{AppHandlesStop: true})
	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.Background())
	}()
	if err := graceful.ServerListenAndServe(srv); err != http.ErrServerClosed {
		log.Fatal(err)
	}
	log.Print("stopped")
}

// Listen inherits the socket of the same network and address from the
// process that started this one, so the listener can be used with any
// server, not only net/http.
func ExampleListen() {
	l, err := graceful.Listen("unix", "/run/app.sock")
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(graceful.Serve(l, http.NotFoundHandler()))
}

// Hijacked connections (websockets) are invisible to http.Server.Shutdown:
// OnShutdown tells them to go, and the runtime closes any still open at the
// drain deadline.
func ExampleOnShutdown() {
	bye := make(chan struct{})
	graceful.OnShutdown(func() { close(bye) })
	http.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		<-bye
		io.WriteString(conn, "server restarting, please reconnect\n")
	})
}

// A program whose start-up continues after it begins serving declares
// readiness itself.
func ExampleReady() {
	graceful.Configure(graceful.Config{ManualReady: true})
	go func() {
		warmCaches()
		graceful.Ready()
	}()
	log.Fatal(graceful.ListenAndServe(":8080", nil))
}

func warmCaches() {}
