package analyzer_test

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"go/token"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

var update = flag.Bool("update", false, "rewrite the .rewritten golden files of TestPlanEdits")

// planPackages are the testdata packages analysed in one run for
// TestDiagnostics and the plan tests.
var planPackages = []string{
	"pkgfunc", "method", "aliased", "dotimport", "listener", "methodvalue", "iface", "frameworks",
	"notservers", "testfiles", "httptestpkg", "generated", "converted", "mixed", "collision", "imports",
	"stop", "stopctx", "shutdown", "nostop", "timeoutshadow", "protocols", "convertedprotocols", "reload", "stopremove",
	"shortlived", "webtoolkit", "convertedweb",
}

var (
	planOnce    sync.Once
	planResults map[string]*analysistest.Result
)

// plan returns the Result of the analyzer on one testdata package. All plan
// packages are analysed once, together, and their diagnostics checked as in
// TestDiagnostics.
func plan(t *testing.T, pkg string) (*analyzer.Result, *token.FileSet) {
	t.Helper()
	planOnce.Do(func() {
		planResults = make(map[string]*analysistest.Result)
		for _, r := range analysistest.Run(t, analysistest.TestData(), analyzer.Analyzer, planPackages...) {
			planResults[r.Pass.Pkg.Path()] = r
		}
	})
	r, ok := planResults[pkg]
	if !ok || r.Result == nil {
		t.Fatalf("no result for package %s (error: %v)", pkg, r.Err)
	}
	return r.Result.(*analyzer.Result), r.Pass.Fset
}

// summary renders the sites of a plan one per line, for comparison.
func summary(res *analyzer.Result, fset *token.FileSet) []string {
	var lines []string
	for _, s := range res.Sites {
		p := fset.Position(s.Pos)
		line := fmt.Sprintf("%d:%d %s %s %s %s %s", p.Line, p.Column, kindName(s.Kind), s.Op, statusName(s.Status), s.Original, s.Shim)
		if s.MethodValue {
			line += " (method value)"
		}
		lines = append(lines, strings.TrimSpace(line))
	}
	return lines
}

func kindName(k analyzer.Kind) string {
	return map[analyzer.Kind]string{analyzer.KindFunc: "func", analyzer.KindMethod: "method"}[k]
}

func statusName(s analyzer.Status) string {
	return map[analyzer.Status]string{analyzer.Rewritable: "rewritable", analyzer.Converted: "converted", analyzer.NotRewritable: "not-rewritable"}[s]
}

func TestPlanSites(t *testing.T) {
	tests := []struct {
		pkg   string
		sites []string
		shims []string
	}{
		{
			pkg: "pkgfunc",
			sites: []string{
				"10:12 func ListenAndServe rewritable http.ListenAndServe gracefulListenAndServe",
				"14:9 func ListenAndServeTLS rewritable http.ListenAndServeTLS gracefulListenAndServeTLS",
				"18:12 func Listen rewritable net.Listen gracefulListen",
				"22:9 func Serve rewritable http.Serve gracefulServe",
				"26:12 func Listen rewritable net.Listen gracefulListen",
				"30:9 func ServeTLS rewritable http.ServeTLS gracefulServeTLS",
				"34:13 func ListenAndServe rewritable http.ListenAndServe gracefulListenAndServe",
				"37:5 func ListenAndServe rewritable http.ListenAndServe gracefulListenAndServe",
				"39:7 func ListenAndServe rewritable http.ListenAndServe gracefulListenAndServe",
			},
			shims: []string{"gracefulListen func Listen", "gracefulListenAndServe func ListenAndServe", "gracefulListenAndServeTLS func ListenAndServeTLS", "gracefulServe func Serve", "gracefulServeTLS func ServeTLS"},
		},
		{
			pkg: "listener",
			sites: []string{
				"17:12 func Listen rewritable net.Listen gracefulListen",
				"21:9 method Serve rewritable srv.Serve gracefulServerServe",
				"25:12 func Listen rewritable net.Listen gracefulListen",
				"29:9 method ServeTLS rewritable srv.ServeTLS gracefulServerServeTLS",
				"34:12 method Listen rewritable lc.Listen gracefulListenConfigListen",
				"38:9 method Serve rewritable srv.Serve gracefulServerServe",
				"42:12 method Listen rewritable lc.Listen gracefulListenConfigListen",
				"47:7 method Serve rewritable srv.Serve gracefulServerServe",
				"53:12 func Listen rewritable net.Listen gracefulListen",
				"58:9 method Serve rewritable srv.Serve gracefulServerServe",
				"62:9 method Serve rewritable srv.Serve gracefulServerServe",
				"62:19 func Listen not-rewritable l",
				"68:9 method Serve rewritable srv.Serve gracefulServerServe",
				"68:19 func Listen not-rewritable h.l",
				"72:12 func Listen rewritable net.Listen gracefulListen",
				"79:9 method Serve not-rewritable srv.Serve",
				"91:9 method Serve not-rewritable srv.Serve",
				"97:9 func Listen rewritable net.Listen gracefulListen",
				"120:9 method Serve rewritable srv.Serve gracefulServerServe",
				"126:10 func Listen rewritable net.Listen gracefulListen",
				"128:14 func Listen rewritable net.Listen gracefulListen",
				"136:12 method Listen not-rewritable (*net.ListenConfig).Listen",
				"140:9 method Serve rewritable srv.Serve gracefulServerServe",
				"145:6 method Serve rewritable srv.Serve gracefulServerServe",
				"145:16 func Listen not-rewritable l",
				"150:12 func ListenTCP rewritable net.ListenTCP gracefulListenTCP",
				"154:9 method Serve rewritable srv.Serve gracefulServerServe",
				"159:9 method Serve rewritable srv.Serve gracefulServerServe",
				"159:19 func Listen not-rewritable m.Listener()",
				"167:9 method Serve rewritable srv.Serve gracefulServerServe",
				"167:19 func Listen not-rewritable l",
			},
			shims: []string{"gracefulListen func Listen", "gracefulListenConfigListen method Listen listenconfig", "gracefulListenTCP func ListenTCP", "gracefulServerServe method Serve", "gracefulServerServeTLS method ServeTLS"},
		},
		{
			pkg: "converted",
			sites: []string{
				"15:12 func ListenAndServe converted gracefulListenAndServe gracefulListenAndServe",
				"20:9 method ListenAndServe converted gracefulServerListenAndServe gracefulServerListenAndServe",
				"26:29 method ListenAndServe converted gracefulServerListenAndServe gracefulServerListenAndServe",
				"32:12 func Listen converted gracefulListen gracefulListen",
				"37:13 method Listen converted gracefulListenConfigListen gracefulListenConfigListen",
				"41:5 method Serve converted gracefulServerServe gracefulServerServe",
				"42:9 method Serve converted gracefulServerServe gracefulServerServe",
				"46:9 method ListenAndServe converted gracefulServerListenAndServe gracefulServerListenAndServe",
			},
			shims: []string{"gracefulListen func Listen", "gracefulListenAndServe func ListenAndServe", "gracefulListenConfigListen method Listen listenconfig", "gracefulServerListenAndServe method ListenAndServe", "gracefulServerServe method Serve"},
		},
		{
			pkg: "convertedprotocols",
			sites: []string{
				"14:12 func ListenTCP converted gracefulListenTCP gracefulListenTCP",
				"18:5 method Serve converted gracefulGRPCServerServe gracefulGRPCServerServe",
				"19:46 func NewHandler converted gracefulH2CNewHandler gracefulH2CNewHandler",
				"20:9 method ListenAndServe converted gracefulServerListenAndServe gracefulServerListenAndServe",
			},
			shims: []string{"gracefulGRPCServerServe method Serve", "gracefulH2CNewHandler func NewHandler", "gracefulListenTCP func ListenTCP", "gracefulServerListenAndServe method ListenAndServe"},
		},
		{
			pkg: "webtoolkit",
			sites: []string{
				"17:9 func ListenAndServe rewritable web.ListenAndServe gracefulWebListenAndServe",
				"22:12 func Listen rewritable net.Listen gracefulListen",
				"26:9 func Serve rewritable web.Serve gracefulWebServe",
				"33:13 func Listen rewritable net.Listen gracefulListen",
				"39:9 func ServeMultiple rewritable web.ServeMultiple gracefulWebServeMultiple",
				"44:10 func Listen rewritable net.Listen gracefulListen",
				"45:10 func Listen rewritable net.Listen gracefulListen",
				"46:9 func ServeMultiple rewritable web.ServeMultiple gracefulWebServeMultiple",
				"51:9 func ServeMultiple rewritable web.ServeMultiple gracefulWebServeMultiple",
				"51:27 func Listen not-rewritable ls",
			},
			shims: []string{"gracefulListen func Listen", "gracefulWebListenAndServe func ListenAndServe", "gracefulWebServe func Serve", "gracefulWebServeMultiple func ServeMultiple"},
		},
		{
			pkg: "convertedweb",
			sites: []string{
				"11:12 func Listen converted gracefulListen gracefulListen",
				"15:5 func Serve converted gracefulWebServe gracefulWebServe",
				"16:9 func ListenAndServe converted gracefulWebListenAndServe gracefulWebListenAndServe",
			},
			shims: []string{"gracefulListen func Listen", "gracefulWebListenAndServe func ListenAndServe", "gracefulWebServe func Serve"},
		},
		{
			pkg: "mixed",
			sites: []string{
				"9:9 func ListenAndServe converted gracefulListenAndServe gracefulListenAndServe",
				"15:5 func ListenAndServe rewritable http.ListenAndServe gracefulListenAndServe",
				"17:9 method ListenAndServe rewritable srv.ListenAndServe gracefulServerListenAndServe",
			},
			shims: []string{"gracefulListenAndServe func ListenAndServe", "gracefulServerListenAndServe method ListenAndServe"},
		},
		{
			pkg: "collision",
			sites: []string{
				"14:9 func ListenAndServe rewritable http.ListenAndServe gracefulListenAndServe2",
				"19:9 method ListenAndServe rewritable gracefulServerListenAndServe2.ListenAndServe gracefulServerListenAndServe3",
				"23:9 method ListenAndServe rewritable srv.ListenAndServe gracefulServerListenAndServe3",
			},
			shims: []string{"gracefulListenAndServe2 func ListenAndServe", "gracefulServerListenAndServe3 method ListenAndServe"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			res, fset := plan(t, tt.pkg)
			if got := summary(res, fset); !slices.Equal(got, tt.sites) {
				t.Errorf("sites of %s:\ngot:\n\t%s\nwant:\n\t%s", tt.pkg, strings.Join(got, "\n\t"), strings.Join(tt.sites, "\n\t"))
			}
			var shims []string
			for _, sh := range res.Shims {
				line := fmt.Sprintf("%s %s %s", sh.Name, kindName(sh.Kind), sh.Op)
				if sh.ListenConfig {
					line += " listenconfig"
				}
				if len(sh.Sites) == 0 {
					t.Errorf("shim %s serves no site", sh.Name)
				}
				shims = append(shims, line)
			}
			if !slices.Equal(shims, tt.shims) {
				t.Errorf("shims of %s:\ngot:  %q\nwant: %q", tt.pkg, shims, tt.shims)
			}
		})
	}
}

// TestPlanEdits applies the Edits of every Rewritable site and the
// ImportEdits to the sources and compares the result with the
// .rewritten golden file beside each source.
func TestPlanEdits(t *testing.T) {
	for _, pkg := range []string{"pkgfunc", "method", "aliased", "dotimport", "listener", "methodvalue", "collision", "imports", "protocols"} {
		t.Run(pkg, func(t *testing.T) {
			res, fset := plan(t, pkg)
			edits := make(map[string][]analysis.TextEdit)
			for _, s := range res.Sites {
				if s.Status == analyzer.Rewritable {
					if len(s.Edits) == 0 {
						t.Errorf("%s: rewritable site %s has no edits", fset.Position(s.Pos), s.Original)
					}
					name := fset.File(s.Pos).Name()
					edits[name] = append(edits[name], s.Edits...)
				}
			}
			for _, e := range res.ImportEdits {
				name := fset.File(e.Pos).Name()
				edits[name] = append(edits[name], e)
			}
			for name, es := range edits {
				got := apply(t, fset, name, es)
				golden := name + ".rewritten"
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("read golden file (run with -update to create it): %v", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s rewritten:\n%s\nwant (%s):\n%s", name, got, golden, want)
				}
			}
		})
	}
}

// apply splices the edits into the file and formats the result; it fails
// the test if edits overlap or the result does not parse.
func apply(t *testing.T, fset *token.FileSet, name string, edits []analysis.TextEdit) []byte {
	t.Helper()
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	tf := fset.File(edits[0].Pos)
	slices.SortStableFunc(edits, func(a, b analysis.TextEdit) int { return int(a.Pos - b.Pos) })
	var out []byte
	last := 0
	for _, e := range edits {
		start, end := tf.Offset(e.Pos), tf.Offset(e.End)
		if start < last {
			t.Fatalf("%s: edit at offset %d overlaps the previous one (ends at %d)", name, start, last)
		}
		out = append(out, src[last:start]...)
		out = append(out, e.NewText...)
		last = end
	}
	out = append(out, src[last:]...)
	formatted, err := format.Source(out)
	if err != nil {
		t.Fatalf("%s: rewritten source does not parse: %v\n%s", name, err, out)
	}
	return formatted
}

func TestPlanHandlesStop(t *testing.T) {
	for pkg, want := range map[string]bool{"stop": true, "stopctx": true, "shutdown": true, "nostop": false, "pkgfunc": false} {
		res, _ := plan(t, pkg)
		if res.HandlesStop != want {
			t.Errorf("HandlesStop of %s = %v, want %v", pkg, res.HandlesStop, want)
		}
	}
}

func TestPlanSignals(t *testing.T) {
	res, fset := plan(t, "reload")
	var got []string
	for _, u := range res.Signals {
		p := fset.Position(u.Pos)
		got = append(got, fmt.Sprintf("%d:%d %s %v all=%v spread=%v", p.Line, p.Column, u.Call, u.Signals, u.All, u.Spread))
	}
	want := []string{
		"12:2 signal.Notify [SIGHUP SIGUSR1] all=false spread=false",
		"21:2 signal.Notify [] all=true spread=false",
		"26:2 signal.Notify [SIGUSR2] all=false spread=false",
		"27:2 signal.Notify [] all=false spread=true",
	}
	if !slices.Equal(got, want) {
		t.Errorf("signal uses:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !res.Signals[0].Asks("SIGHUP") || res.Signals[0].Asks("SIGUSR2") || !res.Signals[1].Asks("SIGUSR2") || res.Signals[3].Asks("SIGHUP") {
		t.Error("Asks does not follow the signals named")
	}
}

func TestPlanStopRemovals(t *testing.T) {
	res, fset := plan(t, "stopremove")
	var got []string
	for _, r := range res.StopRemovals {
		p := fset.Position(r.Pos)
		got = append(got, fmt.Sprintf("%d:%d %s", p.Line, p.Column, r.Call))
	}
	want := []string{
		"15:8 os.RemoveAll",
		"17:7 syscall.Unlink",
		"33:2 os.Remove",
		"41:2 os.Remove",
		"53:2 os.Remove",
	}
	if !slices.Equal(got, want) {
		t.Errorf("stop removals:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.StopUses) != 3 {
		t.Errorf("stop uses: %+v, want Notify, Shutdown and NotifyContext", res.StopUses)
	}
}
