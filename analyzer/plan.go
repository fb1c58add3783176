package analyzer

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// sitePlan is what the analyzer keeps about a site beyond the exported
// fields: enough to build its Edits once its shim is named, and to account
// for the imports the rewrite leaves unused.
type sitePlan struct {
	file *ast.File
	key  target

	// edit returns the Edits that turn the site into a call of shim; nil
	// unless the site is Rewritable.
	edit func(shim string) []analysis.TextEdit

	dropQual *types.PkgName // the import qualifier the rewrite removes (http in http.ListenAndServe)
	dropDot  string         // the path of a dot import one of whose uses the rewrite removes
	addQual  *types.PkgName // the import qualifier the rewrite adds (net in net.Listener)

	servedBy string // for a listener: the Serve call it feeds
}

// rename returns the edit function of a site that is rewritten by renaming
// the callee expression (a package function, called or used as a value).
func rename(expr ast.Expr) func(string) []analysis.TextEdit {
	return func(shim string) []analysis.TextEdit {
		return []analysis.TextEdit{{Pos: expr.Pos(), End: expr.End(), NewText: []byte(shim)}}
	}
}

// receiverForm says how the receiver of a method call is passed to its shim.
type receiverForm struct {
	addr  bool   // the receiver is a value: pass its address
	paren bool   // wrap the receiver expression before selecting path
	path  string // embedded fields leading to the server (".Server"), or ""
}

// receiver works out how the receiver of the method selected by sel is
// passed to a shim that takes a pointer.
func receiver(sel *ast.SelectorExpr, selection *types.Selection) (receiverForm, bool) {
	var form receiverForm
	t := selection.Recv()
	index := selection.Index()
	for _, i := range index[:len(index)-1] {
		st, ok := deref(t).Underlying().(*types.Struct)
		if !ok {
			return form, false
		}
		f := st.Field(i)
		form.path += "." + f.Name()
		t = f.Type()
	}
	if form.path != "" {
		switch ast.Unparen(sel.X).(type) {
		case *ast.StarExpr, *ast.UnaryExpr, *ast.BinaryExpr:
			form.paren = true
		}
	}
	_, isPtr := t.Underlying().(*types.Pointer)
	form.addr = !isPtr
	return form, true
}

// text renders the receiver expression whose source is x.
func (f receiverForm) text(x string) string {
	if f.paren {
		x = "(" + x + ")"
	}
	x += f.path
	if f.addr {
		x = "&" + x
	}
	return x
}

// methodCallEdits returns the edit function of a method call site:
// srv.Serve(l) becomes shim(srv, l), and a value receiver is passed by
// address. Only the text around the receiver changes, so a rewrite never
// overlaps an edit inside the receiver or the arguments.
func methodCallEdits(call *ast.CallExpr, sel *ast.SelectorExpr, form receiverForm) func(string) []analysis.TextEdit {
	return func(shim string) []analysis.TextEdit {
		open := shim + "("
		if form.addr {
			open += "&"
		}
		if form.paren {
			open += "("
		}
		var close string
		if form.paren {
			close = ")"
		}
		close += form.path
		if len(call.Args) > 0 {
			close += ", "
		}
		return []analysis.TextEdit{
			{Pos: call.Pos(), End: sel.X.Pos(), NewText: []byte(open)},
			{Pos: sel.X.End(), End: call.Lparen + 1, NewText: []byte(close)},
		}
	}
}

func deref(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}
