package generator

import (
	"fmt"
	"slices"

	"golang.org/x/tools/go/packages"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

// resolveListenerParams settles the listener sites the analyzer left to
// other packages (analyzer.Site.Deferred): a server start that serves a
// parameter of an exported function (web.Handler.Run(ctx, listeners)) or
// an exported field, which other packages of the module call or write. A site goes when
// every parameter it waits for is passed, by at least one call in the run
// and by every such call, a listener the run converts (through further
// parameters, in turn); otherwise its reason names the call that does not,
// or says that no package of the run calls the function (where its own
// package does not either).
func (r *run) resolveListenerParams(pkgs []*packages.Package, results map[*packages.Package]*analyzer.Result) {
	type passed struct {
		pkg *packages.Package
		arg analyzer.ListenerArg
	}
	calls := map[analyzer.ListenerParam][]passed{}
	for _, pkg := range pkgs {
		if res := results[pkg]; res != nil {
			for _, a := range res.ListenerArgs {
				calls[a.Param] = append(calls[a.Param], passed{pkg, a})
			}
		}
	}
	why := map[analyzer.ListenerParam]string{}
	var whyNot func(d analyzer.Deferral) string
	whyNot = func(d analyzer.Deferral) string {
		p := d.Param
		if w, ok := why[p]; ok {
			return w
		}
		why[p] = "" // a cycle of calls: the other calls decide
		w := ""
		if len(calls[p]) == 0 && !d.Local {
			verb := "passes one to"
			if p.Index == analyzer.FieldIndex {
				verb = "stores one in"
			}
			w = fmt.Sprintf("no package of this run %s %s: run gracefulgen on the packages that do too (gracefulgen ./... at the module root)", verb, p.Func)
		}
		for _, c := range calls[p] {
			if w != "" {
				break
			}
			if c.arg.Reason != "" {
				what, verb := "call", "passes"
				if p.Index == analyzer.FieldIndex {
					what, verb = "write", "stores"
				}
				w = fmt.Sprintf("the %s at %s %s %s, where %s", what, r.planner.pos(c.pkg.Fset, c.arg.Pos), verb, c.arg.Original, c.arg.Reason)
				break
			}
			for _, d := range c.arg.Deferred {
				if w = whyNot(d); w != "" {
					break
				}
			}
		}
		why[p] = w
		return w
	}
	for _, pkg := range pkgs {
		res := results[pkg]
		if res == nil {
			continue
		}
		res.Sites = slices.DeleteFunc(res.Sites, func(s *analyzer.Site) bool {
			if s.Status != analyzer.NotRewritable || len(s.Deferred) == 0 {
				return false
			}
			for _, d := range s.Deferred {
				if w := whyNot(d); w != "" {
					s.Reason = fmt.Sprintf("the listener %s comes through %s from other packages, and %s", s.Original, d.Param.Func, w)
					return false
				}
			}
			return true
		})
	}
}
