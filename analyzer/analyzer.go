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
	FactTypes:  []analysis.Fact{new(servesFact)},
	Run:        run,
}

func run(pass *analysis.Pass) (any, error) {
	exportServesFacts(pass)
	c := newChecker(pass)
	if m := pass.Module; m != nil && m.Version != "" {
		// A package of a required module (the main module has no
		// version), analysed for its facts only.
		return &Result{}, nil
	}
	if !mayStartServers(pass.Pkg) && len(c.servesNames()) == 0 {
		return &Result{}, nil
	}
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
