// Command restartbench runs the side-by-side restart benchmark of
// gracefulgen against the restart libraries Go services use today, and
// prints one markdown table.
//
// From the repository root (it needs root for the PID 1 runs):
//
//	go run ./bench/cmd/restartbench                 # the full table: 100 restarts per run
//	go run ./bench/cmd/restartbench -quick          # 5 restarts, shorter throughput runs
//	go run ./bench/cmd/restartbench -rows tableflip,stopstart -restarts 10 -pid1=false
//	go run ./bench/cmd/restartbench -restarts 20 -svg bench/chart.svg   # also draw the chart
//	go run ./bench/cmd/restartbench -handover-passes 6 -restarts 10     # the handover ratio only
//
// Rows: gracefulgen, tableflip, endless, grace, fdpass, stopstart.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gracefulgen/gracefulgen/bench/internal/harness"
	"github.com/gracefulgen/gracefulgen/bench/internal/proc"
)

func main() {
	d := harness.Defaults
	rows := flag.String("rows", "", "comma-separated rows to run (default all): gracefulgen,tableflip,endless,grace,fdpass,stopstart")
	restarts := flag.Int("restarts", d.Restarts, "restarts per run")
	pid1 := flag.Bool("pid1", d.PID1, "also run each row as PID 1 of its own pid namespace (needs root)")
	http2 := flag.Bool("http2", true, "also load with HTTP/2 (h2c with prior knowledge; the servers get -h2c)")
	quick := flag.Bool("quick", false, "a short run for development: 5 restarts, throughput runs of 1s (flags given explicitly win)")
	workers := flag.Int("workers", d.Workers, "load workers per client mode")
	delay := flag.Duration("delay", d.Delay, "handler work per request")
	throughputFor := flag.Duration("throughput-for", d.ThroughputFor, "length of one throughput measurement")
	rounds := flag.Int("throughput-rounds", d.ThroughputRounds, "throughput measurements per server, alternating with plain net/http")
	svg := flag.String("svg", "", "also write the comparison as an SVG chart to this file")
	workDir := flag.String("work", "", "keep binaries and server logs in this directory (default: a temporary one, removed)")
	handoverPasses := flag.Int("handover-passes", 0, "measure only gracefulgen's exclusive handover against the libraries' first answer: this many passes of -restarts restarts per row, rows interleaved, and the ratio with a 95% bootstrap interval")
	buildOnly := flag.Bool("build-only", false, "only build the servers of -rows (and the plain reference) into the -work directory's bin, for -prebuilt on a machine without Go")
	prebuilt := flag.String("prebuilt", "", "run the binaries in this directory (a -build-only run's bin) instead of building them")
	converted := flag.String("converted", "", "development only: build this already converted copy of servers/plain instead of running the generator")
	flag.Parse()

	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *quick {
		if !set["restarts"] {
			*restarts = 5
		}
		if !set["throughput-for"] {
			*throughputFor = time.Second
		}
	}
	if *handoverPasses > 0 && !set["rows"] {
		*rows = "gracefulgen,tableflip,endless,grace,fdpass" // the baseline does not hand over
	}
	selected, err := harness.SelectRows(*rows)
	if err != nil {
		fail(err)
	}
	if *workDir != "" {
		if err := os.MkdirAll(*workDir, 0o755); err != nil {
			fail(err)
		}
	}
	o := d
	o.Rows, o.Restarts, o.PID1, o.Workers, o.Delay = selected, *restarts, *pid1, *workers, *delay
	o.ThroughputFor, o.ThroughputRounds, o.WorkDir, o.Converted = *throughputFor, *rounds, *workDir, *converted
	o.NoHTTP2 = !*http2
	o.Prebuilt = *prebuilt
	o.Progress = os.Stderr
	go killServersOnInterrupt()
	command := "go run ./bench/cmd/restartbench " + strings.Join(os.Args[1:], " ")
	if *buildOnly {
		if *workDir == "" {
			fail(fmt.Errorf("-build-only needs -work DIR to keep the binaries in"))
		}
		dir, err := harness.Build(o)
		if err != nil {
			fail(err)
		}
		fmt.Println(dir)
		return
	}
	if *handoverPasses > 0 {
		rep, err := harness.CompareHandovers(o, *handoverPasses)
		if err != nil {
			fail(err)
		}
		rep.Markdown(os.Stdout, command)
		return
	}
	rep, err := harness.Run(o)
	if err != nil {
		fail(err)
	}
	fmt.Print(rep.Markdown(command))
	if *svg != "" {
		if err := writeSVG(rep, *svg, command); err != nil {
			fail(err)
		}
	}
}

// killServersOnInterrupt kills every server process the benchmark started
// (they lead process groups of their own, so the terminal's interrupt does not
// reach them) when the benchmark itself is interrupted, then exits.
func killServersOnInterrupt() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	s := <-sig
	proc.KillEverything()
	fmt.Fprintf(os.Stderr, "restartbench: %v: killed the servers started\n", s)
	os.Exit(130)
}

// writeSVG writes the report's chart to file, titled with the date, the
// machine and the command.
func writeSVG(rep harness.Report, file, command string) error {
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("write the chart: %w", err)
	}
	title := fmt.Sprintf("%s, %s\n%s", rep.Started.UTC().Format("2006-01-02 15:04 UTC"), harness.Machine(), command)
	if err := rep.SVG(f, title); err != nil {
		f.Close()
		return fmt.Errorf("write the chart to %s: %w", file, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write the chart to %s: %w", file, err)
	}
	return nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "restartbench:", err)
	os.Exit(1)
}
