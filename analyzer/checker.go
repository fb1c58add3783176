package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// checker holds the state of one run over one package.
type checker struct {
	pass *analysis.Pass
	info *types.Info
	res  Result

	shimDecls       map[*types.Func]target  // shims declared in generated files
	shimDeclObjs    map[types.Object]bool   // every package-level object of those files
	listenSites     map[*ast.CallExpr]*Site // nil for a short-lived listener
	shortListens    map[*ast.CallExpr]bool  // listeners that feed only a short-lived server
	funcDecls       map[*types.Func]*ast.FuncDecl
	following       map[*types.Func]bool // functions whose returned listeners are being followed
	followingParams map[*types.Var]bool  // parameters whose calls are being followed
	followingFields map[*types.Var]bool  // fields whose writes are being followed
	callIdx         *callIndex           // built on first use (params.go)
	serverType      *types.Named         // net/http.Server, if the package imports net/http

	timeouts    timeoutState
	ifaceCalls  []*Site // calls through interfaces, kept if the package names http.Server
	namesServer bool    // the package refers to the type http.Server
	stop        stopState

	sources map[*token.File][]byte
}

func newChecker(pass *analysis.Pass) *checker {
	c := &checker{
		pass:            pass,
		info:            pass.TypesInfo,
		shimDecls:       make(map[*types.Func]target),
		shimDeclObjs:    make(map[types.Object]bool),
		listenSites:     make(map[*ast.CallExpr]*Site),
		shortListens:    make(map[*ast.CallExpr]bool),
		following:       make(map[*types.Func]bool),
		followingParams: make(map[*types.Var]bool),
		followingFields: make(map[*types.Var]bool),
		sources:         make(map[*token.File][]byte),
	}
	c.timeouts.init()
	for _, imp := range pass.Pkg.Imports() {
		if imp.Path() == "net/http" {
			if tn, ok := imp.Scope().Lookup("Server").(*types.TypeName); ok {
				c.serverType, _ = tn.Type().(*types.Named)
			}
		}
	}
	return c
}

// mayStartServers is the fast path: a package that imports none of the
// packages a server start or a stop handler needs has nothing to report.
func mayStartServers(pkg *types.Package) bool {
	if pkg.Name() == "main" && !isRuntimePath(pkg.Path()) {
		return true // the deferred calls of main are part of the stop path
	}
	var imports []string
	for _, imp := range pkg.Imports() {
		imports = append(imports, imp.Path())
	}
	return MayStartServers(pkg.Path(), imports)
}

// MayStartServers reports whether a package other than a main package,
// given its import path and the paths it imports, may hold anything the
// analyzer reports or rewrites: it imports net/http, net, os/signal, a
// framework or the package of a start form. The analyzer returns an empty
// Result for any other package (and analyses every main package, whose
// deferred calls are part of the stop path), so the generator type-checks
// only the packages this admits.
func MayStartServers(path string, imports []string) bool {
	if isRuntimePath(path) {
		return false
	}
	for _, imp := range imports {
		switch {
		case imp == "net/http", imp == "net", imp == "os/signal", isFrameworkPath(imp), isFormPath(imp):
			return true
		}
	}
	return false
}

// isRuntimePath reports whether path is the runtime or one of its packages.
func isRuntimePath(path string) bool {
	return path == RuntimePath || strings.HasPrefix(path, RuntimePath+"/")
}

// skipFile reports whether file is outside the analysis: tests and
// generated code. cgo's translation of a user's file (import "C") says it
// is generated, but its line directives name the user's file: it is
// analysed, and its positions are those of the user's file.
func (c *checker) skipFile(file *ast.File) bool {
	name := c.pass.Fset.File(file.Pos()).Name()
	if strings.HasSuffix(name, "_test.go") {
		return true
	}
	return c.generated(file) || strings.HasSuffix(c.pass.Fset.Position(file.Package).Filename, "_test.go")
}

// generated reports whether file is generated code, cgo's translations of
// the user's files aside.
func (c *checker) generated(file *ast.File) bool {
	if !ast.IsGenerated(file) {
		return false
	}
	written := c.pass.Fset.Position(file.Package).Filename
	return written == c.pass.Fset.File(file.Pos()).Name() || !strings.HasSuffix(written, ".go")
}

func (c *checker) addSite(s *Site) *Site {
	c.res.Sites = append(c.res.Sites, s)
	return s
}

// result returns the plan with its sites in source order.
func (c *checker) result() *Result {
	// A listener opened for a short-lived server is no service either; it
	// may have been seen before the server start that shows it.
	c.res.Sites = slices.DeleteFunc(c.res.Sites, func(s *Site) bool {
		for call := range c.shortListens {
			if c.listenSites[call] == s {
				return true
			}
		}
		return false
	})
	slices.SortStableFunc(c.res.Sites, func(a, b *Site) int { return int(a.Pos - b.Pos) })
	return &c.res
}

// text returns the source text of n, as written.
func (c *checker) text(n ast.Node) string {
	tf := c.pass.Fset.File(n.Pos())
	src := c.source(n.Pos())
	start, end := tf.Offset(n.Pos()), tf.Offset(n.End())
	if src == nil || end > len(src) {
		if e, ok := n.(ast.Expr); ok {
			return types.ExprString(e)
		}
		return ""
	}
	return string(src[start:end])
}

// source returns the bytes of the file holding pos, or nil.
func (c *checker) source(pos token.Pos) []byte {
	tf := c.pass.Fset.File(pos)
	if _, ok := c.sources[tf]; !ok && c.pass.ReadFile != nil {
		c.sources[tf], _ = c.pass.ReadFile(tf.Name())
	}
	return c.sources[tf]
}
