package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	graceful "github.com/gracefulgen/gracefulgen/runtime"
)

// serverTLS returns the TLS configuration of TS_TLS=1 (a self-signed
// certificate for loopback, made at start, offering h2 and http/1.1), or
// nil.
func serverTLS() *tls.Config {
	if os.Getenv("TS_TLS") != "1" {
		return nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatalf("testserver: key: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "testserver"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		log.Fatalf("testserver: certificate: %v", err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		NextProtos:   []string{"h2", "http/1.1"},
	}
}

// noAssert turns assertConnTypes off (TS_ASSERT_CONNS=0), to measure
// other things on a runtime that wraps connections.
var noAssert = os.Getenv("TS_ASSERT_CONNS") == "0"

// assertConnTypes is a ConnState hook that asserts what apps assert (for
// keep-alive tuning, peer credentials): the OS connection types, or a
// *tls.Conn over one. It panics on anything else, as such apps do.
func assertConnTypes(c net.Conn, _ http.ConnState) {
	if noAssert {
		return
	}
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	switch c.(type) {
	case *net.TCPConn, *net.UnixConn:
	default:
		panic(fmt.Sprintf("testserver: ConnState got a %T", c))
	}
}

// startStopper runs a line-protocol server on addr through
// graceful.ServeStopper: each request line is answered with the pid, and,
// once the server stops gracefully, with the pid and "bye", after which the
// server closes the connection (as grpc-go's GOAWAY tells a client to go).
func startStopper(addr string) {
	l, err := graceful.Listen("tcp", addr)
	if err != nil {
		log.Fatalf("testserver: listen stopper %s: %v", addr, err)
	}
	fmt.Printf("stopper tcp %s\n", l.Addr())
	s := &lineServer{conns: map[net.Conn]bool{}, pid: fmt.Sprint(os.Getpid())}
	go func() {
		if err := graceful.ServeStopper(s, l); err != nil {
			log.Fatalf("testserver: stopper: %v", err)
		}
		fmt.Fprintln(os.Stderr, "testserver: stopper returned nil")
	}()
}

// lineServer is a small server with grpc-go's stop semantics.
type lineServer struct {
	pid   string
	mu    sync.Mutex
	lis   []net.Listener
	conns map[net.Conn]bool
	quit  bool
	wg    sync.WaitGroup
}

func (s *lineServer) Serve(l net.Listener) error {
	s.mu.Lock()
	s.lis = append(s.lis, l)
	s.mu.Unlock()
	for {
		c, err := l.Accept()
		if err != nil {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.quit {
				return nil
			}
			return err
		}
		if _, ok := c.(*net.TCPConn); !ok {
			panic(fmt.Sprintf("testserver: stopper accepted a %T", c))
		}
		s.mu.Lock()
		s.conns[c] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serveConn(c)
	}
}

func (s *lineServer) serveConn(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if d, err := time.ParseDuration(strings.TrimSpace(line)); err == nil {
			time.Sleep(d) // a call that takes a while
		}
		s.mu.Lock()
		quit := s.quit
		s.mu.Unlock()
		if quit {
			fmt.Fprintf(c, "%s bye\n", s.pid)
			return
		}
		fmt.Fprintf(c, "%s\n", s.pid)
	}
}

// GracefulStop stops accepting and waits for every connection to end: each
// ends after answering its next request with "bye".
func (s *lineServer) GracefulStop() {
	s.mu.Lock()
	s.quit = true
	for _, l := range s.lis {
		l.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Stop closes every connection at once.
func (s *lineServer) Stop() {
	s.mu.Lock()
	s.quit = true
	for _, l := range s.lis {
		l.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// startOwnLoop runs a line-protocol server with its own accept loop on a
// listener from graceful.Listen: one request per connection, answered with
// the pid after the duration the request names. It knows nothing of the
// runtime's drain: its loop ends when the listener is closed, and each
// connection ends when it has answered.
func startOwnLoop(addr string) {
	l, err := graceful.Listen("tcp", addr)
	if err != nil {
		log.Fatalf("testserver: listen own loop %s: %v", addr, err)
	}
	fmt.Printf("ownloop tcp %s\n", l.Addr())
	pid := fmt.Sprint(os.Getpid())
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				fmt.Fprintf(os.Stderr, "testserver: own accept loop ended: %v\n", err)
				return
			}
			go func() {
				defer c.Close()
				line, err := bufio.NewReader(c).ReadString('\n')
				if err != nil {
					return
				}
				if d, err := time.ParseDuration(strings.TrimSpace(line)); err == nil {
					time.Sleep(d)
				}
				fmt.Fprintf(c, "%s\n", pid)
			}()
		}
	}()
}

// startPacketEcho opens each datagram socket of specs ("network=address"
// separated by ";") through the runtime and answers every datagram with
// "PID PAYLOAD" to its sender. Like most programs' read loops, each ends
// when its socket is closed and goes on after any other error. It prints
// one line "packet NETWORK BOUND" per socket.
func startPacketEcho(specs string) {
	pid := strconv.Itoa(os.Getpid())
	for _, spec := range strings.Split(specs, ";") {
		network, address, _ := strings.Cut(spec, "=")
		var c net.PacketConn
		var err error
		switch network {
		case "udp", "udp4", "udp6":
			var a *net.UDPAddr
			if a, err = net.ResolveUDPAddr(network, address); err == nil {
				c, err = graceful.ListenUDP(network, a)
			}
		case "unixgram":
			c, err = graceful.ListenUnixgram(network, &net.UnixAddr{Name: address, Net: network})
		default:
			c, err = graceful.ListenPacket(network, address)
		}
		if err != nil {
			log.Fatalf("testserver: listen packet %s: %v", spec, err)
		}
		fmt.Printf("packet %s %s\n", network, c.LocalAddr())
		if os.Getenv("TS_PACKET_STOPPER") == "1" {
			go servePacketStopper(c, pid)
			continue
		}
		go func() {
			buf := make([]byte, 2048)
			for {
				n, from, err := c.ReadFrom(buf)
				if errors.Is(err, net.ErrClosed) {
					return
				}
				if err != nil {
					fmt.Fprintf(os.Stderr, "testserver: packet read: %v\n", err)
					continue
				}
				answerPacket(c, pid, buf[:n], from)
			}
		}()
	}
}

// answerPacket answers payload to from with "PID PAYLOAD", after the
// duration a payload "sleep=D" names.
func answerPacket(c net.PacketConn, pid string, payload []byte, from net.Addr) {
	if from == nil {
		return // an unbound unixgram sender cannot be answered
	}
	if v, ok := strings.CutPrefix(string(payload), "sleep="); ok {
		if d, err := time.ParseDuration(v); err == nil {
			time.Sleep(d)
		}
	}
	c.WriteTo(append([]byte(pid+" "), payload...), from)
}

// servePacketStopper serves c through graceful.ServePacket as a miekg/dns
// server is served: each datagram answered in a goroutine of its own; a
// graceful stop unblocks the read with a past deadline, ends the loop and
// waits for the answers under way, then closes c.
func servePacketStopper(c net.PacketConn, pid string) {
	var stopping atomic.Bool
	var handlers sync.WaitGroup
	loopDone := make(chan struct{})
	serve := func() error {
		defer close(loopDone)
		buf := make([]byte, 2048)
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil && stopping.Load() {
				return nil // a datagram read as the stop came is answered
			}
			if err != nil {
				return err
			}
			payload := append([]byte(nil), buf[:n]...)
			handlers.Add(1)
			go func() {
				defer handlers.Done()
				answerPacket(c, pid, payload, from)
			}()
		}
	}
	gracefulStop := func() {
		stopping.Store(true)
		c.SetReadDeadline(time.Unix(1, 0))
		<-loopDone
		handlers.Wait()
		c.Close()
	}
	if err := graceful.ServePacket(c, serve, gracefulStop, func() { c.Close() }); err != nil {
		fmt.Fprintf(os.Stderr, "testserver: packet server: %v\n", err)
	}
}

// foreign holds the sockets of openForeign, so that they stay open.
var foreign []io.Closer

// openForeign opens each socket of specs ("network=address" separated by
// ";") with package net, not the runtime, as a dependency of a converted
// program would, and keeps it open. It exits when one cannot be opened (a
// restart's new process, whose old one holds the address).
func openForeign(specs string) {
	for _, spec := range strings.Split(specs, ";") {
		network, address, _ := strings.Cut(spec, "=")
		var c io.Closer
		var err error
		switch network {
		case "udp", "unixgram":
			c, err = net.ListenPacket(network, address)
		case "tcp-reuseport":
			lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
				var serr error
				rc.Control(func(fd uintptr) { serr = setReusePort(fd) })
				return serr
			}}
			c, err = lc.Listen(context.Background(), "tcp", address)
		default:
			c, err = net.Listen(network, address)
		}
		if err != nil {
			log.Fatalf("testserver: foreign socket %s: %v", spec, err)
		}
		foreign = append(foreign, c)
	}
}
