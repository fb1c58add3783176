package generator

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/gracefulgen/gracefulgen/analyzer"
	"github.com/gracefulgen/gracefulgen/templates"
)

// The revert record is kept in zz_graceful.go as line comments, one entry a
// line (see the package documentation). Its first line names its version.
const (
	recordVersion = "gracefulgen:revert v1"
	callPrefix    = "gracefulgen:call "
	importsPrefix = "gracefulgen:imports "
)

// Forms of site.
const (
	formCall  = "call"  // the site is a call: its span is the call expression
	formValue = "value" // the site is a method value: its span is the function literal that replaced it
	formRef   = "ref"   // the site is a package function used as a value: its span is the name
)

// callRecord remembers one rewritten site: the text of its span after the
// rewrite (After) and before it (Before). Before is empty when it was lost
// (the zz_graceful.go holding it was deleted).
type callRecord struct {
	File   string // base name of the user's file
	Shim   string
	Kind   string // "func" or "method"
	Form   string // formCall or formValue
	After  string
	Before string
}

// importsRecord remembers the import block of a file (from the end of the
// package name to the end of the last import declaration) now and before.
type importsRecord struct {
	File          string
	After, Before string
}

// record is the whole revert record of a package.
type record struct {
	calls   []callRecord
	imports []importsRecord
}

// callsIn returns the call records of file, in source order.
func (r *record) callsIn(file string) []callRecord {
	var out []callRecord
	for _, c := range r.calls {
		if c.File == file {
			out = append(out, c)
		}
	}
	return out
}

// importsIn returns the imports record of file, if any.
func (r *record) importsIn(file string) (importsRecord, bool) {
	for _, i := range r.imports {
		if i.File == file {
			return i, true
		}
	}
	return importsRecord{}, false
}

// files returns the names of the files the record mentions, sorted.
func (r *record) files() []string {
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, c := range r.calls {
		add(c.File)
	}
	for _, i := range r.imports {
		add(i.File)
	}
	sort.Strings(out)
	return out
}

// lines encodes r as comment lines (without the leading "//"): files in
// name order, and within a file the imports first, then the calls in
// source order.
func (r *record) lines() []string {
	if len(r.calls) == 0 && len(r.imports) == 0 {
		return nil
	}
	out := []string{
		" Revert record: gracefulgen -revert puts these texts back. Do not edit.",
		recordVersion,
	}
	for _, f := range r.files() {
		if i, ok := r.importsIn(f); ok {
			out = append(out, importsPrefix+quote(f, i.After, i.Before))
		}
		for _, c := range r.callsIn(f) {
			out = append(out, fmt.Sprintf("%s%s %s %s %s %s", callPrefix, strconv.Quote(c.File), c.Shim, c.Kind, c.Form, quote(c.After, c.Before)))
		}
	}
	return out
}

func quote(ss ...string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, " ")
}

// parseRecord reads the revert record out of the source of a zz_graceful.go.
// Lines that are not record entries are ignored; a malformed entry is an
// error, since reverting with half a record would lose code.
func parseRecord(src []byte) (*record, error) {
	r := &record{}
	for n, line := range strings.Split(string(src), "\n") {
		line = strings.TrimRight(line, "\r")
		var err error
		switch {
		case strings.HasPrefix(line, "//"+callPrefix):
			var f []string
			if f, err = fields(strings.TrimPrefix(line, "//"+callPrefix)); err == nil {
				if len(f) != 6 || (f[2] != "func" && f[2] != "method") || (f[3] != formCall && f[3] != formValue && f[3] != formRef) {
					err = fmt.Errorf("want: file shim func|method call|value|ref after before")
				} else {
					r.calls = append(r.calls, callRecord{f[0], f[1], f[2], f[3], f[4], f[5]})
				}
			}
		case strings.HasPrefix(line, "//"+importsPrefix):
			var f []string
			if f, err = fields(strings.TrimPrefix(line, "//"+importsPrefix)); err == nil {
				if len(f) != 3 {
					err = fmt.Errorf("want: file after before")
				} else {
					r.imports = append(r.imports, importsRecord{f[0], f[1], f[2]})
				}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: malformed revert record: %v", "zz_graceful.go", n+1, err)
		}
	}
	return r, nil
}

// fields splits s into space-separated words, each either a Go quoted
// string or a bare word.
func fields(s string) ([]string, error) {
	var out []string
	for s = strings.TrimLeftFunc(s, unicode.IsSpace); s != ""; s = strings.TrimLeftFunc(s, unicode.IsSpace) {
		if s[0] == '"' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, err
			}
			u, _ := strconv.Unquote(q)
			out = append(out, u)
			s = s[len(q):]
			continue
		}
		i := strings.IndexFunc(s, unicode.IsSpace)
		if i < 0 {
			i = len(s)
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out, nil
}

// fileRewrite is one user file being rewritten: its sites, in source order,
// what the rewrite of each Rewritable one replaces, and what the records
// need from the package.
type fileRewrite struct {
	base          string // the file's base name, as records name it
	src           []byte
	f             *ast.File
	tf            *token.File
	sites         []*analyzer.Site // Rewritable and Converted, in source order
	replaced      map[*analyzer.Site]replacement
	shims         map[string]templates.Shim
	oldRec        *record
	importsEdited bool // the analyzer's import edits touch this file
}

// replacement is what the rewrite of a site replaces: the text of its
// span in the user's file, and the record form of that span.
type replacement struct{ text, form string }

// record checks that src, the new content of the file, holds one shim use
// per site in order, builds the file's records, and makes sure that
// reverting the records made in this run gives back the original bytes.
func (rw *fileRewrite) record(src []byte) (*filePlan, error) {
	fset := token.NewFileSet()
	nf, err := parser.ParseFile(fset, rw.base, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("rewritten file does not parse: %v", err)
	}
	names := map[string]bool{}
	for n := range rw.shims {
		names[n] = true
	}
	cand := &parsedFile{src: src, f: nf, tf: fset.File(nf.FileStart), occs: occurrences(nf, names)}
	if len(cand.occs) != len(rw.sites) {
		return nil, fmt.Errorf("rewritten file calls shims %d times, want one call per site (%d)", len(cand.occs), len(rw.sites))
	}
	fp := &filePlan{src: rw.src, final: src, changed: !bytes.Equal(rw.src, src), serves: map[string][]string{}}
	verify, err := rw.recordCalls(cand, fp)
	if err != nil {
		return nil, err
	}
	verifyImp := rw.recordImports(cand, fp)
	back, _, err := revertFile(rw.base, src, verify, verifyImp, rw.shims)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(back, rw.src) {
		return nil, fmt.Errorf("reverting the rewrite does not give back the original bytes")
	}
	return fp, nil
}

// recordCalls adds the call record of every site to fp, and returns the
// records that revert this run alone (Converted sites stay as they are).
func (rw *fileRewrite) recordCalls(cand *parsedFile, fp *filePlan) ([]callRecord, error) {
	var verify []callRecord
	old := rw.oldRec.callsIn(rw.base)
	for i, s := range rw.sites {
		o := cand.occs[i]
		if o.shim != s.Shim {
			return nil, fmt.Errorf("shim call %d is %s, want %s", i, o.shim, s.Shim)
		}
		c := callRecord{File: rw.base, Shim: s.Shim, Kind: kindWord(s.Kind), Form: o.form()}
		if r, ok := rw.replaced[s]; ok {
			c.Form = r.form
		}
		if c.Form != o.form() && !(c.Form == formCall && o.form() == formValue) {
			return nil, fmt.Errorf("shim use %d is a %s, want a %s", i, o.form(), c.Form)
		}
		var v callRecord // what reverts this run alone
		if r, ok := rw.replaced[s]; ok {
			c.After, c.Before = cand.text(o.span(c.Form)), r.text
			v = c
		} else {
			c, old = rw.convertedRecord(cand, o, c, old)
			v = c
			v.Before = v.After // reverting this run leaves it alone
		}
		fp.calls = append(fp.calls, c)
		verify = append(verify, v)
		fp.serves[s.Shim] = append(fp.serves[s.Shim], servesText(rw.base, enclosingFunc(cand.f, o.ident.Pos()), c))
	}
	return verify, nil
}

// convertedRecord is the record of a Converted site: the previous run's,
// taken from old (the records of the file not matched yet, which it
// returns less those it used), if the call has not been edited since; else
// the edited call under its recorded callee; else one whose original is
// lost.
func (rw *fileRewrite) convertedRecord(cand *parsedFile, o occurrence, c callRecord, old []callRecord) (callRecord, []callRecord) {
	for j, oc := range old {
		if oc.Shim != c.Shim {
			continue
		}
		if oc.Form == formCall && c.Form == formValue {
			c.Form = formCall // a call the user wrapped in a literal
		}
		if oc.Form == c.Form && oc.After == cand.text(o.span(c.Form)) {
			c.Before = oc.Before
		} else if oc.Form == c.Form && oc.Before != "" {
			// Edited since (new arguments): the original is the edited
			// call under its recorded callee, so the record is not lost.
			c.Before = editedBefore(o, oc, rw.shims, cand)
		}
		old = old[j+1:]
		break
	}
	c.After = cand.text(o.span(c.Form))
	return c, old
}

// recordImports adds the imports record of the file to fp, and returns the
// record that reverts this run's import edits alone, if any.
func (rw *fileRewrite) recordImports(cand *parsedFile, fp *filePlan) *importsRecord {
	before := regionText(rw.src, rw.f, rw.tf)
	after := regionText(cand.src, cand.f, cand.tf)
	prev, had := rw.oldRec.importsIn(rw.base)
	switch {
	case rw.importsEdited && before != after:
		orig := before
		if had && prev.After == before {
			orig = prev.Before
		}
		fp.imports = append(fp.imports, importsRecord{rw.base, after, orig})
		return &importsRecord{rw.base, after, before}
	case had && prev.After == after:
		fp.imports = append(fp.imports, prev)
	}
	return nil
}

// servesText describes a site for the doc comment of its shim:
// "http.ListenAndServe in func main (main.go)". Sites are named by file and
// function, never by line and column, so that zz_graceful.go does not
// change when unrelated lines of the file do (and -check stays quiet).
func servesText(base, fn string, c callRecord) string {
	callee := calleeBefore(c)
	if callee == "" {
		callee = "a call"
	}
	return callee + " in " + fn + " (" + base + ")"
}

// servesIn lists the sites of a file outside the build, from its record.
func servesIn(base string, src []byte, names map[string]bool, calls []callRecord) map[string][]string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, base, src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	out := map[string][]string{}
	occs := occurrences(f, names)
	for i, o := range occs {
		c := callRecord{Shim: o.shim, Form: o.form()}
		if i < len(calls) && calls[i].Shim == o.shim {
			c = calls[i]
		}
		out[o.shim] = append(out[o.shim], servesText(base, enclosingFunc(f, o.ident.Pos()), c))
	}
	return out
}

// editedBefore is what a converted call edited since its record was made
// reverts to: its current text with the shim replaced by the recorded
// callee (structural revert, confined to the call's span). It returns ""
// when that cannot be worked out, which leaves the record without an
// original as before.
func editedBefore(o occurrence, oc callRecord, shims map[string]templates.Shim, cand *parsedFile) string {
	e, err := structural(o, oc, shims, cand, newImportAdder(cand.f, cand.tf, cand.src))
	if err != nil {
		return ""
	}
	n := o.span(oc.Form)
	start, end := cand.tf.Offset(n.Pos()), cand.tf.Offset(n.End())
	if e.start < start || e.end > end || e.start > e.end {
		return ""
	}
	return string(cand.src[start:e.start]) + e.text + string(cand.src[e.end:end])
}
