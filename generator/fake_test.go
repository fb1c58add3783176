package generator

import (
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"sort"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/gracefulgen/gracefulgen/analyzer"
	"github.com/gracefulgen/gracefulgen/templates"
)

// fakeAnalyze stands in for the analyzer in this package's tests: it
// hand-builds Results for the few call forms the test programs use
// (http.ListenAndServe, net.Listen, http.Serve, (*http.Server).ListenAndServe
// and Serve, called or as a method value), so that the generator's stages
// are tested against the agreed Result type alone.
func fakeAnalyze(pkgs []*packages.Package) (map[*packages.Package]*analyzer.Result, error) {
	out := map[*packages.Package]*analyzer.Result{}
	for _, pkg := range pkgs {
		out[pkg] = fakeResult(pkg)
	}
	return out, nil
}

func fakeResult(pkg *packages.Package) *analyzer.Result {
	res := &analyzer.Result{}
	shims := map[string]*analyzer.Shim{}
	addShim := func(name string, kind analyzer.Kind, op analyzer.Op, pos token.Pos) {
		s := shims[name]
		if s == nil {
			form, _ := analyzer.FormOfShim(name)
			s = &analyzer.Shim{Name: name, Kind: kind, Op: op, Form: form}
			shims[name] = s
		}
		s.Sites = append(s.Sites, pos)
	}
	text := func(n ast.Node) string {
		tf := pkg.Fset.File(n.Pos())
		src := pkg.Fset.File(n.Pos())
		_ = src
		return string(readFile(tf.Name())[tf.Offset(n.Pos()):tf.Offset(n.End())])
	}
	for _, f := range pkg.Syntax {
		tf := pkg.Fset.File(f.FileStart)
		if filepath.Base(tf.Name()) == templates.FileName {
			continue
		}
		rewritten := map[*types.PkgName]int{}
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			defer func() { stack = append(stack, n) }()
			switch n := n.(type) {
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok {
					if fn, ok := pkg.TypesInfo.Uses[id].(*types.Func); ok && isGenFile(pkg.Fset.Position(fn.Pos()).Filename) {
						s, _ := shimFromName(id.Name)
						res.Sites = append(res.Sites, &analyzer.Site{Pos: n.Pos(), Kind: s.Form.Kind, Op: s.Form.Op, Status: analyzer.Converted, Shim: id.Name})
						addShim(id.Name, s.Form.Kind, s.Form.Op, n.Pos())
					}
					return true
				}
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				fn, ok := typeutil.Callee(pkg.TypesInfo, n).(*types.Func)
				if !ok || fn.Pkg() == nil {
					return true
				}
				site := &analyzer.Site{Pos: n.Pos(), Op: analyzer.Op(fn.Name()), Status: analyzer.Rewritable, Original: text(sel)}
				recv := fn.Type().(*types.Signature).Recv()
				switch {
				case recv == nil && (fn.Pkg().Path() == "net/http" && (fn.Name() == "ListenAndServe" || fn.Name() == "Serve") || fn.Pkg().Path() == "net" && fn.Name() == "Listen"):
					site.Kind, site.Shim = analyzer.KindFunc, "graceful"+fn.Name()
					site.Edits = []analysis.TextEdit{{Pos: sel.Pos(), End: sel.End(), NewText: []byte(site.Shim)}}
					if x, ok := sel.X.(*ast.Ident); ok {
						if pn, ok := pkg.TypesInfo.Uses[x].(*types.PkgName); ok {
							rewritten[pn]++
						}
					}
				case recv != nil && fn.Pkg().Path() == "net/http" && (fn.Name() == "ListenAndServe" || fn.Name() == "Serve"):
					site.Kind, site.Shim = analyzer.KindMethod, "gracefulServer"+fn.Name()
					arg := text(sel.X)
					if len(n.Args) > 0 {
						arg += ", "
					}
					site.Edits = []analysis.TextEdit{{Pos: n.Pos(), End: n.Lparen + 1, NewText: []byte(site.Shim + "(" + arg)}}
				default:
					return true
				}
				res.Sites = append(res.Sites, site)
				addShim(site.Shim, site.Kind, site.Op, site.Pos)
			case *ast.SelectorExpr:
				if _, isCall := stack[len(stack)-1].(*ast.CallExpr); isCall && stack[len(stack)-1].(*ast.CallExpr).Fun == n {
					return true
				}
				fn, ok := pkg.TypesInfo.Uses[n.Sel].(*types.Func)
				if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "net/http" || fn.Type().(*types.Signature).Recv() == nil || fn.Name() != "ListenAndServe" {
					return true
				}
				shim := "gracefulServerListenAndServe"
				res.Sites = append(res.Sites, &analyzer.Site{Pos: n.Pos(), Kind: analyzer.KindMethod, Op: analyzer.OpListenAndServe,
					Status: analyzer.Rewritable, Shim: shim, Original: text(n), MethodValue: true,
					Edits: []analysis.TextEdit{{Pos: n.Pos(), End: n.End(), NewText: []byte("func() error { return " + shim + "(" + text(n.X) + ") }")}}})
				addShim(shim, analyzer.KindMethod, analyzer.OpListenAndServe, n.Pos())
				return false
			}
			return true
		})
		// Delete imports that no use is left of.
		for _, is := range f.Imports {
			pn, _ := pkg.TypesInfo.Defs[is.Name].(*types.PkgName)
			if pn == nil {
				pn, _ = pkg.TypesInfo.Implicits[is].(*types.PkgName)
			}
			if pn == nil || rewritten[pn] == 0 {
				continue
			}
			uses := 0
			for id, obj := range pkg.TypesInfo.Uses {
				if obj == pn && pkg.Fset.File(id.Pos()) == tf {
					uses++
				}
			}
			if uses == rewritten[pn] {
				start := tf.LineStart(tf.Line(is.Pos()))
				end := tf.LineStart(tf.Line(is.End()) + 1)
				res.ImportEdits = append(res.ImportEdits, analysis.TextEdit{Pos: start, End: end})
			}
		}
	}
	sort.Slice(res.Sites, func(i, j int) bool { return res.Sites[i].Pos < res.Sites[j].Pos })
	for _, s := range shims {
		res.Shims = append(res.Shims, s)
	}
	sort.Slice(res.Shims, func(i, j int) bool { return res.Shims[i].Name < res.Shims[j].Name })
	return res
}

func readFile(path string) []byte {
	b, _, _ := readIfExists(path)
	return b
}
