package analyzer_test

import (
	"testing"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

// TestFormsTable checks what the analyzer, the templates and the generator
// rely on in every entry of the table: shim names and runtime functions
// that identify one form each, a shim name that leads back to its form
// (numbered too), a listener index within the parameters.
func TestFormsTable(t *testing.T) {
	shims, runtimes := map[string]bool{}, map[string]bool{}
	for _, f := range analyzer.Forms {
		// A shim that only returns the runtime's call is recognised by
		// that function; one with a longer body by its name as well.
		if shims[f.Shim] || f.Body == analyzer.BodyReturn && runtimes[f.Runtime] {
			t.Errorf("%s: shim %s or runtime function %s is taken by another form", f, f.Shim, f.Runtime)
		}
		shims[f.Shim] = true
		if f.Body == analyzer.BodyReturn {
			runtimes[f.Runtime] = true
		}
		for _, name := range []string{f.Shim, f.Shim + "2", f.Shim + "13"} {
			if got, ok := analyzer.FormOfShim(name); !ok || got != f {
				t.Errorf("FormOfShim(%q) = %v, %v; want %s", name, got, ok, f)
			}
		}
		if f.Listener >= len(f.Params) || f.Listener >= 0 && f.Params[f.Listener].Type != (analyzer.Type{Path: "net", Name: "Listener"}) &&
			f.Params[f.Listener].Type != (analyzer.Type{Path: "net", Name: "Listener", Slice: true}) {
			t.Errorf("%s: listener index %d does not name a net.Listener parameter of %v", f, f.Listener, f.Params)
		}
		if f.Kind == analyzer.KindMethod && (len(f.Params) == 0 || f.Params[0].Type.Name != f.Recv || !f.Params[0].Type.Ptr) {
			t.Errorf("%s: a method's shim takes its receiver (*%s) first, got %v", f, f.Recv, f.Params)
		}
		if len(f.Results) == 0 {
			t.Errorf("%s: no results", f)
		}
	}
	for _, name := range []string{"gracefulServerListen", "gracefulListenConfigServe", "gracefulFoo", "ListenAndServe", "gracefulServe0", "gracefulServe2x"} {
		if f, ok := analyzer.FormOfShim(name); ok {
			t.Errorf("FormOfShim(%q) = %s, want none", name, f)
		}
	}
}
