package generator

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/gracefulgen/gracefulgen/analyzer"
	"github.com/gracefulgen/gracefulgen/templates"
)

// revertFile puts back the original text of every shim call of a file
// recorded in calls, and its import block recorded in imp. A call whose
// text is no longer the recorded one, or whose record was lost, is
// reverted by its structure; the returned notes say where.
func revertFile(base string, src []byte, calls []callRecord, imp *importsRecord, shims map[string]templates.Shim) ([]byte, []string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, base, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot revert: %v", err)
	}
	tf := fset.File(f.FileStart)
	off := func(p token.Pos) int { return tf.Offset(p) }
	names := map[string]bool{}
	for n := range shims {
		names[n] = true
	}
	for _, c := range calls {
		names[c.Shim] = true
	}

	var edits []edit
	var notes []string
	imports := newImportAdder(f, tf, src)
	if imp != nil {
		start, end := importRegion(f, tf)
		switch string(src[start:end]) {
		case imp.Final:
			edits = append(edits, edit{start, end, imp.Original})
			for _, spec := range specsOf(imp.Original) {
				imports.have[spec.path] = spec.localName()
			}
		case imp.Original:
		default:
			for _, spec := range specsOf(imp.Original) {
				imports.need(spec.path, spec.name)
			}
			notes = append(notes, fmt.Sprintf("%s: the import block changed since it was generated: removed imports added back one by one", base))
		}
	}
	restoredEnd := -1 // end of the last span given back its recorded text
	for _, o := range occurrences(f, names) {
		c := callRecord{Shim: o.shim, Form: o.form()}
		for i := range calls {
			if calls[i].Shim == o.shim {
				c, calls = calls[i], calls[i+1:]
				break
			}
		}
		n := o.span(c.Form)
		if off(n.Pos()) < restoredEnd {
			continue // nested in a span whose recorded original holds its own
		}
		if c.Original != "" && string(src[off(n.Pos()):off(n.End())]) == c.Final {
			edits = append(edits, edit{off(n.Pos()), off(n.End()), c.Original})
			restoredEnd = off(n.End())
			continue
		}
		e, err := structural(o, c, shims, src, tf, imports)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %v", fset.Position(o.ident.Pos()), err)
		}
		edits = append(edits, e)
		notes = append(notes, fmt.Sprintf("%s: %s reverted by structure (the call changed since it was generated, or its record was lost): check the layout", fset.Position(o.ident.Pos()), o.shim))
	}

	edits = append(edits, imports.edits()...)
	out, err := splice(src, edits)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: cannot revert: %v", base, err)
	}
	return out, notes, nil
}

// structural reverts one shim call without its recorded text: the shim
// name becomes the original callee, and for a method the first argument
// becomes the receiver again.
func structural(o occurrence, c callRecord, shims map[string]templates.Shim, src []byte, tf *token.File, imports *importAdder) (edit, error) {
	s, ok := shims[o.shim]
	if !ok {
		if s, ok = shimFromName(o.shim); !ok {
			return edit{}, fmt.Errorf("unknown shim %s: replace the call by hand", o.shim)
		}
	}
	off := func(p token.Pos) int { return tf.Offset(p) }
	text := func(n ast.Node) string { return string(src[off(n.Pos()):off(n.End())]) }
	callee := originalCallee(c)
	call := o.call
	fun := ast.Node(o.ident)
	if s.Form.Kind == analyzer.KindFunc {
		if callee == "" {
			callee = imports.need(s.Form.Pkg, "") + "." + string(s.Form.Op)
		}
		return edit{off(fun.Pos()), off(fun.End()), callee}, nil
	}
	if call == nil || len(call.Args) == 0 {
		return edit{}, fmt.Errorf("%s has no receiver argument: replace the call by hand", o.shim)
	}
	if callee == "" {
		recv := call.Args[0]
		if u, ok := recv.(*ast.UnaryExpr); ok && u.Op == token.AND {
			recv = u.X
		}
		callee = text(recv) + "." + string(s.Form.Op)
	}
	if c.Form == formValue && o.wrapper != nil && len(call.Args) == 1 {
		return edit{off(o.wrapper.Pos()), off(o.wrapper.End()), callee}, nil
	}
	if len(call.Args) > 1 {
		return edit{off(call.Fun.Pos()), off(call.Args[1].Pos()), callee + "("}, nil
	}
	return edit{off(call.Fun.Pos()), off(call.Rparen), callee + "("}, nil
}

// spec is one import: its path and explicit name (empty for none).
type spec struct{ path, name string }

// localName is the name a file uses the import by.
func (s spec) localName() string {
	if s.name != "" {
		return s.name
	}
	return pathBase(s.path)
}

// specsOf returns the imports of an import block's text.
func specsOf(region string) []spec {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p"+region, parser.ImportsOnly)
	if err != nil {
		return nil
	}
	var out []spec
	for _, is := range f.Imports {
		p, _ := strconv.Unquote(is.Path.Value)
		s := spec{path: p}
		if is.Name != nil {
			s.name = is.Name.Name
		}
		out = append(out, s)
	}
	return out
}

// importAdder adds imports to a file as text, without reprinting it.
type importAdder struct {
	f     *ast.File
	tf    *token.File
	have  map[string]string // path -> name it is imported under
	added []spec
}

func newImportAdder(f *ast.File, tf *token.File, src []byte) *importAdder {
	a := &importAdder{f: f, tf: tf, have: map[string]string{}}
	for _, s := range specsOf(string(src[tf.Offset(f.Name.End()):importEnd(f, tf)])) {
		a.have[s.path] = s.localName()
	}
	return a
}

// need makes sure path is imported and returns the name to use it by.
func (a *importAdder) need(path, name string) string {
	if n, ok := a.have[path]; ok && (name == "" || n == name) {
		return n
	}
	s := spec{path, name}
	a.added = append(a.added, s)
	a.have[path] = s.localName()
	return s.localName()
}

// edits inserts the added imports: into the last parenthesised import
// declaration, else after the last import declaration, else after the
// package clause.
func (a *importAdder) edits() []edit {
	if len(a.added) == 0 {
		return nil
	}
	line := func(s spec) string {
		if s.name != "" {
			return s.name + " " + strconv.Quote(s.path)
		}
		return strconv.Quote(s.path)
	}
	var last *ast.GenDecl
	for _, d := range a.f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			last = g
		}
	}
	var text string
	switch {
	case last != nil && last.Rparen.IsValid():
		for _, s := range a.added {
			text += "\t" + line(s) + "\n"
		}
		return []edit{{a.tf.Offset(last.Rparen), a.tf.Offset(last.Rparen), text}}
	case last != nil:
		for _, s := range a.added {
			text += "\nimport " + line(s)
		}
		return []edit{{a.tf.Offset(last.End()), a.tf.Offset(last.End()), text}}
	}
	for _, s := range a.added {
		text += "\n\nimport " + line(s)
	}
	return []edit{{a.tf.Offset(a.f.Name.End()), a.tf.Offset(a.f.Name.End()), text}}
}

func pathBase(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
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
