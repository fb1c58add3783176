package templates

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

var defaults = Config{
	RestartSignal:     "SIGHUP",
	DrainTimeout:      30 * time.Second,
	StartTimeout:      time.Minute,
	ReadHeaderTimeout: 10 * time.Second,
	IdleTimeout:       1500 * time.Millisecond,
}

// allShims has one shim of every kind, so that one golden file shows every template.
var allShims = []Shim{
	{Name: "gracefulListen", Form: formOf("gracefulListen"), Serves: []string{"net.Listen in func main (main.go)"}},
	{Name: "gracefulListenAndServe", Form: formOf("gracefulListenAndServe"), Serves: []string{"http.ListenAndServe in func main (main.go)", "nethttp.ListenAndServe in func serve (b.go)"}},
	{Name: "gracefulListenAndServeTLS", Form: formOf("gracefulListenAndServeTLS")},
	{Name: "gracefulServe", Form: formOf("gracefulServe")},
	{Name: "gracefulServeTLS", Form: formOf("gracefulServeTLS")},
	{Name: "gracefulListenConfigListen", Form: formOf("gracefulListenConfigListen")},
	{Name: "gracefulServerListenAndServe", Form: formOf("gracefulServerListenAndServe")},
	{Name: "gracefulServerListenAndServeTLS", Form: formOf("gracefulServerListenAndServeTLS")},
	{Name: "gracefulServerServe", Form: formOf("gracefulServerServe")},
	{Name: "gracefulServerServeTLS", Form: formOf("gracefulServerServeTLS")},
}

// formOf returns the start form of the shim called name.
func formOf(name string) *analyzer.Form {
	f, ok := analyzer.FormOfShim(name)
	if !ok {
		panic("no start form has the shim name " + name)
	}
	return f
}

func TestRenderMatchesGolden(t *testing.T) {
	cases := map[string]File{
		"all_shims": {PkgPath: "example.com/app", PkgName: "main", Configure: true, Config: defaults, Shims: allShims,
			Record: []string{"gracefulgen:revert v1", "gracefulgen:file \"main.go\""}},
		"deployment": {PkgPath: "example.com/app", PkgName: "main", Configure: true, Shims: allShims[:1],
			Config: Config{RestartSignal: "SIGHUP", DrainTimeout: 30 * time.Second, StartTimeout: time.Minute,
				PIDFile: "/run/app.pid", StopDelay: 5 * time.Second, Supervise: true}},
		"handles_stop": {PkgPath: "example.com/app/cmd/app", PkgName: "main", Configure: true,
			Config: Config{RestartSignal: "SIGUSR2", DrainTimeout: 5 * time.Second, StartTimeout: 90 * time.Second, AppHandlesStop: true},
			Shims:  allShims[1:2]},
		"stop_after_handover": {PkgPath: "example.com/app", PkgName: "main", Configure: true,
			Config: Config{RestartSignal: "SIGHUP", DrainTimeout: 30 * time.Second, StartTimeout: time.Minute, AppHandlesStop: true, AppStopAfterHandover: true},
			Shims:  allShims[1:2]},
		// A library: shims only; the settings belong to the binaries.
		"library": {PkgPath: "example.com/app/server", PkgName: "server", Config: defaults, Shims: allShims[1:3]},
		// A main package that starts no server itself but links a
		// converted library: only the init.
		"configure_only": {PkgPath: "example.com/app/cmd/app", PkgName: "main", Configure: true, Config: defaults,
			Record: []string{"gracefulgen:revert v1"}},
		// The package declares http, net, time and graceful itself: the
		// generated file must import them under other names.
		"taken_names": {PkgPath: "example.com/app", PkgName: "main", Configure: true, Config: defaults, Shims: allShims[:2],
			Taken: func(name string) bool {
				return name == "http" || name == "net" || name == "time" || name == "graceful" || name == "graceful2"
			}},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Render(f)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			again, err := Render(f)
			if err != nil || string(again) != string(got) {
				t.Fatalf("Render is not deterministic: second output differs (err %v)", err)
			}
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden file (run go test ./templates -update to create it): %v", err)
			}
			if string(got) != string(want) {
				t.Errorf("Render(%s) differs from %s (go test ./templates -update to accept):\n%s", name, golden, got)
			}
		})
	}
}

func TestRenderStartsWithGeneratedHeaderLine(t *testing.T) {
	got, err := Render(File{PkgPath: "p", PkgName: "p", Config: defaults, Shims: allShims[:1]})
	if err != nil {
		t.Fatal(err)
	}
	if want := Header + "\n\npackage p\n"; len(got) < len(want) || string(got[:len(want)]) != want {
		t.Errorf("output must start with the header line then the package clause, got:\n%s", got)
	}
}

func TestRenderRejectsShimWithoutForm(t *testing.T) {
	for _, f := range []*analyzer.Form{nil, {Kind: analyzer.KindFunc, Op: "X", Results: []analyzer.Type{{Name: "error"}}, Body: -1}} {
		_, err := Render(File{PkgPath: "p", PkgName: "p", Config: defaults, Shims: []Shim{{Name: "gracefulX", Form: f}}})
		if err == nil || !strings.Contains(err.Error(), "gracefulX") {
			t.Errorf("Render of a shim with form %v: err = %v, want an error naming the shim", f, err)
		}
	}
}

// TestEveryFormRenders renders one shim of every start form: each parses
// as Go, and the shim calls its runtime function.
func TestEveryFormRenders(t *testing.T) {
	for _, f := range analyzer.Forms {
		f = withCalleeTypes(t, f)
		src, err := Render(File{PkgPath: "p", PkgName: "p", Config: defaults, Shims: []Shim{{Name: f.Shim, Form: f}}})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if !strings.Contains(string(src), "func "+f.Shim+"(") || !strings.Contains(string(src), "graceful."+f.Runtime+"(") {
			t.Errorf("%s: the shim %s does not call graceful.%s:\n%s", f, f.Shim, f.Runtime, src)
		}
	}
}

func TestDurationUsesLargestUnit(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                       "0",
		time.Second:             "time.Second",
		30 * time.Second:        "30 * time.Second",
		90 * time.Second:        "90 * time.Second",
		2 * time.Hour:           "2 * time.Hour",
		1500 * time.Millisecond: "1500 * time.Millisecond",
		7:                       "time.Duration(7)",
	} {
		if got := duration(d).GoString(); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
}

// withCalleeTypes returns f with the types it takes from the callee
// (analyzer.Type.FromCallee) set as the analyzer sets them for a package,
// here to a *slog.Logger; as it is, such a form does not render.
func withCalleeTypes(t *testing.T, f *analyzer.Form) *analyzer.Form {
	t.Helper()
	r := *f
	r.Params = append([]analyzer.Param(nil), f.Params...)
	for i, p := range r.Params {
		if p.Type.FromCallee {
			if _, err := Render(File{PkgPath: "p", PkgName: "p", Config: defaults, Shims: []Shim{{Name: f.Shim, Form: f}}}); err == nil || !strings.Contains(err.Error(), f.Shim) {
				t.Errorf("%s: a form whose parameter %s has no type rendered (err = %v)", f, p.Name, err)
			}
			r.Params[i].Type = analyzer.Type{Path: "log/slog", Name: "Logger", Ptr: true}
		}
	}
	return &r
}
