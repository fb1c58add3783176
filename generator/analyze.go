package generator

import (
	"fmt"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

// analyze runs the analyzer on the root packages and returns its result
// for each. It runs analyzer.Local, the analyzer without the fact that
// names outside functions serving what they are given: the generator
// converts sites of the module only, and that fact costs a type check of
// every dependency.
func analyze(pkgs []*packages.Package) (map[*packages.Package]*analyzer.Result, error) {
	graph, err := checker.Analyze([]*analysis.Analyzer{analyzer.Local}, pkgs, nil)
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	out := make(map[*packages.Package]*analyzer.Result, len(pkgs))
	for _, act := range graph.Roots {
		if act.Err != nil {
			return nil, fmt.Errorf("analyze %s: %w", act.Package.PkgPath, act.Err)
		}
		res, ok := act.Result.(*analyzer.Result)
		if !ok || res == nil {
			return nil, fmt.Errorf("analyze %s: the analyzer returned no result", act.Package.PkgPath)
		}
		out[act.Package] = res
	}
	return out, nil
}
