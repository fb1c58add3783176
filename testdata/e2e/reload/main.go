// Command reload reloads its greeting from the file named by E2E_GREETING on
// SIGHUP, as many daemons reload their configuration. Converted with
// -signal SIGUSR2, SIGHUP must keep reloading, in the same process.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

var greeting atomic.Value

func load() {
	b, err := os.ReadFile(os.Getenv("E2E_GREETING"))
	if err != nil {
		log.Printf("reload: %v", err)
		return
	}
	greeting.Store(strings.TrimSpace(string(b)))
}

func main() {
	load()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		for range hup {
			load()
			log.Print("reloaded")
		}
	}()
	srv := &http.Server{
		Addr:              os.Getenv("E2E_ADDR"),
		ReadHeaderTimeout: 5 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Pid", fmt.Sprint(os.Getpid()))
			fmt.Fprint(w, greeting.Load())
		}),
	}
	log.Fatal(srv.ListenAndServe())
}
