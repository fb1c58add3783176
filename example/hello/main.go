// Command hello is the bundled example: a plain net/http program, written the
// way most services are, with no knowledge of gracefulgen. The quick start
// converts a copy of it with gracefulgen and restarts it under load.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	delay := flag.Duration("delay", 20*time.Millisecond, "time each request takes, so requests are in flight during restarts")
	flag.Parse()

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// Read the body so POST requests are consumed whole.
		n, _ := io.Copy(io.Discard, r.Body)
		time.Sleep(*delay)
		fmt.Fprintf(w, "hello from pid %d (%d bytes read)\n", os.Getpid(), n)
	})

	log.Printf("hello: serving on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, mux))
}
