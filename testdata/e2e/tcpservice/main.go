// Command tcpservice serves HTTP and, beside it, a line protocol of its own
// on a second port, with its own accept loop: each connection gets one
// line, "pid PID", and is closed.
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"example.com/e2e/internal/work"
)

func main() {
	l, err := net.Listen("tcp", os.Getenv("E2E_ADMIN_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	go acceptLoop(l)
	srv := &http.Server{Addr: os.Getenv("E2E_ADDR"), Handler: work.Handler(), ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

func acceptLoop(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			log.Printf("line service: %v", err)
			return
		}
		go func() {
			defer c.Close()
			fmt.Fprintf(c, "pid %s\n", work.PID())
		}()
	}
}
