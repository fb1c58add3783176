// Package cli is the command line of gracefulgen: its flags, its usage
// text, and the call into package generator that runs it. cmd/gracefulgen
// is this package's Main; the tests that run gracefulgen as a program call
// Main too.
package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gracefulgen/gracefulgen/generator"
	"github.com/gracefulgen/gracefulgen/templates"
)

// Main parses the command line of gracefulgen (args without the program
// name), runs it, and returns its exit code. The command calls it, and so
// do the tests that run gracefulgen as a program.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gracefulgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		opts = generator.Options{Stdout: stdout, Stderr: stderr}
		diff = fs.Bool("diff", false, "print the changes as a unified diff and write nothing; exit 1 if there are any")
		chk  = fs.Bool("check", false, "list the files that would change and write nothing; exit 1 if there are any (for CI)")
	)
	fs.BoolVar(&opts.Revert, "revert", false, "put the programs back as they were, byte for byte, and delete zz_graceful.go")
	fs.BoolVar(&opts.Verbose, "v", false, "say what was written or deleted")
	fs.StringVar(&opts.Tags, "tags", "", "comma-separated build tags, as for go build: files behind other tags are not converted")
	fs.BoolVar(&opts.Get, "get", false, "if the module does not require "+templates.RuntimePath+", add it with go get (at the version a replace names, if any); says when that raises the module's go line to the runtime's")
	def := generator.DefaultConfig()
	fs.StringVar(&opts.Config.RestartSignal, "signal", def.RestartSignal, "restart signal: one of "+strings.Join(templates.Signals, ", "))
	fs.DurationVar(&opts.Config.DrainTimeout, "drain", def.DrainTimeout, "how long an old process may take to finish its requests before its connections are closed (0: the runtime's default, graceful.DefaultDrainTimeout)")
	fs.DurationVar(&opts.Config.StartTimeout, "start-timeout", def.StartTimeout, "how long a new process may take to become ready before it is killed and the old one keeps serving (0: the runtime's default, graceful.DefaultStartTimeout)")
	fs.DurationVar(&opts.Config.ReadHeaderTimeout, "read-header-timeout", def.ReadHeaderTimeout, "ReadHeaderTimeout given to servers that set none (0: the runtime's default, graceful.DefaultReadHeaderTimeout)")
	fs.DurationVar(&opts.Config.IdleTimeout, "idle-timeout", def.IdleTimeout, "IdleTimeout given to servers that set none (0: the runtime's default, graceful.DefaultIdleTimeout)")
	fs.StringVar(&opts.Config.PIDFile, "pid-file", "", "file the runtime keeps naming the serving process (written atomically); empty: none")
	fs.DurationVar(&opts.Config.StopDelay, "stop-delay", 0, "on SIGTERM/SIGINT, keep accepting this long before draining, so a load balancer stops sending first (Kubernetes)")
	fs.BoolVar(&opts.Config.Supervise, "supervise", false, "always run under a small supervisor parent that keeps the sockets (automatic when the program is PID 1)")
	fs.StringVar(&opts.HandlesStop, "handles-stop", generator.HandlesStopAuto, "whether the program runs its own SIGTERM/SIGINT shutdown: auto (detected per binary, in the packages it links), yes or no")
	fs.BoolVar(&opts.Config.AppStopAfterHandover, "app-stop-after-handover", false, "after a restart, let the old process run the program's own stop code once it has drained (default: it exits 0 without, so stop code that removes files cannot harm the new process)")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return generator.ExitOK
		}
		return generator.ExitError
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "signal" {
			opts.SignalExplicit = true
		}
	})
	if *diff && *chk {
		fmt.Fprintln(stderr, "gracefulgen: -diff and -check cannot be used together")
		return generator.ExitError
	}
	switch opts.HandlesStop {
	case generator.HandlesStopAuto, generator.HandlesStopYes, generator.HandlesStopNo:
	default:
		fmt.Fprintf(stderr, "gracefulgen: -handles-stop=%s: want auto, yes or no\n", opts.HandlesStop)
		return generator.ExitError
	}
	switch {
	case *diff:
		opts.Mode = generator.Diff
	case *chk:
		opts.Mode = generator.Check
	}
	opts.Patterns = fs.Args()
	return generator.Run(opts)
}

const usage = `usage: gracefulgen [flags] [packages]

gracefulgen makes the net/http servers of the named packages (default: the
package in the current directory) restart with zero downtime. It renames the
calls that start them to package-local functions and writes zz_graceful.go,
which calls the runtime ` + templates.RuntimePath + `.
The module must require that runtime: -get adds it. The converted packages
are built before the run ends; if they do not build, nothing is changed and
the command that fixes it is printed. A vendored module is re-vendored.

A second run changes nothing; -revert puts the program back as it was. Sites
that cannot be converted safely are listed with their position and the reason.

Exit codes: 0 success, 1 -check/-diff found changes, 2 errors (nothing written),
3 server starts or listeners left behind (each listed with its reason; the
rest was converted).

Flags:
`
