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
		if shims[f.Shim] {
			t.Errorf("%s: shim %s is taken by another form", f, f.Shim)
		}
		shims[f.Shim] = true
		// A shim whose body is the runtime call alone may also be known by
		// that call; framework shims share runtime functions with them and
		// are known by their names only.
		if f.Body == analyzer.BodyReturn || f.Body == analyzer.BodyH2C {
			if runtimes[f.Runtime] {
				t.Errorf("%s: runtime function %s is taken by another form", f, f.Runtime)
			}
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
