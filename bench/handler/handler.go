// Package handler is the one HTTP handler every benchmark server serves, so
// that the rows differ only in how they restart.
package handler

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// generation names this process uniquely, even when a new pid namespace
// hands out the same pid again (pid 1 of every container).
var generation = newGeneration()

func newGeneration() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("handler: read random generation id: %v", err))
	}
	return hex.EncodeToString(b)
}

// New returns the benchmark handler: it reads the whole request body (so POST
// requests are consumed), works for delay so that requests are in flight
// during restarts, and answers with one line naming the process that served
// it, in the form parsed by Identity.
func New(delay time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		if delay > 0 {
			time.Sleep(delay)
		}
		fmt.Fprintf(w, "pid=%d gen=%s read=%d\n", os.Getpid(), generation, n)
	})
}

// Setup defines the flags every benchmark server takes (-addr, -delay,
// -h2c), parses the command line, and returns the address to listen on and
// the handler to serve.
func Setup() (addr string, h http.Handler) {
	a := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	delay := flag.Duration("delay", 5*time.Millisecond, "time each request works, so requests are in flight during restarts")
	flag.BoolVar(&h2c, "h2c", false, "also accept HTTP/2 with prior knowledge on the unencrypted port (http.Server.Protocols)")
	flag.Parse()
	return *a, New(*delay)
}

// h2c is the -h2c flag.
var h2c bool

// Protocols returns what every benchmark server sets as its
// http.Server.Protocols: nil (net/http's default) unless -h2c was given,
// then HTTP/1.1 and unencrypted HTTP/2 with prior knowledge (Go 1.24+),
// served by net/http itself on the same port.
func Protocols() *http.Protocols {
	if !h2c {
		return nil
	}
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return p
}

// Identity parses an answer of the handler into the serving process's pid
// (as that process sees it, inside its pid namespace) and its generation id.
func Identity(body []byte) (pid int, gen string, err error) {
	if _, err := fmt.Sscanf(string(body), "pid=%d gen=%s", &pid, &gen); err != nil {
		return 0, "", fmt.Errorf("parse handler answer %q: %w", body, err)
	}
	return pid, gen, nil
}
