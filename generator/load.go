package generator

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/gracefulgen/gracefulgen/analyzer"
	"github.com/gracefulgen/gracefulgen/templates"
)

// loadMode is what the analyzer needs of the root packages. Dependencies
// come from export data: the analyzer exchanges no facts (an analyzer that
// did would need NeedDeps, every dependency from source).
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedSyntax |
	packages.NeedTypesSizes | packages.NeedModule

// loader loads the packages of a run.
type loader struct {
	opts Options
	cwd  string
}

func (l *loader) config(mode packages.LoadMode, overlay map[string][]byte) *packages.Config {
	cfg := &packages.Config{Mode: mode, Dir: l.cwd, Env: l.opts.Env, Overlay: overlay}
	if l.opts.Tags != "" {
		cfg.BuildFlags = []string{"-tags=" + l.opts.Tags}
	}
	return cfg
}

// load loads the packages matched by the patterns with full syntax and
// types. When the only errors of a package are calls to undefined shims
// (its zz_graceful.go was deleted), it loads again with a provisional
// zz_graceful.go declaring them; the run then writes the real one.
func (l *loader) load(mode packages.LoadMode) ([]*packages.Package, error) {
	patterns := l.patterns()
	if wildcard(patterns) {
		// Many packages: list them cheaply first, and type-check only
		// those that may start a server or hold gracefulgen's code.
		light, err := l.list(packages.NeedName|packages.NeedFiles|packages.NeedImports|packages.NeedDeps|packages.NeedModule, nil, patterns)
		if err != nil {
			return nil, err
		}
		patterns = relevant(light)
		if len(patterns) == 0 {
			return nil, nil
		}
	}
	pkgs, err := l.list(mode, nil, patterns)
	if err != nil {
		return nil, err
	}
	overlay := map[string][]byte{}
	for _, pkg := range pkgs {
		names := undefinedShims(pkg)
		if names == nil {
			continue
		}
		var shims []templates.Shim
		for _, n := range names {
			s, _ := shimFromName(n)
			shims = append(shims, s)
		}
		src, err := templates.Render(templates.File{PkgPath: pkg.PkgPath, PkgName: pkg.Name, Config: templates.Config{RestartSignal: "SIGHUP"}, Shims: shims})
		if err != nil {
			return nil, err
		}
		overlay[filepath.Join(pkgDir(pkg), templates.FileName)] = src
	}
	if len(overlay) == 0 {
		return pkgs, nil
	}
	return l.list(mode, overlay, patterns)
}

// patterns returns the package patterns of the run: "." when none is given.
func (l *loader) patterns() []string {
	if len(l.opts.Patterns) == 0 {
		return []string{"."}
	}
	return l.opts.Patterns
}

// wildcard reports whether a pattern may match many packages.
func wildcard(patterns []string) bool {
	for _, p := range patterns {
		if strings.Contains(p, "...") || p == "all" || p == "std" || p == "cmd" {
			return true
		}
	}
	return len(patterns) > 8
}

// relevant returns the import paths of the packages worth type-checking:
// those the analyzer may find something in (analyzer.MayStartServers, by
// their imports); those that lead to net/http through a package outside
// the standard library (a framework, a package of the module), and the
// main packages that lead to it through a package of their module, which
// the per-binary reference walk (binaries.go) must see to tell a binary
// that serves from a CLI; those with a zz_graceful.go or a file that
// mentions gracefulgen's names; and those with errors, so that the errors
// are reported. The analyzer returns an empty result for every other
// package.
func relevant(pkgs []*packages.Package) []string {
	reaches := map[*packages.Package]bool{}
	var reachesHTTP func(p *packages.Package) bool
	reachesHTTP = func(p *packages.Package) bool {
		if r, ok := reaches[p]; ok {
			return r
		}
		reaches[p] = false // cycles are errors; do not loop on them
		r := p.PkgPath == "net/http"
		for _, imp := range p.Imports {
			r = r || reachesHTTP(imp)
		}
		reaches[p] = r
		return r
	}
	var out []string
	for _, p := range pkgs {
		var imports []string
		for path := range p.Imports {
			imports = append(imports, path)
		}
		keep := len(p.Errors) > 0 || analyzer.MayStartServers(p.PkgPath, imports)
		for path, imp := range p.Imports {
			switch {
			case keep:
			case strings.Contains(strings.SplitN(path, "/", 2)[0], ".") && reachesHTTP(imp):
				keep = true
			case p.Name == "main" && p.Module != nil && imp.Module != nil && imp.Module.Path == p.Module.Path && reachesHTTP(imp):
				keep = true
			}
		}
		if keep || mentionsGraceful(p) {
			out = append(out, p.PkgPath)
		}
	}
	return out
}

// mentionsGraceful reports whether a package's directory holds a
// zz_graceful.go or one of its files mentions a graceful name (a call of a
// shim whose zz_graceful.go was deleted).
func mentionsGraceful(p *packages.Package) bool {
	files := append(append([]string(nil), p.GoFiles...), p.IgnoredFiles...)
	for _, f := range files {
		if isGenFile(f) {
			return true
		}
	}
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte("graceful")) {
			return true
		}
	}
	return false
}

// list runs packages.Load and turns the failures that happen before any
// package is seen into messages a user can act on.
func (l *loader) list(mode packages.LoadMode, overlay map[string][]byte, patterns []string) ([]*packages.Package, error) {
	pkgs, err := packages.Load(l.config(mode, overlay), patterns...)
	if err != nil {
		msg := err.Error()
		if strings.Contains(msg, "go.mod file not found") || strings.Contains(msg, "cannot find main module") {
			return nil, fmt.Errorf("%s is not inside a Go module: gracefulgen works on module packages; run `go mod init <module path>` first, or run gracefulgen in a module", l.cwd)
		}
		return nil, fmt.Errorf("load %s: %w", strings.Join(patterns, " "), err)
	}
	var matched []*packages.Package
	for _, pkg := range pkgs {
		if outsideModule(pkg) {
			return nil, fmt.Errorf("%s is not inside a Go module: gracefulgen works on module packages; run `go mod init <module path>` first, or run gracefulgen in a module", l.cwd)
		}
		if noMatch(pkg) {
			continue
		}
		matched = append(matched, pkg)
	}
	if len(matched) == 0 && !l.inModule() {
		return nil, fmt.Errorf("%s is not inside a Go module: gracefulgen works on module packages; run `go mod init <module path>` first, or run gracefulgen in a module", l.cwd)
	}
	if len(matched) == 0 {
		return nil, fmt.Errorf("no package matched %s in %s: run gracefulgen in a directory with Go files, or name packages (e.g. ./...)", strings.Join(patterns, " "), l.cwd)
	}
	sort.Slice(matched, func(i, j int) bool { return matched[i].PkgPath < matched[j].PkgPath })
	return matched, nil
}

// inModule reports whether the working directory is inside a module (or a
// workspace), asking the go command as packages.Load would.
func (l *loader) inModule() bool {
	cmd := exec.Command("go", "env", "GOMOD", "GOWORK")
	cmd.Dir, cmd.Env = l.cwd, l.opts.Env
	out, err := cmd.Output()
	if err != nil {
		return true // let the caller's message stand
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line = strings.TrimSpace(line); line != "" && line != os.DevNull && line != "off" {
			return true
		}
	}
	return false
}

// outsideModule reports a package that go list could not place in a module.
func outsideModule(pkg *packages.Package) bool {
	for _, e := range pkg.Errors {
		if strings.Contains(e.Msg, "go.mod file not found") || strings.Contains(e.Msg, "outside main module") ||
			strings.Contains(e.Msg, "cannot find main module") || strings.Contains(e.Msg, "does not contain main module") {
			return true
		}
	}
	return false
}

// noMatch reports a package that stands for a pattern that matched nothing
// (go list reports such a pattern as an empty package with an error).
func noMatch(pkg *packages.Package) bool {
	if len(pkg.GoFiles) > 0 || len(pkg.IgnoredFiles) > 0 || len(pkg.CompiledGoFiles) > 0 {
		return false
	}
	for _, e := range pkg.Errors {
		if strings.Contains(e.Msg, "no Go files") || strings.Contains(e.Msg, "matched no packages") ||
			strings.Contains(e.Msg, "cannot find package") || strings.Contains(e.Msg, "directory not found") ||
			strings.Contains(e.Msg, "is not in std") || strings.Contains(e.Msg, "no required module") ||
			strings.Contains(e.Msg, "no such file or directory") {
			return true
		}
	}
	return len(pkg.Errors) == 0
}

// compilerLineRE matches one error line of the compiler: "./main.go:3:2: msg".
var compilerLineRE = regexp.MustCompile(`^\S+:\d+:\d+: (.*)$`)

// undefinedRE matches the type checker's message for an undefined name.
var undefinedRE = regexp.MustCompile(`^undefined: (\w+)$`)

// undefinedShims returns the names of shims a package calls without
// declaring them, when those calls are its only errors; else nil.
func undefinedShims(pkg *packages.Package) []string {
	if len(pkg.Errors) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(pkgDir(pkg), templates.FileName)); err == nil {
		return nil // a zz_graceful.go exists: its errors are real ones
	}
	seen := map[string]bool{}
	var names []string
	for _, e := range pkg.Errors {
		var found []string
		switch e.Kind {
		case packages.TypeError:
			found = []string{e.Msg}
		case packages.ListError:
			// The go command's own compile of the package, when it
			// builds export data: the same errors, one a line.
			for _, line := range strings.Split(strings.TrimSpace(e.Msg), "\n") {
				if strings.HasPrefix(line, "# ") {
					continue
				}
				if m := compilerLineRE.FindStringSubmatch(line); m != nil {
					found = append(found, m[1])
				} else {
					return nil
				}
			}
		default:
			return nil
		}
		for _, msg := range found {
			m := undefinedRE.FindStringSubmatch(msg)
			if m == nil {
				return nil
			}
			if _, ok := shimFromName(m[1]); !ok {
				return nil
			}
			if !seen[m[1]] {
				seen[m[1]] = true
				names = append(names, m[1])
			}
		}
	}
	sort.Strings(names)
	return names
}

// fromDisk finds, without the go command, the package directories that
// the patterns name and that hold a zz_graceful.go, for -revert when the
// module does not load. Only directory patterns (".", "./x", "./x/...")
// are understood; walks skip vendor, testdata, hidden directories and
// nested modules.
func (l *loader) fromDisk() ([]*packages.Package, error) {
	var dirs []string
	for _, p := range l.patterns() {
		if !(p == "." || p == "..." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || filepath.IsAbs(p)) {
			return nil, fmt.Errorf("pattern %s is not a directory", p)
		}
		root, all := strings.CutSuffix(p, "...")
		root = strings.TrimSuffix(root, "/")
		if root == "" {
			root = "."
		}
		if !filepath.IsAbs(root) {
			root = filepath.Join(l.cwd, filepath.FromSlash(root))
		}
		if !all {
			dirs = append(dirs, root)
			continue
		}
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				return nil
			}
			name := d.Name()
			if path != root {
				if name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
					return filepath.SkipDir
				}
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir
				}
			}
			dirs = append(dirs, path)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	var out []*packages.Package
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, templates.FileName)); err != nil {
			continue
		}
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			return nil, err
		}
		out = append(out, &packages.Package{ID: dir, PkgPath: dir, GoFiles: files})
	}
	return out, nil
}

// firstLine is the first line of s.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
