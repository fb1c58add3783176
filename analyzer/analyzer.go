package analyzer

import (
	"reflect"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

// Analyzer finds the server starts of a package, reports those that are not
// restartable and the servers without a ReadHeaderTimeout, and returns the
// rewrite plan (*Result) that the generator applies.
var Analyzer = &analysis.Analyzer{
	Name:       "graceful",
	Doc:        doc,
	URL:        "https://pkg.go.dev/github.com/gracefulgen/gracefulgen/analyzer",
	Requires:   []*analysis.Analyzer{inspect.Analyzer},
	ResultType: reflect.TypeOf((*Result)(nil)),
	Run:        run,
}

func run(pass *analysis.Pass) (any, error) {
	if !mayStartServers(pass.Pkg) {
		return &Result{}, nil
	}
	c := newChecker(pass)
	c.findShimDecls()
	in := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	c.scan(in)
	c.findStopRemovals(in)
	c.nameShims()
	c.buildEdits()
	c.buildImportEdits()
	c.reportSites()
	c.reportTimeouts()
	c.reportSignals()
	return c.result(), nil
}
