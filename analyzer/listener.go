package analyzer

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"net"
	"slices"
	"strings"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// inMemoryPackages hold listeners with no operating-system socket behind
// them: connection multiplexers and in-process listeners.
var inMemoryPackages = []string{
	"github.com/soheilhy/cmux",
	"google.golang.org/grpc/test/bufconn",
	"github.com/valyala/fasthttp/fasthttputil",
	"github.com/akutz/memconn",
	"tailscale.com/tsnet",
}

// otherListens are the functions and methods (by package path and
// "Name" or "Recv.Name") that open a socket themselves, which the runtime
// cannot hand over, with the remedy for each.
var otherListens = map[[2]string]string{
	{"golang.org/x/crypto/acme/autocert", "Manager.Listener"}: "open the socket with net.Listen(\"tcp\", \":443\") and serve tls.NewListener(l, m.TLSConfig()) instead",
	{"net", "FileListener"}:                                   "open it with net.Listen instead (the runtime adopts systemd's sockets itself)",
	{"crypto/tls", "Listen"}:                                  "open it with net.Listen and wrap it with tls.NewListener instead",
}

// origin is where a listener comes from, as far as the function that serves
// it shows.
type origin struct {
	listens  []*ast.CallExpr // net.Listen and ListenConfig.Listen calls
	noSocket string          // what produced a listener with no OS socket, or ""
	unknown  bool            // some value comes from where the function does not show
	at       ast.Expr        // the first such value, where known
	other    string          // a function of otherListens that produced one, or ""
	remedy   string          // the remedy for other
	// deferred are parameters of exported functions that the listener
	// arrives through, whose calls in other packages decide (params.go).
	deferred []deferredParam

	// from is a function of another package of the module whose returned
	// listener cannot always be handed over (go vet: its
	// listenerReturnFact), and fromReason says why.
	from, fromReason string
}

func (o *origin) add(p origin) {
	o.listens = append(o.listens, p.listens...)
	if o.noSocket == "" {
		o.noSocket = p.noSocket
	}
	if o.other == "" {
		o.other, o.remedy = p.other, p.remedy
	}
	o.unknown = o.unknown || p.unknown
	if o.at == nil {
		o.at = p.at
	}
	if o.from == "" {
		o.from, o.fromReason = p.from, p.fromReason
	}
	for _, d := range p.deferred {
		if !slices.Contains(o.deferred, d) {
			o.deferred = append(o.deferred, d)
		}
	}
}

// followListener traces the listener argument of a Serve back to its
// creation within the enclosing function. The net.Listen calls found
// become listener sites; a listener of unknown origin or with no socket
// becomes a NotRewritable site at the argument.
func (c *checker) followListener(r ref, arg ast.Expr, serve *Site, listenerType types.Type) {
	if sl, ok := listenerType.Underlying().(*types.Slice); ok {
		listenerType = sl.Elem() // web.ServeMultiple's []net.Listener: each element is traced
	}
	iface, _ := listenerType.Underlying().(*types.Interface)
	o := c.newFollower(iface, enclosingDecl(r.cur)).origin(arg)
	for _, call := range o.listens {
		c.listenSite(call, serve.Original, c.fileOf(call.Pos()))
	}
	var reason string
	switch {
	case o.noSocket != "" && serve.Status == Rewritable:
		// One message, at the start: a rewrite would hand over nothing,
		// and "converted" beside "not restartable" would contradict it.
		serve.Status, serve.plan.edit = NotRewritable, nil
		serve.Reason = fmt.Sprintf("it serves %s, which comes from %s and has no operating-system socket to hand to a new process; serve a listener made by net.Listen to restart with zero downtime (a multiplexer's own listener from net.Listen is handed over, the listeners it makes are not)", c.text(arg), o.noSocket)
		return
	case o.other != "":
		reason = fmt.Sprintf("the listener served by %s comes from %s, which opens a socket a restart cannot inherit; %s", serve.Original, o.other, o.remedy)
	case o.noSocket != "":
		reason = fmt.Sprintf("the listener comes from %s, which has no operating-system socket to hand to a new process; serve a listener made by net.Listen to restart with zero downtime", o.noSocket)
	case o.from != "":
		reason = fmt.Sprintf("the listener served by %s comes from %s, which may return one a restart cannot inherit: %s", serve.Original, o.from, o.fromReason)
	case o.unknown:
		reason = fmt.Sprintf("the listener served by %s is of unknown origin (a parameter, a field or another function's result), so a restart cannot inherit its socket; create it with net.Listen in the function that calls %s", serve.Original, serve.Original)
	case len(o.deferred) > 0:
		// Known as far as this package shows; the calls of the exported
		// functions (the writes of the exported fields) it arrives
		// through, in other packages, decide.
		reason = fmt.Sprintf("the listener served by %s arrives through %s from other packages, which this package does not show; convert the packages that pass it too (gracefulgen ./... at the module root)", serve.Original, o.deferred[0])
	default:
		return
	}
	s := c.addSite(&Site{
		Pos: arg.Pos(), End: arg.End(), Kind: KindFunc, Op: OpListen, Status: NotRewritable,
		Original: c.text(arg), Reason: reason, plan: sitePlan{file: r.file},
	})
	if o.noSocket == "" && o.other == "" && o.from == "" && !o.unknown {
		for _, d := range o.deferred {
			s.Deferred = append(s.Deferred, d.deferral())
			c.deferParam(d, serve.Original)
		}
	}
}

// listenRef records a reference to a listener form (net.Listen and its
// kin) anywhere in the package: every socket the program opens must be
// handed over at a restart, whoever serves it, or the new process cannot
// bind it.
func (c *checker) listenRef(r ref, fn *types.Func, t target) {
	site := func(reason string) {
		c.addSite(&Site{Pos: r.expr.Pos(), End: r.expr.End(), Kind: t.Kind, Op: t.Op, Form: t, Status: NotRewritable,
			Original: c.text(r.expr), Reason: reason, plan: sitePlan{file: r.file}})
	}
	switch {
	case r.call != nil && t.Kind == KindMethod && !isMethodCall(c.info, r.call):
		site(fmt.Sprintf("a method expression cannot be rewritten, and the socket it opens would not be handed over at a restart; call lc.%s(...) on the %s instead", t.Op, t.Recv))
	case r.call != nil:
		c.listenSite(r.call, "", r.file)
	case t.Kind == KindFunc:
		// net.Listen used as a value: the shim has its signature.
		c.addSite(c.renameSite(r.expr, fn, t, r.file))
	default:
		site(fmt.Sprintf("a method value stored for later cannot be rewritten, and the socket it opens would not be handed over at a restart; call %s(...) where the value is used", c.text(r.expr)))
	}
}

// listenSite records a listener call, once; servedBy names the Serve it
// feeds, when one was traced to it. A short-lived listener (loopback port
// 0) is not a service and is left alone.
func (c *checker) listenSite(call *ast.CallExpr, servedBy string, file *ast.File) {
	if s, ok := c.listenSites[call]; ok {
		if s != nil && s.plan.servedBy == "" {
			s.plan.servedBy = servedBy
		}
		return
	}
	fn := typeutil.Callee(c.info, call).(*types.Func)
	t, _ := classify(fn)
	if c.loopbackListener(call, t) || t.Packet && c.clientPacket(call, t) {
		c.listenSites[call] = nil
		return
	}
	fun := ast.Unparen(call.Fun)
	var s *Site
	if t.Kind == KindFunc {
		s = c.renameSite(fun, fn, t, file)
		s.Call = callSpan(call)
	} else {
		sel := fun.(*ast.SelectorExpr)
		s = &Site{
			Pos: sel.Pos(), End: sel.End(), Kind: KindMethod, Op: t.Op, ListenConfig: t.Recv == "ListenConfig", Form: t,
			Original: c.text(sel), Call: callSpan(call), plan: sitePlan{file: file, key: t},
		}
		c.methodCallSite(s, call, sel, c.info.Selections[sel])
	}
	s.plan.servedBy = servedBy
	c.listenSites[call] = c.addSite(s)
}

// loopbackListener reports whether call opens a listener that is not a service:
// a constant address on a loopback interface with port 0, which only the
// process itself can learn and reach (an OAuth callback, a test helper).
func (c *checker) loopbackListener(call *ast.CallExpr, t target) bool {
	i := t.argIndex(t.paramNamed("address"), false)
	if i < 0 || i >= len(call.Args) {
		return false
	}
	host, port, ok := c.constHostPort(call.Args[i])
	if !ok || port != "0" {
		return false
	}
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// constHostPort splits e, a constant address "host:port"; false where e is
// no constant string of that form.
func (c *checker) constHostPort(e ast.Expr) (host, port string, ok bool) {
	v := c.info.Types[e].Value
	if v == nil || v.Kind() != constant.String {
		return "", "", false
	}
	host, port, err := net.SplitHostPort(constant.StringVal(v))
	return host, port, err == nil
}

// fileOf returns the file of the package that holds pos.
func (c *checker) fileOf(pos token.Pos) *ast.File {
	for _, f := range c.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

// follower traces listener values within one function declaration.
type follower struct {
	c     *checker
	body  ast.Node // the enclosing function declaration, closures included
	iface *types.Interface
	seen  map[*types.Var]bool
	// args gives the origin of a parameter of a helper being followed
	// from a call, or reports false for any other variable.
	args func(*types.Var) (origin, bool)
}

// newFollower returns a follower of listeners of type iface within decl (nil:
// at package level, where no variable is followed).
func (c *checker) newFollower(iface *types.Interface, decl *ast.FuncDecl) *follower {
	f := &follower{c: c, iface: iface, seen: make(map[*types.Var]bool)}
	if decl != nil {
		f.body = decl
	}
	return f
}

// enclosingDecl returns the function declaration that encloses cur, or nil
// at package level.
func enclosingDecl(cur inspector.Cursor) *ast.FuncDecl {
	for fd := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		return fd.Node().(*ast.FuncDecl)
	}
	return nil
}

func (f *follower) origin(e ast.Expr) origin {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		switch obj := f.c.info.Uses[e].(type) {
		case *types.Var:
			return f.variable(obj)
		case *types.Nil:
			return origin{} // no listener: the error path of a helper
		}
	case *ast.CallExpr:
		return f.call(e)
	case *ast.SelectorExpr:
		if v := selectedField(f.c.info, e); v != nil {
			return f.field(v)
		}
	case *ast.IndexExpr:
		if f.ranged(e.X) {
			o := f.origin(e.X) // ls[0]: one of the listeners of ls
			if o.unknown && o.at == nil {
				o.at = e
			}
			return o
		}
	case *ast.TypeAssertExpr:
		// x.(net.Listener): the listener x holds (caddy's
		// NetworkAddress.Listen returns it as an any).
		if e.Type != nil {
			return f.origin(e.X)
		}
	case *ast.UnaryExpr:
		if lit, ok := ast.Unparen(e.X).(*ast.CompositeLit); ok && e.Op == token.AND {
			return f.literal(lit)
		}
	case *ast.CompositeLit:
		return f.literal(e)
	}
	return origin{unknown: true, at: e}
}

// variable follows every assignment to the local variable v.
func (f *follower) variable(v *types.Var) (o origin) {
	if f.seen[v] {
		return o // l = wrap(l): the other assignments decide
	}
	f.seen[v] = true
	if f.args != nil {
		if p, ok := f.args(v); ok {
			// A parameter of a helper: its argument, and what the helper
			// assigns to it.
			o.add(p)
			f.assignments(v, &o)
			return o
		}
	}
	if f.body == nil {
		return origin{unknown: true}
	}
	if !f.assignments(v, &o) && !f.param(v, &o) {
		o.unknown = true // a receiver, or a variable of an outer scope
	}
	return o
}

// assignments adds to o the origins of the values assigned to v in the
// function, and reports whether the function defines v.
func (f *follower) assignments(v *types.Var, o *origin) (defined bool) {
	assigned := func(i int, lhs, rhs []ast.Expr) {
		switch {
		case len(rhs) == len(lhs):
			o.add(f.origin(rhs[i]))
		case i == 0 && len(rhs) == 1:
			o.add(f.origin(rhs[0]))
		case len(rhs) > 0:
			o.unknown = true
		}
	}
	ast.Inspect(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				lhs = ast.Unparen(lhs)
				if ix, ok := lhs.(*ast.IndexExpr); ok {
					lhs = ast.Unparen(ix.X) // ls[i] = l: an element of v
				}
				if id, ok := lhs.(*ast.Ident); ok && f.c.info.ObjectOf(id) == v {
					defined = defined || f.c.info.Defs[id] == v
					assigned(i, n.Lhs, n.Rhs)
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if f.c.info.Defs[id] == v {
					defined = true
					assigned(i, slices.Repeat([]ast.Expr{nil}, len(n.Names)), n.Values)
				}
			}
		case *ast.UnaryExpr:
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND && f.c.info.Uses[id] == v {
				o.unknown = true // its address escapes: anything may store to it
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				id, ok := e.(*ast.Ident)
				if !ok || f.c.info.ObjectOf(id) != v {
					continue
				}
				defined = true
				if e == n.Value && f.ranged(n.X) {
					o.add(f.origin(n.X)) // for _, l := range ls: the listeners of ls
				} else {
					o.unknown = true
				}
			}
		}
		return true
	})
	return defined
}

// call follows a listener returned by a call: a listener constructor, an
// in-memory listener, or a wrapper that keeps the socket of the listener
// it is given (tls.NewListener, netutil.LimitListener, a conversion).
func (f *follower) call(call *ast.CallExpr) (o origin) {
	if b, ok := typeutil.Callee(f.c.info, call).(*types.Builtin); ok && b.Name() == "make" {
		return o // an empty slice of listeners, filled by append
	}
	if fn, ok := typeutil.Callee(f.c.info, call).(*types.Func); ok {
		if t, ok := f.c.shimDecls[fn]; ok && t.Listens {
			return o // already converted
		}
		if t, ok := classify(fn); ok && t.Listens {
			if t.Kind == KindMethod && !isMethodCall(f.c.info, call) {
				return o // a method expression, (*net.ListenConfig).Listen(lc, ...): listenRef names it
			}
			o.listens = append(o.listens, call)
			return o
		}
		if fn.Pkg() != nil {
			name := funcName(fn)
			if remedy, ok := otherListens[[2]string{fn.Pkg().Path(), name}]; ok {
				return origin{other: shortPkg(fn.Pkg().Path()) + "." + name, remedy: remedy}
			}
		}
		if fn.Pkg() != nil && slices.Contains(inMemoryPackages, fn.Pkg().Path()) {
			o.noSocket = shortPkg(fn.Pkg().Path()) + "." + fn.Name()
			return o
		}
	}
	wrapped := false
	for _, arg := range call.Args {
		if f.isListener(arg) {
			wrapped = true
			o.add(f.origin(arg))
		}
	}
	if wrapped {
		return o
	}
	fn, _ := typeutil.Callee(f.c.info, call).(*types.Func)
	switch {
	case fn == nil:
	case f.c.funcDecl(fn) != nil:
		return f.c.returned(fn, f.iface, f.argsOf(call, fn))
	case f.c.inModule(fn.Pkg()):
		// A helper of another package of the module: the listeners it
		// opens are converted in that package, which the generator checks
		// is converted too, and whether all it returns can be handed over
		// (Result.ListenerReturns; under go vet, its listenerReturnFact).
		from := ListenerCall{Pos: call.Pos(), Pkg: fn.Pkg().Path(), Func: fn.Origin().FullName()}
		if !slices.Contains(f.c.res.ListenersFrom, from) { // two Serves of one listener
			f.c.res.ListenersFrom = append(f.c.res.ListenersFrom, from)
		}
		var fact listenerReturnFact
		if f.c.facts() && f.c.pass.ImportObjectFact(fn.Origin(), &fact) {
			o.from, o.fromReason = shortPkg(fn.Pkg().Path())+"."+funcName(fn), fact.Reason
		}
		return o
	}
	o.unknown, o.at = true, call
	return o
}

// argsOf returns what a parameter of fn stands for in call: the origin of
// its argument, followed in the caller.
func (f *follower) argsOf(call *ast.CallExpr, fn *types.Func) func(*types.Var) (origin, bool) {
	sig := fn.Signature()
	return func(v *types.Var) (origin, bool) {
		i := paramIndex(sig, v)
		switch {
		case i < 0:
			return origin{}, false
		case sig.Variadic() && i == sig.Params().Len()-1:
			return origin{unknown: true}, true
		case len(call.Args) == sig.Params().Len():
			return f.origin(call.Args[i]), true
		case len(call.Args) == 1:
			return f.origin(call.Args[0]), true // must(net.Listen(...)): the call gives every argument
		}
		return origin{unknown: true}, true
	}
}

// returned follows the listeners that fn, a function of this package,
// returns: a helper that opens the listener (and picks unix or tcp) and
// returns it, or one that checks the error of the listener it is given;
// args says what fn's parameters stand for at the call.
func (c *checker) returned(fn *types.Func, iface *types.Interface, args func(*types.Var) (origin, bool)) (o origin) {
	if c.following[fn] {
		return o // recursion: the other returns decide
	}
	c.following[fn] = true
	defer delete(c.following, fn)
	decl := c.funcDecl(fn)
	results := fn.Signature().Results()
	index := -1
	for i := range results.Len() {
		// A listener type, a slice of them (prometheus's
		// web.Handler.Listeners), or an interface that holds one (an any:
		// caddy's NetworkAddress.Listen returns its listeners so, asserted
		// later).
		rt := results.At(i).Type()
		if sl, ok := rt.Underlying().(*types.Slice); ok {
			rt = sl.Elem()
		}
		if iface != nil && (types.Implements(rt, iface) || types.IsInterface(rt) && types.AssignableTo(iface, rt)) {
			index = i
			break
		}
	}
	if index < 0 || decl.Body == nil {
		return origin{unknown: true}
	}
	f := &follower{c: c, body: decl, iface: iface, seen: make(map[*types.Var]bool), args: args}
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			switch {
			case len(n.Results) == results.Len():
				o.add(f.origin(n.Results[index]))
			case len(n.Results) == 1:
				o.add(f.origin(n.Results[0])) // return helper()
			default:
				o.add(f.named(results.At(index))) // a bare return of named results
			}
		}
		return true
	})
	return o
}

// named follows a named result.
func (f *follower) named(v *types.Var) origin {
	if v.Name() == "" {
		return origin{unknown: true}
	}
	o := f.variable(v)
	o.unknown = false // a named result is defined by the signature: its assignments decide
	return o
}

// funcDecl returns the declaration of fn among the package's files, or nil.
func (c *checker) funcDecl(fn *types.Func) *ast.FuncDecl {
	if c.funcDecls == nil {
		c.funcDecls = make(map[*types.Func]*ast.FuncDecl)
		for _, file := range c.pass.Files {
			for _, d := range file.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					if obj, ok := c.info.Defs[fd.Name].(*types.Func); ok {
						c.funcDecls[obj] = fd
					}
				}
			}
		}
	}
	return c.funcDecls[fn.Origin()]
}

// inModule reports whether pkg is another package of the module being
// analysed.
func (c *checker) inModule(pkg *types.Package) bool {
	m := c.pass.Module
	if pkg == nil || m == nil || m.Path == "" || pkg == c.pass.Pkg {
		return false
	}
	return pkg.Path() == m.Path || strings.HasPrefix(pkg.Path(), m.Path+"/")
}

// literal follows a listener built as a composite literal: a wrapper of
// another listener, or else an in-process listener.
func (f *follower) literal(lit *ast.CompositeLit) (o origin) {
	wrapped := false
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			elt = kv.Value
		}
		if f.isListener(elt) {
			wrapped = true
			o.add(f.origin(elt))
		}
	}
	container := false // a slice, array or map of listeners
	switch f.c.info.TypeOf(lit).Underlying().(type) {
	case *types.Slice, *types.Array, *types.Map:
		container = true
	}
	if !wrapped && !container {
		o.noSocket = "a " + types.TypeString(f.c.info.TypeOf(lit), types.RelativeTo(f.c.pass.Pkg)) + " literal"
	}
	return o
}

// ranged reports whether ranging over e, or indexing it, gives listeners:
// a slice, array or map of them. (A channel's sends are not followed.)
func (f *follower) ranged(e ast.Expr) bool {
	var elem types.Type
	switch t := f.c.info.TypeOf(e).Underlying().(type) {
	case *types.Slice:
		elem = t.Elem()
	case *types.Array:
		elem = t.Elem()
	case *types.Map:
		elem = t.Elem()
	case *types.Pointer:
		if a, ok := t.Elem().Underlying().(*types.Array); ok {
			elem = a.Elem()
		}
	}
	return elem != nil && f.iface != nil && types.Implements(elem, f.iface)
}

func (f *follower) isListener(e ast.Expr) bool {
	t := f.c.info.TypeOf(e)
	if sl, ok := t.(*types.Slice); ok {
		t = sl.Elem() // a slice of listeners (append's first argument)
	}
	return t != nil && f.iface != nil && types.Implements(t, f.iface)
}

// isMethodCall reports whether call calls a method through a selector on
// a value (x.M()), rather than a method expression ((*T).M(x)).
func isMethodCall(info *types.Info, call *ast.CallExpr) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	selection := info.Selections[sel]
	return selection != nil && selection.Kind() == types.MethodVal
}
