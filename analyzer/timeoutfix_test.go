package analyzer

import (
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"
	"time"
)

// TestFixReadHeaderTimeoutIsTheRuntimesDefault keeps the value the
// suggested fixes write equal to the runtime's DefaultReadHeaderTimeout,
// which the tool module cannot import (installing the tool must not need
// the runtime): it reads the constant from the runtime's source.
func TestFixReadHeaderTimeoutIsTheRuntimesDefault(t *testing.T) {
	const file, name = "../runtime/config.go", "DefaultReadHeaderTimeout"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var expr ast.Expr
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok {
			for i, id := range vs.Names {
				if id.Name == name && i < len(vs.Values) {
					expr = vs.Values[i]
				}
			}
		}
		return expr == nil
	})
	if expr == nil {
		t.Fatalf("%s: no constant %s", file, name)
	}
	// Evaluate the constant's expression in a package that imports time.
	src := "package p\nimport \"time\"\nconst x = " + types.ExprString(expr) + "\nvar _ = time.Second\n"
	pf, err := parser.ParseFile(fset, "eval.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := (&types.Config{Importer: importer.Default()}).Check("p", fset, []*ast.File{pf}, nil)
	if err != nil {
		t.Fatalf("evaluate %s = %s: %v", name, types.ExprString(expr), err)
	}
	v, ok := constant.Int64Val(pkg.Scope().Lookup("x").(*types.Const).Val())
	if !ok || time.Duration(v) != FixReadHeaderTimeout {
		t.Errorf("FixReadHeaderTimeout = %v, but the runtime's %s = %v: make them equal", FixReadHeaderTimeout, name, time.Duration(v))
	}
}
