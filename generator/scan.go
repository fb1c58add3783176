package generator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"

	"github.com/gracefulgen/gracefulgen/analyzer"
	"github.com/gracefulgen/gracefulgen/templates"
)

// parsedFile is the text of a file, parsed, with the shim uses in it: a
// candidate new content of a user's file, or a file to revert.
type parsedFile struct {
	src  []byte
	f    *ast.File
	tf   *token.File
	occs []occurrence
}

func (c *parsedFile) text(n ast.Node) string {
	return string(c.src[c.tf.Offset(n.Pos()):c.tf.Offset(n.End())])
}

// occurrence is one use of a shim in a user's file: a call, or a reference
// to the function as a value (f := gracefulListenAndServe).
type occurrence struct {
	ident *ast.Ident
	call  *ast.CallExpr // nil for a reference
	shim  string
	// wrapper is the function literal `func() error { return shim(x) }`
	// whose only statement returns call, if there is one: the form a
	// method value passed as an argument is rewritten to.
	wrapper *ast.FuncLit
}

// occurrences returns the uses in f of the functions named in shims, in
// source order. It is syntactic: in a package that type-checks, the
// analyzer has already made sure that shim names do not collide with other
// declarations.
func occurrences(f *ast.File, shims map[string]bool) []occurrence {
	var out []occurrence
	var stack []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if id, ok := n.(*ast.Ident); ok && shims[id.Name] && len(stack) > 0 {
			switch p := stack[len(stack)-1].(type) {
			case *ast.CallExpr:
				if p.Fun == id {
					out = append(out, occurrence{ident: id, call: p, shim: id.Name, wrapper: wrapperOf(stack[:len(stack)-1])})
				} else {
					out = append(out, occurrence{ident: id, shim: id.Name})
				}
			case *ast.SelectorExpr, *ast.FuncDecl, *ast.File:
				// x.name, or a declaration: not a use of the shim.
			default:
				out = append(out, occurrence{ident: id, shim: id.Name})
			}
		}
		stack = append(stack, n)
		return true
	})
	return out
}

// wrapperOf returns the function literal of `func() error { return call }`
// when stack (the ancestors of a call, innermost last) ends in one.
func wrapperOf(stack []ast.Node) *ast.FuncLit {
	if len(stack) < 3 {
		return nil
	}
	ret, ok1 := stack[len(stack)-1].(*ast.ReturnStmt)
	body, ok2 := stack[len(stack)-2].(*ast.BlockStmt)
	lit, ok3 := stack[len(stack)-3].(*ast.FuncLit)
	if !ok1 || !ok2 || !ok3 || len(ret.Results) != 1 || len(body.List) != 1 || lit.Type.Params.NumFields() != 0 {
		return nil
	}
	return lit
}

// span returns the node whose text a record keeps for o: the wrapper for a
// method value, the call for a call, the name for a reference.
func (o occurrence) span(form string) ast.Node {
	switch {
	case form == formValue && o.wrapper != nil:
		return o.wrapper
	case o.call != nil:
		return o.call
	}
	return o.ident
}

// form is the form of site o looks like, when no record says.
func (o occurrence) form() string {
	switch {
	case o.call == nil:
		return formRef
	case o.wrapper != nil && len(o.call.Args) == 1:
		return formValue
	}
	return formCall
}

// shimFromName returns the shim a name stands for: the shim name of one of
// the analyzer's start forms, possibly numbered to avoid a collision.
func shimFromName(name string) (templates.Shim, bool) {
	f, ok := analyzer.FormOfShim(name)
	if !ok {
		return templates.Shim{}, false
	}
	return templates.Shim{Name: name, Form: f}, true
}

// kindWord is the word a record uses for a kind.
func kindWord(k analyzer.Kind) string {
	if k == analyzer.KindMethod {
		return "method"
	}
	return "func"
}

// calleeBefore is the callee text of a record's original: the function
// expression of the original call, or the method value itself.
func calleeBefore(c callRecord) string {
	if c.Before == "" {
		return ""
	}
	e, err := parser.ParseExpr(c.Before)
	if err != nil {
		return ""
	}
	if call, ok := ast.Unparen(e).(*ast.CallExpr); ok && c.Form == formCall {
		return c.Before[call.Fun.Pos()-1 : call.Fun.End()-1]
	}
	return strings.TrimSpace(c.Before)
}

// regionText is the import block of a file: from the end of the package
// name to the end of the last import declaration.
func regionText(src []byte, f *ast.File, tf *token.File) string {
	start, end := importRegion(f, tf)
	return string(src[start:end])
}

// importRegion returns the byte range of the import block of f.
func importRegion(f *ast.File, tf *token.File) (start, end int) {
	return tf.Offset(f.Name.End()), importEnd(f, tf)
}

// importEnd is the offset of the end of the last import declaration of f,
// or of its package name when it has none.
func importEnd(f *ast.File, tf *token.File) int {
	end := tf.Offset(f.Name.End())
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			end = tf.Offset(g.End())
		}
	}
	return end
}

// enclosingFunc names the top-level declaration that holds pos: "func
// main", "func (*T).Start", or "package-level var" for an initializer.
func enclosingFunc(f *ast.File, pos token.Pos) string {
	for _, d := range f.Decls {
		if pos < d.Pos() || pos >= d.End() {
			continue
		}
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			return "package-level declaration"
		}
		if fd.Recv == nil || len(fd.Recv.List) == 0 {
			return "func " + fd.Name.Name
		}
		return "func (" + recvType(fd.Recv.List[0].Type) + ")." + fd.Name.Name
	}
	return "package level"
}

// recvType is the text of a receiver type without type parameters: "*T", "T".
func recvType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return "*" + recvType(e.X)
	case *ast.ParenExpr:
		return recvType(e.X)
	case *ast.IndexExpr:
		return recvType(e.X)
	case *ast.IndexListExpr:
		return recvType(e.X)
	case *ast.Ident:
		return e.Name
	}
	return "?"
}
