package generator

import (
	"fmt"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// constrainedNotes warns about files of pkg that the build constraints of
// this run leave out while they import net/http or net: servers in them are
// neither seen nor converted. Files already in the revert record are
// handled (kept) by the planner and not repeated here.
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
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			continue
		}
		serves := false
		for _, is := range f.Imports {
			if v, _ := strconv.Unquote(is.Path.Value); v == "net/http" || v == "net" {
				serves = true
			}
		}
		if !serves {
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
		msg := fmt.Sprintf("%s: skipped: excluded by build constraints", p.rel(path))
		if expr != "" {
			msg += fmt.Sprintf(" (//go:build %s); servers in it are not converted: run gracefulgen with -tags to include it (e.g. -tags=%s)", expr, tagsOf(expr))
		} else {
			msg += "; servers in it are not converted: run gracefulgen with GOOS/GOARCH or -tags that include it"
		}
		notes = append(notes, msg)
	}
	return notes
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
