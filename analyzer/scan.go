package analyzer

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// ref is one reference to a function or method found by the scan: the
// identifier, or the selector whose Sel it is, and the call it is the callee
// of, if any.
type ref struct {
	cur   inspector.Cursor // the reference expression
	expr  ast.Expr
	outer inspector.Cursor // the reference with any enclosing parentheses
	call  *ast.CallExpr
	file  *ast.File
}

// refOf returns the reference that the identifier at cur is part of.
func refOf(cur inspector.Cursor, file *ast.File) ref {
	r := ref{cur: cur, file: file}
	if cur.ParentEdgeKind() == edge.SelectorExpr_Sel {
		r.cur = cur.Parent()
	}
	r.expr = r.cur.Node().(ast.Expr)
	r.outer = r.cur
	for r.outer.ParentEdgeKind() == edge.ParenExpr_X {
		r.outer = r.outer.Parent()
	}
	if r.outer.ParentEdgeKind() == edge.CallExpr_Fun {
		r.call = r.outer.Parent().Node().(*ast.CallExpr)
	}
	return r
}

// scan walks the files of the package that are neither tests nor
// generated, and records every site, stop handler and server allocation.
func (c *checker) scan(in *inspector.Inspector) {
	names := c.interestingNames()
	for fileCur := range in.Root().Children() {
		file := fileCur.Node().(*ast.File)
		if c.skipFile(file) {
			continue
		}
		for cur := range fileCur.Preorder((*ast.Ident)(nil), (*ast.CompositeLit)(nil), (*ast.ValueSpec)(nil)) {
			switch n := cur.Node().(type) {
			case *ast.Ident:
				if names[n.Name] {
					c.visitIdent(cur, n, file)
				}
			case *ast.CompositeLit:
				c.visitServerLit(cur, n, file)
			case *ast.ValueSpec:
				c.visitServerVar(n, file)
			}
		}
	}
	if c.namesServer {
		for _, s := range c.ifaceCalls {
			c.addSite(s)
		}
	}
}

// interestingNames is the quick filter of the scan: only identifiers with
// one of these names can be a reference the analyzer cares about.
func (c *checker) interestingNames() map[string]bool {
	names := map[string]bool{
		"Shutdown": true, "Notify": true, "NotifyContext": true,
		"ReadHeaderTimeout": true, "ReadTimeout": true, "new": true, "Server": true,
	}
	for _, name := range formNames() {
		names[name] = true
	}
	for _, name := range frameworkNames() {
		names[name] = true
	}
	for _, name := range c.servesNames() {
		names[name] = true
	}
	for fn := range c.shimDecls {
		names[fn.Name()] = true
	}
	return names
}

func (c *checker) visitIdent(cur inspector.Cursor, id *ast.Ident, file *ast.File) {
	switch obj := c.info.Uses[id].(type) {
	case *types.Func:
		c.visitFunc(refOf(cur, file), obj)
	case *types.Var:
		c.visitTimeoutField(cur, obj)
	case *types.Builtin:
		c.visitNew(cur, file)
	case *types.TypeName:
		if c.serverType != nil && obj == c.serverType.Obj() {
			c.namesServer = true
		}
	}
}

// visitFunc dispatches a reference to a function or method on what the
// callee is, by type.
func (c *checker) visitFunc(r ref, fn *types.Func) {
	if t, ok := c.shimDecls[fn]; ok {
		c.convertedSite(r, fn, t)
		return
	}
	if t, ok := classify(fn); ok {
		if t, ok = c.resolveSite(r, fn, t); !ok {
			return
		}
		if t.SocketFile {
			c.socketRemoveSite(r, fn, t)
			return
		}
		if c.shortLived(r, t) {
			c.shortLivedListeners(r, fn, t)
			return // not a service: see shortlived.go
		}
		switch {
		case t.Listens:
			c.listenRef(r, fn, t)
		case t.Kind == KindFunc:
			c.funcSite(r, fn, t)
		default:
			c.methodSite(r, fn, t)
		}
		return
	}
	if f, ok := frameworkOf(fn); ok {
		c.frameworkSite(r, f)
		return
	}
	if c.servesSite(r, fn) {
		return
	}
	if !c.stopsShortLived(r, fn) {
		c.visitStop(r, fn)
	}
	c.visitInterfaceCall(r, fn)
}

// convertedSite records a reference to a shim of the generated file.
func (c *checker) convertedSite(r ref, fn *types.Func, t target) {
	s := c.addSite(&Site{
		Pos: r.expr.Pos(), End: r.expr.End(),
		Kind: t.Kind, Op: t.Op, Status: Converted, Shim: fn.Name(), Form: t,
		Original: c.text(r.expr), ListenConfig: t.Recv == "ListenConfig",
		Call: callSpan(r.call), plan: sitePlan{file: r.file, key: t},
	})
	if r.call == nil {
		return
	}
	if t.Kind == KindMethod && t.isHTTP() && len(r.call.Args) > 0 {
		c.timeouts.converted[holderObj(c.info, r.call.Args[0])] = true
	}
	if i := t.listenerArg(true); t.isServe() && i < len(r.call.Args) && i < fn.Signature().Params().Len() {
		c.followListener(r, r.call.Args[i], s, fn.Signature().Params().At(i).Type())
	}
}

// funcSite records a reference to one of net/http's package functions.
func (c *checker) funcSite(r ref, fn *types.Func, t target) {
	s := c.renameSite(r.expr, fn, t, r.file)
	s.Call = callSpan(r.call)
	c.addSite(s)
	if r.call == nil {
		return
	}
	if t.isHTTP() {
		c.timeouts.funcCalls = append(c.timeouts.funcCalls, r)
	}
	if t.isServe() && len(r.call.Args) > 0 {
		c.followListener(r, r.call.Args[0], s, fn.Signature().Params().At(0).Type())
	}
}

// callSpan is the span of call, or no span for no call.
func callSpan(call *ast.CallExpr) Span {
	if call == nil {
		return Span{}
	}
	return Span{call.Pos(), call.End()}
}

// renameSite returns the Rewritable site of a package function whose
// reference expr is renamed to the shim.
func (c *checker) renameSite(expr ast.Expr, fn *types.Func, t target, file *ast.File) *Site {
	s := &Site{
		Pos: expr.Pos(), End: expr.End(),
		Kind: KindFunc, Op: t.Op, Status: Rewritable, Original: c.text(expr), Form: t,
		plan: sitePlan{file: file, key: t, edit: rename(expr)},
	}
	if sel, ok := expr.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); ok {
			s.plan.dropQual, _ = c.info.Uses[id].(*types.PkgName)
		}
	} else {
		s.plan.dropDot = fn.Pkg().Path()
	}
	return s
}

// methodSite records a reference to a method of http.Server: a call, a
// method value passed as an argument, a stored method value or a method
// expression.
func (c *checker) methodSite(r ref, fn *types.Func, t target) {
	sel, ok := r.expr.(*ast.SelectorExpr)
	if !ok {
		return
	}
	selection := c.info.Selections[sel]
	if selection == nil {
		return
	}
	s := &Site{
		Pos: sel.Pos(), End: sel.End(), Kind: KindMethod, Op: t.Op, Form: t,
		Original: c.text(sel), Call: callSpan(r.call), plan: sitePlan{file: r.file, key: t},
	}
	switch {
	case selection.Kind() == types.MethodExpr:
		s.Status, s.Reason = NotRewritable, "a method expression cannot be rewritten; call the method on the server instead"
	case r.call != nil:
		c.methodCallSite(s, r.call, sel, selection)
	case r.outer.ParentEdgeKind() == edge.CallExpr_Args:
		c.methodValueSite(s, r, sel, selection)
	default:
		s.Status = NotRewritable
		s.Reason = fmt.Sprintf("a method value stored for later cannot be rewritten safely; call %s(...) where the value is used, or wrap the call in a func literal", s.Original)
	}
	c.addSite(s)
	if r.call != nil && t.isServe() && s.Status == Rewritable && len(r.call.Args) > 0 {
		c.followListener(r, r.call.Args[0], s, fn.Signature().Params().At(0).Type())
	}
}

// methodCallSite makes s the rewrite of the method call srv.M(args).
func (c *checker) methodCallSite(s *Site, call *ast.CallExpr, sel *ast.SelectorExpr, selection *types.Selection) {
	form, ok := receiver(sel, selection)
	if !ok {
		s.Status, s.Reason = NotRewritable, "the receiver is not a struct gracefulgen can follow; call the method on an *http.Server"
		return
	}
	s.Status = Rewritable
	s.plan.edit = methodCallEdits(call, sel, form)
}

// frameworkSite records a server started inside a dependency.
func (c *checker) frameworkSite(r ref, f frameworkStart) {
	handler := "its handler"
	if sel, ok := r.expr.(*ast.SelectorExpr); ok && f.recv != "" {
		handler = c.text(sel.X)
	}
	kind := KindMethod
	if f.recv == "" {
		kind = KindFunc
	}
	reason := f.reason
	if reason == "" {
		reason = fmt.Sprintf("%s starts its net/http server itself, out of gracefulgen's reach; serve %s through an http.Server instead (srv := &http.Server{Addr: addr, Handler: %s}; srv.ListenAndServe())",
			shortPkg(f.pkg), handler, handler)
	}
	c.addSite(&Site{
		Pos: r.expr.Pos(), End: r.expr.End(), Kind: kind, Op: f.op, Status: NotRewritable,
		Original: c.text(r.expr), Reason: reason,
		plan: sitePlan{file: r.file},
	})
}

// visitInterfaceCall keeps a call through an interface that an
// *http.Server satisfies: it may start a server nobody can rewrite. Such
// calls are reported only if the package refers to http.Server at all.
func (c *checker) visitInterfaceCall(r ref, fn *types.Func) {
	op, ok := httpOp(fn.Name())
	recv := fn.Signature().Recv()
	if !ok || r.call == nil || recv == nil || c.serverType == nil {
		return
	}
	iface, ok := recv.Type().Underlying().(*types.Interface)
	if !ok || !types.Implements(types.NewPointer(c.serverType), iface) {
		return
	}
	c.ifaceCalls = append(c.ifaceCalls, &Site{
		Pos: r.expr.Pos(), End: r.expr.End(), Kind: KindMethod, Op: op, Status: NotRewritable,
		Original: c.text(r.expr),
		Reason: fmt.Sprintf("the call goes through interface %s, which may hold an *http.Server that gracefulgen cannot rewrite; call %s on the *http.Server itself",
			types.TypeString(recv.Type(), types.RelativeTo(c.pass.Pkg)), fn.Name()),
		plan: sitePlan{file: r.file},
	})
}
