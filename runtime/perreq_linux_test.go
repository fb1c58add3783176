package graceful

import (
	"bufio"
	"context"
	"flag"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// requestRounds runs BenchmarkRequest's variants in turn that many times in
// one run (plain, plain-timeouts, graceful, plain#01, ...), so that each
// round's figures are measured side by side; internal/cmd/benchratio pairs
// them and prints the median ratio.
var requestRounds = flag.Int("request.rounds", 1, "rounds of BenchmarkRequest's variants, in turn")

// cpuTime returns the user and system CPU time of this process, in ns.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkRequest measures one keep-alive request of a tiny response,
// client included (a raw connection, so that the server's share is most of
// it), on plain net/http, on net/http given the runtime's default timeouts,
// and through the runtime, and their ratios (both sides from the same run):
//
//	go test -run '^$' -bench 'Request$' -benchmem -request.rounds 10 . | go run ./internal/cmd/benchratio
//
// (-count 10 works too, but runs each variant's ten in a row, so that a
// change in the machine's load between them weighs on one side only.)
func BenchmarkRequest(b *testing.B) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello, world\n")
	})
	serve := map[string]func(b *testing.B) string{
		"plain": func(b *testing.B) string {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			srv := &http.Server{Handler: handler}
			go srv.Serve(l)
			b.Cleanup(func() { srv.Close() })
			return l.Addr().String()
		},
		"plain-timeouts": func(b *testing.B) string {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			srv := &http.Server{Handler: handler, ReadHeaderTimeout: DefaultReadHeaderTimeout, IdleTimeout: DefaultIdleTimeout}
			go srv.Serve(l)
			b.Cleanup(func() { srv.Close() })
			return l.Addr().String()
		},
		"graceful": func(b *testing.B) string {
			p := newProcess()
			l, err := p.listen(nil, context.Background(), "tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			srv := &http.Server{Handler: handler}
			go p.serve(srv, l, nil)
			b.Cleanup(func() { srv.Close() })
			return l.Addr().String()
		},
	}
	for round := 0; round < *requestRounds; round++ {
		for _, name := range []string{"plain", "plain-timeouts", "graceful"} {
			benchmarkRequest(b, name, serve[name])
		}
	}
}

// benchmarkRequest runs one variant of BenchmarkRequest on the server that
// serve starts.
func benchmarkRequest(b *testing.B, name string, serve func(b *testing.B) string) {
	b.Run(name, func(b *testing.B) {
		addr := serve(b)
		// CPU time per request (client included), which a busy machine
		// disturbs less than the wall clock.
		cpu0 := cpuTime()
		defer func() { b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op") }()
		b.RunParallel(func(pb *testing.PB) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				b.Error(err)
				return
			}
			defer c.Close()
			br := bufio.NewReader(c)
			req := []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			for pb.Next() {
				if _, err := c.Write(req); err != nil {
					b.Error(err)
					return
				}
				// Headers, then the 13-byte body.
				for {
					line, err := br.ReadSlice('\n')
					if err != nil {
						b.Error(err)
						return
					}
					if len(line) == 2 {
						break
					}
					if strings.HasPrefix(string(line), "Connection: close") {
						b.Error("connection closed")
					}
				}
				if _, err := br.Discard(13); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkRuntimePerRequest measures, without a network or a client, what
// the runtime itself adds to each request on a keep-alive connection of a
// server whose default timeouts it enforces: the ConnState calls as net/http
// reports the connection active, then idle (tracker and sweeper), and the
// drain handler around the program's handler (against that handler called
// directly); connstate-parallel does the ConnState calls from every
// processor at once. Divided by the CPU time of a plain request, it is the
// runtime's share when its data is in the processor's cache, far steadier
// than a difference of two loaded runs (but see README "Throughput": in a
// loaded server the same calls cost more than this shows):
//
//	go test -run '^$' -bench RuntimePerRequest -benchmem -count 10 .
func BenchmarkRuntimePerRequest(b *testing.B) {
	p := newProcess()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})}
	p.conns.sweep.adopt(srv, p.config())
	p.conns.hook(srv)
	// Connections open at once, as under load: each request is on the
	// next one.
	conns := make([]net.Conn, 64)
	for i := range conns {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		client, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		c, err := ln.Accept()
		if err != nil {
			b.Fatal(err)
		}
		ln.Close()
		b.Cleanup(func() { c.Close(); client.Close() })
		conns[i] = c
		srv.ConnState(c, http.StateNew)
		srv.ConnState(c, http.StateIdle)
	}
	b.Run("connstate", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			c := conns[i&63]
			srv.ConnState(c, http.StateActive)
			srv.ConnState(c, http.StateIdle)
		}
	})
	// The same from every processor at once, each on connections of its
	// own, as connections' goroutines run on a busy server: records that
	// share cache lines would show here.
	b.Run("connstate-parallel", func(b *testing.B) {
		b.ReportAllocs()
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			base := int(next.Add(8)) & 63
			for i := 0; pb.Next(); i++ {
				c := conns[(base+i&7)&63]
				srv.ConnState(c, http.StateActive)
				srv.ConnState(c, http.StateIdle)
			}
		})
	})
	r := httptestRequest()
	w := discardWriter{h: http.Header{}}
	app := srv.Handler
	b.Run("handler-plain", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			app.ServeHTTP(w, r)
		}
	})
	wrapped := drainHandlerOf(p, app)
	b.Run("handler-graceful", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			wrapped.ServeHTTP(w, r)
		}
	})
}

// httptestRequest is a request as net/http's HTTP/1 server makes it.
func httptestRequest() *http.Request {
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET / HTTP/1.1\r\nHost: x\r\n\r\n")))
	if err != nil {
		panic(err)
	}
	return r
}

// discardWriter is a response writer that writes nowhere.
type discardWriter struct{ h http.Header }

func (d discardWriter) Header() http.Header         { return d.h }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}
