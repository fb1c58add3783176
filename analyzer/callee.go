package analyzer

import (
	"go/types"
)

// target is the form a site calls: the key under which sites share a shim.
type target = *Form

// classify says whether fn is one of the start forms of Forms.
func classify(fn *types.Func) (target, bool) {
	return FormOf(fn)
}

// httpOp returns the Op of a net/http server start named name, if it is one.
func httpOp(name string) (Op, bool) {
	for _, f := range Forms {
		if f.isHTTP() && string(f.Op) == name {
			return f.Op, true
		}
	}
	return "", false
}

// funcName is fn's name, "Recv.Name" for a method.
func funcName(fn *types.Func) string {
	if recv := receiverName(fn); recv != "" {
		return recv + "." + fn.Name()
	}
	return fn.Name()
}

// receiverName returns the name of the named type fn is a method of, or ""
// for a function or an interface method of an unnamed interface.
func receiverName(fn *types.Func) string {
	recv := fn.Signature().Recv()
	if recv == nil {
		return ""
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}
