package generator

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"

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
	names := map[string]bool{}
	for n := range shims {
		names[n] = true
	}
	for _, c := range calls {
		names[c.Shim] = true
	}
	pf := &parsedFile{src: src, f: f, tf: fset.File(f.FileStart), occs: occurrences(f, names)}
	imports := newImportAdder(f, pf.tf, src)
	edits, notes := revertImports(base, pf, imp, imports)
	off := pf.tf.Offset
	restoredEnd := -1 // end of the last span given back its recorded text
	for _, o := range pf.occs {
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
		if c.Before != "" && pf.text(n) == c.After {
			edits = append(edits, edit{off(n.Pos()), off(n.End()), c.Before})
			restoredEnd = off(n.End())
			continue
		}
		e, err := structural(o, c, shims, pf, imports)
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

// revertImports puts back the import block recorded in imp: whole when it
// is still the recorded one, else by adding back each import it lost
// (through imports, which structural reverts share).
func revertImports(base string, pf *parsedFile, imp *importsRecord, imports *importAdder) ([]edit, []string) {
	if imp == nil {
		return nil, nil
	}
	start, end := importRegion(pf.f, pf.tf)
	switch string(pf.src[start:end]) {
	case imp.After:
		for _, spec := range specsOf(imp.Before) {
			imports.have[spec.path] = spec.localName()
		}
		return []edit{{start, end, imp.Before}}, nil
	case imp.Before:
		return nil, nil
	}
	for _, spec := range specsOf(imp.Before) {
		imports.need(spec.path, spec.name)
	}
	return nil, []string{fmt.Sprintf("%s: the import block changed since it was generated: removed imports added back one by one", base)}
}

// structural reverts one shim call without its recorded text: the shim
// name becomes the original callee, and for a method the first argument
// becomes the receiver again.
func structural(o occurrence, c callRecord, shims map[string]templates.Shim, pf *parsedFile, imports *importAdder) (edit, error) {
	s, ok := shims[o.shim]
	if !ok {
		if s, ok = shimFromName(o.shim); !ok {
			return edit{}, fmt.Errorf("unknown shim %s: replace the call by hand", o.shim)
		}
	}
	off, text := pf.tf.Offset, pf.text
	callee := calleeBefore(c)
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
