// Command osexit is a webhook server whose SIGTERM handler calls os.Exit at
// once. It serves the work handler on E2E_ADDR and, on /slow?ms=N, a
// request that takes N milliseconds and answers with its pid.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"example.com/e2e/internal/work"
)

func main() {
	mux := http.NewServeMux()
	mux.Handle("/", work.Handler())
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		time.Sleep(time.Duration(ms) * time.Millisecond)
		w.Header().Set("X-Pid", work.PID())
		fmt.Fprintf(w, "slow done %s\n", work.PID())
	})
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
		sig := <-stop
		log.Printf("%v: exiting", sig)
		os.Exit(0)
	}()
	srv := &http.Server{Addr: os.Getenv("E2E_ADDR"), Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
