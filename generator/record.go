package generator

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
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

// callRecord remembers one rewritten site: the text of its span now (Final)
// and before the rewrite (Original). Original is empty when it was lost (the
// zz_graceful.go holding it was deleted).
type callRecord struct {
	File     string // base name of the user's file
	Shim     string
	Kind     string // "func" or "method"
	Form     string // formCall or formValue
	Final    string
	Original string
}

// importsRecord remembers the import block of a file (from the end of the
// package name to the end of the last import declaration) now and before.
type importsRecord struct {
	File            string
	Final, Original string
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
			out = append(out, importsPrefix+quote(f, i.Final, i.Original))
		}
		for _, c := range r.callsIn(f) {
			out = append(out, fmt.Sprintf("%s%s %s %s %s %s", callPrefix, strconv.Quote(c.File), c.Shim, c.Kind, c.Form, quote(c.Final, c.Original)))
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
					err = fmt.Errorf("want: file shim func|method call|value|ref final original")
				} else {
					r.calls = append(r.calls, callRecord{f[0], f[1], f[2], f[3], f[4], f[5]})
				}
			}
		case strings.HasPrefix(line, "//"+importsPrefix):
			var f []string
			if f, err = fields(strings.TrimPrefix(line, "//"+importsPrefix)); err == nil {
				if len(f) != 3 {
					err = fmt.Errorf("want: file final original")
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
