package generator

import (
	"fmt"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

// analysisMode returns the load mode the analyzer needs: an analyzer that
// exchanges facts must see every dependency from source.
func analysisMode() packages.LoadMode {
	if len(analyzer.Local.FactTypes) > 0 {
		return loadMode | packages.NeedDeps
	}
	return loadMode
}

// analyze runs the analyzer on the root packages and returns its result
// for each. It is a variable so that tests can feed hand-made results.
var analyze = func(pkgs []*packages.Package) (map[*packages.Package]*analyzer.Result, error) {
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
