package generator

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/types"

	"golang.org/x/tools/go/packages"
)

// usesCgo reports whether go/packages gave pkg's syntax from cgo's output:
// its compiled files are not the files of the package directory.
func usesCgo(pkg *packages.Package) bool {
	if len(pkg.CompiledGoFiles) != len(pkg.GoFiles) {
		return true
	}
	for i := range pkg.GoFiles {
		if pkg.GoFiles[i] != pkg.CompiledGoFiles[i] {
			return true
		}
	}
	return false
}

// uncgo gives a package that uses cgo (import "C") the syntax and types of
// the files the user wrote. go/packages parses cgo's translations of them,
// in the build cache, where the analyzer takes them for generated code and
// no rewrite may go; the files themselves type-check with a fake package
// C, whose names have no types: nothing gracefulgen looks for goes through
// them. Errors about them are expected and dropped; any other error was
// reported by the load already.
func uncgo(pkg *packages.Package) error {
	var files []*ast.File
	for _, path := range pkg.GoFiles {
		f, err := parser.ParseFile(pkg.Fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return fmt.Errorf("parse %s: %w", path, err)
		}
		files = append(files, f)
	}
	info := &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Scopes:       map[ast.Node]*types.Scope{},
		Instances:    map[*ast.Ident]types.Instance{},
		FileVersions: map[*ast.File]string{},
	}
	conf := types.Config{
		FakeImportC: true,
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if imp, ok := pkg.Imports[path]; ok && imp.Types != nil {
				return imp.Types, nil
			}
			return nil, fmt.Errorf("%s: import %q was not loaded", pkg.PkgPath, path)
		}),
		Sizes: pkg.TypesSizes,
		Error: func(error) {},
	}
	if pkg.Module != nil && pkg.Module.GoVersion != "" {
		conf.GoVersion = "go" + pkg.Module.GoVersion
	}
	tpkg, _ := conf.Check(pkg.PkgPath, pkg.Fset, files, info)
	pkg.Syntax, pkg.TypesInfo, pkg.Types = files, info, tpkg
	pkg.CompiledGoFiles = append([]string(nil), pkg.GoFiles...)
	return nil
}

// importerFunc is a types.Importer.
type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
