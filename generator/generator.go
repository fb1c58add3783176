package generator

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"golang.org/x/tools/go/packages"

	"github.com/gracefulgen/gracefulgen/analyzer"
	"github.com/gracefulgen/gracefulgen/templates"
)

// Mode says what a run does with the changes it computes.
type Mode int

// The modes of a run.
const (
	Write Mode = iota // write the changes (all or none)
	Diff              // print them as a unified diff
	Check             // list the files that would change
)

// Exit codes of a run, as the command returns them.
const (
	ExitOK      = 0 // nothing to do, or everything written
	ExitChanges = 1 // -check or -diff: something would change
	ExitError   = 2 // errors: nothing was written
)

// HandlesStop values of Options.HandlesStop.
const (
	HandlesStopAuto = "auto" // from the analyzer: any loaded package handles SIGTERM/SIGINT
	HandlesStopYes  = "yes"
	HandlesStopNo   = "no"
)

// Options configures a run.
type Options struct {
	Dir      string   // working directory; empty for the current one
	Patterns []string // packages to process; none means "."
	Tags     string   // build tags, as go build -tags
	Env      []string // environment of the go command; nil for the process's
	Mode     Mode
	Revert   bool // put the programs back as they were and delete zz_graceful.go
	Verbose  bool
	Get      bool // add the runtime requirement with go get when it is missing

	// Config is baked into every zz_graceful.go. Its AppHandlesStop is
	// decided by HandlesStop.
	Config      templates.Config
	HandlesStop string // HandlesStopAuto (default), HandlesStopYes or HandlesStopNo

	Stdout, Stderr io.Writer
}

// Run performs one run and returns its exit code.
func Run(opts Options) int {
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	cwd := opts.Dir
	if cwd == "" {
		cwd, _ = os.Getwd()
	}
	if abs, err := filepath.Abs(cwd); err == nil {
		cwd = abs
	}
	r := &run{opts: opts, cwd: cwd, planner: &planner{config: opts.Config, cwd: cwd}}
	changes, err := r.compute()
	for _, n := range r.notes {
		fmt.Fprintf(opts.Stderr, "gracefulgen: %s\n", n)
	}
	if err != nil {
		for _, e := range r.errors {
			fmt.Fprintln(opts.Stderr, e)
		}
		fmt.Fprintf(opts.Stderr, "gracefulgen: %v\n", err)
		return ExitError
	}
	return r.finish(changes)
}

// run is the state of one run.
type run struct {
	opts    Options
	cwd     string
	planner *planner
	notes   []string // shown whatever happens
	errors  []string // positioned errors, shown before the summary error
	modDirs []string // module directories that receive a zz_graceful.go
}

// compute works out every change of the run without writing anything.
func (r *run) compute() ([]change, error) {
	l := &loader{opts: r.opts, cwd: r.cwd}
	if r.opts.Revert {
		pkgs, err := l.list(packages.NeedName|packages.NeedFiles|packages.NeedModule, nil, l.patterns())
		if err != nil {
			// -revert needs only zz_graceful.go: a module that does
			// not load (a go.mod the go command wants updated) is
			// reverted from the files on disk.
			disk, derr := l.fromDisk()
			if derr != nil || len(disk) == 0 {
				return nil, err
			}
			r.notes = append(r.notes, fmt.Sprintf("the go command cannot list the packages (%s); reverting from the zz_graceful.go files on disk", firstLine(err.Error())))
			pkgs = disk
		}
		return r.revert(pkgs)
	}
	if err := templates.ValidSignal(r.opts.Config.RestartSignal); err != nil {
		return nil, err
	}
	pkgs, err := l.load(analysisMode())
	if err != nil || len(pkgs) == 0 {
		return nil, err
	}
	if r.errors = loadErrors(r.cwd, pkgs); len(r.errors) > 0 {
		return nil, fmt.Errorf("%d error(s) in the packages; nothing was written", len(r.errors))
	}
	results, err := analyze(pkgs)
	if err != nil {
		return nil, err
	}
	return r.plan(pkgs, results)
}

// plan plans every package, given the analyzer's results.
func (r *run) plan(pkgs []*packages.Package, results map[*packages.Package]*analyzer.Result) ([]change, error) {
	config := r.opts.Config
	switch r.opts.HandlesStop {
	case HandlesStopYes:
		config.AppHandlesStop = true
	case HandlesStopNo:
		config.AppHandlesStop = false
	default:
		// Signal handling often sits in main while the server sits in
		// another package: one package that handles the stop is enough.
		for _, res := range results {
			config.AppHandlesStop = config.AppHandlesStop || res.HandlesStop
		}
	}
	r.planner.config = config

	var changes []change
	mods := map[string]bool{}
	for _, pkg := range pkgs {
		res := results[pkg]
		if res == nil {
			continue
		}
		plan, err := r.planner.planPackage(pkg, res)
		if err != nil {
			r.errors = append(r.errors, err.Error())
			continue
		}
		r.notes = append(r.notes, plan.notes...)
		changes = append(changes, plan.changes...)
		for _, c := range plan.changes {
			if isGenFile(c.Path) && c.New != nil && pkg.Module != nil && !mods[pkg.Module.Dir] {
				mods[pkg.Module.Dir] = true
				r.modDirs = append(r.modDirs, pkg.Module.Dir)
			}
		}
	}
	if len(r.errors) > 0 {
		return nil, fmt.Errorf("%d error(s); nothing was written", len(r.errors))
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return changes, nil
}

// finish writes, diffs or lists the changes and returns the exit code.
func (r *run) finish(changes []change) int {
	rel := r.planner.rel
	switch r.opts.Mode {
	case Check:
		for _, c := range changes {
			fmt.Fprintln(r.opts.Stdout, rel(c.Path))
		}
		if len(changes) > 0 {
			return ExitChanges
		}
		return ExitOK
	case Diff:
		if err := writeDiff(r.opts.Stdout, changes, rel); err != nil {
			fmt.Fprintf(r.opts.Stderr, "gracefulgen: %v\n", err)
			return ExitError
		}
		if len(changes) > 0 {
			return ExitChanges
		}
		return ExitOK
	}
	if err := r.write(changes); err != nil {
		fmt.Fprintf(r.opts.Stderr, "gracefulgen: %v\n", err)
		return ExitError
	}
	if r.opts.Verbose {
		for _, c := range changes {
			verb := "wrote"
			if c.New == nil {
				verb = "deleted"
			}
			fmt.Fprintf(r.opts.Stderr, "gracefulgen: %s %s\n", verb, rel(c.Path))
		}
		if len(changes) == 0 {
			fmt.Fprintln(r.opts.Stderr, "gracefulgen: nothing to change")
		}
	}
	return ExitOK
}
