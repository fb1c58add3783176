package analyzer

import (
	"fmt"
	"go/types"
	"strings"
	"sync"
)

// resolved holds the copies of forms whose FromCallee types were filled
// in, one per form and set of types, so that every site of one package
// (and of every package calling the same version) shares one form, and
// so one shim.
var resolved sync.Map // string -> *Form

// resolveForm returns f with its FromCallee parameter types read from
// params, the parameters of the callee (skip is 1 for a method, whose
// receiver is the form's first parameter but not among params) or of an
// existing shim (skip 0). A form with no such parameter is returned as it
// is. ok is false, with the reason, when a type cannot be written in
// generated code.
func resolveForm(f *Form, params *types.Tuple, skip int) (_ *Form, reason string, ok bool) {
	var found []Type
	key := fmt.Sprintf("%p", f)
	for i, p := range f.Params {
		if !p.Type.FromCallee {
			continue
		}
		j := i - skip
		if params == nil || j < 0 || j >= params.Len() {
			return nil, fmt.Sprintf("%s has no parameter %d (%s)", f, i+1, p.Name), false
		}
		t, ok := typeFrom(params.At(j).Type())
		if !ok {
			return nil, fmt.Sprintf("the type of parameter %s of %s, %s, cannot be named in generated code", p.Name, f, params.At(j).Type()), false
		}
		found = append(found, t)
		key += fmt.Sprintf("|%+v", t)
	}
	if found == nil {
		return f, "", true
	}
	if r, ok := resolved.Load(key); ok {
		return r.(*Form), "", true
	}
	r := *f
	r.Params = append([]Param(nil), f.Params...)
	k := 0
	for i := range r.Params {
		if r.Params[i].Type.FromCallee {
			r.Params[i].Type = found[k]
			k++
		}
	}
	got, _ := resolved.LoadOrStore(key, &r)
	return got.(*Form), "", true
}

// typeFrom is t as a Type of the table: a named type of a package (not
// generic, not local to a function), possibly behind a pointer.
func typeFrom(t types.Type) (Type, bool) {
	var out Type
	if p, ok := t.(*types.Pointer); ok {
		out.Ptr, t = true, p.Elem()
	}
	var obj *types.TypeName
	switch n := t.(type) {
	case *types.Named:
		if n.TypeArgs().Len() > 0 {
			return Type{}, false
		}
		obj = n.Obj()
	case *types.Alias:
		obj = n.Obj()
	default:
		return Type{}, false
	}
	if obj.Pkg() == nil || obj.Parent() != obj.Pkg().Scope() || !obj.Exported() || strings.HasSuffix(obj.Pkg().Path(), "_test") {
		return Type{}, false
	}
	out.Path, out.Name = obj.Pkg().Path(), obj.Name()
	return out, true
}

// unresolved reports whether f still has a FromCallee type: a form from
// the table itself, not resolved for a package.
func (f *Form) unresolved() bool {
	for _, p := range f.Params {
		if p.Type.FromCallee {
			return true
		}
	}
	return false
}

// resolveSite resolves the FromCallee types of t for a reference to fn;
// where one cannot be written, the reference is reported instead.
func (c *checker) resolveSite(r ref, fn *types.Func, t *Form) (*Form, bool) {
	skip := 0
	if t.Kind == KindMethod {
		skip = 1
	}
	rt, reason, ok := resolveForm(t, fn.Signature().Params(), skip)
	if !ok {
		c.addSite(&Site{
			Pos: r.expr.Pos(), End: r.expr.End(), Kind: t.Kind, Op: t.Op, Status: NotRewritable,
			Original: c.text(r.expr), Reason: "gracefulgen cannot write a shim for this version of " + shortPkg(t.Pkg) + ": " + reason +
				"; serve the server with net.Listen and (*http.Server).Serve instead", plan: sitePlan{file: r.file},
		})
	}
	return rt, ok
}
