package graceful_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	graceful "github.com/gracefulgen/gracefulgen/runtime"
)

// hub holds long-lived hijacked connections, as a websocket server does.
type hub struct {
	mu    sync.Mutex
	conns map[net.Conn]bool
}

// serve upgrades the request and keeps the connection until the client
// closes it.
func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	h.mu.Lock()
	h.conns[conn] = true
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.conns, conn)
		h.mu.Unlock()
	}()
	buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
	buf.Flush()
	io.Copy(io.Discard, conn) // messages, until the client closes
}

// goingAway sends every connection a websocket close frame (status 1001,
// "going away"), and gives each client a second to close its end.
func (h *hub) goingAway() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for conn := range h.conns {
		conn.Write([]byte{0x88, 0x02, 0x03, 0xE9}) // FIN+close, length 2, status 1001
		conn.SetReadDeadline(time.Now().Add(time.Second))
	}
}

// Hijacked connections (websockets) are invisible to http.Server.Shutdown.
// Register through OnShutdown what tells them to go, here a close frame:
// the clients reconnect (to the new process, after a restart) at once,
// instead of being cut at the drain deadline, which the runtime logs as a
// warning with the count of hijacked connections it had to close.
func ExampleOnShutdown_closeFrame() {
	h := &hub{conns: map[net.Conn]bool{}}
	graceful.OnShutdown(h.goingAway)
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", h.serve)
	l, err := graceful.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go graceful.Serve(l, mux)

	// A client upgrades its connection and waits for messages.
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Status)

	// The drain of a restart or a stop, here asked for by hand.
	drained := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		drained <- graceful.Shutdown(ctx)
	}()
	frame := make([]byte, 4)
	if _, err := io.ReadFull(r, frame); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("close frame: opcode %d, status %d\n", frame[0]&0x0f, binary.BigEndian.Uint16(frame[2:]))
	conn.Close() // the client's end of the closing handshake
	fmt.Println("drained:", <-drained)
	// Output:
	// 101 Switching Protocols
	// close frame: opcode 8, status 1001
	// drained: <nil>
}
