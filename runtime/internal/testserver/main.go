// Command testserver is the server program the runtime's tests and the
// restartload command start, restart and load. It is a plain net/http
// program wired to the runtime by hand, the way generated code does it.
//
// Environment (read at start, inherited by every generation):
//
//	TS_LISTEN     listeners, "network=address" separated by ";" (default tcp=127.0.0.1:8080)
//	TS_API        "listen" (Listen + ServerServe, default) or "las" (ListenAndServe, first address)
//	TS_PLAIN      "1": plain net/http, no runtime (the throughput baseline)
//	TS_CONTROL    a file read at start that tells this generation how to misbehave:
//	              exit1, panic, hang, slow, reverse, first-only, bind=ADDR (also listen on ADDR, fatal on error),
//	              remove-socket (remove a unix socket's file before listening; -converted: through graceful.Remove),
//	              refuse-socket-converted (exit 1 if graceful.Stat finds a unix socket's file before listening),
//	              die-after-listen=D (Config.ManualReady; listen on every address, exit 1 D later without serving),
//	              ready-after=D (Config.ManualReady; call graceful.Ready D after serving)
//	TS_DRAIN, TS_START, TS_READY   runtime timeouts (time.ParseDuration)
//	TS_FILE       the file served at /file
//	TS_TIMEOUTS   "1": give plain servers the runtime's default timeouts
//	TS_STOP_DELAY, TS_READ_HEADER, TS_IDLE   Config.StopDelay, Config.ReadHeaderTimeout, Config.IdleTimeout
//	TS_PIDFILE    Config.PIDFile
//	TS_TLS        "1": serve HTTPS (HTTP/2 and HTTP/1.1) through tls.NewListener layered on the
//	              listener, with a self-signed certificate made at start
//	TS_H2C        "1": serve unencrypted HTTP/2 too (Server.Protocols, Go 1.24+)
//	TS_STOPPER    an address where a line-protocol server runs through graceful.ServeStopper
//	TS_APP_STOP   the app handles SIGTERM itself (AppHandlesStop): "1" (it shuts every server
//	              down), "exit" (it calls os.Exit(0) at once), "first" (it shuts down only the
//	              first server, the others belong to another package, and exits 0), "delay=D" (it serves
//	              on for D, then shuts down); its stop path also removes TS_LOCKFILE
//	TS_APP_STOP_AFTER "1": Config.AppStopAfterHandover
//	TS_LOCKFILE   a file written with the pid once serving; /health answers 503 without it
//	TS_LOG        "discard" (log.SetOutput(io.Discard)), "slog-discard" (slog default to
//	              io.Discard) or "info" (slog default logs every level as INFO): no Config.Logger
//	TS_CLI        "1": a CLI that links the runtime and never serves ("configure": it calls
//	              Configure first); it prints its protocol environment, "cli ready",
//	              and sleeps 30s; "--help" prints a usage line and exits 0
//	TS_CHDIR      a directory to chdir into before Configure (a dependency's init would)
//	TS_OWNLOOP    an address where a line-protocol server runs its own accept loop (one request per connection)
//	TS_ACTIVATED  "1": serve the sockets graceful.Activated returns (socket activation) instead of
//	              opening TS_LISTEN's (which then only says how many there are)
//	TS_PACKET     datagram sockets, "network=address" separated by ";" (udp=127.0.0.1:9125;unixgram=/x.sock),
//	              each answering every datagram with "PID PAYLOAD" from its own read loop
//	TS_PACKET_STOPPER "1": serve TS_PACKET's sockets through graceful.ServePacket instead (as a miekg/dns server)
//	TS_FOREIGN    sockets opened with package net itself, as a dependency would, and held open:
//	              "network=address" separated by ";", network tcp, udp, unix, unixgram, or
//	              tcp-reuseport (SO_REUSEPORT set)
//	TS_CPUPROFILE a file to write a CPU profile of the first TS_CPUPROFILE_FOR (default 10s) to
//
// Control words also: late=DURATION (open the listeners after the first one
// that late, as a second server started after a warm-up), spin=DURATION
// (the same, computing rather than sleeping).
//
// Every server has a ConnState hook that asserts the connection types apps
// assert (*net.TCPConn, *net.UnixConn, *tls.Conn): it panics on any other
// (TS_ASSERT_CONNS=0 turns it off).
//
// It prints one line "listen NETWORK BOUND" per listener on standard output.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	graceful "github.com/gracefulgen/gracefulgen/runtime"
)

// version is set at build time (-ldflags "-X main.version=..."), so that
// deploy tests can tell two builds apart.
var version = "dev"

func main() {
	if os.Getenv("TS_LISTFDS") == "1" {
		listFDs()
		return
	}
	if mode := os.Getenv("TS_CLI"); mode != "" {
		cli(mode)
		return
	}
	if dir := os.Getenv("TS_CHDIR"); dir != "" {
		if err := os.Chdir(dir); err != nil {
			log.Fatalf("testserver: %v", err)
		}
	}
	if path := os.Getenv("TS_CPUPROFILE"); path != "" {
		cpuProfile(path, envOr("TS_CPUPROFILE_FOR", "10s"))
	}
	control := readControl()
	switch {
	case control["exit1"]:
		fmt.Fprintln(os.Stderr, "testserver: exit 1 as told")
		os.Exit(1)
	case control["panic"]:
		panic("testserver: panic as told")
	case control["hang"]:
		fmt.Fprintln(os.Stderr, "testserver: hanging as told")
		select {}
	}
	plain := os.Getenv("TS_PLAIN") == "1"
	appStop := os.Getenv("TS_APP_STOP")
	if !plain {
		cfg := graceful.Config{
			DrainTimeout:         duration("TS_DRAIN"),
			StartTimeout:         duration("TS_START"),
			ReadyTimeout:         duration("TS_READY"),
			StopDelay:            duration("TS_STOP_DELAY"),
			PIDFile:              os.Getenv("TS_PIDFILE"),
			ReadHeaderTimeout:    duration("TS_READ_HEADER"),
			IdleTimeout:          duration("TS_IDLE"),
			AppHandlesStop:       appStop != "",
			AppStopAfterHandover: os.Getenv("TS_APP_STOP_AFTER") == "1",
		}
		switch os.Getenv("TS_LOG") {
		case "discard":
			log.SetOutput(io.Discard)
		case "slog-discard":
			slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
		case "info":
			slog.SetDefault(slog.New(infoHandler{slog.NewTextHandler(os.Stderr, nil)}))
		default:
			cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
		}
		var readyAfter time.Duration
		for word := range control {
			if v, ok := strings.CutPrefix(word, "ready-after="); ok {
				readyAfter, _ = time.ParseDuration(v)
				cfg.ManualReady = true
			}
			if strings.HasPrefix(word, "die-after-listen=") {
				// Its start-up goes on after it listens (it says when it is
				// ready, and dies first), however slow the machine.
				cfg.ManualReady = true
			}
		}
		graceful.Configure(cfg)
		fmt.Fprintln(os.Stderr, "testserver: configured")
		if readyAfter > 0 {
			time.AfterFunc(readyAfter, graceful.Ready)
		}
	}

	specs := strings.Split(envOr("TS_LISTEN", "tcp=127.0.0.1:8080"), ";")
	if control["first-only"] {
		specs = specs[:1]
	}
	if control["reverse"] {
		sort.Sort(sort.Reverse(sort.StringSlice(specs)))
	}
	for word := range control {
		if addr, ok := strings.CutPrefix(word, "bind="); ok {
			specs = append(specs, "tcp="+addr)
		}
	}
	if control["slow"] {
		time.Sleep(time.Second) // a long initialisation, after the runtime's handlers are installed
	}
	if !plain {
		graceful.OnShutdown(func() { close(shutdownHook) })
	}
	mux := handlers()

	var late, spin time.Duration
	for word := range control {
		if v, ok := strings.CutPrefix(word, "late="); ok {
			late, _ = time.ParseDuration(v)
		}
		if v, ok := strings.CutPrefix(word, "spin="); ok {
			spin, _ = time.ParseDuration(v)
		}
	}
	tlsConfig := serverTLS()
	if addr := os.Getenv("TS_STOPPER"); addr != "" && !plain {
		startStopper(addr)
	}
	if addr := os.Getenv("TS_OWNLOOP"); addr != "" && !plain {
		startOwnLoop(addr)
	}
	if specs := os.Getenv("TS_FOREIGN"); specs != "" {
		openForeign(specs)
	}
	if specs := os.Getenv("TS_PACKET"); specs != "" && !plain {
		startPacketEcho(specs)
	}

	var activated []net.Listener
	if os.Getenv("TS_ACTIVATED") == "1" && !plain {
		var err error
		if activated, err = graceful.Activated(); err != nil || len(activated) == 0 {
			log.Fatalf("testserver: activated sockets: %d, %v", len(activated), err)
		}
		specs = specs[:0]
		for _, l := range activated {
			specs = append(specs, l.Addr().Network()+"="+l.Addr().String())
		}
	}
	var dieAfterListen time.Duration
	for word := range control {
		if v, ok := strings.CutPrefix(word, "die-after-listen="); ok {
			dieAfterListen, _ = time.ParseDuration(v)
		}
	}
	if dieAfterListen > 0 {
		// A program that fails after it took its sockets, before it serves.
		for _, spec := range specs {
			network, addr, _ := strings.Cut(spec, "=")
			if _, err := graceful.Listen(network, addr); err != nil {
				log.Fatalf("testserver: listen %s: %v", spec, err)
			}
		}
		time.Sleep(dieAfterListen)
		fmt.Fprintln(os.Stderr, "testserver: exit 1 after listening, as told")
		os.Exit(1)
	}

	var servers []*http.Server
	done := make(chan error, len(specs))
	for i, spec := range specs {
		network, addr, _ := strings.Cut(spec, "=")
		if i == 1 && late > 0 {
			fmt.Fprintf(os.Stderr, "testserver: warming up for %v before the next servers\n", late)
			time.Sleep(late)
		}
		if i == 1 && spin > 0 {
			// Start-up code that computes (or a main goroutine a loaded
			// machine keeps waiting for a processor) between two Listens.
			for end := time.Now().Add(spin); time.Now().Before(end); {
			}
		}
		if i == 0 && os.Getenv("TS_API") == "las" && !plain {
			// The drop-in for http.ListenAndServe, on the first address.
			fmt.Printf("listen tcp %s\n", addr)
			srv := &http.Server{Addr: addr, Handler: mux}
			servers = append(servers, srv)
			go func() { done <- graceful.ServerListenAndServe(srv) }()
			continue
		}
		if network == "unix" && control["remove-socket"] {
			os.Remove(addr) // the usual removal of a stale socket file
		}
		if network == "unix" && control["remove-socket-converted"] {
			graceful.Remove(addr) // the same, as gracefulgen rewrites it
		}
		if network == "unix" && control["refuse-socket-converted"] {
			// A program that will not start on a socket file left behind
			// (statsd_exporter), its os.Stat as gracefulgen rewrites it.
			if _, err := graceful.Stat(addr); !errors.Is(err, fs.ErrNotExist) {
				log.Fatalf("testserver: %s is already there (%v)", addr, err)
			}
		}
		var l net.Listener
		var err error
		if activated != nil {
			l = activated[i]
		} else if plain {
			l, err = net.Listen(network, addr)
		} else {
			l, err = graceful.Listen(network, addr)
		}
		if err != nil {
			log.Fatalf("testserver: listen %s: %v", spec, err)
		}
		fmt.Printf("listen %s %s\n", network, l.Addr())
		srv := &http.Server{Handler: mux, ConnState: assertConnTypes}
		configureH2C(srv)
		if tlsConfig != nil {
			l = tls.NewListener(l, tlsConfig) // the app's own TLS layer
		}
		if os.Getenv("TS_TIMEOUTS") == "1" {
			// The runtime's default timeouts, for a like-for-like baseline.
			srv.ReadHeaderTimeout, srv.IdleTimeout = graceful.DefaultReadHeaderTimeout, graceful.DefaultIdleTimeout
		}
		servers = append(servers, srv)
		go func() {
			if plain {
				done <- srv.Serve(l)
			} else {
				done <- graceful.ServerServe(srv, l)
			}
		}()
	}
	lock := os.Getenv("TS_LOCKFILE")
	if lock != "" {
		if err := os.WriteFile(lock, []byte(fmt.Sprint(os.Getpid())), 0o644); err != nil {
			log.Fatalf("testserver: lock file: %v", err)
		}
	}
	appStopped := make(chan struct{})
	if appStop != "" {
		// The usual shapes of a program with its own stop path.
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		defer stop()
		go func() {
			<-ctx.Done()
			fmt.Fprintln(os.Stderr, "testserver: app shutdown")
			shut := servers
			switch {
			case appStop == "exit":
				os.Exit(0)
			case appStop == "first":
				servers[0].Shutdown(context.Background())
				os.Exit(0) // main returns: the app knows nothing of the other servers
			case strings.HasPrefix(appStop, "delay="):
				d, _ := time.ParseDuration(strings.TrimPrefix(appStop, "delay="))
				time.Sleep(d) // a load balancer stops sending first
			}
			for _, s := range shut {
				s.Shutdown(context.Background())
			}
			if lock != "" {
				os.Remove(lock)
				fmt.Fprintln(os.Stderr, "testserver: lock file removed")
			}
			close(appStopped)
		}()
	} else {
		close(appStopped)
	}
	for range specs {
		if err := <-done; err != http.ErrServerClosed {
			log.Fatalf("testserver: serve: %v", err)
		}
	}
	fmt.Fprintln(os.Stderr, "testserver: serve returned http.ErrServerClosed")
	<-appStopped
	fmt.Fprintln(os.Stderr, "testserver: exiting")
}

// shutdownHook is closed by the runtime's OnShutdown hook.
var shutdownHook = make(chan struct{})

func handlers() *http.ServeMux {
	mux := http.NewServeMux()
	pid := fmt.Sprint(os.Getpid())
	mux.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, pid)
	})
	mux.HandleFunc("/keepalive", func(w http.ResponseWriter, r *http.Request) {
		// A handler that insists on keeping its connection: a drain must
		// close it anyway.
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Connection", "keep-alive")
		io.WriteString(w, pid)
	})
	mux.HandleFunc("/proto", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s tls=%v", r.Proto, r.TLS != nil)
	})
	mux.HandleFunc("/pid", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, pid)
	})
	mux.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, version)
	})
	mux.HandleFunc("/sleep", func(w http.ResponseWriter, r *http.Request) {
		d, _ := time.ParseDuration(r.URL.Query().Get("d"))
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		select {
		case <-time.After(d):
			io.WriteString(w, "slept "+pid)
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/orphan", func(w http.ResponseWriter, r *http.Request) {
		// The shell exits at once; its background child becomes an orphan.
		out, err := exec.Command("sh", "-c", "sleep 0.2 & echo $!").Output()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Write(out)
	})
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		if _, err := os.Stat(os.Getenv("TS_LOCKFILE")); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/cwd", func(w http.ResponseWriter, r *http.Request) {
		dir, _ := os.Getwd()
		release, _ := os.ReadFile("release") // a file of the release the process runs in
		fmt.Fprintf(w, "%s %s", dir, strings.TrimSpace(string(release)))
	})
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello, world\n")
	})
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, os.Getenv("TS_FILE"))
	})
	mux.HandleFunc("/hijack", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		buf.WriteString("hijacked " + pid + "\n")
		buf.Flush()
		if r.URL.Query().Get("bye") == "1" {
			// Told to go by the OnShutdown hook, as x/net's h2c
			// connections are by GOAWAY: say so, then close.
			<-shutdownHook
			buf.WriteString("bye\n")
			buf.Flush()
			conn.Close()
			return
		}
		io.Copy(io.Discard, conn) // hold it open until the peer or the runtime closes it
		conn.Close()
	})
	mux.HandleFunc("/spawn", func(w http.ResponseWriter, r *http.Request) {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "TS_LISTFDS=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			http.Error(w, fmt.Sprintf("%v: %s", err, out), http.StatusInternalServerError)
			return
		}
		w.Write(out)
	})
	return mux
}

// listFDs prints the open descriptors and protocol variables of this
// process: what a subprocess of the app inherited.
func listFDs() {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		fmt.Println("error", err)
		return
	}
	for _, e := range entries {
		target, _ := os.Readlink("/proc/self/fd/" + e.Name())
		fmt.Printf("fd %s %s\n", e.Name(), target)
	}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GRACEFUL_") || strings.HasPrefix(kv, "LISTEN_") {
			fmt.Printf("env %s\n", kv)
		}
	}
}

// cli is a program that links the runtime (as a CLI that imports a converted
// library does) but never serves.
func cli(mode string) {
	if mode == "configure" {
		graceful.Configure(graceful.Config{})
	}
	if len(os.Args) > 1 && os.Args[1] == "--help" {
		fmt.Println("usage: testserver [--help]")
		return
	}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GRACEFUL_") || strings.HasPrefix(kv, "LISTEN_") {
			fmt.Printf("env %s\n", kv)
		}
	}
	fmt.Println("cli ready")
	time.Sleep(30 * time.Second)
}

// infoHandler logs every record as INFO, as some apps' log bridges do.
type infoHandler struct{ slog.Handler }

func (h infoHandler) Handle(ctx context.Context, r slog.Record) error {
	r.Level = slog.LevelInfo
	return h.Handler.Handle(ctx, r)
}

func (h infoHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return infoHandler{h.Handler.WithAttrs(as)}
}

func (h infoHandler) WithGroup(name string) slog.Handler {
	return infoHandler{h.Handler.WithGroup(name)}
}

func readControl() map[string]bool {
	words := map[string]bool{}
	path := os.Getenv("TS_CONTROL")
	if path == "" {
		return words
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return words
	}
	for _, w := range strings.Fields(string(b)) {
		words[w] = true
	}
	return words
}

func duration(key string) time.Duration {
	d, _ := time.ParseDuration(os.Getenv(key))
	return d
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// cpuProfile profiles the CPU for the duration d (time.ParseDuration) from
// now, to path.
func cpuProfile(path, d string) {
	dur, err := time.ParseDuration(d)
	if err != nil {
		log.Fatalf("testserver: TS_CPUPROFILE_FOR: %v", err)
	}
	f, err := os.Create(path)
	if err != nil {
		log.Fatalf("testserver: %v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatalf("testserver: %v", err)
	}
	time.AfterFunc(dur, func() {
		pprof.StopCPUProfile()
		f.Close()
	})
}
