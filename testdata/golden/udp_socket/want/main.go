package main

import (
	"context"
	"log"
	"net"
	"net/http"
	"os"
)

// A statsd-like program: metrics arrive over UDP and a unix datagram
// socket, and are served over HTTP.
func main() {
	conn, err := gracefulListenUDP("udp", &net.UDPAddr{Port: 9125})
	if err != nil {
		log.Fatal(err)
	}
	go read(conn)
	path := "/tmp/statsd.sock"
	gracefulRemove(path)
	uconn, err := gracefulListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		log.Fatal(err)
	}
	go read(uconn)
	var lc net.ListenConfig
	pc, err := gracefulListenConfigListenPacket(&lc, context.Background(), "udp", os.Getenv("SYSLOG_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	go read(pc)
	// A client's socket, on a port the system picks: left alone.
	if _, err := net.ListenPacket("udp", ":0"); err != nil {
		log.Fatal(err)
	}
	log.Fatal(gracefulListenAndServe(":9102", http.NotFoundHandler()))
}

func read(c net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := c.ReadFrom(buf); err != nil {
			return
		}
	}
}
