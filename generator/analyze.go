package generator

import (
	"fmt"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

// analyze runs a, analyzer.Local or analyzer.Analyzer, on the root
// packages and returns its result for each.
func analyze(pkgs []*packages.Package, a *analysis.Analyzer) (map[*packages.Package]*analyzer.Result, error) {
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
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

// analyzeWithDeps runs the whole analyzer, with the fact that names the
// functions of other modules that serve what they are given (a framework's
// start, a helper library's), on packages in which analyzer.Local found
// nothing at all, so that a program serving only through such a function
// hears which call it is (and the run exits 3) instead of "nothing to
// change". It loads every dependency from source (about seven times the
// CPU of a run on a module with many dependencies), which only runs that
// found nothing pay. Where that load or analysis fails, the first results
// stand.
func (l *loader) analyzeWithDeps(pkgs []*packages.Package, results map[*packages.Package]*analyzer.Result) ([]*packages.Package, map[*packages.Package]*analyzer.Result) {
	if len(pkgs) == 0 {
		return pkgs, results
	}
	var patterns []string
	for _, pkg := range pkgs {
		patterns = append(patterns, pkg.PkgPath)
	}
	full, err := l.list(loadMode|packages.NeedDeps, nil, patterns)
	if err != nil || len(full) != len(pkgs) || hasErrors(full) {
		return pkgs, results
	}
	for _, pkg := range full {
		if usesCgo(pkg) && uncgo(pkg) != nil {
			return pkgs, results
		}
	}
	fullResults, err := analyze(full, analyzer.Analyzer)
	if err != nil || noSites(fullResults) {
		return pkgs, results
	}
	return full, fullResults
}

// hasErrors reports whether any package of pkgs or of their dependencies
// has an error.
func hasErrors(pkgs []*packages.Package) bool {
	bad := false
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		bad = bad || len(p.Errors) > 0
	})
	return bad
}
