package analyzer_test

import (
	"path/filepath"
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

// TestListenerParamsAcrossPackages checks, in a module, that a listener
// an exported function serves as its parameter is reported at the calls in
// other packages that pass one the runtime cannot hand over, and nowhere
// else.
func TestListenerParamsAcrossPackages(t *testing.T) {
	analysistest.Run(t, filepath.Join(analysistest.TestData(), "modules", "listenerparams"), analyzer.Analyzer, "./...")
}

// TestListenerReturnsAcrossPackages checks, in a module, that a listener
// an exported function of another package may return from where the
// runtime cannot hand it over is reported at the Serve that gets it, with
// the helper's line, and that the helper carries the fact.
func TestListenerReturnsAcrossPackages(t *testing.T) {
	analysistest.Run(t, filepath.Join(analysistest.TestData(), "modules", "listenerreturns"), analyzer.Analyzer, "./...")
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

// TestMayStartServers checks the rule by imports that the analyzer's fast
// path and the generator's choice of packages to type-check share.
func TestMayStartServers(t *testing.T) {
	for _, tt := range []struct {
		path    string
		imports []string
		want    bool
	}{
		{"example.com/app", []string{"fmt", "net/http"}, true},
		{"example.com/app", []string{"net"}, true},
		{"example.com/app", []string{"os/signal"}, true},
		{"example.com/app", []string{"google.golang.org/grpc"}, true}, // the package of a start form
		{"example.com/app", []string{"fmt", "strings"}, false},
		{analyzer.RuntimePath, []string{"net/http"}, false},
		{analyzer.RuntimePath + "/internal/x", []string{"net"}, false},
	} {
		if got := analyzer.MayStartServers(tt.path, tt.imports); got != tt.want {
			t.Errorf("MayStartServers(%q, %q) = %v, want %v", tt.path, tt.imports, got, tt.want)
		}
	}
}
