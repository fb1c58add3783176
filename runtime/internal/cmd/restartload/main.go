//go:build linux

// Command restartload measures a server restarting under load.
//
// Restart mode (default) starts the server command, loads it over loopback
// with POST requests (keep-alive and new-connection-per-request clients at
// once), sends SIGHUP to the serving process again and again, and prints the
// requests, the failures by kind, the restarts and the handover time (from
// the signal until the new process alone holds the listening socket), and
// the exclusive handover (from the signal until the old process takes no
// new connection, seen by a probe asking /pid on new connections) beside
// the new process's first answer:
//
//	restartload -cmd ./server -addr 127.0.0.1:8080 -restarts 100
//
// -modes adds HTTP/2 clients, each sending concurrent POST streams over one
// connection: h2 (over TLS; with -tls the HTTP/1 modes use TLS too) and h2c
// (prior knowledge). For the bundled test server:
//
//	TS_TLS=1 TS_LISTEN=tcp=127.0.0.1:8080 restartload -cmd ./testserver -addr 127.0.0.1:8080 -tls -modes keepalive,newconn,h2
//	TS_H2C=1 TS_LISTEN=tcp=127.0.0.1:8080 restartload -cmd ./testserver -addr 127.0.0.1:8080 -modes keepalive,newconn,h2c
//
// Throughput mode compares the server behind the runtime with the same
// server on plain net/http, in the same run, for each path, and prints the
// ratio of their request rates:
//
//	TS_LISTEN=tcp=127.0.0.1:8080 restartload -throughput -cmd ./server -addr 127.0.0.1:8080 \
//		-plain-env TS_PLAIN=1,TS_LISTEN=tcp=127.0.0.1:8081 -plain-addr 127.0.0.1:8081
//
// Both servers run side by side and are loaded in alternating short slices,
// so that whatever else the machine does weighs on both alike. It also
// prints the CPU time each server spent per request (to the nanosecond,
// from /proc/PID/task/*/schedstat), which does not depend on the share of
// a busy machine each server got, and the median of that ratio over the
// pairs of adjacent slices, which a few slices disturbed by the rest of the
// machine do not move, with a 95% confidence interval for it (the longer
// -duration, the narrower), its middle half and range. A control run
// (TS_PLAIN=1 in restartload's environment: plain against plain) shows
// what the method itself cannot tell apart.
//
// RSS mode starts the same two servers side by side (or, with -plain-cmd,
// a plain build that does not link the runtime at all beside the converted
// one: internal/rsstwin) and prints the memory the runtime adds: the resident set size (VmRSS) of each once idle, and
// its highest (VmHWM, and the highest VmRSS, RssAnon and RssFile sampled
// every 50ms) while both were loaded at once (keep-alive and
// new-connection clients, -duration), and again once idle:
//
//	TS_LISTEN=tcp=127.0.0.1:8080 restartload -rss -cmd ./server -addr 127.0.0.1:8080 \
//		-plain-env TS_PLAIN=1,TS_LISTEN=tcp=127.0.0.1:8081 -plain-addr 127.0.0.1:8081
//
// The servers are started with TS_FILE naming a file of -filesize bytes
// (what the bundled test server serves at /file).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

func main() {
	var (
		command     = flag.String("cmd", "", "the server command (split at spaces)")
		addr        = flag.String("addr", "127.0.0.1:8080", "the TCP address the server listens on")
		unixPath    = flag.String("unix", "", "load this unix socket instead of -addr")
		useTLS      = flag.Bool("tls", false, "HTTPS (for a server started with TS_TLS=1); mode h2 always uses it")
		restarts    = flag.Int("restarts", 20, "restarts to run under load")
		interval    = flag.Duration("interval", 200*time.Millisecond, "load time before each restart")
		concurrency = flag.Int("concurrency", 8, "concurrent clients per mode")
		modes       = flag.String("modes", "keepalive,newconn", "client modes: keepalive, newconn, h2 (HTTP/2 over TLS: serve with TS_TLS=1), h2c (HTTP/2 prior knowledge: TS_H2C=1)")
		path        = flag.String("path", "/work", "request path in restart mode")
		throughput  = flag.Bool("throughput", false, "compare throughput with the plain server instead of restarting")
		rss         = flag.Bool("rss", false, "compare memory (VmRSS, VmHWM) with the plain server, idle and under load, instead of restarting")
		plainEnv    = flag.String("plain-env", "TS_PLAIN=1,TS_LISTEN=tcp=127.0.0.1:8081", "environment (K=V,...) that makes -cmd a plain net/http server on -plain-addr")
		plainAddr   = flag.String("plain-addr", "127.0.0.1:8081", "the TCP address of the plain server")
		plainCmd    = flag.String("plain-cmd", "", "the plain server command, when it is not -cmd (split at spaces)")
		slice       = flag.Duration("slice", 250*time.Millisecond, "length of one throughput slice")
		paths       = flag.String("paths", "/small,/file", "request paths in throughput mode")
		duration    = flag.Duration("duration", 10*time.Second, "load time per variant and path in throughput mode")
		fileSize    = flag.Int("filesize", 1<<20, "size of the file served at /file (TS_FILE)")
	)
	flag.Parse()
	if *command == "" {
		fmt.Fprintln(os.Stderr, "restartload: -cmd is required")
		flag.Usage()
		os.Exit(2)
	}
	target := testsupport.Target{Network: "tcp", Address: *addr, Path: *path}
	if *unixPath != "" {
		target = testsupport.Target{Network: "unix", Address: *unixPath, Path: *path}
	}
	if *useTLS {
		target.TLS = testsupport.InsecureTLS()
	}
	dir, err := os.MkdirTemp("", "restartload")
	check(err)
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "file")
	check(os.WriteFile(file, make([]byte, *fileSize), 0o644))
	env := []string{"TS_FILE=" + file}

	r := &run{
		argv: strings.Fields(*command), plainArgv: strings.Fields(*command), env: env, plainEnv: split(*plainEnv),
		target: target, plainTarget: testsupport.Target{Network: "tcp", Address: *plainAddr},
		modes: split(*modes), paths: split(*paths), restarts: *restarts, concurrency: *concurrency,
		interval: *interval, duration: *duration, slice: *slice, dir: dir,
	}
	switch {
	case *rss:
		r.plainTarget.Path = *path
		if *plainCmd != "" {
			r.plainArgv = strings.Fields(*plainCmd)
		}
		r.compareMemory()
	case *throughput:
		r.compare()
	default:
		r.restartUnderLoad()
	}
}

// run is what one invocation measures, from the flags.
type run struct {
	argv, plainArgv []string // the server command; the plain server's (-rss)
	env, plainEnv   []string // environment of both; added for the plain one
	target          testsupport.Target
	plainTarget     testsupport.Target
	modes, paths    []string
	restarts        int
	concurrency     int
	interval        time.Duration
	duration, slice time.Duration
	dir             string // scratch directory: logs, the served file
}

func (r *run) restartUnderLoad() {
	argv, env, target, modes, restarts, interval, concurrency, dir := r.argv, r.env, r.target, r.modes, r.restarts, r.interval, r.concurrency, r.dir
	srv := start(argv, env, filepath.Join(dir, "restart.log"))
	defer srv.stop(target)
	_, err := testsupport.SolePID(target, 0, 30*time.Second)
	check(err)

	ctx, cancel := context.WithCancel(context.Background())
	results := make(chan testsupport.Result, len(modes))
	for _, name := range modes {
		m, err := testsupport.ParseMode(name)
		check(err)
		cfg := testsupport.Config{Target: target, Modes: []testsupport.Mode{m}, Workers: concurrency, Body: []byte("payload"), Timeout: 30 * time.Second}
		go func() { results <- testsupport.Run(ctx, cfg) }()
	}
	probeTarget := target
	probeTarget.Path = "/pid"
	probe := &testsupport.Probe{Target: probeTarget}
	probed := make(chan struct{})
	go func() { probe.Run(ctx); close(probed) }()
	var took []time.Duration
	var handovers []testsupport.Handover
	for i := 0; i < restarts; i++ {
		time.Sleep(interval)
		h, err := testsupport.Restart(target, syscall.SIGHUP, 60*time.Second)
		if err != nil {
			fmt.Fprintf(os.Stderr, "restart %d: %v (server log: %s)\n", i+1, err, srv.log)
			break
		}
		took = append(took, h.Took)
		handovers = append(handovers, h)
	}
	time.Sleep(interval)
	cancel()
	<-probed
	var firsts, exclusives []time.Duration
	for i, h := range handovers {
		until := time.Now()
		if i+1 < len(handovers) {
			until = handovers[i+1].Signalled
		}
		if first, excl, ok := probe.Exclusive(h.Signalled, until, h.Old, h.New); ok {
			firsts, exclusives = append(firsts, first), append(exclusives, excl)
		}
	}
	var requests, failed int64
	for range modes {
		r := <-results
		requests += int64(r.Sent())
		failed += int64(r.Failures())
		fmt.Println(r)
	}
	p50, worst := quantiles(took)
	fmt.Printf("total: %d requests, %d failed, %d restarts, handover p50 %v max %v\n",
		requests, failed, len(took), p50.Round(time.Millisecond), worst.Round(time.Millisecond))
	// Exclusive: from the signal until the old process takes no new
	// connection (new connections of a probe asking /pid); first answer:
	// until the new process answered one.
	e50, emax := quantiles(exclusives)
	f50, fmax := quantiles(firsts)
	fmt.Printf("exclusive handover p50 %v max %v, first answer p50 %v max %v (%d of %d restarts seen by the probe)\n",
		e50.Round(100*time.Microsecond), emax.Round(100*time.Microsecond), f50.Round(100*time.Microsecond), fmax.Round(100*time.Microsecond), len(exclusives), len(handovers))
	if failed > 0 || len(took) < restarts {
		os.Exit(1)
	}
}

// compare starts the plain and the graceful server side by side and loads
// them in alternating short slices, so that whatever else the machine does
// weighs on both alike; it prints the request rate of each and their ratio.
func (r *run) compare() {
	argv, env, plainEnv, target, plainTarget, paths, concurrency, d, slice, dir := r.argv, r.env, r.plainEnv, r.target, r.plainTarget, r.paths, r.concurrency, r.duration, r.slice, r.dir
	fmt.Printf("throughput: %v per variant and path in alternating %v slices, %d keep-alive clients\n", d, slice, concurrency)
	graceful := start(argv, env, filepath.Join(dir, "graceful.log"))
	defer graceful.stop(target)
	plain := start(argv, append(append([]string(nil), env...), plainEnv...), filepath.Join(dir, "plain.log"))
	defer plain.stop(plainTarget)
	for _, t := range []testsupport.Target{target, plainTarget} {
		_, err := testsupport.SolePID(t, 0, 30*time.Second)
		check(err)
	}
	for _, path := range paths {
		target.Path, plainTarget.Path = path, path
		targets := map[string]testsupport.Target{"graceful": target, "plain": plainTarget}
		var served = map[string]int64{}
		var took = map[string]time.Duration{}
		var cpu = map[string]time.Duration{}
		var pairs []float64 // per pair of slices: CPU per request, plain / graceful
		pids := map[string]int{"graceful": graceful.cmd.Process.Pid, "plain": plain.cmd.Process.Pid}
		for _, v := range []string{"graceful", "plain"} { // warm up
			measure(targets[v], concurrency, slice)
		}
		for n := 0; time.Duration(n)*slice < d; n++ {
			order := []string{"graceful", "plain"}
			if n%2 == 1 {
				order[0], order[1] = order[1], order[0]
			}
			perReq := map[string]float64{}
			for _, v := range order {
				start, cpu0 := time.Now(), cpuTime(pids[v])
				res := measure(targets[v], concurrency, slice)
				took[v] += time.Since(start)
				used := cpuTime(pids[v]) - cpu0
				cpu[v] += used
				ok := int64(res.Successes())
				served[v] += ok
				if ok > 0 {
					perReq[v] = used.Seconds() / float64(ok)
				}
				if res.Failures() > 0 {
					fmt.Fprintf(os.Stderr, "%s %s: %v\n", v, path, res)
				}
			}
			if perReq["plain"] > 0 && perReq["graceful"] > 0 {
				pairs = append(pairs, perReq["plain"]/perReq["graceful"])
			}
		}
		p := float64(served["plain"]) / took["plain"].Seconds()
		g := float64(served["graceful"]) / took["graceful"].Seconds()
		fmt.Printf("%-8s plain %9.0f req/s  graceful %9.0f req/s  ratio %.3f\n", path, p, g, g/p)
		// CPU time per request does not depend on the share of the machine
		// each server got, so it is the steadier figure on a busy machine.
		pc := cpu["plain"].Seconds() / float64(served["plain"]) * 1e6
		gc := cpu["graceful"].Seconds() / float64(served["graceful"]) * 1e6
		fmt.Printf("%-8s plain %9.1f µs CPU/req graceful %6.1f µs CPU/req  ratio %.3f (plain/graceful)\n", path, pc, gc, pc/gc)
		sort.Float64s(pairs)
		if len(pairs) > 0 {
			q := func(p float64) float64 { return pairs[int(p*float64(len(pairs)-1)+0.5)] }
			m, lo, hi := testsupport.MedianInterval(pairs)
			fmt.Printf("%-8s CPU/req plain/graceful per pair of slices: median %.3f (95%% interval %.3f..%.3f) [IQR %.3f..%.3f, range %.3f..%.3f] (%d pairs)\n",
				path, m, lo, hi, q(0.25), q(0.75), pairs[0], pairs[len(pairs)-1], len(pairs))
		}
	}
}

// cpuTime returns the CPU time pid has used so far, to the nanosecond: the
// sum of its threads' run time (schedstat), where /proc/PID/stat counts in
// hundredths of a second, a tenth of a slice's CPU. It falls back to the
// latter where schedstat is missing.
func cpuTime(pid int) time.Duration {
	coarse := func() time.Duration {
		d, err := testsupport.CPUTime(pid)
		check(err)
		return d
	}
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return coarse()
	}
	var sum time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, t.Name()))
		if err != nil {
			continue // the thread ended
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			return coarse()
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return coarse()
		}
		sum += time.Duration(ns)
	}
	return sum
}

// compareMemory starts the plain and the graceful server side by side and
// prints the resident memory of each, idle and after a load on both at
// once, and what the runtime adds.
func (r *run) compareMemory() {
	argv, plainArgv, env, plainEnv, target, plainTarget, concurrency, d, dir := r.argv, r.plainArgv, r.env, r.plainEnv, r.target, r.plainTarget, r.concurrency, r.duration, r.dir
	graceful := start(argv, env, filepath.Join(dir, "graceful.log"))
	defer graceful.stop(target)
	plain := start(plainArgv, append(append([]string(nil), env...), plainEnv...), filepath.Join(dir, "plain.log"))
	defer plain.stop(plainTarget)
	for _, t := range []testsupport.Target{target, plainTarget} {
		_, err := testsupport.SolePID(t, 0, 30*time.Second)
		check(err)
	}
	pids := []int{plain.cmd.Process.Pid, graceful.cmd.Process.Pid}
	status := func() (m [2]map[string]int64) {
		for i, pid := range pids {
			var err error
			m[i], err = testsupport.MemoryStatus(pid)
			check(err)
		}
		return m
	}
	row := func(what, key string, m [2]map[string]int64) {
		v := [2]int64{m[0][key], m[1][key]}
		fmt.Printf("%-38s plain %7.2f MiB  graceful %7.2f MiB  runtime adds %+6.2f MiB (ratio %.3f)\n",
			what+", "+key, mib(v[0]), mib(v[1]), mib(v[1]-v[0]), float64(v[1])/float64(v[0]))
	}
	show := func(what, key string) { row(what, key, status()) }
	time.Sleep(time.Second) // start-up over: the runtime is ready
	// RssAnon is the process's private memory (heap, stacks); RssFile
	// mostly the pages of its binary, shared by every process of it.
	for _, k := range []string{"VmRSS", "RssAnon", "RssFile"} {
		show("idle", k)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	// The kernel keeps the highest VmRSS (VmHWM) but not the highest
	// RssAnon and RssFile: sample them during the load.
	peak := [2]map[string]int64{{}, {}}
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for ctx.Err() == nil {
			for i, m := range status() {
				for k, v := range m {
					peak[i][k] = max(peak[i][k], v)
				}
			}
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	results := make(chan testsupport.Result, 4)
	for _, t := range []testsupport.Target{target, plainTarget} {
		for _, m := range []testsupport.Mode{testsupport.KeepAlivePOST, testsupport.NewConnPOST} {
			cfg := testsupport.Config{Target: t, Modes: []testsupport.Mode{m}, Workers: concurrency, Body: []byte("payload"), Timeout: 30 * time.Second}
			go func() { results <- testsupport.Run(ctx, cfg) }()
		}
	}
	for i := 0; i < cap(results); i++ {
		if r := <-results; r.Failures() > 0 {
			fmt.Fprintln(os.Stderr, r)
		}
	}
	cancel()
	<-sampled
	show(fmt.Sprintf("peak under load (%v)", d), "VmHWM")
	for _, k := range []string{"VmRSS", "RssAnon", "RssFile"} {
		row("highest sampled under load", k, peak)
	}
	time.Sleep(time.Second)
	for _, k := range []string{"VmRSS", "RssAnon"} {
		show("idle after the load", k)
	}
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// measure loads t with keep-alive clients for d.
func measure(t testsupport.Target, concurrency int, d time.Duration) testsupport.Result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return testsupport.Run(ctx, testsupport.Config{Target: t, Modes: []testsupport.Mode{testsupport.KeepAlivePOST}, Workers: concurrency, Body: []byte{}, Timeout: 30 * time.Second})
}

// server is a started server command.
type server struct {
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

func start(argv, env []string, log string) *server {
	out, err := os.Create(log)
	check(err)
	defer out.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	check(cmd.Start())
	s := &server{cmd: cmd, log: log, done: make(chan struct{})}
	go func() { cmd.Wait(); close(s.done) }()
	return s
}

// stop sends SIGTERM to whichever process serves now and waits until no
// process of the server holds the socket.
func (s *server) stop(target testsupport.Target) {
	pids, _ := testsupport.ListenerPIDs(target)
	for _, pid := range append(pids, s.cmd.Process.Pid) {
		syscall.Kill(pid, syscall.SIGTERM)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if pids, _ := testsupport.ListenerPIDs(target); len(pids) == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
	}
}

// quantiles returns the median and the maximum of ds (sorting it).
func quantiles(ds []time.Duration) (p50, most time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], ds[len(ds)-1]
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "restartload:", err)
		os.Exit(1)
	}
}
