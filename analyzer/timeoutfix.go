package analyzer

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis"
)

// FixReadHeaderTimeout is the ReadHeaderTimeout the suggested fixes write
// into a server. It equals the runtime's DefaultReadHeaderTimeout (a test of
// the root module checks it against the runtime's source): the tool module
// does not import the runtime, so that installing the tool never needs it.
const FixReadHeaderTimeout = 10 * time.Second

// readHeaderTimeout is FixReadHeaderTimeout written with the file's
// qualifier of package time.
var readHeaderTimeout = fmt.Sprintf("%d * %%sSecond", FixReadHeaderTimeout/time.Second)

// literalFix adds ReadHeaderTimeout to a server literal.
func (c *checker) literalFix(a serverAlloc) (analysis.SuggestedFix, bool) {
	if a.lit == nil {
		return analysis.SuggestedFix{}, false
	}
	qual, edits, ok := c.importFor(a.file, a.lit.Pos(), "time")
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	field := "ReadHeaderTimeout: " + fmt.Sprintf(readHeaderTimeout, qual)
	lit := a.lit
	var edit analysis.TextEdit
	switch n := len(lit.Elts); {
	case n == 0:
		edit = analysis.TextEdit{Pos: lit.Rbrace, End: lit.Rbrace, NewText: []byte(field)}
	case c.pass.Fset.Position(lit.Rbrace).Line > c.pass.Fset.Position(lit.Elts[n-1].End()).Line:
		edit = analysis.TextEdit{Pos: lit.Rbrace, End: lit.Rbrace, NewText: []byte(field + ",\n")}
	default:
		edit = analysis.TextEdit{Pos: lit.Elts[n-1].End(), End: lit.Elts[n-1].End(), NewText: []byte(", " + field)}
	}
	return analysis.SuggestedFix{
		Message:   fmt.Sprintf("Set ReadHeaderTimeout to %d seconds", FixReadHeaderTimeout/time.Second),
		TextEdits: append([]analysis.TextEdit{edit}, edits...),
	}, true
}

// funcCallFix turns http.ListenAndServe(addr, h) into
// (&http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: ...}).ListenAndServe(),
// which is what the package function does, plus the timeout.
func (c *checker) funcCallFix(r ref) (analysis.SuggestedFix, bool) {
	call := r.call
	if call.Ellipsis.IsValid() {
		return analysis.SuggestedFix{}, false
	}
	httpQual := ""
	if sel, ok := r.expr.(*ast.SelectorExpr); ok {
		httpQual = c.text(sel.X) + "."
	} else if tn, ok := c.lookup("Server", call.Pos()).(*types.TypeName); !ok || tn != c.serverType.Obj() {
		return analysis.SuggestedFix{}, false
	}
	timeQual, edits, ok := c.importFor(r.file, call.Pos(), "time")
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	args := make([]string, len(call.Args))
	for i, a := range call.Args {
		args[i] = c.text(a)
	}
	var fields, method string
	switch op, _ := httpOp(calleeIdent(call.Fun).Name); {
	case op == OpListenAndServe && len(args) == 2:
		fields, method = "Addr: "+args[0]+", Handler: "+args[1], "ListenAndServe()"
	case op == OpListenAndServeTLS && len(args) == 4:
		fields, method = "Addr: "+args[0]+", Handler: "+args[3], "ListenAndServeTLS("+args[1]+", "+args[2]+")"
	case op == OpServe && len(args) == 2:
		fields, method = "Handler: "+args[1], "Serve("+args[0]+")"
	case op == OpServeTLS && len(args) == 4:
		fields, method = "Handler: "+args[1], "ServeTLS("+strings.Join([]string{args[0], args[2], args[3]}, ", ")+")"
	default:
		return analysis.SuggestedFix{}, false
	}
	text := fmt.Sprintf("(&%sServer{%s, ReadHeaderTimeout: %s}).%s", httpQual, fields, fmt.Sprintf(readHeaderTimeout, timeQual), method)
	return analysis.SuggestedFix{
		Message:   "Serve through an http.Server with ReadHeaderTimeout",
		TextEdits: append([]analysis.TextEdit{{Pos: call.Pos(), End: call.End(), NewText: []byte(text)}}, edits...),
	}, true
}
