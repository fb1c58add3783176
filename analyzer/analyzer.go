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
	FactTypes:  []analysis.Fact{new(servesFact), new(listenerParamFact), new(listenerReturnFact)},
	Run:        run,
}

// Local is Analyzer without the dependency fact (servesFact): it looks
// only at the packages it is given, and takes their dependencies from
// export data, so it never names a function outside the module that serves
// what it is given. The generator runs it: loading every dependency from
// source for the fact costs about seven times the CPU on a module with many
// dependencies (README, "The cost of the fact"), on every run. go vet and
// gracefulvet run Analyzer, which reports those calls.
var Local = local()

func local() *analysis.Analyzer {
	a := *Analyzer
	a.FactTypes = nil
	return &a
}

func run(pass *analysis.Pass) (any, error) {
	if len(pass.Analyzer.FactTypes) > 0 {
		exportServesFacts(pass)
	}
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
	c.listenerArgs()
	c.listenerReturns()
	c.findStopRemovals(in)
	c.nameShims()
	c.buildEdits()
	c.buildImportEdits()
	c.reportSites()
	c.reportTimeouts()
	c.reportSignals()
	return c.result(), nil
}
