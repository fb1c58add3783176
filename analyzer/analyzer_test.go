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
// one package per row of the detection table and per edge case, analysed
// in one run.
func TestDiagnostics(t *testing.T) {
	analyse(t, planPackages...)
}

// TestNoFixWhenTimeIsShadowed checks that the timeout fix is withheld when
// the package declares its own name time, where adding the import would not
// build.
func TestNoFixWhenTimeIsShadowed(t *testing.T) {
	diags := analyse(t, "timeoutshadow")["timeoutshadow"].Diagnostics
	if len(diags) != 1 {
		t.Fatalf("got %d diagnostics, want 1", len(diags))
	}
	if fixes := diags[0].SuggestedFixes; len(fixes) != 0 {
		t.Errorf("a fix is offered although time is shadowed: %+v", fixes)
	}
}
