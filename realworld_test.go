//go:build linux

package gracefulgen_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
	"github.com/gracefulgen/gracefulgen/templates"
)

// The real-world suite (issue 11, item 8): pinned public programs, fetched
// from the module proxy by version, converted with the README's commands,
// built, and restarted under load. It needs the network and a few minutes,
// so it runs only when asked:
//
//	GRACEFUL_REALWORLD=1 go test -timeout 55m -run TestRealWorld -v .
//	GRACEFUL_REALWORLD=1 go test -run 'TestRealWorld/go-httpbin$' -v .   # one program
//	GRACEFUL_REALWORLD_LOG=1 ...                                             # the runtime's log lines, also when it passes
//
// GRACEFUL_REALWORLD_RESTARTS sets the restarts per program (default 10).
// The README's table comes from the "row:" lines it logs.
//
// The README's commands, and the two stand-ins the unpublished project
// needs: `go get -tool .../cmd/gracefulgen` + `go tool gracefulgen ./...`
// is this repository's gracefulgen, built once and run in the program's
// module root; `go get github.com/gracefulgen/gracefulgen/runtime` gets the
// version a replace names (`go mod edit -replace` to the local runtime,
// runtimeDir: $GRACEFULGEN_TEST_RUNTIME or ./runtime), as the e2e tests do.
// Nothing else is done to the program: no GOFLAGS, no go mod tidy.

// realProgram is one pinned program of the suite.
type realProgram struct {
	name    string // as the table shows it
	module  string
	version string
	main    string // its main package, relative to the module root
	// gen are gracefulgen's flags, as the README tells a user of such a
	// program (-signal SIGUSR2 where the program takes SIGHUP itself).
	gen []string
	// wrap, when set, makes the module that is converted: a module of
	// ours around the program's source (the grpc examples module replaces
	// grpc with ../, which only builds inside grpc's repository).
	wrap func(t *testing.T, src, dir string)
	// serve, when set, says how to start the converted program and load
	// it; without it the program is converted (or reported) only.
	serve func(t *testing.T, r *realRun) realServe
	// runLeft, when set, says why the program is started and loaded
	// although gracefulgen exits 3: what it left behind is, by the
	// program's source, handed over anyway (caddy: the listeners its
	// Serve calls get come through caddy's listener pool from a converted
	// ListenConfig.Listen). The loaded run then tests that claim.
	runLeft string
	// noRun, when set, says why the converted program is not started
	// although gracefulgen converts all of it (prometheus: its TSDB).
	noRun string
	// after, when set, runs once the loaded run passed, with the same
	// binary (alertmanager: what a restart does with its cluster port).
	after func(t *testing.T, r *realRun, res *realResult)
}

// realRun is what the suite prepared for one program.
type realRun struct {
	dir     string // the program's module, converted and built
	tmp     string // a short directory for its files
	bin     string // the converted binary
	loadBin string // greeter: the gRPC load client
}

// realServe is how one program is run: its command line, every listening
// socket it opens (a restart is complete when one new process holds them
// all), the HTTP loads and, for gRPC, a load client.
type realServe struct {
	args  []string
	env   []string // added to the program's environment
	eps   []endpoint
	loads []*load
	grpc  *endpoint // the gRPC endpoint, loaded by r.loadBin
	// signal restarts the program (the -signal it was converted with);
	// SIGHUP when zero.
	signal syscall.Signal
	// datagrams are the program's datagram sockets (network "udp"),
	// which a restart hands over: the run ends with the very sockets the
	// first process bound (the same inodes), held by the last process
	// alone. They are not among eps: the old process keeps its copy of a
	// datagram socket until it exits, so "one process holds it" comes
	// only then. The endpoints of udp are added to them.
	datagrams []endpoint
	// udp are loads of DNS queries on datagram sockets: both generations
	// read the one socket until the old one exits, so a query is lost
	// only if the old process read it and exits before it answers, at
	// most once per client and restart.
	udp []*udpLoad
	// last, when set, runs once the loads are over, with the last process
	// still serving (statsd_exporter: what it received after the last
	// restart shows in its metrics); what it returns is a note for the
	// table.
	last func(t *testing.T) string
	// cut are loads through connections an old process cannot end by
	// itself (a TCP proxy's links: it cannot tell where one request on
	// them ends): they stay with it until its drain deadline, which closes
	// them. Each of their connections may lose the request in flight then,
	// once per generation: at most e2eClients failures per restart (EOF,
	// or the client's "server closed idle connection" in a race with the
	// close); the table shows them apart.
	cut []*load
}

// realResult is one row of the README's table.
type realResult struct {
	said       string // what gracefulgen changed or said
	code       int
	restarts   int
	requests   int
	failed     int
	cut        int    // requests lost on connections cut at a drain deadline (realServe.cut)
	queries    int    // DNS queries sent as datagrams (realServe.udp)
	lost       int    // of them, those without an answer
	notStarted string // why it was not run, if it was not
	note       string // what the after check found
}

const greeterExamples = "google.golang.org/grpc/examples"

var realPrograms = []realProgram{
	{
		name: "go-httpbin", module: "github.com/mccutchen/go-httpbin/v2", version: "v2.26.0", main: "./cmd/go-httpbin",
		serve: func(t *testing.T, r *realRun) realServe {
			ep := endpoint{name: "app", network: "tcp", address: testsupport.FreeAddr(t)}
			host, port := splitAddr(t, ep.address)
			s := realServe{args: []string{"-host", host, "-port", port}, eps: []endpoint{ep}}
			for _, mode := range []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST} {
				l := newLoad(ep, mode)
				l.path = "/post"
				s.loads = append(s.loads, l)
			}
			return s
		},
	},
	{
		// An HTTP API (8474) and TCP proxies it opens with net.Listen. The
		// proxy comes from -config, so every generation opens it; one made
		// through the API lives in one process's memory and would vanish
		// at a restart, converted or not.
		name: "toxiproxy", module: "github.com/Shopify/toxiproxy/v2", version: "v2.5.0", main: "./cmd/server",
		serve: func(t *testing.T, r *realRun) realServe {
			api := endpoint{name: "api", network: "tcp", address: testsupport.FreeAddr(t)}
			proxy := endpoint{name: "proxy", network: "tcp", address: testsupport.FreeAddr(t)}
			upstream := startUpstream(t)
			config := filepath.Join(r.tmp, "toxiproxy.json")
			b, _ := json.Marshal([]map[string]any{{"name": "up", "listen": proxy.address, "upstream": upstream, "enabled": true}})
			if err := os.WriteFile(config, b, 0o644); err != nil {
				t.Fatal(err)
			}
			host, port := splitAddr(t, api.address)
			s := realServe{args: []string{"-host", host, "-port", port, "-config", config}, eps: []endpoint{api, proxy}}
			for _, mode := range []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST} {
				l := newLoad(api, mode)
				l.path, l.body = "/proxies/up", `{"enabled":true}` // ProxyUpdate: 200
				s.loads = append(s.loads, l, newLoad(proxy, mode))
			}
			s.cut = s.loads[1:2] // the proxy's keep-alive connections
			return s
		},
	},
	{
		// An in-memory registry: net.Listen then srv.Serve. Uploads are
		// started with POST (202 Accepted).
		name: "go-containerregistry registry", module: "github.com/google/go-containerregistry", version: "v0.22.1", main: "./cmd/registry",
		serve: func(t *testing.T, r *realRun) realServe {
			ep := endpoint{name: "registry", network: "tcp", address: testsupport.FreeAddr(t)}
			_, port := splitAddr(t, ep.address)
			s := realServe{args: []string{"-port", port}, eps: []endpoint{ep}}
			for _, mode := range []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST} {
				l := newLoad(ep, mode)
				l.path, l.want = "/v2/load/blobs/uploads/", http.StatusAccepted
				s.loads = append(s.loads, l)
			}
			return s
		},
	},
	{
		// The CNCF registry: `registry serve CONFIG.yml` (cobra). Its
		// (*Registry).ListenAndServe serves a listener from its package
		// listener (net.Listen in newTCPListener, wrapped in a keep-alive
		// listener, or go-systemd's activation.Listeners when LISTEN_FDS
		// is set: converted to graceful.Activated, which returns the same
		// sockets) with registry.server.Serve; the debug server (pprof on
		// http.DefaultServeMux) with http.ListenAndServe in a goroutine.
		// It asks for SIGTERM/SIGINT only when http.draintimeout is set;
		// the default config (none) serves without any signal handling.
		// Filesystem storage under tmp, no TLS, no auth. The loads start
		// uploads on the registry (POST .../blobs/uploads/: 202) and post
		// to the debug server's / (404: pprof registers "GET /debug/pprof/..."
		// routes only, so any POST to them is 405, and nothing serves /).
		name: "distribution registry", module: "github.com/distribution/distribution/v3", version: "v3.1.2", main: "./cmd/registry",
		serve: func(t *testing.T, r *realRun) realServe {
			ep := endpoint{name: "registry", network: "tcp", address: testsupport.FreeAddr(t)}
			debug := endpoint{name: "debug", network: "tcp", address: testsupport.FreeAddr(t)}
			config := filepath.Join(r.tmp, "config.yml")
			yml := "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: " + filepath.Join(r.tmp, "data") +
				"\nhttp:\n  addr: " + ep.address + "\n  debug:\n    addr: " + debug.address + "\n"
			if err := os.WriteFile(config, []byte(yml), 0o644); err != nil {
				t.Fatal(err)
			}
			s := realServe{args: []string{"serve", config}, eps: []endpoint{ep, debug}}
			for _, mode := range []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST} {
				l := newLoad(ep, mode)
				l.path, l.want = "/v2/load/blobs/uploads/", http.StatusAccepted
				d := newLoad(debug, mode)
				d.want = http.StatusNotFound // DefaultServeMux: pprof's routes are GET only
				s.loads = append(s.loads, l, d)
			}
			return s
		},
	},
	{
		// exporter-toolkit's web.ListenAndServe(server, flags, logger)
		// (toolkit v0.17.1, *slog.Logger). The landing page, not /metrics:
		// the load measures the restarts, not the collectors.
		name: "node_exporter", module: "github.com/prometheus/node_exporter", version: "v1.12.1", main: ".",
		serve: func(t *testing.T, r *realRun) realServe {
			ep := endpoint{name: "web", network: "tcp", address: testsupport.FreeAddr(t)}
			s := realServe{args: []string{"--web.listen-address=" + ep.address}, eps: []endpoint{ep}}
			for _, mode := range []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST} {
				s.loads = append(s.loads, newLoad(ep, mode))
			}
			return s
		},
	},
	{
		// Alertmanager's main serves its API and UI with
		// web.ListenAndServe (toolkit v0.15.1) and takes SIGHUP itself (to
		// reload its configuration): gracefulgen refuses to take SIGHUP
		// from it, and the README's remedy is -signal. Its cluster port
		// (memberlist, TCP and UDP, opened inside hashicorp/memberlist) is
		// turned off for the loaded run; after checks what a restart does
		// with it.
		// v0.31.1: the latest whose module builds as fetched (v0.32's
		// embeds ui/app/dist, which only its Makefile builds: gracefulgen
		// then exits 2 with the go command's "pattern app/dist: no
		// matching files found", as go build fails).
		name: "alertmanager", module: "github.com/prometheus/alertmanager", version: "v0.31.1", main: "./cmd/alertmanager",
		gen:   []string{"-signal", "SIGUSR2"},
		after: alertmanagerCluster,
		serve: func(t *testing.T, r *realRun) realServe {
			ep := endpoint{name: "web", network: "tcp", address: testsupport.FreeAddr(t)}
			config := filepath.Join(r.tmp, "alertmanager.yml")
			if err := os.WriteFile(config, []byte("route:\n  receiver: none\nreceivers:\n  - name: none\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			s := realServe{args: []string{"--web.listen-address=" + ep.address, "--cluster.listen-address=", "--config.file=" + config,
				"--storage.path=" + filepath.Join(r.tmp, "data")}, eps: []endpoint{ep}, signal: syscall.SIGUSR2}
			for _, mode := range []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST} {
				l := newLoad(ep, mode)
				l.path, l.body, l.ctype = "/api/v2/alerts", "[]", "application/json" // PostAlerts, no alert: 200
				s.loads = append(s.loads, l)
			}
			return s
		},
	},
	{
		// Prometheus's server: its main opens the web listeners early
		// (webHandler.Listeners: net.Listen in web.Handler.Listener,
		// wrapped in a connection limit and conntrack) and serves them
		// later from a run-group actor with exporter-toolkit's
		// web.ServeMultiple (toolkit v0.20.0). It takes SIGHUP itself (to
		// reload its configuration), as alertmanager does: the README's
		// remedy is -signal. No scrape job; a TSDB of its own under tmp.
		// The load queries the API (POST /api/v1/query, query=1: 200),
		// which answers 503 until the TSDB is open and the configuration
		// loaded.
		//
		// Converted whole (web.Handler.Run receives main's listeners as
		// a parameter, followed across the packages to main's call), but
		// not run: see noRun. serve says how it would be run.
		name: "prometheus", module: "github.com/prometheus/prometheus", version: "v0.316.0", main: "./cmd/prometheus",
		gen:   []string{"-signal", "SIGUSR2"},
		noRun: "a restart cannot work as things are: the TSDB holds an exclusive flock on its directory, so a second generation cannot open it while the first runs (tried by hand: the new process exits, the old serves on), and with --storage.tsdb.no-lockfile the new process truncates the queries.active file the old one has mapped (SIGBUS in the old); README \"Limits\"",
		serve: func(t *testing.T, r *realRun) realServe {
			ep := endpoint{name: "web", network: "tcp", address: testsupport.FreeAddr(t)}
			config := filepath.Join(r.tmp, "prometheus.yml")
			if err := os.WriteFile(config, []byte("global:\n  scrape_interval: 15s\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			s := realServe{args: []string{"--web.listen-address=" + ep.address, "--config.file=" + config,
				"--storage.tsdb.path=" + filepath.Join(r.tmp, "data")}, eps: []endpoint{ep}, signal: syscall.SIGUSR2}
			for _, mode := range []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST} {
				l := newLoad(ep, mode)
				l.path, l.body, l.ctype = "/api/v1/query", "query=1", "application/x-www-form-urlencoded"
				s.loads = append(s.loads, l)
			}
			return s
		},
	},
	{
		// A gin program: gin-swagger's example/basic, which serves with
		// (*gin.Engine).Run() and no address: gin takes the port from
		// $PORT and binds ":"+PORT (every interface; the load uses
		// loopback). Its routes are GET only, and the load sends POST
		// (which Go's client does not retry): gin's engine answers it
		// 404, which is what the load expects.
		name: "gin-swagger example/basic", module: "github.com/swaggo/gin-swagger", version: "v1.6.1", main: "./example/basic",
		serve: func(t *testing.T, r *realRun) realServe {
			ep := endpoint{name: "gin", network: "tcp", address: testsupport.FreeAddr(t)}
			_, port := splitAddr(t, ep.address)
			s := realServe{env: []string{"PORT=" + port}, eps: []endpoint{ep}}
			for _, mode := range []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST} {
				l := newLoad(ep, mode)
				l.path, l.want = "/v2/testapi/get-string-by-int/1", http.StatusNotFound
				s.loads = append(s.loads, l)
			}
			return s
		},
	},
	{
		// An echo v4 program: oapi-codegen's petstore-expanded/echo (echo
		// v4.7.2), which serves with e.Start("0.0.0.0:<-port>") behind
		// its OpenAPI request validator. v1.11.0: the newest of the
		// module whose examples are in it (later ones moved them to a
		// module of their own that the proxy does not serve); its go.mod
		// has no go line. The load adds pets: POST /pets, 201.
		name: "oapi-codegen petstore-expanded/echo", module: "github.com/deepmap/oapi-codegen", version: "v1.11.0", main: "./examples/petstore-expanded/echo",
		serve: func(t *testing.T, r *realRun) realServe {
			ep := endpoint{name: "echo", network: "tcp", address: testsupport.FreeAddr(t)}
			_, port := splitAddr(t, ep.address)
			s := realServe{args: []string{"-port", port}, eps: []endpoint{ep}}
			for _, mode := range []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST} {
				l := newLoad(ep, mode)
				l.path, l.body, l.ctype, l.want = "/pets", `{"name":"load"}`, "application/json", http.StatusCreated
				s.loads = append(s.loads, l)
			}
			return s
		},
	},
	{
		// Caddy: `caddy run --config Caddyfile --adapter caddyfile`, one
		// plain-HTTP site on loopback that answers "ok" 200 to every
		// request (default_bind: a site address alone binds every
		// interface), the admin endpoint (a second listener, served by
		// admin.go's Serve; localhost:2019 by default) on a free loopback
		// address, automatic HTTPS off. The load is on the site; the
		// admin socket must be handed over as well. Caddy opens its
		// listeners through its own pool (caddy.NetworkAddress.Listen =>
		// listenReusable, a net.ListenConfig with SO_REUSEPORT) and serves
		// them with http.Server.Serve in modules/caddyhttp and admin.go.
		// Its data and config directories (certmagic storage,
		// autosave.json) go under r.tmp.
		// Caddy asks for SIGHUP, SIGUSR1 (reload from the config file)
		// and SIGUSR2 (sigtrap_posix.go); SIGHUP and SIGUSR2 it only logs
		// as "not implemented": gracefulgen refuses the default, and
		// -signal SIGUSR2 gives SIGUSR2 to restarts.
		name: "caddy", module: "github.com/caddyserver/caddy/v2", version: "v2.11.9", main: "./cmd/caddy",
		gen:     []string{"-signal", "SIGUSR2"},
		runLeft: "its three Serve calls (admin.go twice, modules/caddyhttp/app.go) are converted; the listeners of admin.go's two, named as of unknown origin (NetworkAddress.Listen may return a plugin's listener), come through caddy's listener pool from listenReusable's config.Listen (listen_unix.go), which is converted (its datagram sockets, config.ListenPacket in listen.go, listen_unix.go and listeners.go, are converted too and handed over at a restart; this Caddyfile opens none)",
		serve: func(t *testing.T, r *realRun) realServe {
			ep := endpoint{name: "http", network: "tcp", address: testsupport.FreeAddr(t)}
			admin := endpoint{name: "admin", network: "tcp", address: testsupport.FreeAddr(t)}
			config := filepath.Join(r.tmp, "Caddyfile")
			caddyfile := "{\n\tadmin " + admin.address + "\n\tauto_https off\n\tpersist_config off\n\tdefault_bind 127.0.0.1\n}\n\nhttp://" + ep.address + " {\n\trespond \"ok\" 200\n}\n"
			if err := os.WriteFile(config, []byte(caddyfile), 0o644); err != nil {
				t.Fatal(err)
			}
			s := realServe{args: []string{"run", "--config", config, "--adapter", "caddyfile"}, eps: []endpoint{ep, admin}, signal: syscall.SIGUSR2,
				env: []string{"XDG_DATA_HOME=" + filepath.Join(r.tmp, "data"), "XDG_CONFIG_HOME=" + filepath.Join(r.tmp, "config")}}
			for _, mode := range []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST} {
				s.loads = append(s.loads, newLoad(ep, mode))
			}
			return s
		},
	},
	{
		// CoreDNS: a DNS server on coredns/caddy (caddy v1's fork), which
		// calls each server's Listen and ListenPacket and then its Serve
		// and ServePacket in goroutines. The DNS server (core/dnsserver)
		// opens both through plugin/pkg/reuseport (a net.ListenConfig with
		// SO_REUSEPORT: converted, so the TCP listener and the UDP socket
		// are handed over) and serves them with miekg/dns's own accept and
		// read loops. The health and prometheus plugins serve HTTP on
		// listeners of their own, also from reuseport.Listen, with
		// http.Server.Serve (converted; prometheus's once the analyzer no
		// longer took its start-up error path for a short-lived server's
		// shutdown). coredns/caddy asks for SIGHUP and ignores it: the
		// default signal restarts. One server block, bound to loopback,
		// answered by whoami; the loads post to /health and /metrics
		// (their handlers answer any method 200) and send DNS queries over
		// UDP.
		name: "coredns", module: "github.com/coredns/coredns", version: "v1.15.0", main: ".",
		runLeft: "what it leaves, the Serve(l) of the DNS-over-HTTPS and gRPC transports (core/dnsserver/server_https.go, server_grpc.go), gets its listener from coredns/caddy's startServers, which takes it from the same server's Listen: reuseport.Listen, converted (caddy's own SIGUSR1 reload and SIGUSR2 upgrade may pass one made from an earlier listener's file instead); this Corefile opens neither transport",
		serve: func(t *testing.T, r *realRun) realServe {
			dns := endpoint{name: "dns", network: "tcp", address: testsupport.FreeAddr(t)}
			health := endpoint{name: "health", network: "tcp", address: testsupport.FreeAddr(t)}
			metrics := endpoint{name: "metrics", network: "tcp", address: testsupport.FreeAddr(t)}
			host, port := splitAddr(t, dns.address)
			corefile := ".:" + port + " {\n\tbind " + host + "\n\twhoami\n\thealth " + health.address + "\n\tprometheus " + metrics.address + "\n}\n"
			config := filepath.Join(r.tmp, "Corefile")
			if err := os.WriteFile(config, []byte(corefile), 0o644); err != nil {
				t.Fatal(err)
			}
			s := realServe{args: []string{"-conf", config}, eps: []endpoint{dns, health, metrics},
				udp: []*udpLoad{newUDPLoad(endpoint{name: "dns udp", network: "udp", address: dns.address})}}
			for _, mode := range []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST} {
				h := newLoad(health, mode)
				h.path = "/health"
				m := newLoad(metrics, mode)
				m.path = "/metrics"
				s.loads = append(s.loads, h, m)
			}
			return s
		},
	},
	{
		// statsd_exporter: statsd lines in over UDP and TCP (net.ListenUDP
		// and net.ListenTCP in main, read by loops of its own), Prometheus
		// metrics out over HTTP (http.ListenAndServe in serveHTTP). It
		// takes SIGHUP itself (to reload its mapping configuration), so
		// the README's remedy is -signal. The load posts to the landing
		// page (200 to any method); last sends statsd lines over UDP to
		// the last process and reads them back from its /metrics.
		name: "statsd_exporter", module: "github.com/prometheus/statsd_exporter", version: "v0.31.0", main: ".",
		gen: []string{"-signal", "SIGUSR2"},
		serve: func(t *testing.T, r *realRun) realServe {
			web := endpoint{name: "web", network: "tcp", address: testsupport.FreeAddr(t)}
			statsd := endpoint{name: "statsd tcp", network: "tcp", address: testsupport.FreeAddr(t)}
			udp := endpoint{name: "statsd udp", network: "udp", address: statsd.address}
			s := realServe{args: []string{"--web.listen-address=" + web.address, "--statsd.listen-udp=" + udp.address, "--statsd.listen-tcp=" + statsd.address},
				eps: []endpoint{web, statsd}, datagrams: []endpoint{udp}, signal: syscall.SIGUSR2}
			for _, mode := range []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST} {
				s.loads = append(s.loads, newLoad(web, mode))
			}
			s.last = func(t *testing.T) string { return statsdReceived(t, udp, web, 50) }
			return s
		},
	},
	{
		// statsd_exporter on a unixgram socket alone (the web listener
		// beside it): main refuses to start when the socket's file is
		// there (os.Stat before net.ListenUnixgram), which in a restart's
		// new process is the socket it inherits: converted, the look is
		// graceful.Stat, which finds no file there until the socket is
		// adopted. last sends statsd lines to the last process over the
		// socket.
		name: "statsd_exporter unixgram", module: "github.com/prometheus/statsd_exporter", version: "v0.31.0", main: ".",
		gen: []string{"-signal", "SIGUSR2"},
		serve: func(t *testing.T, r *realRun) realServe {
			web := endpoint{name: "web", network: "tcp", address: testsupport.FreeAddr(t)}
			sock := endpoint{name: "statsd unixgram", network: "unixgram", address: filepath.Join(r.tmp, "statsd.sock")}
			s := realServe{args: []string{"--web.listen-address=" + web.address, "--statsd.listen-udp=", "--statsd.listen-tcp=", "--statsd.listen-unixgram=" + sock.address},
				eps: []endpoint{web}, signal: syscall.SIGUSR2}
			for _, mode := range []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST} {
				s.loads = append(s.loads, newLoad(web, mode))
			}
			s.last = func(t *testing.T) string { return statsdReceived(t, sock, web, 50) }
			return s
		},
	},
	{
		// tusd, the tus resumable-upload server: cmd/tusd/cli opens its
		// listener in a helper (NewListener: net.Listen("tcp"), or
		// NewUnixListener for -unix-sock), serves it with server.Serve, or
		// hands it to serveTLS (server.ServeTLS) with -tls-certificate, and
		// shuts the server down itself on SIGTERM/SIGINT. Its metrics
		// (/metrics) are on the same mux and listener. Uploads go to a
		// directory under tmp. -enable-h2c wraps the mux in h2c. The load
		// creates uploads with their data (creation-with-upload: POST
		// /files/, 201), also over h2c.
		name: "tusd", module: "github.com/tus/tusd/v2", version: "v2.9.1", main: "./cmd/tusd",
		serve: func(t *testing.T, r *realRun) realServe {
			ep := endpoint{name: "tus", network: "tcp", address: testsupport.FreeAddr(t)}
			host, port := splitAddr(t, ep.address)
			s := realServe{args: []string{"-host", host, "-port", port, "-enable-h2c", "-upload-dir", filepath.Join(r.tmp, "uploads")}, eps: []endpoint{ep}}
			s.loads = tusLoads(ep, testsupport.KeepAlivePOST, testsupport.NewConnPOST, testsupport.H2C)
			return s
		},
	},
	{
		// tusd on a unix socket (-unix-sock): NewUnixListener removes a
		// socket file left at the path, then listens on it: converted, the
		// removal is graceful.Remove, which keeps the file of the socket a
		// restart's new process inherits, so no dial finds the path gone.
		name: "tusd unix socket", module: "github.com/tus/tusd/v2", version: "v2.9.1", main: "./cmd/tusd",
		serve: func(t *testing.T, r *realRun) realServe {
			ep := endpoint{name: "unix", network: "unix", address: filepath.Join(r.tmp, "tusd.sock")}
			s := realServe{args: []string{"-unix-sock", ep.address, "-upload-dir", filepath.Join(r.tmp, "uploads")}, eps: []endpoint{ep}}
			s.loads = tusLoads(ep, testsupport.KeepAlivePOST, testsupport.NewConnPOST)
			return s
		},
	},
	{
		// tusd serving TLS (-tls-certificate, -tls-key): serveTLS gets the
		// listener as a parameter and calls server.ServeTLS.
		name: "tusd TLS", module: "github.com/tus/tusd/v2", version: "v2.9.1", main: "./cmd/tusd",
		serve: func(t *testing.T, r *realRun) realServe {
			certFile, keyFile, client := writeCertificate(t, r.tmp)
			ep := endpoint{name: "tls", network: "tcp", address: testsupport.FreeAddr(t), tls: client}
			host, port := splitAddr(t, ep.address)
			s := realServe{args: []string{"-host", host, "-port", port, "-tls-certificate", certFile, "-tls-key", keyFile,
				"-upload-dir", filepath.Join(r.tmp, "uploads")}, eps: []endpoint{ep}}
			s.loads = tusLoads(ep, testsupport.KeepAlivePOST, testsupport.NewConnPOST)
			return s
		},
	},
	{
		// The example's main.go, unchanged, in a module of ours that
		// requires the examples module (see wrap), with our load client.
		name: "grpc-go helloworld greeter_server", module: greeterExamples, version: "v0.0.0-20260825154716-030ee8becb20", main: "./greeter_server",
		wrap: wrapGreeter,
		serve: func(t *testing.T, r *realRun) realServe {
			ep := endpoint{name: "grpc", network: "tcp", address: testsupport.FreeAddr(t)}
			_, port := splitAddr(t, ep.address)
			return realServe{args: []string{"-port", port}, eps: []endpoint{ep}, grpc: &ep}
		},
	},
}

// TestRealWorld runs the real-world suite; see the comment above realProgram.
func TestRealWorld(t *testing.T) {
	if os.Getenv("GRACEFUL_REALWORLD") != "1" {
		t.Skip("real-world suite (fetches pinned programs from the module proxy): set GRACEFUL_REALWORLD=1 to run it")
	}
	restarts := 10
	if n, err := strconv.Atoi(os.Getenv("GRACEFUL_REALWORLD_RESTARTS")); err == nil {
		restarts = n
	}
	becomeSubreaper(t)
	tool := filepath.Join(t.TempDir(), "gracefulgen")
	goBuild(t, ".", "build", "-o", tool, "./cmd/gracefulgen")

	results := map[string]*realResult{}
	for _, p := range realPrograms {
		res := &realResult{}
		results[p.name] = res
		t.Run(p.name, func(t *testing.T) { runReal(t, p, tool, restarts, res) })
	}
	var table strings.Builder
	table.WriteString("| program | version | what gracefulgen changed or said | exit | restarts | failed requests |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, p := range realPrograms {
		r := results[p.name]
		if r.said == "" {
			continue // not selected by -run, or it failed before gracefulgen ran
		}
		run := fmt.Sprintf("%d | %d of %d", r.restarts, r.failed, r.requests)
		if r.cut > 0 {
			run += fmt.Sprintf(" (and %d cut at a drain deadline)", r.cut)
		}
		if r.queries > 0 {
			run += fmt.Sprintf("; %d of %d DNS queries over UDP unanswered", r.lost, r.queries)
		}
		if r.notStarted != "" {
			run = "- | " + r.notStarted
		}
		if r.note != "" {
			run += "; " + r.note
		}
		fmt.Fprintf(&table, "| %s | %s | %s | %d | %s |\n", p.name, p.version, r.said, r.code, run)
	}
	t.Logf("table:\n%s", &table)
}

// runReal fetches, converts, builds and runs one program, filling res.
func runReal(t *testing.T, p realProgram, tool string, restarts int, res *realResult) {
	res.notStarted = "not run: see the test log"
	src := moduleSource(t, p.module, p.version)
	tmp, err := os.MkdirTemp("", "rw") // short: sockets and logs
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	dir := filepath.Join(tmp, "src")
	if p.wrap != nil {
		p.wrap(t, src, dir)
	} else if err := os.CopyFS(dir, os.DirFS(src)); err != nil { // files 0666: writable
		t.Fatalf("copy %s: %v", src, err)
	}
	before := readTree(t, dir, "")

	// The README's commands (see the file comment for the stand-ins).
	env := append(os.Environ(), "GOWORK=off")
	goCmd(t, dir, env, "mod", "edit", "-replace", templates.RuntimePath+"="+runtimeDir(t))
	goCmd(t, dir, env, "get", templates.RuntimePath+"@v0.0.0")
	cmd := exec.Command(tool, append(slices.Clone(p.gen), "./...")...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil {
		t.Fatalf("gracefulgen ./...: %v", err)
	}
	res.code = cmd.ProcessState.ExitCode()
	t.Logf("gracefulgen ./... in %s@%s exited %d:\n%s", p.module, p.version, res.code, out)
	after := readTree(t, dir, "")
	res.said = changes(before, after, string(out))
	// Every server start is converted or named (issue 9 item 6): the
	// main package gets a zz_graceful.go, or gracefulgen exits 3 naming
	// what it left behind. Anything else leaves a program that SIGHUP ends.
	_, err = os.Stat(filepath.Join(dir, p.main, "zz_graceful.go"))
	res.notStarted = "not run"
	switch {
	case res.code == 3 && (p.serve != nil || p.noRun != "") && p.runLeft == "":
		t.Fatalf("gracefulgen exited 3 on a program it used to convert whole:\n%s", out)
	case res.code == 3 && strings.Contains(string(out), "not converted"):
	case res.code != 0:
		t.Fatalf("gracefulgen exited %d", res.code)
	case err != nil:
		t.Fatalf("gracefulgen exited 0 and wrote no zz_graceful.go in %s, a program that serves: its server start is neither converted nor named (%v)", p.main, err)
	}
	if p.serve == nil || p.noRun != "" || res.code != 0 && (res.code != 3 || p.runLeft == "") {
		res.notStarted = "converted only"
		if p.noRun != "" {
			t.Logf("not run: %s", p.noRun)
		}
		return
	}
	if res.code == 3 {
		t.Logf("gracefulgen exited 3; run anyway: %s", p.runLeft)
	}

	r := &realRun{dir: dir, tmp: tmp, bin: filepath.Join(tmp, "bin", "server")}
	build := exec.Command("go", "build", "-o", r.bin, p.main)
	build.Dir, build.Env = dir, env
	if b, err := build.CombinedOutput(); err != nil {
		res.notStarted = "build failed"
		t.Fatalf("go build %s of the converted program: %v\n%s", p.main, err, b)
	}
	if p.wrap != nil {
		r.loadBin = filepath.Join(tmp, "bin", "load")
		goCmd(t, dir, env, "build", "-o", r.loadBin, "./greeterload")
	}
	s := p.serve(t, r)
	res.notStarted = ""
	runLoaded(t, r, s, restarts, res)
	if p.after != nil && !t.Failed() {
		p.after(t, r, res)
	}
}

// alertmanagerCluster starts the converted alertmanager with its cluster
// port on (memberlist binds it, TCP and UDP, inside hashicorp/memberlist,
// which gracefulgen does not convert) and restarts it: the new process
// cannot bind the port the old one holds and exits, the runtime says the
// restart failed, and the old process serves on. The note says so in the
// table.
func alertmanagerCluster(t *testing.T, r *realRun, res *realResult) {
	web := endpoint{name: "web", network: "tcp", address: testsupport.FreeAddr(t)}
	cluster := testsupport.FreeAddr(t)
	logFile := filepath.Join(r.tmp, "cluster.log")
	g := startGroup(t, r.bin, []string{"--web.listen-address=" + web.address, "--cluster.listen-address=" + cluster,
		"--config.file=" + filepath.Join(r.tmp, "alertmanager.yml"), "--storage.path=" + filepath.Join(r.tmp, "data2")}, nil, logFile)
	first, err := g.server([]endpoint{web}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(first, syscall.SIGUSR2); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(patience)
	var line string
	for line == "" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		b, _ := os.ReadFile(logFile)
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, "graceful: restart failed") || strings.Contains(l, "graceful: child ready") {
				line = l
			}
		}
	}
	b, _ := os.ReadFile(logFile)
	if !strings.Contains(line, "restart failed") || !strings.Contains(string(b), "address already in use") {
		t.Errorf("a restart with the cluster port on: want the child to fail on the port the old process holds, got %q:\n%s", line, b)
	}
	// The runtime names memberlist's sockets, TCP and UDP, before the
	// restart and in its failure.
	_, port, _ := net.SplitHostPort(cluster)
	named := logLine(logFile, "sockets a restart does not hand over")
	if !strings.Contains(named, "tcp ") || !strings.Contains(named, "udp ") || !strings.Contains(named, ":"+port) || !strings.Contains(line, "not_handed_over=") {
		t.Errorf("want the cluster port's sockets (tcp and udp :%s) named as not handed over, before the restart and in its failure; got %q and %q", port, named, line)
	}
	l := newLoad(web, testsupport.NewConnPOST)
	l.path, l.body, l.ctype = "/api/v2/alerts", "[]", "application/json"
	if err := l.once(); err != nil {
		t.Errorf("the old process does not serve after the failed restart: %v", err)
	}
	if holder, _ := soleHolder([]endpoint{web}); holder != first {
		t.Errorf("web port held by %d after the failed restart, want the old process %d", holder, first)
	}
	if i := strings.Index(line, "graceful:"); i >= 0 {
		line = line[i:]
	}
	res.note = "with its cluster port on, a restart fails: " + strings.TrimSpace(line)
	t.Logf("%s", res.note)
	syscall.Kill(first, syscall.SIGTERM)
	g.waitGone(first, patience)
}

// logLine returns the first line of the log file that contains text, or "".
func logLine(logFile, text string) string {
	b, _ := os.ReadFile(logFile)
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, text) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// runLoaded starts the converted program, restarts it under load and
// checks the outcome: every restart completes, no request fails, every
// old generation exits 0, the last one alone serves every socket.
func runLoaded(t *testing.T, r *realRun, s realServe, restarts int, res *realResult) {
	logFile := filepath.Join(r.tmp, "log")
	g := startGroup(t, r.bin, s.args, s.env, logFile)
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("GRACEFUL_REALWORLD_LOG") == "1" {
			// The runtime's lines: real programs log much else.
			b, _ := os.ReadFile(logFile)
			var lines []string
			for _, line := range strings.Split(string(b), "\n") {
				if strings.Contains(line, "graceful:") {
					lines = append(lines, line)
				}
			}
			t.Logf("the runtime's log lines of every generation:\n%s", strings.Join(lines, "\n"))
		}
	})
	first, err := g.server(s.eps, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stopLoad := context.WithCancel(context.Background())
	defer stopLoad()
	var wg sync.WaitGroup
	for _, l := range s.loads {
		wg.Add(1)
		go func() { defer wg.Done(); l.run(ctx, e2eClients) }()
	}
	datagrams := slices.Clone(s.datagrams)
	for _, u := range s.udp {
		datagrams = append(datagrams, u.ep)
	}
	inodes := map[string][]string{} // by endpoint name
	for _, ep := range datagrams {
		inodes[ep.name], err = testsupport.SocketInodes(ep.target())
		if err != nil || len(inodes[ep.name]) == 0 {
			t.Fatalf("%s: no datagram socket at %s (%v)", ep.name, ep.address, err)
		}
	}
	for _, u := range s.udp {
		wg.Add(1)
		go func() { defer wg.Done(); u.run(ctx, e2eClients) }()
	}
	var side *sideLoad
	if s.grpc != nil {
		side = startSide(t, sideGRPC, r.loadBin, *s.grpc, g)
	}

	pids := []int{first}
	for i := range restarts {
		time.Sleep(e2eInterval)
		// The program's own restart signal only: SIGHUP first would wait
		// patience for a restart that never comes (the program keeps
		// SIGHUP: alertmanager reloads, caddy logs it).
		next, err := g.restartWith(s.eps, pids[len(pids)-1], cmp.Or(s.signal, syscall.SIGHUP))
		if err != nil {
			t.Errorf("restart %d: %v", i+1, err)
			break
		}
		pids = append(pids, next)
	}
	res.restarts = len(pids) - 1
	current, old := pids[len(pids)-1], pids[:len(pids)-1]
	for _, pid := range old {
		if !g.waitGone(pid, patience) {
			t.Errorf("old process %d is still there %v after it was replaced", pid, patience)
		}
	}
	stopLoad()
	wg.Wait()
	side.stop(t, pids)
	if side != nil {
		res.requests += side.calls
		res.failed += side.failed
	}
	for _, l := range s.loads {
		n, why := l.failed()
		res.requests += l.res.Sent()
		if slices.Contains(s.cut, l) {
			res.cut += n
			t.Logf("%s %s: %d of %d requests cut at an old process's drain deadline: %s", l.ep.name, l.mode, n, l.res.Sent(), why)
			if n > e2eClients*res.restarts {
				t.Errorf("%s %s: %d failed, more than its %d connections once per restart: %s", l.ep.name, l.mode, n, e2eClients, why)
			}
			continue
		}
		res.failed += n
		if n > 0 {
			t.Errorf("%s %s: %d of %d requests failed: %s", l.ep.name, l.mode, n, l.res.Sent(), why)
		}
		if l.res.Sent() == 0 {
			t.Errorf("%s %s: no request was made", l.ep.name, l.mode)
		}
	}
	for _, u := range s.udp {
		sent, answered, lost, why := u.counts()
		res.queries += sent
		res.lost += lost
		t.Logf("%s: %d DNS queries over UDP, %d answered (%s), %d unanswered: %s", u.ep.name, sent, answered, u.stalls(), lost, why)
		if answered == 0 {
			t.Errorf("%s: no DNS query was answered", u.ep.name)
		}
		if lost > e2eClients*res.restarts {
			t.Errorf("%s: %d queries unanswered, more than one per client (%d) and restart: %s", u.ep.name, lost, e2eClients, why)
		}
	}
	for _, ep := range datagrams {
		// Handed over, the socket is the one the first process bound;
		// bound anew (SO_REUSEPORT lets a second process bind beside the
		// first), it has another inode, and what waited in the old
		// one's queue was dropped when it closed.
		if got, err := testsupport.SocketInodes(ep.target()); err != nil || !slices.Equal(got, inodes[ep.name]) {
			t.Errorf("%s: datagram socket inodes %v (%v) at the end, want the first process's %v", ep.name, got, err, inodes[ep.name])
		}
	}
	t.Logf("%d requests, %d failed, %d of %d restarts (pids %s)", res.requests, res.failed, res.restarts, restarts, pidList(pids))
	for _, ep := range append(slices.Clone(s.eps), datagrams...) {
		if got, err := holders(ep); err != nil || !slices.Equal(got, []int{current}) {
			t.Errorf("%s: listening socket held by %v (%v), want only the last process %d", ep.name, got, err, current)
		}
	}
	for _, pid := range old {
		checkExit(t, g, pid)
	}
	// Every restart completed: a socket named as one a restart cannot hand
	// over would be a false alarm (or one the conversion missed).
	if line := logLine(logFile, "sockets a restart does not hand over"); line != "" {
		t.Errorf("the runtime named sockets not handed over, yet every restart completed: %s", line)
	}
	if s.last != nil {
		res.note = s.last(t)
	}
	if err := syscall.Kill(current, syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM to %d: %v", current, err)
	}
	if !g.waitGone(current, patience) {
		t.Errorf("process %d is still there %v after SIGTERM", current, patience)
	}
	if ws, ok := g.exitStatus(current); ok {
		t.Logf("the last process ended with %s on SIGTERM", describe(ws))
	}
}

// moduleSource downloads module@version from the module proxy (or finds
// it in the module cache) and returns its read-only source directory.
func moduleSource(t *testing.T, module, version string) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	cmd.Dir = t.TempDir() // outside any module
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &info); err != nil || jerr != nil || info.Dir == "" {
		t.Fatalf("go mod download %s@%s: %v %s\n%s", module, version, err, info.Error, out)
	}
	return info.Dir
}

// goCmd runs the go command in dir.
func goCmd(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// changes describes what gracefulgen did to a module: the files it
// changed and wrote, and its "not converted" lines.
func changes(before, after map[string]string, out string) string {
	var changed, written []string
	for name, text := range after {
		if name == "go.mod" || name == "go.sum" {
			continue
		}
		if old, ok := before[name]; !ok {
			written = append(written, name)
		} else if old != text {
			changed = append(changed, fmt.Sprintf("%s (%d lines)", name, diffLines(old, text)))
		}
	}
	slices.Sort(changed)
	slices.Sort(written)
	var parts []string
	if len(changed) > 0 {
		parts = append(parts, "changed "+strings.Join(changed, ", "))
	}
	if len(written) > 0 {
		parts = append(parts, "wrote "+strings.Join(written, ", "))
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "not converted") {
			parts = append(parts, "said "+strings.TrimSpace(line))
		}
	}
	if len(parts) == 0 {
		return "nothing changed: " + strings.TrimSpace(out)
	}
	return strings.Join(parts, "; ")
}

// diffLines counts the lines of b that a does not have (as many times).
func diffLines(a, b string) int {
	have := map[string]int{}
	for _, line := range strings.Split(a, "\n") {
		have[line]++
	}
	n := 0
	for _, line := range strings.Split(b, "\n") {
		if have[line] > 0 {
			have[line]--
		} else {
			n++
		}
	}
	return n
}

// splitAddr splits a loopback host:port.
func splitAddr(t *testing.T, addr string) (string, string) {
	t.Helper()
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		t.Fatalf("address %q has no port", addr)
	}
	return addr[:i], addr[i+1:]
}

// startUpstream serves, on a loopback address, what toxiproxy's proxy
// forwards to: 200 to every request, after a few milliseconds (so that
// requests are in flight at a restart).
func startUpstream(t *testing.T) string {
	t.Helper()
	addr := testsupport.FreeAddr(t)
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		time.Sleep(2 * time.Millisecond)
		w.Write([]byte("ok\n"))
	})}
	ready := make(chan error, 1)
	go func() {
		err := srv.ListenAndServe()
		ready <- err
	}()
	t.Cleanup(func() { srv.Close() })
	deadline := time.Now().Add(patience)
	for {
		resp, err := http.Post("http://"+addr+"/", "text/plain", strings.NewReader("x"))
		if err == nil {
			resp.Body.Close()
			return addr
		}
		select {
		case err := <-ready:
			t.Fatalf("upstream: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("upstream not serving: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wrapGreeter makes a module of ours that holds grpc-go's helloworld
// greeter_server, unchanged, as ./greeter_server, and the suite's load
// client (testdata/realworld/greeterload) as ./greeterload, and requires
// the examples module at the pinned version for the helloworld package.
func wrapGreeter(t *testing.T, src, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(src, "helloworld", "greeter_server", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	load, err := os.ReadFile(filepath.Join("testdata", "realworld", "greeterload", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	version := filepath.Base(src)[strings.LastIndexByte(filepath.Base(src), '@')+1:]
	writeTree(t, dir, map[string]string{
		"go.mod":                 "module example.com/realworld/greeter\n\ngo 1.25.0\n\nrequire " + greeterExamples + " " + version + "\n",
		"greeter_server/main.go": string(b),
		"greeterload/main.go":    string(load),
	})
	// The requirements the examples module brings (grpc, protobuf): the
	// wrapper's own set-up, before the README's commands.
	goCmd(t, dir, append(os.Environ(), "GOWORK=off"), "mod", "tidy")
}

// tusLoads are loads of a tusd endpoint in modes: each request creates an
// upload with its 7 bytes of data (tus creation-with-upload: POST /files/
// with Tus-Resumable, Upload-Length and an offset+octet-stream body), which
// tusd answers 201 Created.
func tusLoads(ep endpoint, modes ...testsupport.Mode) []*load {
	var loads []*load
	for _, mode := range modes {
		l := newLoad(ep, mode)
		l.path, l.body, l.ctype, l.want = "/files/", "payload", "application/offset+octet-stream", http.StatusCreated
		l.header = http.Header{"Tus-Resumable": {"1.0.0"}, "Upload-Length": {"7"}}
		loads = append(loads, l)
	}
	return loads
}

// statsdReceived sends n statsd increments of one counter, one datagram
// each, to the statsd exporter at in (a "udp" or "unixgram" endpoint), and
// waits for its metrics at web to count all n: what the last process of a
// run received on the datagram socket it was handed. It returns the note
// for the table.
func statsdReceived(t *testing.T, in, web endpoint, n int) string {
	t.Helper()
	const name = "gracefulgen_after_restarts"
	conn, err := net.Dial(in.network, in.address)
	if err != nil {
		t.Errorf("statsd: %v", err)
		return ""
	}
	defer conn.Close()
	for range n {
		if _, err := conn.Write([]byte(name + ":1|c")); err != nil {
			t.Errorf("statsd: send: %v", err)
			return ""
		}
	}
	want := strconv.Itoa(n)
	var got string
	for deadline := time.Now().Add(patience); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(web.url("/metrics"))
		if err != nil {
			got = err.Error()
			continue
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			got = err.Error()
			continue
		}
		got = "no " + name
		for _, line := range strings.Split(string(b), "\n") {
			if metric, value, ok := strings.Cut(line, " "); ok && (metric == name || metric == name+"_total") {
				got = line
				if value == want {
					note := fmt.Sprintf("%d statsd lines sent over %s after the last restart: its /metrics shows %s", n, in.network, line)
					t.Logf("%s", note)
					return note
				}
			}
		}
	}
	t.Errorf("statsd: %d increments sent over %s to the last process, its /metrics shows %q after %v", n, in.network, got, patience)
	return ""
}
