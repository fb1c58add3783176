package templates

import (
	"flag"
	"os"
	"path/filepath"
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
	{Name: "gracefulListen", Kind: analyzer.KindFunc, Op: analyzer.OpListen, Serves: []string{"main.go:10:8 (net.Listen)"}},
	{Name: "gracefulListenAndServe", Kind: analyzer.KindFunc, Op: analyzer.OpListenAndServe, Serves: []string{"main.go:12:13 (http.ListenAndServe)", "b.go:3:2 (nethttp.ListenAndServe)"}},
	{Name: "gracefulListenAndServeTLS", Kind: analyzer.KindFunc, Op: analyzer.OpListenAndServeTLS},
	{Name: "gracefulServe", Kind: analyzer.KindFunc, Op: analyzer.OpServe},
	{Name: "gracefulServeTLS", Kind: analyzer.KindFunc, Op: analyzer.OpServeTLS},
	{Name: "gracefulListenConfigListen", Kind: analyzer.KindMethod, Op: analyzer.OpListen, ListenConfig: true},
	{Name: "gracefulServerListenAndServe", Kind: analyzer.KindMethod, Op: analyzer.OpListenAndServe},
	{Name: "gracefulServerListenAndServeTLS", Kind: analyzer.KindMethod, Op: analyzer.OpListenAndServeTLS},
	{Name: "gracefulServerServe", Kind: analyzer.KindMethod, Op: analyzer.OpServe},
	{Name: "gracefulServerServeTLS", Kind: analyzer.KindMethod, Op: analyzer.OpServeTLS},
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

func TestRenderRejectsUnknownShimKind(t *testing.T) {
	_, err := Render(File{PkgPath: "p", PkgName: "p", Config: defaults,
		Shims: []Shim{{Name: "gracefulX", Kind: analyzer.KindMethod, Op: analyzer.OpListen}}})
	if err == nil {
		t.Fatal("Render accepted a method Listen shim whose receiver is not a ListenConfig")
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
