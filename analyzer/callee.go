package analyzer

import (
	"go/types"
)

// target is what a callee does, in the terms of the plan: a Kind, an Op, and
// for methods the receiver type. It is also the key under which sites share
// a shim.
type target struct {
	kind         Kind
	op           Op
	listenConfig bool // receiver is *net.ListenConfig
}

// serverOps maps the names of net/http's server starts to their Op.
var serverOps = map[string]Op{
	"ListenAndServe":    OpListenAndServe,
	"ListenAndServeTLS": OpListenAndServeTLS,
	"Serve":             OpServe,
	"ServeTLS":          OpServeTLS,
}

// classify says whether fn is one of the net/http server starts or net
// listeners of the detection table, by package path, name and receiver.
func classify(fn *types.Func) (target, bool) {
	if fn.Pkg() == nil {
		return target{}, false
	}
	recv := receiverName(fn)
	switch fn.Pkg().Path() {
	case "net/http":
		op, ok := serverOps[fn.Name()]
		switch {
		case !ok:
		case recv == "":
			return target{kind: KindFunc, op: op}, true
		case recv == "Server":
			return target{kind: KindMethod, op: op}, true
		}
	case "net":
		switch {
		case fn.Name() != "Listen":
		case recv == "":
			return target{kind: KindFunc, op: OpListen}, true
		case recv == "ListenConfig":
			return target{kind: KindMethod, op: OpListen, listenConfig: true}, true
		}
	}
	return target{}, false
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

// runtimeTargets maps the runtime functions a generated shim may call to
// the target of the sites that call the shim.
var runtimeTargets = map[string]target{
	"ListenAndServe":          {kind: KindFunc, op: OpListenAndServe},
	"ListenAndServeTLS":       {kind: KindFunc, op: OpListenAndServeTLS},
	"Serve":                   {kind: KindFunc, op: OpServe},
	"ServeTLS":                {kind: KindFunc, op: OpServeTLS},
	"Listen":                  {kind: KindFunc, op: OpListen},
	"ServerListenAndServe":    {kind: KindMethod, op: OpListenAndServe},
	"ServerListenAndServeTLS": {kind: KindMethod, op: OpListenAndServeTLS},
	"ServerServe":             {kind: KindMethod, op: OpServe},
	"ServerServeTLS":          {kind: KindMethod, op: OpServeTLS},
	"ListenConfig":            {kind: KindMethod, op: OpListen, listenConfig: true},
}

// shimBase returns the name a shim for t gets when nothing collides with it.
func (t target) shimBase() string {
	switch {
	case t.listenConfig:
		return "gracefulListenConfigListen"
	case t.kind == KindMethod:
		return "gracefulServer" + string(t.op)
	default:
		return "graceful" + string(t.op)
	}
}

// isServe reports whether t takes a listener (Serve, ServeTLS).
func (t target) isServe() bool {
	return t.op == OpServe || t.op == OpServeTLS
}

// listenerArg is the index of the listener among the arguments of a call
// of t, counting the receiver of a shim call as its first argument when
// shimCall is set.
func (t target) listenerArg(shimCall bool) int {
	if shimCall && t.kind == KindMethod {
		return 1
	}
	return 0
}
