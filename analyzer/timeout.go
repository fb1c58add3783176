package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// timeoutState collects what the timeout check needs during the scan: the
// servers the package allocates, and the holders (variables, fields) whose
// server gets a read timeout after construction or is started by a shim.
type timeoutState struct {
	allocs    []serverAlloc
	protected map[types.Object]bool
	converted map[types.Object]bool
	funcCalls []ref // calls of http.ListenAndServe and friends, not converted
}

func (ts *timeoutState) init() {
	ts.protected = make(map[types.Object]bool)
	ts.converted = make(map[types.Object]bool)
}

// serverAlloc is one http.Server the package creates.
type serverAlloc struct {
	node   ast.Node          // the literal, the declared name, or the new call
	lit    *ast.CompositeLit // the literal, the only form a fix can complete
	set    bool              // the literal sets ReadHeaderTimeout or ReadTimeout
	holder types.Object      // the variable or field it is stored in, if any
	arg    *ast.CallExpr     // the call it is passed to directly, if any
	file   *ast.File
}

// readTimeoutFields are the fields that protect a server from slow-loris
// clients: net/http uses ReadTimeout when ReadHeaderTimeout is zero.
var readTimeoutFields = map[string]bool{"ReadHeaderTimeout": true, "ReadTimeout": true}

func (c *checker) isServer(t types.Type) bool {
	return c.serverType != nil && t != nil && types.Identical(t, c.serverType)
}

func (c *checker) visitServerLit(cur inspector.Cursor, lit *ast.CompositeLit, file *ast.File) {
	if !c.isServer(c.info.TypeOf(lit)) {
		return
	}
	a := serverAlloc{node: lit, lit: lit, file: file}
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && readTimeoutFields[id.Name] {
				a.set = true
			}
		}
	}
	a.holder, a.arg = c.holderOf(cur)
	c.timeouts.allocs = append(c.timeouts.allocs, a)
}

// visitServerVar records `var srv http.Server`, a zero server.
func (c *checker) visitServerVar(vs *ast.ValueSpec, file *ast.File) {
	if vs.Type == nil || len(vs.Values) > 0 || !c.isServer(c.info.TypeOf(vs.Type)) {
		return
	}
	for _, name := range vs.Names {
		c.timeouts.allocs = append(c.timeouts.allocs, serverAlloc{node: name, holder: c.info.Defs[name], file: file})
	}
}

// visitNew records new(http.Server).
func (c *checker) visitNew(cur inspector.Cursor, file *ast.File) {
	if cur.ParentEdgeKind() != edge.CallExpr_Fun {
		return
	}
	call := cur.Parent().Node().(*ast.CallExpr)
	if len(call.Args) != 1 || !c.isServer(c.info.TypeOf(call.Args[0])) {
		return
	}
	a := serverAlloc{node: call, file: file}
	a.holder, a.arg = c.holderOf(cur.Parent())
	c.timeouts.allocs = append(c.timeouts.allocs, a)
}

// visitTimeoutField records srv.ReadHeaderTimeout = ... (or ReadTimeout):
// the server held by srv is protected.
func (c *checker) visitTimeoutField(cur inspector.Cursor, v *types.Var) {
	if !v.IsField() || v.Pkg() == nil || v.Pkg().Path() != "net/http" || !readTimeoutFields[v.Name()] {
		return
	}
	if cur.ParentEdgeKind() != edge.SelectorExpr_Sel || cur.Parent().ParentEdgeKind() != edge.AssignStmt_Lhs {
		return
	}
	sel := cur.Parent().Node().(*ast.SelectorExpr)
	if h := holderObj(c.info, sel.X); h != nil {
		c.timeouts.protected[h] = true
	}
}

// holderOf returns where the value at cur is stored: the variable or field
// it is assigned to, or the call it is passed to.
func (c *checker) holderOf(cur inspector.Cursor) (types.Object, *ast.CallExpr) {
	for {
		ek := cur.ParentEdgeKind()
		if ek == edge.ParenExpr_X || ek == edge.UnaryExpr_X && cur.Parent().Node().(*ast.UnaryExpr).Op == token.AND {
			cur = cur.Parent()
			continue
		}
		break
	}
	ek, i := cur.ParentEdge()
	switch p := cur.Parent().Node().(type) {
	case *ast.AssignStmt:
		if ek == edge.AssignStmt_Rhs && len(p.Lhs) == len(p.Rhs) {
			return holderObj(c.info, p.Lhs[i]), nil
		}
	case *ast.ValueSpec:
		if ek == edge.ValueSpec_Values && len(p.Names) == len(p.Values) {
			return c.info.Defs[p.Names[i]], nil
		}
	case *ast.KeyValueExpr:
		if id, ok := p.Key.(*ast.Ident); ok && ek == edge.KeyValueExpr_Value {
			return c.info.Uses[id], nil
		}
	case *ast.CallExpr:
		if ek == edge.CallExpr_Args {
			return nil, p
		}
	}
	return nil, nil
}

// holderObj returns the variable or field that e denotes, if any.
func holderObj(info *types.Info, e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return info.ObjectOf(e)
	case *ast.StarExpr:
		return holderObj(info, e.X)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return holderObj(info, e.X)
		}
	case *ast.SelectorExpr:
		if sel := info.Selections[e]; sel != nil {
			if sel.Kind() == types.FieldVal {
				return sel.Obj()
			}
			return nil
		}
		return info.Uses[e.Sel]
	}
	return nil
}

// reportTimeouts reports the servers left without a read timeout, and the
// calls of the package functions that cannot carry one.
func (c *checker) reportTimeouts() {
	ts := &c.timeouts
	for _, a := range ts.allocs {
		if a.set || ts.protected[a.holder] || ts.converted[a.holder] || c.isShimCall(a.arg) {
			continue
		}
		d := analysis.Diagnostic{
			Pos: a.node.Pos(), End: a.node.End(), Category: "timeout",
			Message: "http.Server without ReadHeaderTimeout lets slow-loris clients hold its connections: set ReadHeaderTimeout",
		}
		if fix, ok := c.literalFix(a); ok {
			d.SuggestedFixes = []analysis.SuggestedFix{fix}
		}
		c.pass.Report(d)
	}
	for _, r := range ts.funcCalls {
		name := c.text(r.expr)
		d := analysis.Diagnostic{
			Pos: r.expr.Pos(), End: r.expr.End(), Category: "timeout",
			Message: fmt.Sprintf("%s cannot set timeouts, which lets slow-loris clients hold its connections: serve through an http.Server with ReadHeaderTimeout", name),
		}
		if fix, ok := c.funcCallFix(r); ok {
			d.SuggestedFixes = []analysis.SuggestedFix{fix}
		}
		c.pass.Report(d)
	}
}

func (c *checker) isShimCall(call *ast.CallExpr) bool {
	if call == nil {
		return false
	}
	fn, ok := c.info.Uses[calleeIdent(call.Fun)].(*types.Func)
	_, shim := c.shimDecls[fn]
	return ok && shim
}
