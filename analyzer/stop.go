package analyzer

import (
	"go/ast"
	"go/types"
)

// stopSignals are the signals whose handling by the app means that the app
// stops its servers itself, by package path and name.
var stopSignals = map[[2]string]bool{
	{"syscall", "SIGTERM"}:               true,
	{"syscall", "SIGINT"}:                true,
	{"golang.org/x/sys/unix", "SIGTERM"}: true,
	{"golang.org/x/sys/unix", "SIGINT"}:  true,
	{"os", "Interrupt"}:                  true,
}

// visitStop sets HandlesStop when the reference is a call of signal.Notify
// or signal.NotifyContext that asks for a stop signal, or any use of
// (*http.Server).Shutdown.
func (c *checker) visitStop(r ref, fn *types.Func) {
	if fn.Pkg() == nil {
		return
	}
	switch path := fn.Pkg().Path(); {
	case path == "net/http" && receiverName(fn) == "Server" && fn.Name() == "Shutdown":
		c.res.HandlesStop = true
	case path == "os/signal" && (fn.Name() == "Notify" || fn.Name() == "NotifyContext") && r.call != nil:
		if len(r.call.Args) > 0 && c.asksStop(r.call, r.call.Args[1:]) {
			c.res.HandlesStop = true
		}
	}
}

// asksStop reports whether the signals of a Notify call include a stop
// signal. No signals means all signals; a spread slice is assumed to.
func (c *checker) asksStop(call *ast.CallExpr, signals []ast.Expr) bool {
	if len(signals) == 0 || call.Ellipsis.IsValid() {
		return true
	}
	for _, sig := range signals {
		var id *ast.Ident
		switch e := ast.Unparen(sig).(type) {
		case *ast.Ident:
			id = e
		case *ast.SelectorExpr:
			id = e.Sel
		}
		if id == nil {
			continue
		}
		if obj := c.info.Uses[id]; obj != nil && obj.Pkg() != nil && stopSignals[[2]string{obj.Pkg().Path(), obj.Name()}] {
			return true
		}
	}
	return false
}
