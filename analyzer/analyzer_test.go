package analyzer_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

// TestFixes checks the diagnostics and the suggested fixes (against the
// .golden files) of the packages whose diagnostics carry fixes.
func TestFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), analyzer.Analyzer,
		"pkgfunc", "aliased", "dotimport", "timeout", "timeoutimport")
}

// TestDiagnostics checks the diagnostics of the packages without fixes:
// one package per row of the detection table and per edge case.
func TestDiagnostics(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), analyzer.Analyzer,
		"method", "listener", "methodvalue", "iface", "frameworks", "notservers", "testfiles", "httptestpkg", "generated", "converted", "timeoutshadow")
}
