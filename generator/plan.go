package generator

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"os"
	"path/filepath"
	"sort"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"

	"github.com/gracefulgen/gracefulgen/analyzer"
	"github.com/gracefulgen/gracefulgen/templates"
)

// change is one file a run writes (New non-nil) or deletes (New nil).
type change struct {
	Path string // absolute
	Old  []byte // nil when the file does not exist yet
	New  []byte
}

// pkgPlan is what one package needs: its file changes and the notes to show
// the user (sites that could not be rewritten, files skipped).
type pkgPlan struct {
	changes []change
	notes   []string
	left    int // server starts and listeners left behind, each named in notes
}

// planner holds what every package plan of a run shares.
type planner struct {
	cwd string // for relative positions in messages
}

// pkgState is what planning one package gathers: the shims its
// zz_graceful.go declares, the sites each serves (for their doc comments),
// and the revert record before and after this run.
type pkgState struct {
	dir            string
	genPath        string
	oldGen         []byte // the zz_graceful.go on disk, if genExists
	genExists      bool
	oldRec, newRec *record
	shims          map[string]templates.Shim
	serves         map[string][]string // shim name -> the sites it serves
}

// planPackage computes the new contents of the files of pkg from the
// analyzer's result res. cfg is the configuration of the binary whose main
// package pkg is, written in its zz_graceful.go; nil for a library, or a
// main package that does not serve. It writes nothing.
func (p *planner) planPackage(pkg *packages.Package, res *analyzer.Result, cfg *templates.Config) (*pkgPlan, error) {
	dir := pkgDir(pkg)
	if dir == "" {
		return &pkgPlan{}, nil
	}
	st, err := p.readState(dir)
	if err != nil {
		return nil, err
	}
	plan := &pkgPlan{}
	for _, s := range res.Sites {
		if s.Status == analyzer.NotRewritable {
			plan.notes = append(plan.notes, fmt.Sprintf("%s: not converted: %s", p.pos(pkg.Fset, s.Pos), s.Reason))
			plan.left++
		}
	}
	for _, s := range res.Shims {
		st.shims[s.Name] = templates.Shim{Name: s.Name, Form: s.Form}
	}
	loaded, err := p.planFiles(pkg, res, st, plan)
	if err != nil {
		return nil, err
	}
	plan.notes = append(plan.notes, p.keepExcluded(st, loaded)...)
	plan.notes = append(plan.notes, p.constrainedNotes(pkg, st.oldRec)...)
	gen, err := p.genChange(pkg, cfg, st)
	if err != nil {
		return nil, err
	}
	if gen != nil {
		plan.changes = append(plan.changes, *gen)
	}
	return plan, nil
}

// readState reads the package's zz_graceful.go, if there is one, and the
// revert record it holds.
func (p *planner) readState(dir string) (*pkgState, error) {
	st := &pkgState{dir: dir, genPath: filepath.Join(dir, templates.FileName), oldRec: &record{}, newRec: &record{},
		shims: map[string]templates.Shim{}, serves: map[string][]string{}}
	var err error
	if st.oldGen, st.genExists, err = readIfExists(st.genPath); err != nil {
		return nil, err
	}
	if st.genExists && isOurs(st.oldGen) {
		if st.oldRec, err = parseRecord(st.oldGen); err != nil {
			return nil, fmt.Errorf("%s: %w", p.rel(st.genPath), err)
		}
	}
	return st, nil
}

// planFiles plans every user file of the build, adding its changes to plan
// and its records to st, and returns the base names of the files loaded.
func (p *planner) planFiles(pkg *packages.Package, res *analyzer.Result, st *pkgState, plan *pkgPlan) (map[string]bool, error) {
	loaded := map[string]bool{}
	for i, f := range pkg.Syntax {
		tf := pkg.Fset.File(f.FileStart)
		if tf == nil {
			continue
		}
		path := tf.Name()
		loaded[filepath.Base(path)] = true
		if filepath.Base(path) == templates.FileName {
			continue
		}
		fp, err := p.planFile(pkg, f, res, st)
		if err != nil {
			return nil, err
		}
		if fp == nil {
			continue
		}
		if i < len(pkg.CompiledGoFiles) && pkg.CompiledGoFiles[i] != path && fp.changed {
			return nil, fmt.Errorf("%s: cannot rewrite a file processed by cgo; move the server start to a file without import \"C\"", p.rel(path))
		}
		st.newRec.calls = append(st.newRec.calls, fp.calls...)
		st.newRec.imports = append(st.newRec.imports, fp.imports...)
		for name, s := range fp.serves {
			st.serves[name] = append(st.serves[name], s...)
		}
		if fp.changed {
			plan.changes = append(plan.changes, change{Path: path, Old: fp.src, New: fp.final})
		}
	}
	return loaded, nil
}

// keepExcluded keeps the record and the shims of the files that the record
// names and that the build constraints of this run leave out, and returns
// a note for each.
func (p *planner) keepExcluded(st *pkgState, loaded map[string]bool) []string {
	var notes []string
	for _, name := range st.oldRec.files() {
		if loaded[name] {
			continue
		}
		path := filepath.Join(st.dir, name)
		src, ok, err := readIfExists(path)
		if err != nil || !ok {
			continue
		}
		calls := st.oldRec.callsIn(name)
		st.newRec.calls = append(st.newRec.calls, calls...)
		if imp, ok := st.oldRec.importsIn(name); ok {
			st.newRec.imports = append(st.newRec.imports, imp)
		}
		names := map[string]bool{}
		for _, c := range calls {
			names[c.Shim] = true
			if _, ok := st.shims[c.Shim]; !ok {
				if s, ok := shimFromName(c.Shim); ok {
					st.shims[c.Shim] = s
				}
			}
		}
		for name, s := range servesIn(name, src, names, calls) {
			st.serves[name] = append(st.serves[name], s...)
		}
		notes = append(notes, fmt.Sprintf("%s: excluded by build constraints; its converted calls are kept", p.rel(path)))
	}
	return notes
}

// genChange returns the change of the package's zz_graceful.go: written
// anew, deleted when the package needs it no more, or nil when it stays
// as it is.
func (p *planner) genChange(pkg *packages.Package, cfg *templates.Config, st *pkgState) (*change, error) {
	if len(st.shims) == 0 && cfg == nil {
		if st.genExists && isOurs(st.oldGen) {
			return &change{Path: st.genPath, Old: st.oldGen}, nil
		}
		return nil, nil
	}
	if st.genExists && !isOurs(st.oldGen) {
		return nil, fmt.Errorf("%s: this file was not generated by gracefulgen (its first line is not %q), so it will not be overwritten; rename it and run gracefulgen again", p.rel(st.genPath), templates.Header)
	}
	gen, err := render(pkg, cfg, st.shims, st.serves, st.newRec)
	if err != nil {
		return nil, err
	}
	if st.genExists && bytes.Equal(gen, st.oldGen) {
		return nil, nil
	}
	var old []byte
	if st.genExists {
		old = st.oldGen
	}
	return &change{Path: st.genPath, Old: old, New: gen}, nil
}

// filePlan is the outcome for one user file.
type filePlan struct {
	src, final []byte
	changed    bool
	calls      []callRecord
	imports    []importsRecord
	serves     map[string][]string // shim name -> sites it serves in this file
}

// planFile rewrites one file: it splices the site and import edits, formats
// the result when the file was gofmt-clean, and has the file's revert
// record built and verified (record.go). It returns nil when the file has
// no site.
func (p *planner) planFile(pkg *packages.Package, f *ast.File, res *analyzer.Result, st *pkgState) (*filePlan, error) {
	tf := pkg.Fset.File(f.FileStart)
	path := tf.Name()
	rw, aedits := newFileRewrite(f, tf, res, st)
	if _, hadImports := st.oldRec.importsIn(rw.base); len(rw.sites) == 0 && !rw.importsEdited && !hadImports {
		return nil, nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p.rel(path), err)
	}
	if len(src) != tf.Size() {
		return nil, fmt.Errorf("%s changed while gracefulgen was running; run it again", p.rel(path))
	}
	rw.src = src
	edits, err := offsets(tf, aedits)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.rel(path), err)
	}
	for _, s := range rw.sites {
		if s.Status == analyzer.Rewritable {
			span, form := replaced(s)
			rw.replaced[s] = replacement{text: string(src[tf.Offset(span.Pos):tf.Offset(span.End)]), form: form}
		}
	}
	spliced, err := splice(src, edits)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.rel(path), err)
	}
	candidates := [][]byte{spliced}
	if formatted, err := format.Source(src); err == nil && bytes.Equal(formatted, src) {
		if f, err := format.Source(spliced); err == nil {
			candidates = [][]byte{f, spliced}
		}
	}
	var lastErr error
	for _, cand := range candidates {
		fp, err := rw.record(cand)
		if err == nil {
			return fp, nil
		}
		lastErr = err
	}
	return nil, fmt.Errorf("%s: internal error: the rewrite could not be recorded for -revert: %v", p.rel(path), lastErr)
}

// newFileRewrite gathers the sites of the file tf (the Rewritable and
// Converted ones, in source order) and the analyzer's edits in it: those of
// its Rewritable sites, and the import edits.
func newFileRewrite(f *ast.File, tf *token.File, res *analyzer.Result, st *pkgState) (*fileRewrite, []analysis.TextEdit) {
	rw := &fileRewrite{base: filepath.Base(tf.Name()), f: f, tf: tf, shims: st.shims, oldRec: st.oldRec, replaced: map[*analyzer.Site]replacement{}}
	var edits []analysis.TextEdit
	for _, s := range res.Sites {
		if s.Status != analyzer.NotRewritable && within(tf, s.Pos) {
			rw.sites = append(rw.sites, s)
			if s.Status == analyzer.Rewritable {
				edits = append(edits, s.Edits...)
			}
		}
	}
	for _, e := range res.ImportEdits {
		if within(tf, e.Pos) {
			edits = append(edits, e)
			rw.importsEdited = true
		}
	}
	sort.SliceStable(rw.sites, func(i, j int) bool { return rw.sites[i].Pos < rw.sites[j].Pos })
	return rw, edits
}

// replaced returns what the rewrite of a site replaces, as the analyzer
// spans it, and the record form of that: the call (formCall), the method
// value (formValue), or a package function used as a value (formRef).
func replaced(s *analyzer.Site) (analyzer.Span, string) {
	switch {
	case s.MethodValue:
		return analyzer.Span{Pos: s.Pos, End: s.End}, formValue
	case s.Call.IsValid():
		return s.Call, formCall
	}
	return analyzer.Span{Pos: s.Pos, End: s.End}, formRef
}
