package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Listeners kept in struct fields. A program that opens its listener in one
// method (s.ln, err = net.Listen(...)) and serves it in another
// (s.srv.Serve(s.ln)) is followed to every write of the field in the
// package: assignments and composite literals. An exported field of a
// package other than main may be written in other packages too: as for a
// parameter (params.go), those writes decide (a Deferral with Index
// FieldIndex, matched by the generator; a fact on the field under go vet).

// fieldWrite is a write of a listener field.
type fieldWrite struct {
	field    *types.Var
	value    ast.Expr      // the value written; nil where the write does not show it
	decl     *ast.FuncDecl // the declaration that makes the write; nil at package level
	pos, end token.Pos     // the value, or the write
}

// fieldWrites are the package's writes of listener fields: of its own
// fields, and of the fields of other packages.
type fieldWrites struct {
	own       map[*types.Var][]fieldWrite
	addressed map[*types.Var]bool // &x.f: anything may store to it
	others    []fieldWrite
}

func (w *fieldWrites) add(c *checker, fw fieldWrite) {
	if listenerInterface(fw.field.Type()) == nil {
		return
	}
	if fw.field.Pkg() == c.pass.Pkg {
		w.own[fw.field] = append(w.own[fw.field], fw)
	} else {
		w.others = append(w.others, fw)
	}
}

// selectedField returns the field e selects (x.f), or nil.
func selectedField(info *types.Info, e ast.Expr) *types.Var {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	if s := info.Selections[sel]; s != nil && s.Kind() == types.FieldVal {
		v, _ := s.Obj().(*types.Var)
		return v
	}
	return nil
}

// assigned records the write of the i-th left-hand side of n, if it is a
// field.
func (w *fieldWrites) assigned(c *checker, decl *ast.FuncDecl, n *ast.AssignStmt, i int) {
	v := selectedField(c.info, n.Lhs[i])
	if v == nil {
		return
	}
	fw := fieldWrite{field: v, decl: decl, pos: n.Lhs[i].Pos(), end: n.Lhs[i].End()}
	switch {
	case len(n.Lhs) == len(n.Rhs):
		fw.value = n.Rhs[i]
	case i == 0 && len(n.Rhs) == 1:
		fw.value = n.Rhs[0] // s.ln, err = net.Listen(...)
	}
	if fw.value != nil {
		fw.pos, fw.end = fw.value.Pos(), fw.value.End()
	}
	w.add(c, fw)
}

// literal records the fields a struct literal sets.
func (w *fieldWrites) literal(c *checker, decl *ast.FuncDecl, lit *ast.CompositeLit) {
	st, ok := c.info.TypeOf(lit).Underlying().(*types.Struct)
	if !ok {
		return
	}
	for i, elt := range lit.Elts {
		var v *types.Var
		value := elt
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok {
				v, _ = c.info.Uses[id].(*types.Var)
			}
			value = kv.Value
		} else if i < st.NumFields() {
			v = st.Field(i)
		}
		if v != nil {
			w.add(c, fieldWrite{field: v, value: value, decl: decl, pos: value.Pos(), end: value.End()})
		}
	}
}

// addressOf records a field whose address is taken.
func (w *fieldWrites) addressOf(c *checker, decl *ast.FuncDecl, n *ast.UnaryExpr) {
	if n.Op != token.AND {
		return
	}
	v := selectedField(c.info, n.X)
	if v == nil {
		return
	}
	if v.Pkg() != c.pass.Pkg {
		w.add(c, fieldWrite{field: v, decl: decl, pos: n.Pos(), end: n.End()}) // no value: unknown
		return
	}
	if w.addressed == nil {
		w.addressed = map[*types.Var]bool{}
	}
	w.addressed[v] = true
}

// field follows the writes of a field of the package's own types.
func (f *follower) field(v *types.Var) (o origin) {
	x := f.c.calls()
	if v.Pkg() != f.c.pass.Pkg || x.fields.addressed[v] || v.Embedded() {
		return origin{unknown: true} // written where this package does not show
	}
	if f.c.followingFields[v] {
		return o // s.ln = wrap(s.ln): the other writes decide
	}
	f.c.followingFields[v] = true
	defer delete(f.c.followingFields, v)
	writes := x.fields.own[v]
	key, keyed := fieldKey(v)
	switch {
	case v.Exported() && f.c.pass.Pkg.Name() != "main" && keyed:
		o.deferred = append(o.deferred, deferredParam{obj: v, param: ListenerParam{Func: key, Index: FieldIndex}, local: len(writes) > 0})
	case v.Exported() && f.c.pass.Pkg.Name() != "main", len(writes) == 0:
		o.unknown = true // written elsewhere, or never
	}
	for _, w := range writes {
		if w.value == nil {
			o.unknown = true
			continue
		}
		o.add(f.c.newFollower(f.iface, w.decl).origin(w.value))
	}
	return o
}

// fieldKey names the field v of a named struct type of its package, as
// "(example.com/app/web.Server).Listener", the same in every package that
// sees it; false for a field of an unnamed struct type.
func fieldKey(v *types.Var) (string, bool) {
	if v.Pkg() == nil {
		return "", false
	}
	scope := v.Pkg().Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok {
			continue
		}
		if st, ok := tn.Type().Underlying().(*types.Struct); ok {
			for i := range st.NumFields() {
				if st.Field(i) == v {
					return "(" + v.Pkg().Path() + "." + name + ")." + v.Name(), true
				}
			}
		}
	}
	return "", false
}
