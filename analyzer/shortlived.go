package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"net"
	"strings"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// shortLived reports a server start that is not a service, and so is
// neither reported nor converted (DESIGN: "not a service"):
//
//   - a server bound to a loopback address on port 0 (an OAuth callback or
//     a test helper: nobody outside the process can know its port, and a
//     restart has nothing to keep);
//   - a server started in a goroutine and shut down (Shutdown or Close of
//     the same server, or Close of the listener it serves) by the same
//     function outside main, which does not wait for a stop signal or a
//     context's end (an ACME challenge or a one-off callback server). The
//     shutdown must be deferred or able to run after the go statement: a
//     Close on a path the start never reaches (CoreDNS's metrics plugin
//     serves in one branch that returns, and closes the listener in
//     another on a start-up error) does not make a service short-lived.
func (c *checker) shortLived(r ref, t target) bool {
	if r.call == nil || t.Listens || t.Body == BodyH2C {
		return false
	}
	fd := enclosingDecl(r.cur)
	if fd == nil || fd.Body == nil {
		return false
	}
	server, listener := c.startOperands(r, t)
	if c.loopbackZero(fd, r, t, server, listener) {
		return true
	}
	if fd.Recv == nil && (fd.Name.Name == "main" || fd.Name.Name == "init") {
		return false
	}
	goStmt, ok := goStatement(r.cur)
	if !ok || c.waitsForStop(fd) {
		return false
	}
	return c.shutsDownAfter(fd.Body, goStmt, server, listener)
}

// startOperands returns the server object a start is a method of and the
// listener object it serves, where they are variables or fields.
func (c *checker) startOperands(r ref, t target) (server, listener types.Object) {
	if sel, ok := r.expr.(*ast.SelectorExpr); ok && t.Kind == KindMethod {
		server = holderObj(c.info, sel.X)
	}
	if t.isServe() && len(r.call.Args) > 0 {
		listener = holderObj(c.info, r.call.Args[0])
	}
	return server, listener
}

// loopbackZero reports a start whose address is a constant loopback
// address with port 0: the address argument of http.ListenAndServe, the
// Addr of the server's composite literal, or the address of the
// net.Listen call that made the served listener, in the same function.
func (c *checker) loopbackZero(fd *ast.FuncDecl, r ref, t target, server, listener types.Object) bool {
	switch {
	case t.Kind == KindFunc && !t.isServe() && len(r.call.Args) > 0:
		return c.isLoopbackZero(r.call.Args[0])
	case t.isServe() && listener != nil:
		found := false
		ok := true
		c.assignments(fd.Body, listener, func(rhs ast.Expr) {
			call, isCall := ast.Unparen(rhs).(*ast.CallExpr)
			if !isCall {
				ok = false
				return
			}
			fn, _ := typeutil.Callee(c.info, call).(*types.Func)
			if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "net" || fn.Name() != "Listen" || len(call.Args) != 2 {
				ok = false
				return
			}
			found = true
			ok = ok && c.isLoopbackZero(call.Args[1])
		})
		return found && ok
	case server != nil:
		found := false
		ok := true
		c.assignments(fd.Body, server, func(rhs ast.Expr) {
			if rhs == nil {
				ok = false
				return
			}
			e := ast.Unparen(rhs)
			if u, isAddr := e.(*ast.UnaryExpr); isAddr && u.Op == token.AND {
				e = u.X
			}
			lit, isLit := e.(*ast.CompositeLit)
			if !isLit {
				ok = false
				return
			}
			addr := false
			for _, el := range lit.Elts {
				if kv, isKV := el.(*ast.KeyValueExpr); isKV {
					if k, isID := kv.Key.(*ast.Ident); isID && k.Name == "Addr" {
						addr = c.isLoopbackZero(kv.Value)
					}
				}
			}
			found = true
			ok = ok && addr
		})
		return found && ok
	}
	return false
}

// assignments calls f with every value assigned to obj (a local variable)
// within body: its declaration and later assignments.
func (c *checker) assignments(body ast.Node, obj types.Object, f func(ast.Expr)) {
	if _, ok := obj.(*types.Var); !ok {
		return
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && c.info.ObjectOf(id) == obj {
					if len(n.Rhs) == len(n.Lhs) {
						f(n.Rhs[i])
					} else if len(n.Rhs) == 1 && i == 0 {
						f(n.Rhs[0]) // l, err := net.Listen(...)
					} else {
						f(nil)
					}
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if c.info.ObjectOf(id) == obj {
					switch {
					case len(n.Values) == len(n.Names):
						f(n.Values[i])
					case len(n.Values) == 1 && i == 0:
						f(n.Values[0])
					default:
						f(nil)
					}
				}
			}
		}
		return true
	})
}

// isLoopbackZero reports a constant address "host:0" with a loopback host.
func (c *checker) isLoopbackZero(e ast.Expr) bool {
	if e == nil {
		return false
	}
	tv, ok := c.info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return false
	}
	host, port, err := net.SplitHostPort(constant.StringVal(tv.Value))
	if err != nil || port != "0" {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// goStatement returns the go statement whose goroutine the start runs in,
// if it runs in a goroutine of its function: it is the call of a go
// statement, or inside a function literal that one starts.
func goStatement(cur inspector.Cursor) (inspector.Cursor, bool) {
	for p := cur.Parent(); ; p = p.Parent() {
		switch n := p.Node().(type) {
		case nil, *ast.FuncDecl:
			return inspector.Cursor{}, false
		case *ast.GoStmt:
			return p, true
		case *ast.FuncLit:
			// A literal started by go: the go statement's call is the
			// literal's parent.
			g := p.Parent().Parent()
			if gs, ok := g.Node().(*ast.GoStmt); ok && gs.Call.Fun == ast.Expr(n) {
				return g, true
			}
			return inspector.Cursor{}, false
		}
	}
}

// waitsForStop reports a function that waits for a stop: it receives from
// a Done() channel (a context), from a channel of os.Signal, or calls
// signal.Notify or signal.NotifyContext.
func (c *checker) waitsForStop(fd *ast.FuncDecl) bool {
	found := false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.UnaryExpr:
			if n.Op != token.ARROW {
				break
			}
			if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok {
				if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Done" {
					found = true
				}
			}
			if ch, ok := c.info.TypeOf(n.X).(*types.Chan); ok {
				if named, ok := types.Unalias(ch.Elem()).(*types.Named); ok && named.Obj().Pkg() != nil &&
					named.Obj().Pkg().Path() == "os" && named.Obj().Name() == "Signal" {
					found = true
				}
			}
		case *ast.CallExpr:
			if fn, ok := typeutil.Callee(c.info, n).(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "os/signal" {
				found = true
			}
		}
		return !found
	})
	return found
}

// shutsDownAfter reports whether body (a function's) shuts the server or
// listener down (shutsDown) in a defer statement, or in a statement that
// may run after goStmt: one that follows it, or follows a statement that
// holds it, in a statement list before any return or panic; anything in a
// loop that holds it. Statements after a branch (if, case) that ends in a
// return are not reached from the branch. A go statement in a function
// literal, or a goto, gives up the order: any shutdown in body counts.
func (c *checker) shutsDownAfter(body *ast.BlockStmt, goStmt inspector.Cursor, server, listener types.Object) bool {
	deferred := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			deferred = deferred || c.shutsDown(n, server, listener)
		}
		return !deferred
	})
	if deferred {
		return true
	}
	for p := goStmt; ; p = p.Parent() {
		switch p.Node().(type) {
		case nil, *ast.FuncLit:
			return c.shutsDown(body, server, listener)
		case *ast.FuncDecl:
			return false
		}
		parent := p.Parent()
		switch parent.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			if c.shutsDown(parent.Node(), server, listener) {
				return true // the loop runs again after the go statement
			}
		}
		switch p.ParentEdgeKind() {
		case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
		default:
			continue
		}
	list:
		for next, ok := p.NextSibling(); ok; next, ok = next.NextSibling() {
			stmt := next.Node()
			if c.shutsDown(stmt, server, listener) {
				return true
			}
			switch s := stmt.(type) {
			case *ast.ReturnStmt:
				return false
			case *ast.ExprStmt:
				if call, ok := ast.Unparen(s.X).(*ast.CallExpr); ok {
					if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
						if _, builtin := c.info.Uses[id].(*types.Builtin); builtin && id.Name == "panic" {
							return false
						}
					}
				}
			case *ast.BranchStmt:
				if s.Tok == token.GOTO {
					return c.shutsDown(body, server, listener)
				}
				break list // break, continue: on from the enclosing statement
			}
		}
	}
}

// shutsDown reports whether n, outside its function literals, calls
// Shutdown or Close on server, or Close on listener.
func (c *checker) shutsDown(n ast.Node, server, listener types.Object) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr)
			if !ok {
				break
			}
			obj := holderObj(c.info, sel.X)
			switch {
			case obj == nil:
			case obj == server && (sel.Sel.Name == "Shutdown" || sel.Sel.Name == "Close"):
				found = true
			case obj == listener && sel.Sel.Name == "Close":
				found = true
			}
		}
		return !found
	})
	return found
}

// stopsShortLived reports a call of (*http.Server).Shutdown on a server
// that a short-lived start in the same function serves: it stops that
// server only, so it does not mean that the app handles its own stop.
func (c *checker) stopsShortLived(r ref, fn *types.Func) bool {
	if fn.Pkg() == nil || fn.Pkg().Path() != "net/http" || receiverName(fn) != "Server" || fn.Name() != "Shutdown" || r.call == nil {
		return false
	}
	sel, ok := r.expr.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	server := holderObj(c.info, sel.X)
	if server == nil {
		return false
	}
	var fdCur inspector.Cursor
	found := false
	for cur := range r.cur.Enclosing((*ast.FuncDecl)(nil)) {
		fdCur, found = cur, true
	}
	if !found {
		return false
	}
	for cur := range fdCur.Preorder((*ast.Ident)(nil)) {
		f, ok := c.info.Uses[cur.Node().(*ast.Ident)].(*types.Func)
		if !ok {
			continue
		}
		t, ok := classify(f)
		if !ok || t.Kind != KindMethod || t.Listens || t.Body == BodyH2C {
			continue
		}
		start := refOf(cur, r.file)
		if s, ok := start.expr.(*ast.SelectorExpr); ok && holderObj(c.info, s.X) == server && c.shortLived(start, t) {
			return true
		}
	}
	return false
}

// shortLivedListeners records the listeners, opened in the same function,
// that a short-lived server start r serves: they are not services either,
// and result drops their sites.
func (c *checker) shortLivedListeners(r ref, fn *types.Func, t target) {
	i := t.listenerArg(false)
	if r.call == nil || !t.isServe() || i >= len(r.call.Args) || i >= fn.Signature().Params().Len() {
		return
	}
	iface, _ := fn.Signature().Params().At(i).Type().Underlying().(*types.Interface)
	for _, call := range c.newFollower(iface, enclosingDecl(r.cur)).origin(r.call.Args[i]).listens {
		c.shortListens[call] = true
	}
}
