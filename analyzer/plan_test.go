package analyzer_test

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

var update = flag.Bool("update", false, "rewrite the .rewritten golden files of TestPlanEdits")

// planPackages are the testdata packages whose diagnostics
// TestDiagnostics checks.
var planPackages = []string{
	"pkgfunc", "method", "aliased", "dotimport", "listener", "methodvalue", "iface", "frameworks",
	"notservers", "testfiles", "httptestpkg", "generated", "converted", "mixed", "collision", "imports",
	"stop", "stopctx", "shutdown", "nostop", "timeoutshadow", "protocols", "convertedprotocols", "reload", "stopremove",
	"shortlived", "serves", "webtoolkit", "convertedweb", "params", "datagram", "removesocket", "activation", "dnsserver",
}

// analyse runs the analyzer on the testdata packages pkgs in one run,
// checks their diagnostics against their want comments (as
// TestDiagnostics), and returns the results by package. Every test calls
// it for itself, so that each run of a test (-count=2) does its work.
func analyse(t *testing.T, pkgs ...string) map[string]*analysistest.Result {
	t.Helper()
	out := make(map[string]*analysistest.Result)
	for _, r := range analysistest.Run(t, analysistest.TestData(), analyzer.Analyzer, pkgs...) {
		out[r.Pass.Pkg.Path()] = r
	}
	for _, pkg := range pkgs {
		if r, ok := out[pkg]; !ok || r.Result == nil {
			t.Fatalf("no result for package %s", pkg)
		}
	}
	return out
}

// plan returns the Result of the analyzer on one testdata package.
func plan(t *testing.T, pkg string) (*analyzer.Result, *token.FileSet) {
	t.Helper()
	r := analyse(t, pkg)[pkg]
	return r.Result.(*analyzer.Result), r.Pass.Fset
}

// markers maps the positions marked in the files of a testdata package to
// their names: a comment /*@name*/ marks the first token after it. Tests
// name positions by marker, so that an edit of a testdata file moves its
// expectations with it.
func markers(t *testing.T, r *analysistest.Result) map[token.Pos]string {
	t.Helper()
	out := map[token.Pos]string{}
	for _, f := range r.Pass.Files {
		tf := r.Pass.Fset.File(f.FileStart)
		src, err := os.ReadFile(tf.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range f.Comments {
			for _, c := range g.List {
				name, ok := strings.CutPrefix(c.Text, "/*@")
				if !ok {
					continue
				}
				off := tf.Offset(c.End())
				for off < len(src) && (src[off] == ' ' || src[off] == '\t') {
					off++
				}
				out[tf.Pos(off)] = "@" + strings.TrimSuffix(name, "*/")
			}
		}
	}
	return out
}

// marked names pos by its marker, or by line:col (which no expectation
// holds) where no marker is there.
func marked(marks map[token.Pos]string, fset *token.FileSet, pos token.Pos) string {
	if m, ok := marks[pos]; ok {
		return m
	}
	p := fset.Position(pos)
	return fmt.Sprintf("unmarked %d:%d", p.Line, p.Column)
}

// summary renders the sites of a plan one per line, for comparison.
func summary(res *analyzer.Result, fset *token.FileSet, marks map[token.Pos]string) []string {
	var lines []string
	for _, s := range res.Sites {
		line := fmt.Sprintf("%s %s %s %s %s %s", marked(marks, fset, s.Pos), kindName(s.Kind), s.Op, statusName(s.Status), s.Original, s.Shim)
		if s.MethodValue {
			line += " (method value)"
		}
		line = strings.TrimSpace(line)
		for _, d := range s.Deferred {
			line += fmt.Sprintf(" (deferred to %s #%d, local %v)", d.Param.Func, d.Param.Index, d.Local)
		}
		lines = append(lines, line)
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
				"@s1 func ListenAndServe rewritable http.ListenAndServe gracefulListenAndServe",
				"@s2 func ListenAndServeTLS rewritable http.ListenAndServeTLS gracefulListenAndServeTLS",
				"@s3 func Listen rewritable net.Listen gracefulListen",
				"@s4 func Serve rewritable http.Serve gracefulServe",
				"@s5 func Listen rewritable net.Listen gracefulListen",
				"@s6 func ServeTLS rewritable http.ServeTLS gracefulServeTLS",
				"@s7 func ListenAndServe rewritable http.ListenAndServe gracefulListenAndServe",
				"@s8 func ListenAndServe rewritable http.ListenAndServe gracefulListenAndServe",
				"@s9 func ListenAndServe rewritable http.ListenAndServe gracefulListenAndServe",
			},
			shims: []string{"gracefulListen func Listen", "gracefulListenAndServe func ListenAndServe", "gracefulListenAndServeTLS func ListenAndServeTLS", "gracefulServe func Serve", "gracefulServeTLS func ServeTLS"},
		},
		{
			pkg: "listener",
			sites: []string{
				"@s1 func Listen rewritable net.Listen gracefulListen",
				"@s2 method Serve rewritable srv.Serve gracefulServerServe",
				"@s3 func Listen rewritable net.Listen gracefulListen",
				"@s4 method ServeTLS rewritable srv.ServeTLS gracefulServerServeTLS",
				"@s5 method Listen rewritable lc.Listen gracefulListenConfigListen",
				"@s6 method Serve rewritable srv.Serve gracefulServerServe",
				"@s7 method Listen rewritable lc.Listen gracefulListenConfigListen",
				"@s8 method Serve rewritable srv.Serve gracefulServerServe",
				"@s9 func Listen rewritable net.Listen gracefulListen",
				"@s10 method Serve rewritable srv.Serve gracefulServerServe",
				"@s11 method Serve rewritable srv.Serve gracefulServerServe",
				"@s12 func Listen not-rewritable l",
				"@s13 method Serve rewritable srv.Serve gracefulServerServe",
				"@s14 func Listen not-rewritable h.l",
				"@s15 func Listen rewritable net.Listen gracefulListen",
				"@s16 method Serve not-rewritable srv.Serve",
				"@s17 method Serve not-rewritable srv.Serve",
				"@s18 func Listen rewritable net.Listen gracefulListen",
				"@s19 method Serve rewritable srv.Serve gracefulServerServe",
				"@s20 func Listen rewritable net.Listen gracefulListen",
				"@s21 func Listen rewritable net.Listen gracefulListen",
				"@s22 method Listen not-rewritable (*net.ListenConfig).Listen",
				"@s23 method Serve rewritable srv.Serve gracefulServerServe",
				"@s24 method Serve rewritable srv.Serve gracefulServerServe",
				"@s25 func Listen not-rewritable l",
				"@s26 func ListenTCP rewritable net.ListenTCP gracefulListenTCP",
				"@s27 method Serve rewritable srv.Serve gracefulServerServe",
				"@s28 method Serve rewritable srv.Serve gracefulServerServe",
				"@s29 func Listen not-rewritable m.Listener()",
				"@s30 method Serve rewritable srv.Serve gracefulServerServe",
				"@s31 func Listen not-rewritable l",
				"@s33 method Serve rewritable srv.Serve gracefulServerServe",
				"@s34 method Serve rewritable srv.Serve gracefulServerServe",
				"@s32 func Listen rewritable net.Listen gracefulListen",
			},
			shims: []string{"gracefulListen func Listen", "gracefulListenConfigListen method Listen listenconfig", "gracefulListenTCP func ListenTCP", "gracefulServerServe method Serve", "gracefulServerServeTLS method ServeTLS"},
		},
		{
			// Listeners that arrive as parameters, followed to the calls;
			// Serve's is left to the calls of other packages (Deferred).
			pkg: "params",
			sites: []string{
				"@s1 method Serve rewritable srv.Serve gracefulServerServe",
				"@s2 func Listen rewritable net.Listen gracefulListen",
				"@s3 method Serve rewritable s.srv.Serve gracefulServerServe",
				"@s4 func Listen rewritable net.Listen gracefulListen",
				"@s5 func Listen rewritable net.Listen gracefulListen",
				"@s6 func Listen rewritable net.Listen gracefulListen",
				"@s7 method Serve rewritable srv.Serve gracefulServerServe",
				"@s8 method Serve rewritable srv.Serve gracefulServerServe",
				"@s9 func Listen rewritable net.Listen gracefulListen",
				"@s10 func Listen rewritable net.Listen gracefulListen",
				"@s11 func Listen rewritable net.Listen gracefulListen",
				"@s12 method Serve rewritable srv.Serve gracefulServerServe",
				"@s13 method Serve rewritable srv.Serve gracefulServerServe",
				"@s14 method Serve not-rewritable srv.Serve",
				"@s15 func Listen rewritable net.Listen gracefulListen",
				"@s16 method Serve rewritable srv.Serve gracefulServerServe",
				"@s17 func Listen not-rewritable l",
				"@s18 method Serve rewritable srv.Serve gracefulServerServe",
				"@s19 func Listen not-rewritable l (deferred to params.Serve #0, local false)",
				"@s20 func Listen rewritable net.Listen gracefulListen",
				"@s21 method Serve rewritable a.srv.Serve gracefulServerServe",
				"@s22 func Listen rewritable net.Listen gracefulListen",
				"@s23 method Serve rewritable srv.Serve gracefulServerServe",
				"@s24 method Serve rewritable srv.Serve gracefulServerServe",
				"@s25 func Listen not-rewritable q.other",
				"@s26 method Serve rewritable srv.Serve gracefulServerServe",
				"@s27 func Listen not-rewritable c.Listener (deferred to (params.Config).Listener #-1, local false)",
			},
			shims: []string{"gracefulListen func Listen", "gracefulServerServe method Serve"},
		},
		{
			// Removals of, and looks for, the unix socket file the
			// function then listens on are rewritten; others are no sites.
			pkg: "removesocket",
			sites: []string{
				"@s1 func Stat rewritable os.Stat gracefulStat",
				"@s2 func Remove rewritable os.Remove gracefulRemove",
				"@s3 func Listen rewritable net.Listen gracefulListen",
				"@s4 func Unlink rewritable syscall.Unlink gracefulUnlink",
				"@s5 func ListenUnix rewritable net.ListenUnix gracefulListenUnix",
				"@s6 func Remove rewritable os.Remove gracefulRemove",
				"@s7 func Listen rewritable net.Listen gracefulListen",
				"@s8 func Listen rewritable net.Listen gracefulListen",
				"@s9 func Lstat rewritable os.Lstat gracefulLstat",
				"@s10 func ListenUnixgram rewritable net.ListenUnixgram gracefulListenUnixgram",
				"@s11 func Listen rewritable net.Listen gracefulListen",
			},
			shims: []string{"gracefulListen func Listen", "gracefulListenUnix func ListenUnix", "gracefulListenUnixgram func ListenUnixgram",
				"gracefulLstat func Lstat", "gracefulRemove func Remove", "gracefulStat func Stat", "gracefulUnlink func Unlink"},
		},
		{
			// go-systemd's socket activation becomes graceful.Activated.
			pkg: "activation",
			sites: []string{
				"@s1 func Listeners rewritable activation.Listeners gracefulActivationListeners",
				"@s2 func Listen rewritable net.Listen gracefulListen",
				"@s3 method Serve rewritable srv.Serve gracefulServerServe",
			},
			shims: []string{"gracefulActivationListeners func Listeners", "gracefulListen func Listen", "gracefulServerServe method Serve"},
		},
		{
			pkg: "converted",
			sites: []string{
				"@s1 func ListenAndServe converted gracefulListenAndServe gracefulListenAndServe",
				"@s2 method ListenAndServe converted gracefulServerListenAndServe gracefulServerListenAndServe",
				"@s3 method ListenAndServe converted gracefulServerListenAndServe gracefulServerListenAndServe",
				"@s4 func Listen converted gracefulListen gracefulListen",
				"@s5 method Listen converted gracefulListenConfigListen gracefulListenConfigListen",
				"@s6 method Serve converted gracefulServerServe gracefulServerServe",
				"@s7 method Serve converted gracefulServerServe gracefulServerServe",
				"@s8 method ListenAndServe converted gracefulServerListenAndServe gracefulServerListenAndServe",
			},
			shims: []string{"gracefulListen func Listen", "gracefulListenAndServe func ListenAndServe", "gracefulListenConfigListen method Listen listenconfig", "gracefulServerListenAndServe method ListenAndServe", "gracefulServerServe method Serve"},
		},
		{
			pkg: "convertedprotocols",
			sites: []string{
				"@s1 func ListenTCP converted gracefulListenTCP gracefulListenTCP",
				"@s2 method Serve converted gracefulGRPCServerServe gracefulGRPCServerServe",
				"@s3 func NewHandler converted gracefulH2CNewHandler gracefulH2CNewHandler",
				"@s4 method ListenAndServe converted gracefulServerListenAndServe gracefulServerListenAndServe",
			},
			shims: []string{"gracefulGRPCServerServe method Serve", "gracefulH2CNewHandler func NewHandler", "gracefulListenTCP func ListenTCP", "gracefulServerListenAndServe method ListenAndServe"},
		},
		{
			pkg: "webtoolkit",
			sites: []string{
				"@s1 func ListenAndServe rewritable web.ListenAndServe gracefulWebListenAndServe",
				"@s2 func Listen rewritable net.Listen gracefulListen",
				"@s3 func Serve rewritable web.Serve gracefulWebServe",
				"@s4 func Listen rewritable net.Listen gracefulListen",
				"@s5 func ServeMultiple rewritable web.ServeMultiple gracefulWebServeMultiple",
				"@s6 func Listen rewritable net.Listen gracefulListen",
				"@s7 func Listen rewritable net.Listen gracefulListen",
				"@s8 func ServeMultiple rewritable web.ServeMultiple gracefulWebServeMultiple",
				"@s9 func ServeMultiple rewritable web.ServeMultiple gracefulWebServeMultiple",
				"@s10 func Listen not-rewritable ls",
			},
			shims: []string{"gracefulListen func Listen", "gracefulWebListenAndServe func ListenAndServe", "gracefulWebServe func Serve", "gracefulWebServeMultiple func ServeMultiple"},
		},
		{
			pkg: "convertedweb",
			sites: []string{
				"@s1 func Listen converted gracefulListen gracefulListen",
				"@s2 func Serve converted gracefulWebServe gracefulWebServe",
				"@s3 func ListenAndServe converted gracefulWebListenAndServe gracefulWebListenAndServe",
			},
			shims: []string{"gracefulListen func Listen", "gracefulWebListenAndServe func ListenAndServe", "gracefulWebServe func Serve"},
		},
		{
			pkg: "mixed",
			sites: []string{
				"@s1 func ListenAndServe converted gracefulListenAndServe gracefulListenAndServe",
				"@s2 func ListenAndServe rewritable http.ListenAndServe gracefulListenAndServe",
				"@s3 method ListenAndServe rewritable srv.ListenAndServe gracefulServerListenAndServe",
			},
			shims: []string{"gracefulListenAndServe func ListenAndServe", "gracefulServerListenAndServe method ListenAndServe"},
		},
		{
			pkg: "collision",
			sites: []string{
				"@s1 func ListenAndServe rewritable http.ListenAndServe gracefulListenAndServe2",
				"@s2 method ListenAndServe rewritable gracefulServerListenAndServe2.ListenAndServe gracefulServerListenAndServe3",
				"@s3 method ListenAndServe rewritable srv.ListenAndServe gracefulServerListenAndServe3",
			},
			shims: []string{"gracefulListenAndServe2 func ListenAndServe", "gracefulServerListenAndServe3 method ListenAndServe"},
		},
	}
	var pkgs []string
	for _, tt := range tests {
		pkgs = append(pkgs, tt.pkg)
	}
	results := analyse(t, pkgs...)
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			r := results[tt.pkg]
			res, fset := r.Result.(*analyzer.Result), r.Pass.Fset
			if got := summary(res, fset, markers(t, r)); !slices.Equal(got, tt.sites) {
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
	pkgs := []string{"pkgfunc", "method", "aliased", "dotimport", "listener", "methodvalue", "collision", "imports", "protocols"}
	results := analyse(t, pkgs...)
	for _, pkg := range pkgs {
		t.Run(pkg, func(t *testing.T) {
			r := results[pkg]
			res, fset := r.Result.(*analyzer.Result), r.Pass.Fset
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
	wants := map[string]bool{"stop": true, "stopctx": true, "shutdown": true, "nostop": false, "pkgfunc": false}
	var pkgs []string
	for pkg := range wants {
		pkgs = append(pkgs, pkg)
	}
	results := analyse(t, pkgs...)
	for pkg, want := range wants {
		res := results[pkg].Result.(*analyzer.Result)
		if res.HandlesStop != want {
			t.Errorf("HandlesStop of %s = %v, want %v", pkg, res.HandlesStop, want)
		}
	}
}

func TestPlanSignals(t *testing.T) {
	r := analyse(t, "reload")["reload"]
	res, fset, marks := r.Result.(*analyzer.Result), r.Pass.Fset, markers(t, r)
	var got []string
	for _, u := range res.Signals {
		got = append(got, fmt.Sprintf("%s %s %v all=%v spread=%v", marked(marks, fset, u.Pos), u.Call, u.Signals, u.All, u.Spread))
	}
	want := []string{
		"@sig1 signal.Notify [SIGHUP SIGUSR1] all=false spread=false",
		"@sig2 signal.Notify [] all=true spread=false",
		"@sig3 signal.Notify [SIGUSR2] all=false spread=false",
		"@sig4 signal.Notify [] all=false spread=true",
	}
	if !slices.Equal(got, want) {
		t.Errorf("signal uses:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !res.Signals[0].Asks("SIGHUP") || res.Signals[0].Asks("SIGUSR2") || !res.Signals[1].Asks("SIGUSR2") || res.Signals[3].Asks("SIGHUP") {
		t.Error("Asks does not follow the signals named")
	}
}

func TestPlanStopRemovals(t *testing.T) {
	r := analyse(t, "stopremove")["stopremove"]
	res, fset, marks := r.Result.(*analyzer.Result), r.Pass.Fset, markers(t, r)
	var got []string
	for _, rm := range res.StopRemovals {
		got = append(got, fmt.Sprintf("%s %s", marked(marks, fset, rm.Pos), rm.Call))
	}
	want := []string{
		"@rm1 os.RemoveAll",
		"@rm2 syscall.Unlink",
		"@rm3 os.Remove",
		"@rm4 os.Remove",
		"@rm5 os.Remove",
	}
	if !slices.Equal(got, want) {
		t.Errorf("stop removals:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.StopUses) != 3 {
		t.Errorf("stop uses: %+v, want Notify, Shutdown and NotifyContext", res.StopUses)
	}
}

// TestSiteCallSpans checks the Call span of every Rewritable site: the
// whole call whose callee is the site's expression, or no span for a
// method value or a function used as a value.
func TestSiteCallSpans(t *testing.T) {
	pkgs := []string{"pkgfunc", "method", "aliased", "dotimport", "listener", "methodvalue", "protocols"}
	results := analyse(t, pkgs...)
	values := 0
	for _, pkg := range pkgs {
		r := results[pkg]
		fset := r.Pass.Fset
		for _, s := range r.Result.(*analyzer.Result).Sites {
			if s.Status != analyzer.Rewritable {
				continue
			}
			tf := fset.File(s.Pos)
			src, err := os.ReadFile(tf.Name())
			if err != nil {
				t.Fatal(err)
			}
			if !s.Call.IsValid() {
				values++
				rest := strings.TrimLeft(string(src[tf.Offset(s.End):]), " \t)")
				if strings.HasPrefix(rest, "(") {
					t.Errorf("%s: %s is called, but its site has no call span", fset.Position(s.Pos), s.Original)
				}
				continue
			}
			text := string(src[tf.Offset(s.Call.Pos):tf.Offset(s.Call.End)])
			e, err := parser.ParseExpr(text)
			call, ok := e.(*ast.CallExpr)
			if err != nil || !ok {
				t.Errorf("%s: the call span of %s is %q, not a call", fset.Position(s.Pos), s.Original, text)
				continue
			}
			fun := ast.Unparen(call.Fun)
			if start := tf.Offset(s.Call.Pos) + int(fun.Pos()-1); start != tf.Offset(s.Pos) || start+int(fun.End()-fun.Pos()) != tf.Offset(s.End) {
				t.Errorf("%s: the callee of call span %q is not the site's expression %s", fset.Position(s.Pos), text, s.Original)
			}
		}
	}
	if values < 2 {
		t.Errorf("%d sites without a call span, want the method values and the function value of the testdata", values)
	}
}
