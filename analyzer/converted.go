package analyzer

import (
	"go/ast"
	"go/types"
	"slices"

	"golang.org/x/tools/go/types/typeutil"
)

// findShimDecls records the shims that gracefulgen already generated: the
// package-level functions of a generated file of this package whose body is
// a single return of a call to the runtime. A call of one of them is a site
// that is already converted.
func (c *checker) findShimDecls() {
	for _, file := range c.pass.Files {
		if !c.generated(file) {
			continue
		}
		for _, decl := range file.Decls {
			c.recordGeneratedDecl(decl)
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Recv != nil {
				continue
			}
			fn, _ := c.info.Defs[fd.Name].(*types.Func)
			if t, ok := c.shimTarget(fd); ok && fn != nil {
				if t, _, ok = resolveForm(t, fn.Signature().Params(), 0); ok {
					c.shimDecls[fn] = t
				}
			}
		}
	}
}

// recordGeneratedDecl remembers the package-level objects decl declares,
// so that choosing shim names ignores the names of the generated file,
// which the generator rewrites as a whole.
func (c *checker) recordGeneratedDecl(decl ast.Decl) {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			c.shimDeclObjs[c.info.Defs[d.Name]] = true
		}
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			switch s := spec.(type) {
			case *ast.ValueSpec:
				for _, n := range s.Names {
					c.shimDeclObjs[c.info.Defs[n]] = true
				}
			case *ast.TypeSpec:
				c.shimDeclObjs[c.info.Defs[s.Name]] = true
			}
		}
	}
}

// shimTarget returns the form of the sites that call fd, if fd has the
// shape of a generated shim: `return graceful.F(...)` and nothing else, or
// for a form with a longer body (BodyH2C, the framework bodies), statements
// that call the form's runtime function.
func (c *checker) shimTarget(fd *ast.FuncDecl) (target, bool) {
	if fd.Body == nil || len(fd.Body.List) == 0 {
		return nil, false
	}
	// The runtime functions the body calls, in order. Forms that call the
	// same one (gin's Run and (*http.Server).ListenAndServe), or call
	// several (echo's shims call Listen, then ServerServeWith), are told
	// apart by the shim's name; otherwise the first call says.
	var calls []string
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if callee := typeutil.StaticCallee(c.info, call); callee != nil && callee.Pkg() != nil && callee.Pkg().Path() == RuntimePath {
				calls = append(calls, callee.Name())
			}
		}
		return true
	})
	if len(calls) == 0 {
		return nil, false
	}
	form, ok := FormOfShim(fd.Name.Name)
	if !ok || !slices.Contains(calls, form.Runtime) {
		if form, ok = formOfRuntime(calls[0]); !ok {
			return nil, false
		}
	}
	if form.Body == BodyReturn && len(calls) != 1 {
		return nil, false
	}
	if form.Body == BodyReturn {
		ret, _ := fd.Body.List[0].(*ast.ReturnStmt)
		if len(fd.Body.List) != 1 || ret == nil || len(ret.Results) != 1 {
			return nil, false
		}
		if call, ok := ast.Unparen(ret.Results[0]).(*ast.CallExpr); !ok || typeutil.StaticCallee(c.info, call) == nil ||
			typeutil.StaticCallee(c.info, call).Name() != form.Runtime {
			return nil, false
		}
	}
	return form, true
}
