// Command tableflip serves the benchmark handler with
// github.com/cloudflare/tableflip, as its README's net/http example
// (http_example_test.go) shows: upgrade on SIGHUP, Serve on the upgrader's
// listener, Ready, wait for Exit, then Shutdown with a 30 s deadline.
package main

import (
	"context"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cloudflare/tableflip"
	"github.com/gracefulgen/gracefulgen/bench/handler"
)

func main() {
	addr, h := handler.Setup()

	upg, err := tableflip.New(tableflip.Options{})
	if err != nil {
		panic(err)
	}
	defer upg.Stop()

	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGHUP)
		for range sig {
			if err := upg.Upgrade(); err != nil {
				log.Println("Upgrade failed:", err)
			}
		}
	}()

	ln, err := upg.Listen("tcp", addr)
	if err != nil {
		log.Fatalln("Can't listen:", err)
	}

	server := http.Server{Handler: h, Protocols: handler.Protocols()}
	go func() {
		err := server.Serve(ln)
		if err != http.ErrServerClosed {
			log.Println("HTTP server:", err)
		}
	}()

	if err := upg.Ready(); err != nil {
		panic(err)
	}
	<-upg.Exit()

	time.AfterFunc(30*time.Second, func() {
		log.Println("Graceful shutdown timed out")
		os.Exit(1)
	})
	server.Shutdown(context.Background())
}
