package generator

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

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
	// ExitIncomplete: everything that could be converted was (or, with
	// -check and -diff, is), but server starts or listeners are left
	// behind, each named with its position and reason: the program cannot
	// restart with zero downtime yet.
	ExitIncomplete = 3
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

	// Config is baked into the zz_graceful.go of every main package that
	// serves (libraries get none). Its AppHandlesStop is decided per binary
	// by HandlesStop.
	Config      templates.Config
	HandlesStop string // HandlesStopAuto (default), HandlesStopYes or HandlesStopNo
	// SignalExplicit says the user chose Config.RestartSignal (-signal):
	// only then is a signal the program handles itself taken over.
	SignalExplicit bool

	Stdout, Stderr io.Writer
}

// DefaultConfig returns the runtime settings of the command's default
// flags: the restart signal, and zero for every timeout, which the
// generated code leaves out so that the runtime applies its own defaults
// (graceful.DefaultDrainTimeout and its kin: they live in the runtime
// alone).
func DefaultConfig() templates.Config {
	return templates.Config{RestartSignal: "SIGHUP"}
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
	r := &run{opts: opts, cwd: cwd, planner: &planner{cwd: cwd}, removals: map[string]bool{}}
	changes, err := r.compute()
	for _, n := range r.notes {
		fmt.Fprintf(opts.Stderr, "gracefulgen: %s\n", n)
	}
	if opts.Mode != Check && err == nil {
		for _, n := range r.info {
			fmt.Fprintf(opts.Stderr, "gracefulgen: %s\n", n)
		}
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
	opts     Options
	cwd      string
	planner  *planner
	notes    []string        // shown whatever happens
	info     []string        // what was decided per binary: shown unless -check
	removals map[string]bool // file removals in stop code already reported, by position
	errors   []string        // positioned errors, shown before the summary error
	modDirs  []string        // module directories that receive a zz_graceful.go
	left     int             // server starts and listeners left behind, each named in notes
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
	pkgs, err := l.load(loadMode)
	if err != nil || len(pkgs) == 0 {
		return nil, err
	}
	if r.errors = loadErrors(r.cwd, pkgs); len(r.errors) > 0 {
		return nil, fmt.Errorf("%d error(s) in the packages; nothing was written", len(r.errors))
	}
	for _, pkg := range pkgs {
		if usesCgo(pkg) {
			if err := uncgo(pkg); err != nil {
				return nil, err
			}
		}
	}
	results, err := analyze(pkgs, analyzer.Local)
	if err != nil {
		return nil, err
	}
	if noSites(results) {
		pkgs, results = l.analyzeWithDeps(pkgs, results)
	}
	return r.plan(pkgs, results)
}

// noSites reports whether the analyzer found nothing at all: no server
// start, listener or converted shim in any package.
func noSites(results map[*packages.Package]*analyzer.Result) bool {
	for _, res := range results {
		if res != nil && len(res.Sites) > 0 {
			return false
		}
	}
	return true
}

// plan plans every package, given the analyzer's results: the shims of
// each package, and the configuration of each binary in its main package.
func (r *run) plan(pkgs []*packages.Package, results map[*packages.Package]*analyzer.Result) ([]change, error) {
	r.resolveListenerParams(pkgs, results)
	bins, orphans, err := r.decideBinaries(pkgs, results)
	if err != nil {
		return nil, err
	}
	for _, pkg := range orphans {
		r.notes = append(r.notes, fmt.Sprintf("%s is a library: the runtime settings (-signal, -drain, stop handling) go into the zz_graceful.go of the main packages that serve through it, and none is in this run; run gracefulgen on them too (e.g. ./...), else the runtime starts with its defaults", pkg.PkgPath))
	}

	var changes []change
	mods := map[string]bool{}
	for _, pkg := range pkgs {
		res := results[pkg]
		if res == nil {
			continue
		}
		var cfg *templates.Config
		if b := bins[pkg]; b != nil {
			cfg = &b.config
		}
		plan, err := r.planner.planPackage(pkg, res, cfg)
		if err != nil {
			r.errors = append(r.errors, err.Error())
			continue
		}
		r.notes = append(r.notes, plan.notes...)
		r.left += plan.left
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
	r.checkListenersFrom(pkgs, results)
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return changes, nil
}

// checkListenersFrom names the packages outside the run whose functions
// return listeners that a package of the run serves: the sockets those
// functions open are converted only when gracefulgen converts their
// package too. A call of a function of the run that may return a listener
// the runtime cannot hand over (its package's Result.ListenerReturns) is
// named with the reason, as a Serve of the function's own package would be.
func (r *run) checkListenersFrom(pkgs []*packages.Package, results map[*packages.Package]*analyzer.Result) {
	inRun := map[string]bool{}
	returns := map[string]analyzer.ListenerReturn{}
	for _, pkg := range pkgs {
		inRun[pkg.PkgPath] = true
		if res := results[pkg]; res != nil {
			for _, ret := range res.ListenerReturns {
				returns[ret.Func] = ret
			}
		}
	}
	for _, pkg := range pkgs {
		res := results[pkg]
		if res == nil {
			continue
		}
		for _, from := range res.ListenersFrom {
			if !inRun[from.Pkg] {
				r.notes = append(r.notes, fmt.Sprintf("%s: not converted: the listener this call returns is opened in %s, which this run does not convert; run gracefulgen on it too (e.g. gracefulgen ./... at the module root)", r.planner.pos(pkg.Fset, from.Pos), from.Pkg))
				r.left++
			} else if ret, ok := returns[from.Func]; ok {
				r.notes = append(r.notes, fmt.Sprintf("%s: not converted: the listener this call returns, which this package serves, may be one a restart cannot inherit: in %s, %s", r.planner.pos(pkg.Fset, from.Pos), from.Func, ret.Reason))
				r.left++
			}
		}
	}
}

// finish writes, diffs or lists the changes and returns the exit code:
// ExitIncomplete where it would be ExitOK but starts are left behind.
func (r *run) finish(changes []change) int {
	code := r.finishChanges(changes)
	if code == ExitOK && r.left > 0 && !r.opts.Revert {
		fmt.Fprintf(r.opts.Stderr, "gracefulgen: %d server start(s) or listener(s) left behind, listed above: the program cannot restart with zero downtime until they are changed as said\n", r.left)
		return ExitIncomplete
	}
	return code
}

// finishChanges writes, diffs or lists the changes and returns the exit code.
func (r *run) finishChanges(changes []change) int {
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

// revert plans the revert of every package that has a zz_graceful.go.
func (r *run) revert(pkgs []*packages.Package) ([]change, error) {
	var changes []change
	for _, pkg := range pkgs {
		c, err := r.revertPackage(pkg)
		if err != nil {
			r.errors = append(r.errors, err.Error())
			continue
		}
		changes = append(changes, c...)
	}
	if len(r.errors) > 0 {
		return nil, fmt.Errorf("%d error(s); nothing was written", len(r.errors))
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return changes, nil
}

// revertPackage reverts the files of one package from the record in its
// zz_graceful.go, and deletes that file. Every .go file of the directory
// is looked at, those left out by build constraints included.
func (r *run) revertPackage(pkg *packages.Package) ([]change, error) {
	rel := r.planner.rel
	dir := pkgDir(pkg)
	genPath := filepath.Join(dir, templates.FileName)
	gen, ok, err := readIfExists(genPath)
	if err != nil || !ok {
		return nil, err
	}
	if !isOurs(gen) {
		return nil, fmt.Errorf("%s: not generated by gracefulgen (no %q line), so there is nothing to revert here; it was left alone", rel(genPath), templates.Header)
	}
	rec, err := parseRecord(gen)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel(genPath), err)
	}
	shims := declaredShims(gen)
	var files []string
	files = append(files, pkg.GoFiles...)
	files = append(files, pkg.IgnoredFiles...)
	sort.Strings(files)
	var changes []change
	for _, path := range files {
		base := filepath.Base(path)
		if isGenFile(path) || !strings.HasSuffix(base, ".go") || strings.HasSuffix(base, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", rel(path), err)
		}
		var imp *importsRecord
		if i, ok := rec.importsIn(base); ok {
			imp = &i
		}
		out, notes, err := revertFile(base, src, rec.callsIn(base), imp, shims)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rel(path), err)
		}
		if r.opts.Verbose || len(notes) > 0 {
			for _, n := range notes {
				r.notes = append(r.notes, filepath.Join(filepath.Dir(rel(path)), n))
			}
		}
		if !bytes.Equal(out, src) {
			changes = append(changes, change{Path: path, Old: src, New: out})
		}
	}
	return append(changes, change{Path: genPath, Old: gen}), nil
}

// declaredShims returns the shims a zz_graceful.go declares, by name.
func declaredShims(gen []byte) map[string]templates.Shim {
	out := map[string]templates.Shim{}
	f, err := parser.ParseFile(token.NewFileSet(), templates.FileName, gen, parser.SkipObjectResolution)
	if err != nil {
		return out
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
			if s, ok := shimFromName(fd.Name.Name); ok {
				out[s.Name] = s
			}
		}
	}
	return out
}
