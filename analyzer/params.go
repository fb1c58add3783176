package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// Listeners that arrive as parameters. A server start in a helper
// (func serve(l net.Listener) { srv.Serve(l) }, a closure run with go, a
// method of the program's own server type) serves what its callers pass, so
// the follower goes on at every call of the function in the package. Where
// other packages may call it too (an exported function of a package other
// than main: a web.Handler.Run(ctx, listeners) that main calls), the rest is
// left to those calls: the generator matches them across its run
// (Result.ListenerArgs and Site.Deferred), go vet through
// listenerParamFact.

// ListenerParam names a parameter of a function, or a struct field,
// through which a listener that a server start serves arrives from other
// packages.
type ListenerParam struct {
	// Func is the function, as (*types.Func).FullName
	// ("(*example.com/app/web.Handler).Run"), or the field, as
	// "(example.com/app/web.Server).Listener".
	Func  string
	Index int // the parameter's index, or FieldIndex
}

// FieldIndex is the Index of a ListenerParam that names a field.
const FieldIndex = -1

// Deferral is a parameter a listener arrives through, whose calls in
// other packages decide where it comes from.
type Deferral struct {
	Param ListenerParam
	// Local is true when the function's own package calls it too: those
	// calls were followed, so that no call elsewhere is no gap.
	Local bool
}

// ListenerArg is a call of a function of another package of the module
// that passes it a listener (or a slice of listeners) as a parameter: the
// generator matches it with the Deferred sites of that package.
type ListenerArg struct {
	Param    ListenerParam
	Pos, End token.Pos // the argument (the first and last, for a variadic one)
	Original string    // the argument as written
	// Reason says why the listener cannot be handed over at a restart (of
	// unknown origin, without a socket, from a function that opens a
	// socket of its own); empty where it can: net.Listen calls, converted
	// where they are.
	Reason string
	// Deferred are the parameters of this package's own functions, which
	// other packages call, that the listener also comes from.
	Deferred []Deferral
}

// listenerParamFact is exported, under go vet, for a function that serves
// the listener one of its parameters holds, where only the calls in other
// packages show where it comes from: those calls report a listener that
// cannot be handed over.
type listenerParamFact struct {
	Params []int // the indices of the parameters
	Serve  string
}

// AFact marks listenerParamFact as an analysis fact.
func (*listenerParamFact) AFact() {}

func (f *listenerParamFact) String() string {
	return fmt.Sprintf("serves the listeners of parameters %v via %s", f.Params, f.Serve)
}

// deferredParam is a Deferral with the function or field it names.
type deferredParam struct {
	obj   types.Object // *types.Func, or the field's *types.Var
	param ListenerParam
	local bool
}

func (d deferredParam) deferral() Deferral { return Deferral{Param: d.param, Local: d.local} }

// String names the parameter or field for messages.
func (d deferredParam) String() string {
	if fn, ok := d.obj.(*types.Func); ok {
		return fmt.Sprintf("parameter %q of %s", fn.Signature().Params().At(d.param.Index).Name(), d.param.Func)
	}
	return "field " + d.param.Func
}

// paramOwner is a function or closure of the package, with the calls that
// show what its parameters hold.
type paramOwner struct {
	fn      *types.Func // a declared function or method; nil for a closure
	sig     *types.Signature
	calls   []callAt
	asValue bool // used other than by calling it: some callers are unknown
}

// callAt is a call and the function declaration that encloses it (nil at
// package level), in which the follower traces its arguments.
type callAt struct {
	call *ast.CallExpr
	decl *ast.FuncDecl
}

// callIndex is what the package's calls show about parameters: the owner
// of every function scope, and the calls of functions of other packages
// outside the standard library.
type callIndex struct {
	owners map[*types.Scope]*paramOwner
	others []callAt
	fields fieldWrites
}

// calls returns the package's call index, built on first use.
func (c *checker) calls() *callIndex {
	if c.callIdx != nil {
		return c.callIdx
	}
	x := &callIndex{owners: map[*types.Scope]*paramOwner{}, fields: fieldWrites{own: map[*types.Var][]fieldWrite{}}}
	funcs := map[*types.Func]*paramOwner{}
	funcOwner := func(fn *types.Func) *paramOwner {
		if funcs[fn] == nil {
			funcs[fn] = &paramOwner{fn: fn, sig: fn.Signature()}
		}
		return funcs[fn]
	}
	lits := map[*ast.FuncLit]*paramOwner{}
	litCalls := map[*ast.FuncLit][]callAt{}
	litVars := map[*types.Var][]*ast.FuncLit{} // a variable assigned a closure
	varCalls := map[*types.Var][]callAt{}
	varValue := map[*types.Var]bool{}
	for _, file := range c.pass.Files {
		if c.skipFile(file) {
			continue
		}
		for _, d := range file.Decls {
			fd, _ := d.(*ast.FuncDecl)
			if fd != nil {
				if fn, ok := c.info.Defs[fd.Name].(*types.Func); ok {
					x.owners[c.info.Scopes[fd.Type]] = funcOwner(fn)
				}
			}
			notValue := map[*ast.Ident]bool{} // callees and assigned variables
			assignsLit := func(lhs, rhs ast.Expr) {
				id, _ := ast.Unparen(lhs).(*ast.Ident)
				lit, _ := ast.Unparen(rhs).(*ast.FuncLit)
				if id == nil || lit == nil {
					return
				}
				notValue[id] = true
				if v, ok := c.info.ObjectOf(id).(*types.Var); ok {
					litVars[v] = append(litVars[v], lit)
				}
			}
			ast.Inspect(d, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncLit:
					if sig, ok := c.info.TypeOf(n).(*types.Signature); ok {
						lits[n] = &paramOwner{sig: sig}
						x.owners[c.info.Scopes[n.Type]] = lits[n]
					}
				case *ast.AssignStmt:
					for i, lhs := range n.Lhs {
						if id, ok := ast.Unparen(lhs).(*ast.Ident); ok {
							notValue[id] = true
						}
						if len(n.Lhs) == len(n.Rhs) {
							assignsLit(lhs, n.Rhs[i])
						}
						x.fields.assigned(c, fd, n, i)
					}
				case *ast.CompositeLit:
					x.fields.literal(c, fd, n)
				case *ast.UnaryExpr:
					x.fields.addressOf(c, fd, n)
				case *ast.ValueSpec:
					if len(n.Names) == len(n.Values) {
						for i, id := range n.Names {
							assignsLit(id, n.Values[i])
						}
					}
				case *ast.CallExpr:
					at := callAt{call: n, decl: fd}
					fun := ast.Unparen(n.Fun)
					if id := calleeIdent(fun); id != nil {
						notValue[id] = true
						if v, ok := c.info.Uses[id].(*types.Var); ok {
							varCalls[v] = append(varCalls[v], at)
						}
					}
					if lit, ok := fun.(*ast.FuncLit); ok {
						litCalls[lit] = append(litCalls[lit], at)
					}
					if fn := typeutil.StaticCallee(c.info, n); fn != nil {
						switch fn = fn.Origin(); {
						case fn.Pkg() == c.pass.Pkg:
							funcOwner(fn).calls = append(funcOwner(fn).calls, at)
						case fn.Pkg() != nil && !isStdPath(fn.Pkg().Path()):
							x.others = append(x.others, at)
						}
					}
				case *ast.Ident:
					if notValue[n] {
						break
					}
					switch obj := c.info.Uses[n].(type) {
					case *types.Func:
						if obj.Pkg() == c.pass.Pkg {
							funcOwner(obj.Origin()).asValue = true
						}
					case *types.Var:
						varValue[obj] = true
					}
				}
				return true
			})
		}
	}
	// A closure is followed to its calls: called where it is written
	// (go func(l net.Listener) {...}(l)), or through the variables it is
	// assigned to and only called through. Passed anywhere else, its
	// callers are unknown.
	for lit, o := range lits {
		o.calls = litCalls[lit]
		o.asValue = len(o.calls) == 0
	}
	for v, assigned := range litVars {
		for _, lit := range assigned {
			o := lits[lit]
			if o == nil {
				continue
			}
			o.calls = append(o.calls, varCalls[v]...)
			o.asValue = varValue[v]
		}
	}
	c.callIdx = x
	return x
}

// calleeIdent returns the identifier that names the function a call's
// callee expression fun refers to (f, x.M, f[T]), or nil.
func calleeIdent(fun ast.Expr) *ast.Ident {
	switch f := ast.Unparen(fun).(type) {
	case *ast.Ident:
		return f
	case *ast.SelectorExpr:
		return f.Sel
	case *ast.IndexExpr:
		return calleeIdent(f.X)
	case *ast.IndexListExpr:
		return calleeIdent(f.X)
	}
	return nil
}

// paramIndex returns the index of v among the parameters of sig, or -1 (a
// receiver, a result).
func paramIndex(sig *types.Signature, v *types.Var) int {
	for i := range sig.Params().Len() {
		if sig.Params().At(i) == v {
			return i
		}
	}
	return -1
}

// argsFor returns the arguments a call passes for parameter i of sig (all
// those of a variadic parameter), and false where the call does not show
// them one by one (f(g()) with g returning several values).
func argsFor(call *ast.CallExpr, sig *types.Signature, i int) ([]ast.Expr, bool) {
	n := sig.Params().Len()
	switch {
	case sig.Variadic() && i == n-1 && !call.Ellipsis.IsValid():
		if len(call.Args) < i {
			return nil, false
		}
		return call.Args[i:], true
	case len(call.Args) == n:
		return call.Args[i : i+1], true
	}
	return nil, false
}

// param adds to o what the calls of the function or closure that declares
// the parameter v pass for it, each traced in the function that makes the
// call. It reports false where v is not a parameter the package can follow
// (a receiver, a variable of another kind).
func (f *follower) param(v *types.Var, o *origin) bool {
	owner := f.c.calls().owners[v.Parent()]
	if owner == nil {
		return false
	}
	i := paramIndex(owner.sig, v)
	if i < 0 {
		return false
	}
	if owner.asValue {
		o.unknown = true
		return true
	}
	if f.c.followingParams[v] {
		return true // a recursive call: the other calls decide
	}
	f.c.followingParams[v] = true
	defer delete(f.c.followingParams, v)
	deferred := owner.fn != nil && owner.fn.Exported() && f.c.pass.Pkg.Name() != "main"
	if deferred {
		o.deferred = append(o.deferred, deferredParam{obj: owner.fn, param: ListenerParam{Func: owner.fn.FullName(), Index: i}, local: len(owner.calls) > 0})
	} else if len(owner.calls) == 0 {
		o.unknown = true // nothing in the package calls it
	}
	for _, at := range owner.calls {
		args, ok := argsFor(at.call, owner.sig, i)
		if !ok {
			o.unknown = true
			continue
		}
		caller := f.c.newFollower(f.iface, at.decl)
		for _, arg := range args {
			o.add(caller.origin(arg))
		}
	}
	return true
}

// listenerInterface returns the listener interface a parameter of type t
// holds (t itself, or the element of a slice), or nil.
func listenerInterface(t types.Type) *types.Interface {
	if sl, ok := t.Underlying().(*types.Slice); ok {
		t = sl.Elem()
	}
	iface, ok := t.Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	for _, name := range []string{"Accept", "Addr"} {
		if m, _, _ := types.LookupFieldOrMethod(t, false, nil, name); m == nil {
			return nil
		}
	}
	return iface
}

// whyNot says why a listener of origin o cannot be handed over at a
// restart, or "" where it can (as far as this package shows).
func (o origin) whyNot() string {
	switch {
	case o.other != "":
		return fmt.Sprintf("it comes from %s, which opens a socket a restart cannot inherit; %s", o.other, o.remedy)
	case o.noSocket != "":
		return fmt.Sprintf("it comes from %s, which has no operating-system socket to hand to a new process", o.noSocket)
	case o.from != "":
		return fmt.Sprintf("it comes from %s, which may return one a restart cannot inherit: %s", o.from, o.fromReason)
	case o.unknown:
		return "it is of unknown origin (a parameter, a field or another function's result); create it with net.Listen where it is passed"
	}
	return ""
}

// listenerArgs records the calls of functions of the module's other
// packages that pass a listener, and the writes of their exported listener
// fields (Result.ListenerArgs). Under go vet, where the callee's (field's)
// listenerParamFact says a server start serves that parameter (field), a
// listener that cannot be handed over is reported at the call (write).
func (c *checker) listenerArgs() {
	x := c.calls()
	for _, at := range x.others {
		fn := typeutil.StaticCallee(c.info, at.call).Origin()
		sig := fn.Signature()
		for i := range sig.Params().Len() {
			if args, ok := argsFor(at.call, sig, i); ok && len(args) > 0 {
				c.passes(passing{obj: fn, param: ListenerParam{Func: fn.FullName(), Index: i}, decl: at.decl,
					values: args, pos: args[0].Pos(), end: args[len(args)-1].End(), to: c.text(at.call.Fun) + " serves it"})
			}
		}
	}
	for _, w := range x.fields.others {
		key, ok := fieldKey(w.field)
		if !ok {
			continue
		}
		p := passing{obj: w.field, param: ListenerParam{Func: key, Index: FieldIndex}, decl: w.decl,
			pos: w.pos, end: w.end, to: "it is stored in field " + key + ", which a server start serves"}
		if w.value != nil {
			p.values = []ast.Expr{w.value}
		}
		c.passes(p)
	}
}

// passing is a call's argument or a field's write that hands a listener to
// another package.
type passing struct {
	obj      types.Object // the callee or the field
	param    ListenerParam
	decl     *ast.FuncDecl // where values are traced
	values   []ast.Expr    // nil: the write does not show the value
	pos, end token.Pos
	to       string // for messages: "web.Serve serves it"
}

// passes records p when it passes a listener to the module's other
// packages, and reports it under go vet when the receiving side serves it
// and the listener cannot be handed over.
func (c *checker) passes(p passing) {
	var t types.Type = p.obj.Type()
	if fn, ok := p.obj.(*types.Func); ok {
		t = fn.Signature().Params().At(p.param.Index).Type()
	}
	iface := listenerInterface(t)
	if iface == nil {
		return
	}
	var fact listenerParamFact
	hasFact := c.facts() && c.pass.ImportObjectFact(p.obj, &fact) && slices.Contains(fact.Params, p.param.Index)
	if !hasFact && !c.inModule(p.obj.Pkg()) {
		return
	}
	o := origin{unknown: p.values == nil}
	f := c.newFollower(iface, p.decl)
	for _, v := range p.values {
		o.add(f.origin(v))
	}
	a := ListenerArg{Param: p.param, Pos: p.pos, End: p.end, Reason: o.whyNot()}
	a.Original = c.text(&ast.BadExpr{From: a.Pos, To: a.End})
	for _, d := range o.deferred {
		a.Deferred = append(a.Deferred, d.deferral())
	}
	if c.inModule(p.obj.Pkg()) {
		c.res.ListenerArgs = append(c.res.ListenerArgs, a)
	}
	if !hasFact {
		return
	}
	if a.Reason != "" {
		c.pass.Report(analysis.Diagnostic{Pos: a.Pos, End: a.End, Category: "restart",
			Message: fmt.Sprintf("%s is not restartable: %s (%s), but %s", a.Original, p.to, fact.Serve, a.Reason)})
	}
	for _, d := range o.deferred {
		c.deferParam(d, fact.Serve)
	}
}

// facts reports whether the analyzer runs with its facts (go vet,
// gracefulvet), rather than as the generator's Local analyzer.
func (c *checker) facts() bool { return len(c.pass.Analyzer.FactTypes) > 0 }

// deferParam records, under go vet, that the calls of d's function in
// other packages decide where the listener of its parameter comes from.
func (c *checker) deferParam(d deferredParam, serve string) {
	if !c.facts() {
		return
	}
	var fact listenerParamFact
	c.pass.ImportObjectFact(d.obj, &fact)
	if slices.Contains(fact.Params, d.param.Index) {
		return
	}
	fact.Params = append(fact.Params, d.param.Index)
	if fact.Serve == "" {
		fact.Serve = serve
	}
	c.pass.ExportObjectFact(d.obj, &fact)
}
