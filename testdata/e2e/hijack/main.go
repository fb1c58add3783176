// Command hijack serves ordinary requests beside long-lived connections it
// takes over with http.Hijacker, as websocket servers do:
//
//   - /push sends "hello PID", then "tick" every 10ms, and "bye" when the
//     server shuts down (told by RegisterOnShutdown) before it closes;
//   - /echo echoes lines until the client or the process closes it, and
//     knows nothing of shutdowns.
package main

import (
	"bufio"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"example.com/e2e/internal/work"
)

// hub tells the /push connections that the server is shutting down.
type hub struct {
	once    sync.Once
	closing chan struct{}
}

func (h *hub) shutdown() {
	h.once.Do(func() { close(h.closing) })
}

func (h *hub) push(w http.ResponseWriter, r *http.Request) {
	conn, rw, ok := hijack(w)
	if !ok {
		return
	}
	defer conn.Close()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			rw.WriteString("tick\n")
		case <-h.closing:
			rw.WriteString("bye\n")
			rw.Flush()
			return
		}
		if err := rw.Flush(); err != nil {
			return
		}
	}
}

func echo(w http.ResponseWriter, r *http.Request) {
	conn, rw, ok := hijack(w)
	if !ok {
		return
	}
	defer conn.Close()
	for {
		line, err := rw.ReadString('\n')
		if err != nil {
			return
		}
		rw.WriteString(line)
		if err := rw.Flush(); err != nil {
			return
		}
	}
}

// hijack takes the connection over, answers 101 Switching Protocols and
// says hello with its pid.
func hijack(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, bool) {
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return nil, nil, false
	}
	rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: e2e\r\nConnection: Upgrade\r\n\r\n")
	fmt.Fprintf(rw, "hello %d\n", os.Getpid())
	if err := rw.Flush(); err != nil {
		conn.Close()
		return nil, nil, false
	}
	return conn, rw, true
}

func main() {
	h := &hub{closing: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("/push", h.push)
	mux.HandleFunc("/echo", echo)
	mux.Handle("/", work.Handler())
	srv := &http.Server{Addr: os.Getenv("E2E_ADDR"), Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	srv.RegisterOnShutdown(h.shutdown)
	log.Fatal(srv.ListenAndServe())
}
