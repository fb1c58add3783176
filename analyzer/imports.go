package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"slices"
	"strconv"

	"golang.org/x/tools/go/analysis"
)

// lookup returns the object that name denotes at pos, or nil.
func (c *checker) lookup(name string, pos token.Pos) types.Object {
	scope := c.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		scope = c.pass.Pkg.Scope()
	}
	_, obj := scope.LookupParent(name, pos)
	return obj
}

func importPath(spec *ast.ImportSpec) string {
	p, _ := strconv.Unquote(spec.Path.Value)
	return p
}

// qualifier returns how code at pos in file names the package at path: its
// import name and a dot ("net."), or "" for a dot import. It fails when the
// file does not import the package or the name is shadowed at pos.
func (c *checker) qualifier(file *ast.File, pos token.Pos, pkgPath string) (string, *types.PkgName, bool) {
	for _, spec := range file.Imports {
		if importPath(spec) != pkgPath {
			continue
		}
		pn := c.info.PkgNameOf(spec)
		if pn == nil || pn.Name() == "_" {
			continue
		}
		if pn.Name() == "." {
			return "", nil, true
		}
		if c.lookup(pn.Name(), pos) == pn {
			return pn.Name() + ".", pn, true
		}
	}
	return "", nil, false
}

// importFor is qualifier, adding an import of the package when the file
// lacks one and its name is free at pos.
func (c *checker) importFor(file *ast.File, pos token.Pos, pkgPath string) (string, []analysis.TextEdit, bool) {
	if qual, _, ok := c.qualifier(file, pos, pkgPath); ok {
		return qual, nil, true
	}
	name := path.Base(pkgPath)
	for _, spec := range file.Imports {
		if importPath(spec) == pkgPath {
			return "", nil, false // imported, but shadowed here
		}
	}
	if c.lookup(name, pos) != nil || c.pass.Pkg.Scope().Lookup(name) != nil {
		return "", nil, false
	}
	quoted := strconv.Quote(pkgPath)
	for _, decl := range file.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		if gd.Lparen.IsValid() {
			return name + ".", []analysis.TextEdit{{Pos: gd.Lparen + 1, End: gd.Lparen + 1, NewText: []byte("\n\t" + quoted)}}, true
		}
		block := "import (\n\t" + c.text(gd.Specs[0]) + "\n\t" + quoted + "\n)"
		return name + ".", []analysis.TextEdit{{Pos: gd.Pos(), End: gd.End(), NewText: []byte(block)}}, true
	}
	return name + ".", []analysis.TextEdit{{Pos: file.Name.End(), End: file.Name.End(), NewText: []byte("\n\nimport " + quoted)}}, true
}

// importUse counts, for one import of one file, the uses the rewrite of the
// file's Rewritable sites removes and adds.
type importUse struct {
	removed, added int
}

// buildImportEdits deletes the imports that the rewrite of every Rewritable
// site of a file leaves unused (typically net/http once its only use,
// http.ListenAndServe, is renamed).
func (c *checker) buildImportEdits() {
	uses := make(map[*ast.File]map[*ast.ImportSpec]*importUse)
	count := func(file *ast.File, spec *ast.ImportSpec) *importUse {
		if uses[file] == nil {
			uses[file] = make(map[*ast.ImportSpec]*importUse)
		}
		if uses[file][spec] == nil {
			uses[file][spec] = new(importUse)
		}
		return uses[file][spec]
	}
	for _, s := range c.res.Sites {
		if s.Status != Rewritable {
			continue
		}
		file := s.plan.file
		if spec := c.specOf(file, s.plan.dropQual, s.plan.dropDot); spec != nil {
			count(file, spec).removed++
		}
		if spec := c.specOf(file, s.plan.addQual, ""); spec != nil {
			count(file, spec).added++
		}
	}
	for file, specs := range uses {
		for spec, u := range specs {
			if u.removed > 0 && c.usesOf(file, spec)-u.removed+u.added <= 0 {
				c.res.ImportEdits = append(c.res.ImportEdits, c.deleteImport(file, spec))
			}
		}
	}
	slices.SortFunc(c.res.ImportEdits, func(a, b analysis.TextEdit) int { return int(a.Pos - b.Pos) })
}

// specOf returns the import spec of file for the package name pn, or for
// the dot import of dotPath.
func (c *checker) specOf(file *ast.File, pn *types.PkgName, dotPath string) *ast.ImportSpec {
	for _, spec := range file.Imports {
		switch {
		case pn != nil && c.info.PkgNameOf(spec) == pn:
			return spec
		case dotPath != "" && spec.Name != nil && spec.Name.Name == "." && importPath(spec) == dotPath:
			return spec
		}
	}
	return nil
}

// usesOf counts the uses of an import in file: qualified identifiers for a
// named import, unqualified package-level names for a dot import.
func (c *checker) usesOf(file *ast.File, spec *ast.ImportSpec) int {
	pn := c.info.PkgNameOf(spec)
	if pn == nil {
		return 1 // unknown: keep the import
	}
	dot := spec.Name != nil && spec.Name.Name == "."
	qualified := make(map[*ast.Ident]bool)
	n := 0
	ast.Inspect(file, func(node ast.Node) bool {
		switch node := node.(type) {
		case *ast.SelectorExpr:
			if id, ok := node.X.(*ast.Ident); ok {
				if _, ok := c.info.Uses[id].(*types.PkgName); ok {
					qualified[node.Sel] = true
				}
			}
		case *ast.Ident:
			obj := c.info.Uses[node]
			switch {
			case obj == nil:
			case !dot && obj == pn:
				n++
			case dot && !qualified[node] && obj.Pkg() == pn.Imported() && obj.Parent() == pn.Imported().Scope():
				n++
			}
		}
		return true
	})
	return n
}

// deleteImport returns the edit that deletes spec, with its line when it
// stands alone on it, or its whole declaration when it is the only spec.
func (c *checker) deleteImport(file *ast.File, spec *ast.ImportSpec) analysis.TextEdit {
	var node ast.Node = spec
	for _, decl := range file.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.IMPORT && len(gd.Specs) == 1 && gd.Specs[0] == spec {
			node = gd
		}
	}
	start, end := node.Pos(), node.End()
	if spec.Doc != nil && node == ast.Node(spec) {
		start = spec.Doc.Pos()
	}
	if spec.Comment != nil {
		end = spec.Comment.End()
	}
	return c.wholeLines(start, end)
}

// wholeLines widens [start, end) to whole lines when nothing else shares
// them.
func (c *checker) wholeLines(start, end token.Pos) analysis.TextEdit {
	src := c.source(start)
	tf := c.pass.Fset.File(start)
	s, e := tf.Offset(start), tf.Offset(end)
	if src == nil || e > len(src) {
		return analysis.TextEdit{Pos: start, End: end}
	}
	ls := s
	for ls > 0 && (src[ls-1] == ' ' || src[ls-1] == '\t') {
		ls--
	}
	le := e
	for le < len(src) && (src[le] == ' ' || src[le] == '\t' || src[le] == '\r') {
		le++
	}
	if (ls == 0 || src[ls-1] == '\n') && (le == len(src) || src[le] == '\n') {
		if le < len(src) {
			le++
		}
		s, e = ls, le
	}
	return analysis.TextEdit{Pos: tf.Pos(s), End: tf.Pos(e)}
}
