package generator

import (
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

// constrainedNotes warns about files of pkg that the build constraints of
// this run leave out while they may start a server (mayStartServer):
// servers in them are neither seen nor converted. A file that imports net
// for other reasons (net.Interfaces in a platform file) gets no note. Files
// already in the revert record are handled (kept) by the planner and not
// repeated here.
func (p *planner) constrainedNotes(pkg *packages.Package, rec *record) []string {
	inRecord := map[string]bool{}
	for _, f := range rec.files() {
		inRecord[f] = true
	}
	var notes []string
	for _, path := range pkg.IgnoredFiles {
		base := filepath.Base(path)
		if !strings.HasSuffix(base, ".go") || strings.HasSuffix(base, "_test.go") || inRecord[base] || isGenFile(path) {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
		if err != nil || !mayStartServer(f) {
			continue
		}
		var expr string
		for _, g := range f.Comments {
			if g.Pos() > f.Package {
				break
			}
			for _, c := range g.List {
				if constraint.IsGoBuild(c.Text) {
					if x, err := constraint.Parse(c.Text); err == nil {
						expr = x.String()
					}
				}
			}
		}
		msg := fmt.Sprintf("%s: skipped: excluded by build constraints", p.rel(path)) + exclusionAdvice(base, expr)
		notes = append(notes, msg)
	}
	return notes
}

// mayStartServer reports whether a file that is not type-checked may start
// a server: it imports the package of one of the analyzer's start forms and
// names that form in a selector (http.ListenAndServe, srv.Serve,
// net.Listen, grpcServer.Serve).
func mayStartServer(f *ast.File) bool {
	imported := map[string]bool{}
	for _, is := range f.Imports {
		path, _ := strconv.Unquote(is.Path.Value)
		imported[path] = true
	}
	names := map[string]bool{}
	for _, form := range analyzer.Forms {
		if imported[form.Pkg] && !form.SocketFile {
			names[string(form.Op)] = true
		}
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && names[sel.Sel.Name] {
			found = true
		}
		return !found
	})
	return found
}

// exclusionAdvice says why a file is left out and how to include it: the
// GOOS/GOARCH of its name (server_darwin.go), the tags of its //go:build
// line for -tags, and GOOS/GOARCH for the platform names in that line
// (which -tags cannot set). It never suggests an empty -tags=.
func exclusionAdvice(base, expr string) string {
	const not = "; servers in it are not converted"
	goos, goarch := nameOSArch(base)
	var env []string
	if goos != "" {
		env = append(env, "GOOS="+goos)
	}
	if goarch != "" {
		env = append(env, "GOARCH="+goarch)
	}
	var tags []string
	if expr != "" {
		for _, t := range strings.Split(tagsOf(expr), ",") {
			switch {
			case t == "":
			case knownOS[t] && goos == "":
				goos = t
				env = append(env, "GOOS="+t)
			case knownArch[t] && goarch == "":
				goarch = t
				env = append(env, "GOARCH="+t)
			case knownOS[t], knownArch[t], t == "unix", t == "cgo", t == "ignore", strings.HasPrefix(t, "go1."):
				// set by the platform or the toolchain, not by -tags
			default:
				tags = append(tags, t)
			}
		}
	}
	var why string
	switch {
	case expr != "" && nameHasPlatform(base):
		why = fmt.Sprintf(" (its file name and //go:build %s)", expr)
	case expr != "":
		why = fmt.Sprintf(" (//go:build %s)", expr)
	case len(env) > 0:
		why = " (its file name builds it only for " + strings.Join(env, " ") + ")"
	}
	switch {
	case len(env) > 0 && len(tags) > 0:
		return why + not + fmt.Sprintf(" here: run `%s gracefulgen -tags=%s` to convert them too", strings.Join(env, " "), strings.Join(tags, ","))
	case len(env) > 0:
		return why + not + fmt.Sprintf(" here: run `%s gracefulgen` to convert them too", strings.Join(env, " "))
	case len(tags) > 0:
		return why + not + fmt.Sprintf(": run gracefulgen with -tags to include it (e.g. -tags=%s)", strings.Join(tags, ","))
	}
	return why + not + " in this configuration (GOOS, GOARCH, cgo or Go version): run gracefulgen in one that includes it"
}

// nameOSArch returns the GOOS and GOARCH a file name restricts it to, as
// go/build reads them: name_GOOS.go, name_GOARCH.go, name_GOOS_GOARCH.go
// (test suffix aside).
func nameOSArch(base string) (goos, goarch string) {
	name := strings.TrimSuffix(strings.TrimSuffix(base, ".go"), "_test")
	parts := strings.Split(name, "_")
	if len(parts) < 2 {
		return "", ""
	}
	last := parts[len(parts)-1]
	if len(parts) >= 3 && knownOS[parts[len(parts)-2]] && knownArch[last] {
		return parts[len(parts)-2], last
	}
	if knownOS[last] {
		return last, ""
	}
	if knownArch[last] {
		return "", last
	}
	return "", ""
}

func nameHasPlatform(base string) bool {
	goos, goarch := nameOSArch(base)
	return goos != "" || goarch != ""
}

// knownOS and knownArch are go/build's lists of GOOS and GOARCH values
// that file names and build tags may use.
var knownOS = setOf("aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux",
	"nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos")

var knownArch = setOf("386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips", "mipsle",
	"mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv", "riscv64", "s390", "s390x",
	"sparc", "sparc64", "wasm")

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// tagsOf lists the positive tags of a build expression, comma-separated.
func tagsOf(expr string) string {
	x, err := constraint.Parse("//go:build " + expr)
	if err != nil {
		return ""
	}
	var tags []string
	var walk func(constraint.Expr)
	walk = func(e constraint.Expr) {
		switch e := e.(type) {
		case *constraint.TagExpr:
			tags = append(tags, e.Tag)
		case *constraint.AndExpr:
			walk(e.X)
			walk(e.Y)
		case *constraint.OrExpr:
			walk(e.X)
		}
	}
	walk(x)
	return strings.Join(tags, ",")
}
