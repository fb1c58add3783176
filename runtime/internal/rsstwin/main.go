// Command rsstwin is a small net/http program built twice: as written
// (plain net/http) and, with -tags graceful, converted to the runtime the
// way gracefulgen converts a program (its listener and serving call go
// through the runtime, which gives the server its default timeouts). The
// plain build does not link the runtime at all, so that restartload -rss
// -plain-cmd measures all the memory the runtime adds, code included:
//
//	go build -o /tmp/plain ./internal/rsstwin && go build -tags graceful -o /tmp/converted ./internal/rsstwin
//	TS_LISTEN=tcp=127.0.0.1:8080 restartload -rss -cmd /tmp/converted -addr 127.0.0.1:8080 \
//		-plain-cmd /tmp/plain -plain-env TS_LISTEN=tcp=127.0.0.1:8081 -plain-addr 127.0.0.1:8081
//
// It serves the paths the load tools ask for (/work, /pid, /small, /file of
// TS_FILE) on the address of TS_LISTEN (tcp=ADDR).
package main

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
)

func main() {
	_, addr, _ := strings.Cut(os.Getenv("TS_LISTEN"), "=")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	pid := fmt.Sprint(os.Getpid())
	mux := http.NewServeMux()
	mux.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, pid)
	})
	mux.HandleFunc("/pid", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, pid) })
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello, world\n") })
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, os.Getenv("TS_FILE")) })
	srv := &http.Server{Handler: mux}
	fmt.Printf("listen tcp %s\n", addr)
	if err := serve(srv, addr); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
