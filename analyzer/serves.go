package analyzer

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// servesFact is exported for a function or method of a package outside the
// standard library that starts a net/http server on what one of its
// parameters (or its receiver) holds: the server or handler it is given
// reaches http.ListenAndServe, (*http.Server).Serve and their kin, directly
// or through functions that have this fact. go vet and the generator run
// the analyzer on every dependency for its facts, so that a framework's
// start with no entry in Forms (kratos, go-zero, gin's autotls, docker's
// plugin helpers) is still reported where the program calls it.
type servesFact struct {
	// Params are the indices of the parameters served; -1 is the receiver.
	// Empty: the function starts a server of its own (watermill's
	// metrics.CreateRegistryAndServeHTTP(addr)), whose address the new
	// process of a restart cannot bind.
	Params []int
	// Start is the server start the function reaches, for messages:
	// "(*http.Server).ListenAndServe".
	Start string
}

// AFact marks servesFact as an analysis fact.
func (*servesFact) AFact() {}

func (f *servesFact) String() string { return fmt.Sprintf("serves %v via %s", f.Params, f.Start) }

// isStdPath reports whether path is a package of the standard library,
// whose servers are the forms themselves (or tests: httptest).
func isStdPath(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// outsideModule reports whether pkg lies outside the module of the package
// being analysed. Without module information (GOPATH, tests) every other
// package counts as outside.
func (c *checker) outsideModule(pkg *types.Package) bool {
	return pkg != c.pass.Pkg && !c.inModule(pkg)
}

// exportServesFacts computes and exports the servesFact of every function
// and method of the package: repeatedly, so that a function that serves
// through another of the same package gets its fact too.
func exportServesFacts(pass *analysis.Pass) {
	if isStdPath(pass.Pkg.Path()) {
		return
	}
	var decls []*ast.FuncDecl
	for _, f := range pass.Files {
		if strings.HasSuffix(pass.Fset.File(f.Pos()).Name(), "_test.go") {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				decls = append(decls, fd)
			}
		}
	}
	local := map[*types.Func]*servesFact{}
	for changed := true; changed; {
		changed = false
		for _, fd := range decls {
			fn, _ := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if fn == nil || local[fn] != nil {
				continue
			}
			if fact := servedParams(pass, fd, fn, local); fact != nil {
				local[fn] = fact
				pass.ExportObjectFact(fn, fact)
				changed = true
			}
		}
	}
}

// servedParams returns the fact of fn, declared by fd, or nil: which of its
// parameters flow into a value that a server start in its body serves.
func servedParams(pass *analysis.Pass, fd *ast.FuncDecl, fn *types.Func, local map[*types.Func]*servesFact) *servesFact {
	served, start := servedExprs(pass, fd.Body, local)
	if start == "" {
		return nil
	}
	reach := reachingVars(pass.TypesInfo, assignmentFlows(pass.TypesInfo, fd.Body), served)
	sig := fn.Signature()
	fact := &servesFact{Start: start}
	if r := sig.Recv(); r != nil && reach[r] {
		fact.Params = append(fact.Params, -1)
	}
	for i := range sig.Params().Len() {
		if p := sig.Params().At(i); reach[p] && servable(p.Type()) {
			fact.Params = append(fact.Params, i)
		}
	}
	return fact
}

// servedExprs returns the expressions that the server starts in body serve,
// and the name of the first start ("" when body starts none).
func servedExprs(pass *analysis.Pass, body *ast.BlockStmt, local map[*types.Func]*servesFact) (served []ast.Expr, start string) {
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		callee := typeutil.StaticCallee(pass.TypesInfo, call)
		if callee == nil {
			return true
		}
		if exprs, name, ok := servedBy(pass, call, callee, local); ok {
			served = append(served, exprs...)
			if start == "" {
				start = name
			}
		}
		return true
	})
	return served, start
}

// assignmentFlows returns what each local variable of body holds: the
// variables its assignments read (srv := &http.Server{Handler: h};
// srv.Handler = h).
func assignmentFlows(info *types.Info, body *ast.BlockStmt) map[*types.Var][]*types.Var {
	flows := map[*types.Var][]*types.Var{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range s.Lhs {
				rhs := s.Rhs[0]
				if len(s.Lhs) == len(s.Rhs) {
					rhs = s.Rhs[i]
				}
				if v := rootVar(info, lhs); v != nil {
					flows[v] = append(flows[v], varsIn(info, rhs)...)
				}
			}
		case *ast.ValueSpec:
			for i, name := range s.Names {
				if v, ok := info.Defs[name].(*types.Var); ok && i < len(s.Values) {
					flows[v] = append(flows[v], varsIn(info, s.Values[i])...)
				}
			}
		}
		return true
	})
	return flows
}

// reachingVars returns the variables whose values reach one of the served
// expressions through flows.
func reachingVars(info *types.Info, flows map[*types.Var][]*types.Var, served []ast.Expr) map[*types.Var]bool {
	reach := map[*types.Var]bool{}
	var visit func(v *types.Var)
	visit = func(v *types.Var) {
		if reach[v] {
			return
		}
		reach[v] = true
		for _, w := range flows[v] {
			visit(w)
		}
	}
	for _, e := range served {
		for _, v := range varsIn(info, e) {
			visit(v)
		}
	}
	return reach
}

// servedBy reports whether a call is a server start, and returns the
// expressions it serves: the server of an (*http.Server) start, the handler
// of net/http's functions, the arguments of a function with a servesFact.
func servedBy(pass *analysis.Pass, call *ast.CallExpr, callee *types.Func, local map[*types.Func]*servesFact) ([]ast.Expr, string, bool) {
	if f, ok := FormOf(callee); ok {
		if !f.isHTTP() || f.Listens {
			return nil, "", false
		}
		if f.Kind == KindMethod {
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				return []ast.Expr{sel.X}, f.String(), true
			}
			return nil, f.String(), true
		}
		for i, p := range f.Params {
			if p.Type == handlerType && i < len(call.Args) {
				return []ast.Expr{call.Args[i]}, f.String(), true
			}
		}
		return nil, f.String(), true
	}
	fact := local[callee.Origin()]
	if fact == nil {
		fact = new(servesFact)
		if len(pass.Analyzer.FactTypes) == 0 || !pass.ImportObjectFact(callee.Origin(), fact) {
			return nil, "", false
		}
	}
	var out []ast.Expr
	for _, i := range fact.Params {
		switch {
		case i == -1:
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				out = append(out, sel.X)
			}
		case i < len(call.Args):
			out = append(out, call.Args[i])
		}
	}
	return out, fact.Start, true
}

// servable reports whether a parameter of type t can hold what a server
// serves: an http.Server, a pointer to one, or an http.Handler.
func servable(t types.Type) bool {
	if n, ok := types.Unalias(deref(t)).(*types.Named); ok {
		if obj := n.Obj(); obj.Pkg() != nil && obj.Pkg().Path() == "net/http" && obj.Name() == "Server" {
			return true
		}
	}
	return implementsHandler(t)
}

// implementsHandler reports whether t has a ServeHTTP(http.ResponseWriter,
// *http.Request) method.
func implementsHandler(t types.Type) bool {
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "ServeHTTP")
	m, ok := obj.(*types.Func)
	if !ok {
		return false
	}
	params := m.Signature().Params()
	return params.Len() == 2 && strings.HasSuffix(params.At(0).Type().String(), "net/http.ResponseWriter")
}

// rootVar returns the variable an assignment's left side writes into:
// srv in srv, srv.Handler, *srv, srv.cfg[i].
func rootVar(info *types.Info, e ast.Expr) *types.Var {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			v, _ := info.ObjectOf(x).(*types.Var)
			if v != nil && v.IsField() {
				return nil
			}
			return v
		case *ast.SelectorExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// varsIn returns the variables (not fields) an expression reads.
func varsIn(info *types.Info, e ast.Expr) []*types.Var {
	var out []*types.Var
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok && !v.IsField() && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		return true
	})
	return out
}

// servesSite reports a call of a function outside the module that serves
// one of its arguments (servesFact): the server it starts is out of the
// generator's reach.
func (c *checker) servesSite(r ref, fn *types.Func) bool {
	if r.call == nil || fn.Pkg() == nil || len(c.pass.Analyzer.FactTypes) == 0 || !c.outsideModule(fn.Pkg()) {
		return false
	}
	var fact servesFact
	if !c.pass.ImportObjectFact(fn.Origin(), &fact) {
		return false
	}
	name := shortPkg(fn.Pkg().Path()) + "." + fn.Name()
	if recv := receiverName(fn); recv != "" {
		name = "(" + shortPkg(fn.Pkg().Path()) + "." + recv + ")." + fn.Name()
	}
	reason := fmt.Sprintf("%s (%s) starts a net/http server of its own through %s, out of gracefulgen's reach; the new process of a restart cannot bind its address: "+
		"serve that handler in this module instead, with srv.Serve(l) and l from net.Listen (or srv.ListenAndServe()), which gracefulgen converts",
		name, fn.Pkg().Path(), fact.Start)
	if len(fact.Params) > 0 {
		what := "its receiver"
		if i := fact.Params[0]; i >= 0 && i < len(r.call.Args) {
			what = c.text(r.call.Args[i])
		} else if sel, ok := r.expr.(*ast.SelectorExpr); ok && i == -1 {
			what = c.text(sel.X)
		}
		reason = fmt.Sprintf("%s (%s) serves %s itself through %s, out of gracefulgen's reach; a restart cannot hand its socket over: "+
			"serve it in this module instead, with srv.Serve(l) and l from net.Listen (or srv.ListenAndServe()), which gracefulgen converts",
			name, fn.Pkg().Path(), what, fact.Start)
	}
	c.addSite(&Site{
		Pos: r.expr.Pos(), End: r.expr.End(), Kind: KindFunc, Op: OpListenAndServe, Status: NotRewritable,
		Original: c.text(r.expr), Reason: reason,
		plan: sitePlan{file: r.file},
	})
	return true
}

// servesNames returns the names of the functions with a servesFact that
// the package may call, for the scan's quick name filter.
func (c *checker) servesNames() []string {
	var names []string
	if len(c.pass.Analyzer.FactTypes) == 0 {
		return nil
	}
	for _, f := range c.pass.AllObjectFacts() {
		if _, ok := f.Fact.(*servesFact); ok && f.Object.Pkg() != c.pass.Pkg {
			names = append(names, f.Object.Name())
		}
	}
	return names
}
