package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
)

// listenerReturnFact is exported, under go vet, for an exported function
// whose returned listener the runtime cannot always hand over: a package
// of the module that serves what it returns reports it at the Serve.
type listenerReturnFact struct {
	Reason string // as ListenerReturn.Reason, with the position of the value
}

// AFact marks listenerReturnFact as an analysis fact.
func (*listenerReturnFact) AFact() {}

func (f *listenerReturnFact) String() string {
	return "returns a listener a restart cannot always inherit: " + f.Reason
}

// listenerReturns records the exported functions of a package other than
// main whose returned listener cannot always be handed over
// (Result.ListenerReturns, and a listenerReturnFact under go vet): a
// helper that opens its listener with net.Listen in one branch and takes
// it from elsewhere in another (go-systemd's activation.Listeners, a
// field nothing writes). A listener it is given as an argument is its
// caller's to judge: a call that passes one is followed as a wrapper.
func (c *checker) listenerReturns() {
	if c.pass.Pkg.Name() == "main" {
		return
	}
	for _, file := range c.pass.Files {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil || !fd.Name.IsExported() {
				continue
			}
			fn, ok := c.info.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			iface := returnedListener(fn)
			if iface == nil {
				continue
			}
			// A parameter is its caller's to judge: known here.
			args := func(v *types.Var) (origin, bool) { return origin{}, paramIndex(fn.Signature(), v) >= 0 }
			o := c.returned(fn, iface, args)
			why := o.whyNot()
			if why == "" {
				continue
			}
			pos := fd.Name.Pos()
			if o.at != nil && o.other == "" && o.noSocket == "" && o.from == "" {
				pos = o.at.Pos()
				why = fmt.Sprintf("%s (%s) is of unknown origin (a parameter, a field or another function's result); open it with net.Listen in %s", c.text(o.at), c.shortPos(pos), funcName(fn))
			}
			c.res.ListenerReturns = append(c.res.ListenerReturns, ListenerReturn{Func: fn.FullName(), Pos: pos, Reason: why})
			if c.facts() {
				c.pass.ExportObjectFact(fn, &listenerReturnFact{Reason: why})
			}
		}
	}
}

// returnedListener returns the listener interface of fn's first result
// that holds listeners (a net.Listener, a slice of them), or nil.
func returnedListener(fn *types.Func) *types.Interface {
	results := fn.Signature().Results()
	for i := range results.Len() {
		if iface := listenerInterface(results.At(i).Type()); iface != nil {
			return iface
		}
	}
	return nil
}

// shortPos is pos as file:line:col, with the file's base name.
func (c *checker) shortPos(pos token.Pos) string {
	p := c.pass.Fset.Position(pos)
	return fmt.Sprintf("%s:%d:%d", filepath.Base(p.Filename), p.Line, p.Column)
}
