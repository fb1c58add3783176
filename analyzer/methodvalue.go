package analyzer

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// methodValueSite makes s the rewrite of a method value passed straight as
// an argument: g.Go(srv.ListenAndServe) becomes
// g.Go(func() error { return shim(srv) }).
func (c *checker) methodValueSite(s *Site, r ref, sel *ast.SelectorExpr, selection *types.Selection) {
	s.MethodValue = true
	s.Status = NotRewritable
	form, ok := receiver(sel, selection)
	switch {
	case !ok:
		s.Reason = "the receiver is not a struct gracefulgen can follow; pass a func literal that calls the method on an *http.Server"
		return
	case !pure(sel.X):
		s.Reason = "the receiver of the method value is evaluated once, here, and a rewrite would evaluate it at each call; assign it to a variable and pass the method value of that variable"
		return
	}
	params, args := methodValueParams(s.Form, identsIn(sel.X))
	if strings.Contains(params, "LISTENER") {
		qual, pn, ok := c.qualifier(r.file, sel.Pos(), "net")
		if !ok {
			s.Reason = fmt.Sprintf("the func literal that replaces it would need net.Listener, and this file does not import net; pass func(l net.Listener) error { return %s(l) } instead", s.Original)
			return
		}
		params = strings.ReplaceAll(params, "LISTENER", qual+"Listener")
		s.plan.addQual = pn
	}
	s.Status = Rewritable
	recv := form.text(c.text(sel.X))
	outer := r.outer.Node()
	s.plan.edit = func(shim string) []analysis.TextEdit {
		call := shim + "(" + recv
		if args != "" {
			call += ", " + args
		}
		lit := fmt.Sprintf("func(%s) error { return %s) }", params, call)
		return []analysis.TextEdit{{Pos: outer.Pos(), End: outer.End(), NewText: []byte(lit)}}
	}
}

// methodValueParams returns the parameter list and the argument list of
// the func literal that replaces a method value of form, with names that do
// not collide with the identifiers of the receiver expression: the
// parameters of the form's shim after the receiver. The type of a listener
// parameter is written LISTENER, for the caller to qualify.
func methodValueParams(form *Form, taken map[string]bool) (params, args string) {
	name := func(n string) string {
		for taken[n] {
			n = "graceful" + strings.ToUpper(n[:1]) + n[1:]
		}
		return n
	}
	var names []string
	for i, p := range form.Params[1:] {
		n := name(p.Name)
		names = append(names, n)
		params += n
		last := i+2 == len(form.Params)
		if !last && form.Params[i+2].Type == p.Type {
			params += ", "
			continue
		}
		typ := p.Type.Name
		if p.Type == listenerType {
			typ = "LISTENER"
		}
		params += " " + typ
		if !last {
			params += ", "
		}
	}
	return params, strings.Join(names, ", ")
}

// identsIn returns the names of the identifiers in e.
func identsIn(e ast.Expr) map[string]bool {
	names := make(map[string]bool)
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			names[id.Name] = true
		}
		return true
	})
	return names
}

// pure reports whether evaluating e has no effect beyond reading
// variables: identifiers, selectors, dereferences and constant indexes.
func pure(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return pure(e.X)
	case *ast.SelectorExpr:
		return pure(e.X)
	case *ast.StarExpr:
		return pure(e.X)
	case *ast.UnaryExpr:
		return pure(e.X)
	case *ast.IndexExpr:
		return pure(e.X) && pure(e.Index)
	}
	return false
}
