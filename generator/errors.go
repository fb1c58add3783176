package generator

import (
	"fmt"
	"go/token"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/gracefulgen/gracefulgen/templates"
)

// rel shortens an absolute path to one relative to the working directory
// when that is shorter, for messages.
func (p *planner) rel(path string) string { return relTo(p.cwd, path) }

func relTo(cwd, path string) string {
	if cwd == "" || !filepath.IsAbs(path) {
		return path
	}
	if r, err := filepath.Rel(cwd, path); err == nil && !strings.HasPrefix(r, ".."+string(filepath.Separator)) && r != ".." {
		return r
	}
	return path
}

// pos formats a position as file:line:col, the file relative to the
// working directory.
func (p *planner) pos(fset *token.FileSet, pos token.Pos) string {
	position := fset.Position(pos)
	position.Filename = p.rel(position.Filename)
	return position.String()
}

// loadErrors turns the errors of the loaded packages into messages of the
// form "file:line:col: message; remedy", in order, without duplicates.
func loadErrors(cwd string, pkgs []*packages.Package) []string {
	var out []string
	seen := map[string]bool{}
	packages.Visit(pkgs, nil, func(pkg *packages.Package) {
		typed := false
		for _, e := range pkg.Errors {
			typed = typed || e.Kind == packages.TypeError || e.Kind == packages.ParseError
		}
		for _, e := range pkg.Errors {
			if typed && e.Kind == packages.ListError && strings.HasPrefix(e.Msg, "# ") {
				continue // the compiler's copy of the same errors
			}
			msg := describe(cwd, e)
			if !seen[msg] {
				seen[msg] = true
				out = append(out, msg)
			}
		}
	})
	return out
}

// describe writes one load error with its remedy.
func describe(cwd string, e packages.Error) string {
	pos := e.Pos
	if pos != "" && pos != "-" {
		if i := strings.Index(pos, ":"); i > 0 {
			pos = relTo(cwd, pos[:i]) + pos[i:]
		}
	}
	msg := strings.TrimSpace(e.Msg)
	switch {
	case strings.Contains(msg, templates.RuntimePath):
		msg += "; the module must provide the runtime: run `go get " + templates.RuntimePath + "` (or gracefulgen -get)"
	case e.Kind == packages.ParseError:
		msg += "; fix the syntax error, then run gracefulgen again (nothing was written)"
	case e.Kind == packages.TypeError:
		msg += "; fix the type error, then run gracefulgen again (nothing was written)"
	}
	if pos == "" || pos == "-" {
		return msg
	}
	return fmt.Sprintf("%s: %s", pos, msg)
}
