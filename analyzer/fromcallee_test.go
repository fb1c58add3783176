package analyzer

import (
	"go/token"
	"go/types"
	"testing"
)

// The logger of exporter-toolkit's serving functions is go-kit's
// log.Logger (an interface) before v0.13 and a *slog.Logger since: the
// shim takes the type the package's version has, and every site of one
// version shares one form.
func TestResolveFormTakesTheCalleesType(t *testing.T) {
	var webLAS *Form
	for _, f := range Forms {
		if f.Pkg == webPath && f.Op == OpListenAndServe {
			webLAS = f
		}
	}
	if webLAS == nil || !webLAS.unresolved() {
		t.Fatalf("no web.ListenAndServe form with a type from the callee: %v", webLAS)
	}
	named := func(path, name string, under types.Type) *types.Named {
		pkg := types.NewPackage(path, shortPkg(path))
		tn := types.NewTypeName(token.NoPos, pkg, name, nil)
		n := types.NewNamed(tn, under, nil)
		pkg.Scope().Insert(tn)
		return n
	}
	goKit := named("github.com/go-kit/log", "Logger", types.NewInterfaceType(nil, nil))
	slogLogger := types.NewPointer(named("log/slog", "Logger", types.NewStruct(nil, nil)))
	params := func(logger types.Type) *types.Tuple {
		v := func(name string, t types.Type) *types.Var { return types.NewParam(token.NoPos, nil, name, t) }
		return types.NewTuple(v("server", types.Typ[types.Int]), v("flags", types.Typ[types.Int]), v("logger", logger))
	}
	for _, tt := range []struct {
		logger types.Type
		want   Type
	}{
		{goKit, Type{Path: "github.com/go-kit/log", Name: "Logger"}},
		{slogLogger, Type{Path: "log/slog", Name: "Logger", Ptr: true}},
	} {
		got, reason, ok := resolveForm(webLAS, params(tt.logger), 0)
		if !ok {
			t.Fatalf("%s: not resolved: %s", tt.logger, reason)
		}
		if got.unresolved() || got.Params[2].Type != tt.want || got.Params[0] != webLAS.Params[0] {
			t.Errorf("%s: params %+v, want the logger as %+v", tt.logger, got.Params, tt.want)
		}
		if again, _, _ := resolveForm(webLAS, params(tt.logger), 0); again != got {
			t.Errorf("%s: a second site got another form: two shims for one version", tt.logger)
		}
		if webLAS.Params[2].Type != (Type{FromCallee: true}) {
			t.Fatalf("the table's form was changed: %+v", webLAS.Params[2])
		}
	}
	if _, _, ok := resolveForm(webLAS, params(types.NewSignatureType(nil, nil, nil, nil, nil, false)), 0); ok {
		t.Errorf("a func type was taken as a logger type that generated code can name")
	}
	if got, _, ok := resolveForm(Forms[0], nil, 0); !ok || got != Forms[0] {
		t.Errorf("a form without types from the callee is not returned as it is")
	}
}
