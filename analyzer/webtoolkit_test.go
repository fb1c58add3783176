package analyzer_test

import (
	"testing"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

// The shims of exporter-toolkit's functions take the logger type of the
// version the package calls, in a package to convert and in one already
// converted (where the shim's own signature says it), so that the
// generator writes the same shim again.
func TestWebToolkitShimsTakeTheLoggerOfTheVersion(t *testing.T) {
	want := analyzer.Type{Path: "log/slog", Name: "Logger", Ptr: true}
	for _, pkg := range []string{"webtoolkit", "convertedweb"} {
		res, _ := plan(t, pkg)
		n := 0
		for _, sh := range res.Shims {
			if sh.Form.Pkg != "github.com/prometheus/exporter-toolkit/web" {
				continue
			}
			n++
			if got := sh.Form.Params[len(sh.Form.Params)-1]; got.Name != "logger" || got.Type != want {
				t.Errorf("%s: shim %s takes %+v, want logger %+v", pkg, sh.Name, got, want)
			}
		}
		if n == 0 {
			t.Errorf("%s: no shim of exporter-toolkit's functions", pkg)
		}
	}
}
