package generator

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/gracefulgen/gracefulgen/analyzer"
	"github.com/gracefulgen/gracefulgen/templates"
)

// binary is one program of the run: a main package that serves, with
// everything gracefulgen decides for it. Its zz_graceful.go holds the init
// that configures the runtime; no other file does.
type binary struct {
	pkg    *packages.Package
	linked []*packages.Package // the packages of the run it links, itself first
	// unknownLinks: a package between it and a converted one was not loaded.
	unknownLinks bool
	linksSlog    bool // log/slog is among the packages it links
	config       templates.Config
}

// decideBinaries returns, for each main package of the run that serves (it
// starts a server itself, or reaches one that a package it links starts),
// the configuration of its binary. Every decision (stop handling, restart
// signal) is made from the packages that binary links, never from the
// whole run. It also returns the libraries with server starts that no such
// binary links. Conflicts (a restart signal the program handles) are added
// to r.errors.
func (r *run) decideBinaries(pkgs []*packages.Package, results map[*packages.Package]*analyzer.Result) (map[*packages.Package]*binary, []*packages.Package, error) {
	ix := indexRun(pkgs, results)
	bins := map[*packages.Package]*binary{}
	if len(ix.converted) == 0 {
		return bins, nil, nil
	}
	deps, err := r.depGraph(ix.mains)
	if err != nil {
		return nil, nil, err
	}
	graph := newRefGraph(pkgs, results)
	for path := range ix.converted {
		if p := ix.byPath[path]; len(results[p].Shims) == 0 {
			// Its server starts are in files outside the build: where
			// they are reached from cannot be seen, so assume it serves.
			graph.serving["init:"+path] = true
		}
	}
	linkedBy := map[string]bool{}
	for _, m := range ix.mains {
		b := ix.binaryOf(m, deps, results)
		if !ix.converted[m.PkgPath] && !b.unknownLinks && !graph.serves(b.linked) {
			continue // a CLI, a batch job: it never starts a server
		}
		if !ix.converted[m.PkgPath] && !anyConverted(b.linked, ix.converted) {
			continue
		}
		for _, p := range b.linked {
			linkedBy[p.PkgPath] = true
		}
		b.config = r.binaryConfig(b, results)
		bins[m] = b
	}
	var orphans []*packages.Package
	for _, pkg := range pkgs {
		if ix.converted[pkg.PkgPath] && pkg.Name != "main" && !linkedBy[pkg.PkgPath] {
			orphans = append(orphans, pkg)
		}
	}
	return bins, orphans, nil
}

// runIndex is what decideBinaries looks packages up by.
type runIndex struct {
	converted map[string]bool // packages with shims, by path
	byPath    map[string]*packages.Package
	mains     []*packages.Package
}

// indexRun indexes the run's packages by path and finds the converted and
// the main ones.
func indexRun(pkgs []*packages.Package, results map[*packages.Package]*analyzer.Result) runIndex {
	ix := runIndex{converted: map[string]bool{}, byPath: map[string]*packages.Package{}}
	for _, pkg := range pkgs {
		ix.byPath[pkg.PkgPath] = pkg
		res := results[pkg]
		if res == nil {
			continue
		}
		if len(res.Shims) > 0 || keepsShims(pkg) {
			ix.converted[pkg.PkgPath] = true
		}
		if pkg.Name == "main" {
			ix.mains = append(ix.mains, pkg)
		}
	}
	return ix
}

// binaryOf returns main package m's binary with the packages of the run it
// links; unknownLinks is set when a package between m and a converted one
// was not loaded.
func (ix runIndex) binaryOf(m *packages.Package, deps depGraph, results map[*packages.Package]*analyzer.Result) *binary {
	b := &binary{pkg: m, linked: []*packages.Package{m}}
	for _, path := range deps.closure(m.PkgPath) {
		if path == "log/slog" {
			b.linksSlog = true
		}
		if p, ok := ix.byPath[path]; ok && results[p] != nil {
			b.linked = append(b.linked, p)
		} else if deps.reaches(path, ix.converted) {
			b.unknownLinks = true
		}
	}
	return b
}

func anyConverted(pkgs []*packages.Package, converted map[string]bool) bool {
	for _, p := range pkgs {
		if converted[p.PkgPath] {
			return true
		}
	}
	return false
}

// binaryConfig decides the configuration of one binary and says why, in
// one line per binary (r.info), with a line for each file removal in its
// stop code.
func (r *run) binaryConfig(b *binary, results map[*packages.Package]*analyzer.Result) templates.Config {
	cfg := r.opts.Config
	var stopWhy string
	cfg.AppHandlesStop, stopWhy = r.stopHandling(b, results)
	r.checkSignal(b, results, cfg.RestartSignal)
	r.info = append(r.info, stopLine(b, cfg, stopWhy))
	r.noteRemovals(b, results, cfg)
	cfg.SlogDefault = b.linksSlog
	return cfg
}

// stopHandling decides whether the binary's SIGTERM/SIGINT belong to the
// program (-handles-stop, else whether a package it links handles them),
// and says why.
func (r *run) stopHandling(b *binary, results map[*packages.Package]*analyzer.Result) (handles bool, why string) {
	switch r.opts.HandlesStop {
	case HandlesStopYes:
		return true, "-handles-stop yes"
	case HandlesStopNo:
		return false, "-handles-stop no"
	}
	for _, p := range b.linked {
		if res := results[p]; res.HandlesStop {
			if len(res.StopUses) > 0 {
				u := res.StopUses[0]
				why = r.planner.pos(p.Fset, u.Pos) + ": " + u.What
			}
			return true, why
		}
	}
	return false, ""
}

// checkSignal makes sure the restart signal sig is never one the program
// handles, unless the user chose it: an error (r.errors) where it is, a
// note where the user chose it or a slice of signals may hold it.
func (r *run) checkSignal(b *binary, results map[*packages.Package]*analyzer.Result, sig string) {
	pos := func(pkg *packages.Package, p token.Pos) string { return r.planner.pos(pkg.Fset, p) }
	var linkedSignals []analyzer.SignalUse // every signal the binary asks for, for the remedy
	for _, p := range b.linked {
		linkedSignals = append(linkedSignals, results[p].Signals...)
	}
	for _, p := range b.linked {
		for _, u := range results[p].Signals {
			switch {
			case u.Asks(sig) && r.opts.SignalExplicit:
				r.notes = append(r.notes, fmt.Sprintf("%s: %s: restarts take it over (-signal %s)", pos(p, u.Pos), u.Describe(sig), sig))
			case u.Asks(sig):
				r.errors = append(r.errors, fmt.Sprintf("%s: %s, the restart signal: converted, %s would restart on every %s instead of handling it; %s",
					pos(p, u.Pos), u.Describe(sig), b.pkg.PkgPath, sig, analyzer.SignalRemedy(sig, linkedSignals)))
			case u.Spread && !r.opts.SignalExplicit:
				r.notes = append(r.notes, fmt.Sprintf("%s: %s with a slice of signals: if it holds %s, choose another restart signal with -signal", pos(p, u.Pos), u.Call, sig))
			}
		}
	}
}

// stopLine is the line that says, for one binary, what was chosen for its
// stop and why.
func stopLine(b *binary, cfg templates.Config, stopWhy string) string {
	sig := cfg.RestartSignal
	var line strings.Builder
	fmt.Fprintf(&line, "%s: %s restarts it; ", b.pkg.PkgPath, sig)
	if cfg.AppHandlesStop {
		fmt.Fprintf(&line, "SIGTERM/SIGINT are the program's (%s): the runtime drains once it calls Shutdown; ", stopWhy)
		if cfg.AppStopAfterHandover {
			line.WriteString("after a restart the old process drains, then runs the program's stop code (-app-stop-after-handover)")
		} else {
			line.WriteString("after a restart the old process drains and exits 0 without running the program's stop code, so it cannot harm the new one (default; -app-stop-after-handover runs it after the drain)")
		}
	} else {
		why := "no stop handling found in the packages it links"
		if stopWhy != "" {
			why = stopWhy
		}
		fmt.Fprintf(&line, "on SIGTERM/SIGINT and after a restart the runtime drains and exits 0 (%s)", why)
		if cfg.AppStopAfterHandover {
			line.WriteString("; -app-stop-after-handover has no effect on a program without stop code")
		}
	}
	return line.String()
}

// noteRemovals says, once per place, what becomes of each file removal in
// the stop code of the packages the binary links.
func (r *run) noteRemovals(b *binary, results map[*packages.Package]*analyzer.Result, cfg templates.Config) {
	pos := func(pkg *packages.Package, p token.Pos) string { return r.planner.pos(pkg.Fset, p) }
	for _, p := range b.linked {
		for _, rm := range results[p].StopRemovals {
			where := pos(p, rm.Pos)
			if r.removals[where] {
				continue
			}
			r.removals[where] = true
			switch {
			case !cfg.AppHandlesStop:
				r.info = append(r.info, fmt.Sprintf("%s: %s in the stop code of %s: the runtime ends the process itself, on SIGTERM/SIGINT and after a restart, without running it", where, rm.Call, b.pkg.PkgPath))
			case cfg.AppStopAfterHandover:
				r.info = append(r.info, fmt.Sprintf("%s: warning: %s in the stop code of %s runs in the old process after every restart (-app-stop-after-handover): make sure it removes nothing the new process uses", where, rm.Call, b.pkg.PkgPath))
			default:
				r.info = append(r.info, fmt.Sprintf("%s: %s in the stop code of %s: it does not run in an old process after a restart (the default), so it cannot remove what the new process uses; -app-stop-after-handover would run it there", where, rm.Call, b.pkg.PkgPath))
			}
		}
	}
}

// keepsShims reports whether pkg keeps shims for files left out of the
// build (by build constraints), as recorded in its zz_graceful.go: the
// package stays converted although the analyzer saw no server start.
func keepsShims(pkg *packages.Package) bool {
	dir := pkgDir(pkg)
	if dir == "" {
		return false
	}
	gen, ok, err := readIfExists(filepath.Join(dir, templates.FileName))
	if err != nil || !ok || !isOurs(gen) {
		return false
	}
	rec, err := parseRecord(gen)
	if err != nil {
		return false
	}
	loaded := map[string]bool{}
	for _, f := range pkg.CompiledGoFiles {
		loaded[filepath.Base(f)] = true
	}
	for _, f := range pkg.GoFiles {
		loaded[filepath.Base(f)] = true
	}
	for _, name := range rec.files() {
		if loaded[name] || len(rec.callsIn(name)) == 0 {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// depGraph is the import graph of the main packages of a run, by path.
type depGraph map[string][]string

// depGraph lists the dependencies of the main packages (go list -deps).
func (r *run) depGraph(mains []*packages.Package) (depGraph, error) {
	g := depGraph{}
	if len(mains) == 0 {
		return g, nil
	}
	paths := make([]string, len(mains))
	for i, m := range mains {
		paths[i] = m.PkgPath
	}
	l := &loader{opts: r.opts, cwd: r.cwd}
	light, err := packages.Load(l.config(packages.NeedName|packages.NeedImports|packages.NeedDeps, nil), paths...)
	if err != nil {
		return nil, fmt.Errorf("list the dependencies of %s: %w", strings.Join(paths, " "), err)
	}
	packages.Visit(light, nil, func(p *packages.Package) {
		for imp := range p.Imports {
			g[p.PkgPath] = append(g[p.PkgPath], p.Imports[imp].PkgPath)
		}
		sort.Strings(g[p.PkgPath])
	})
	return g, nil
}

// closure returns every package path reaches through its imports, itself
// left out, sorted.
func (g depGraph) closure(path string) []string {
	seen := map[string]bool{path: true}
	var out []string
	stack := []string{path}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, imp := range g[p] {
			if !seen[imp] {
				seen[imp] = true
				out = append(out, imp)
				stack = append(stack, imp)
			}
		}
	}
	sort.Strings(out)
	return out
}

// reaches reports whether path imports, directly or not, one of targets.
func (g depGraph) reaches(path string, targets map[string]bool) bool {
	for _, p := range g.closure(path) {
		if targets[p] {
			return true
		}
	}
	return false
}

// refGraph is a conservative reachability graph over the functions of the
// packages of a run, used to tell a binary that serves from one that only
// links a converted package (a CLI using a library's helpers). Nodes are
// keyed by name so that a function seen from source in its own package and
// from export data in another is one node: funcs and methods by FullName,
// a named type as "type:" + path (reaching it reaches all its methods), an
// interface method as "imethod:" + name (reaching it reaches every method
// of that name), and each package's initialisation as "init:" + path.
// A walk for one binary enters only the nodes declared in the packages it
// links: a method reached by name through an interface, in a package the
// binary does not link (a test helper's Close), is no code it can run.
type refGraph struct {
	edges   map[string][]string
	serving map[string]bool   // the functions that hold a server start
	pkgOf   map[string]string // the package that declares a function or type node
}

func newRefGraph(pkgs []*packages.Package, results map[*packages.Package]*analyzer.Result) *refGraph {
	g := &refGraph{edges: map[string][]string{}, serving: map[string]bool{}, pkgOf: map[string]string{}}
	for _, pkg := range pkgs {
		if pkg.TypesInfo == nil {
			continue
		}
		var sites []token.Pos
		if res := results[pkg]; res != nil {
			for _, s := range res.Sites {
				if s.Status != analyzer.NotRewritable {
					sites = append(sites, s.Pos)
				}
			}
		}
		for _, f := range pkg.Syntax {
			for _, d := range f.Decls {
				// What a declaration refers to is reached with it: a
				// function with its body, a type (and so its methods)
				// with its fields, and package variables at start-up.
				var nodes []ast.Node
				var froms []string
				switch d := d.(type) {
				case *ast.FuncDecl:
					nodes, froms = append(nodes, d), append(froms, g.funcDecl(pkg, d))
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						switch spec := spec.(type) {
						case *ast.ValueSpec:
							if d.Tok == token.VAR {
								nodes, froms = append(nodes, spec), append(froms, "init:"+pkg.PkgPath)
							}
						case *ast.TypeSpec:
							if tn, ok := pkg.TypesInfo.Defs[spec.Name].(*types.TypeName); ok {
								if tk := typeKey(tn.Type()); tk != "" {
									g.pkgOf[tk] = pkg.PkgPath
									nodes, froms = append(nodes, spec), append(froms, tk)
								}
							}
						}
					}
				}
				for i, n := range nodes {
					for _, p := range sites {
						if n.Pos() <= p && p < n.End() {
							g.serving[froms[i]] = true
						}
					}
					g.refs(pkg.TypesInfo, n, froms[i])
				}
			}
		}
	}
	return g
}

// funcDecl returns the node of a declared function, linking its receiver
// type and its name (for calls through interfaces) to it.
func (g *refGraph) funcDecl(pkg *packages.Package, fd *ast.FuncDecl) string {
	fn, ok := pkg.TypesInfo.Defs[fd.Name].(*types.Func)
	if !ok {
		return "init:" + pkg.PkgPath
	}
	if fd.Recv == nil && fd.Name.Name == "init" {
		return "init:" + pkg.PkgPath
	}
	key := fn.FullName()
	g.pkgOf[key] = pkg.PkgPath
	if recv := fn.Signature().Recv(); recv != nil {
		if tk := typeKey(recv.Type()); tk != "" {
			g.edges[tk] = append(g.edges[tk], key)
		}
		g.edges["imethod:"+fn.Name()] = append(g.edges["imethod:"+fn.Name()], key)
	}
	return key
}

// refs adds an edge from node from to everything n refers to.
func (g *refGraph) refs(info *types.Info, n ast.Node, from string) {
	ast.Inspect(n, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		switch obj := info.Uses[id].(type) {
		case *types.Func:
			obj = obj.Origin()
			if recv := obj.Signature().Recv(); recv != nil && types.IsInterface(recv.Type()) {
				g.edges[from] = append(g.edges[from], "imethod:"+obj.Name())
			} else {
				g.edges[from] = append(g.edges[from], obj.FullName())
			}
		case *types.TypeName:
			if tk := typeKey(obj.Type()); tk != "" {
				g.edges[from] = append(g.edges[from], tk)
			}
		}
		return true
	})
}

// typeKey is the node of a named type (or a pointer to one).
func typeKey(t types.Type) string {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return ""
	}
	return "type:" + n.Obj().Pkg().Path() + "." + n.Obj().Name()
}

// serves reports whether a binary made of pkgs (its main package first)
// reaches a function that starts a server, from main and the
// initialisation of every package it links.
func (g *refGraph) serves(pkgs []*packages.Package) bool {
	linked := map[string]bool{}
	for _, p := range pkgs {
		linked[p.PkgPath] = true
	}
	var stack []string
	seen := map[string]bool{}
	push := func(k string) {
		if path, ok := g.pkgOf[k]; ok && !linked[path] {
			return // declared in a package this binary does not link
		}
		if !seen[k] {
			seen[k] = true
			stack = append(stack, k)
		}
	}
	push(pkgs[0].PkgPath + ".main")
	for _, p := range pkgs {
		push("init:" + p.PkgPath)
	}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if g.serving[k] {
			return true
		}
		for _, next := range g.edges[k] {
			push(next)
		}
	}
	return false
}
