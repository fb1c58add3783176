package generator

import (
	"sort"

	"golang.org/x/tools/go/packages"

	"github.com/gracefulgen/gracefulgen/templates"
)

// render builds the zz_graceful.go of pkg: the runtime configuration (main
// packages that serve only: config nil leaves it out), one
// shim per name (sorted), each naming the sites it serves, and the revert
// record.
func render(pkg *packages.Package, config *templates.Config, shims map[string]templates.Shim, serves map[string][]string, rec *record) ([]byte, error) {
	names := make([]string, 0, len(shims))
	for n := range shims {
		names = append(names, n)
	}
	sort.Strings(names)
	list := make([]templates.Shim, 0, len(names))
	for _, n := range names {
		s := shims[n]
		s.Serves = serves[n]
		list = append(list, s)
	}
	f := templates.File{
		PkgPath: pkg.PkgPath,
		PkgName: pkg.Name,
		Taken:   takenIn(pkg),
		Shims:   list,
		Record:  rec.lines(),
	}
	if config != nil {
		f.Configure, f.Config = true, *config
	}
	return templates.Render(f)
}

// takenIn reports the names declared in the package scope by files other
// than zz_graceful.go, which the generated file's imports must avoid.
func takenIn(pkg *packages.Package) func(string) bool {
	return func(name string) bool {
		if pkg.Types == nil {
			return false
		}
		obj := pkg.Types.Scope().Lookup(name)
		if obj == nil {
			return false
		}
		return !isGenFile(pkg.Fset.Position(obj.Pos()).Filename)
	}
}
