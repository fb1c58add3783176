package gracefulgen_test

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/gotooltest"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gracefulgen/gracefulgen/cmd/gracefulgen/cli"
	"github.com/gracefulgen/gracefulgen/generator"
	"github.com/gracefulgen/gracefulgen/templates"
)

var update = flag.Bool("update", false, "rewrite the want/ folders of testdata/golden")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"gracefulgen": func() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// runtimeDir is the absolute path of the local runtime module, which test
// modules point at with a replace directive. $GRACEFULGEN_TEST_RUNTIME
// names another copy (e.g. a clean checkout of it while the runtime is
// being edited).
func runtimeDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("GRACEFULGEN_TEST_RUNTIME")
	if dir == "" {
		dir = "runtime"
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// goMod is the go.mod of a test module that requires the local runtime.
func goMod(t testing.TB, path string) string {
	return "module " + path + "\n\ngo 1.22\n\nrequire " + templates.RuntimePath + " v0.0.0\n\nreplace " + templates.RuntimePath + " => " + runtimeDir(t) + "\n"
}

// testEnv is the environment of the go command in test modules: no
// workspace, and go.mod may be completed.
func testEnv() []string {
	return append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
}

// readTree reads every file under dir, by slash-separated relative path,
// leaving out go.mod and go.sum and, when skip is set, that directory.
func readTree(t testing.TB, dir, skip string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == skip {
				return filepath.SkipDir
			}
			return nil
		}
		if rel == "go.mod" || rel == "go.sum" {
			return nil
		}
		b, err := os.ReadFile(path)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// writeTree writes files under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// gen runs the generator in dir on the package there (and on the packages
// below it when dir has subdirectories) and returns its exit code and output.
func gen(dir string, mode generator.Mode, revert bool) (int, string) {
	patterns := []string{"."}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() {
			patterns = []string{"./..."}
		}
	}
	var out bytes.Buffer
	code := generator.Run(generator.Options{
		Dir: dir, Patterns: patterns, Env: testEnv(), Mode: mode, Revert: revert,
		HandlesStop: generator.HandlesStopAuto, Stdout: &out, Stderr: &out,
		Config: generator.DefaultConfig(),
	})
	return code, out.String()
}

// compareTree reports every difference between got and want.
func compareTree(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for name, w := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: %s is missing", what, name)
		} else if g != w {
			t.Errorf("%s: %s differs (go test -run TestGolden -update to accept):\n--- got\n%s\n--- want\n%s", what, name, g, w)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: unexpected file %s:\n%s", what, name, got[name])
		}
	}
}

// revertsTo names, for the cases whose input is already converted, the case
// whose input -revert must give back.
var revertsTo = map[string]string{"converted": "listenandserve"}

// goldenRequires are the modules of the framework cases, from the module
// proxy (as e2eRequires).
const goldenRequires = "\nrequire (\n\tgithub.com/gin-gonic/gin v1.12.0\n\tgithub.com/labstack/echo/v4 v4.16.0\n\tgithub.com/labstack/echo/v5 v5.4.4\n\tgithub.com/miekg/dns v1.1.73\n\tgithub.com/prometheus/exporter-toolkit v0.17.1\n\tgolang.org/x/net v0.62.0\n)\n"

// TestGolden runs each program of testdata/golden/<case> through the
// generator in one temporary module and checks, per case: the output files
// against want/ (and the messages against want/_output when there are any),
// that a second run changes nothing, that every converted program builds
// (in one go build), and that -revert gives back the input byte for byte.
func TestGolden(t *testing.T) {
	cases, err := os.ReadDir(filepath.Join("testdata", "golden"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	writeTree(t, root, map[string]string{"go.mod": goMod(t, "example.com/golden") + goldenRequires})
	inputs := map[string]map[string]string{}
	for _, c := range cases {
		in := readTree(t, filepath.Join("testdata", "golden", c.Name()), "want")
		inputs[c.Name()] = in
		writeTree(t, filepath.Join(root, c.Name()), in)
	}

	t.Run("convert", func(t *testing.T) { // the group ends when its parallel cases do
		for _, c := range cases {
			convertCase(t, root, c.Name())
		}
	})

	build := exec.Command("go", "build", "./...")
	build.Dir, build.Env = root, testEnv()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("the converted programs do not build: %v\n%s", err, out)
	}

	t.Run("revert", func(t *testing.T) {
		for _, c := range cases {
			name := c.Name()
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				dir := filepath.Join(root, name)
				if code, out := gen(dir, generator.Write, true); code != generator.ExitOK {
					t.Fatalf("gracefulgen -revert exit code %d:\n%s", code, out)
				}
				want := inputs[name]
				if orig, ok := revertsTo[name]; ok {
					want = inputs[orig]
				}
				compareTree(t, "reverted", readTree(t, dir, ""), want)
			})
		}
	})
}

// convertCase converts one golden case in root/name, compares the result
// with want/, and checks that a second run would change nothing.
func convertCase(t *testing.T, root, name string) {
	t.Run(name, func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(root, name)
		code, out := gen(dir, generator.Write, false)
		// A program with starts left behind says so, and exits 3.
		want := generator.ExitOK
		if strings.Contains(out, ": not converted: ") {
			want = generator.ExitIncomplete
		}
		if code != want {
			t.Fatalf("gracefulgen exit code %d, want %d:\n%s", code, want, out)
		}
		got := readTree(t, dir, "")
		if out != "" {
			got["_output"] = out
		}
		wantDir := filepath.Join("testdata", "golden", name, "want")
		if *update {
			os.RemoveAll(wantDir)
			writeTree(t, wantDir, got)
		}
		compareTree(t, "output", got, readTree(t, wantDir, ""))

		if code, out := gen(dir, generator.Check, false); code != want {
			t.Errorf("a second run would change files (exit %d):\n%s", code, out)
		}
	})
}

// TestScripts runs the command-line scripts of testdata/script.
func TestScripts(t *testing.T) {
	rt := runtimeDir(t)
	p := testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("GOWORK", "off")
			env.Setenv("GOFLAGS", "-mod=mod")
			env.Setenv("RUNTIME", rt)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// gomod PATH writes a go.mod for module PATH that requires the
			// local runtime; gomod -noruntime PATH one that does not;
			// gomod -replace PATH one that only replaces it by the local
			// copy (no require), -pin=V for version V only. -go=V sets the
			// go line (default 1.22).
			"gomod": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) == 0 {
					ts.Fatalf("usage: gomod [-noruntime|-replace] [-go=V] module-path")
				}
				path, goLine, kind, pin := args[len(args)-1], "1.22", "", ""
				for _, a := range args[:len(args)-1] {
					if v, ok := strings.CutPrefix(a, "-go="); ok {
						goLine = v
					} else if v, ok := strings.CutPrefix(a, "-pin="); ok {
						pin = " " + v // the replace names this version only
					} else {
						kind = a
					}
				}
				content := strings.Replace(goMod(t, path), "go 1.22", "go "+goLine, 1)
				switch kind {
				case "-noruntime":
					content = "module " + path + "\n\ngo " + goLine + "\n"
				case "-replace":
					content = "module " + path + "\n\ngo " + goLine + "\n\nreplace " + templates.RuntimePath + pin + " => " + rt + "\n"
				}
				ts.Check(os.WriteFile(ts.MkAbs("go.mod"), []byte(content), 0o644))
			},
			// exits CODE PROG ARGS... runs a program and checks its exit code.
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exits code program [args...]")
				}
				want, err := strconv.Atoi(args[0])
				ts.Check(err)
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var exit *exec.ExitError
					if !errors.As(err, &exit) {
						ts.Fatalf("%s: %v", args[1], err)
					}
					got = exit.ExitCode()
				}
				if got != want {
					ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
				}
			},
			// fakeproxy serves this worktree's modules as a module proxy.
			"fakeproxy": fakeProxy(t),
			// chmod MODE FILE, for read-only files.
			"chmod": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: chmod 0444 file")
				}
				var mode uint32
				for _, c := range args[0] {
					mode = mode*8 + uint32(c-'0')
				}
				ts.Check(os.Chmod(ts.MkAbs(args[1]), fs.FileMode(mode)))
			},
		},
		UpdateScripts: *update,
	}
	if err := gotooltest.Setup(&p); err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, p)
}

// FuzzGenerate feeds single-file programs to the generator. Whatever the
// input, it must not panic, and it either refuses (exit 2) having written
// nothing, go.mod included, or converts (exit 0, or 3 with starts left
// behind): then what it wrote builds, a second run changes nothing and
// exits the same (a -check run, which loads and type-checks the output),
// and -revert gives back the input byte for byte and deletes
// zz_graceful.go. The seeds are the single-file programs of testdata/golden
// and programs it must refuse, so the normal go test runs both paths.
func FuzzGenerate(f *testing.F) {
	cases, err := os.ReadDir(filepath.Join("testdata", "golden"))
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range cases {
		in := readTree(f, filepath.Join("testdata", "golden", c.Name()), "want")
		if src, ok := in["main.go"]; ok && len(in) == 1 {
			f.Add(src)
		}
	}
	f.Add("package main\n\nimport \"net/http\"\n\nfunc main() {\n\thttp.ListenAndServe(\":8080\", nil)\n") // a syntax error
	f.Add("package main\n\nimport \"net/http\"\n\nfunc main() {\n\thttp.ListenAndServe(8080, nil)\n}\n")   // a type error
	gomod := goMod(f, "example.com/fuzz")
	f.Fuzz(func(t *testing.T, src string) {
		dir := t.TempDir()
		writeTree(t, dir, map[string]string{"go.mod": gomod, "main.go": src})
		before := readFiles(t, dir)
		code, out := gen(dir, generator.Write, false)
		switch code {
		case generator.ExitError:
			if after := readFiles(t, dir); !maps.Equal(after, before) {
				t.Fatalf("a refused run (%s) changed the files:\n--- before\n%q\n--- after\n%q", out, before, after)
			}
			return
		case generator.ExitOK, generator.ExitIncomplete:
		default:
			t.Fatalf("exit code %d, want 0, 2 or 3:\n%s", code, out)
		}
		goBuild(t, dir, "build", "./...")
		if code2, out2 := gen(dir, generator.Check, false); code2 != code {
			t.Fatalf("after a run that exited %d (%s), a second run exits %d:\n%s\ninput:\n%s", code, out, code2, out2, src)
		}
		if code, out := gen(dir, generator.Write, true); code != generator.ExitOK {
			t.Fatalf("-revert exits %d:\n%s", code, out)
		}
		after := readTree(t, dir, "")
		if got := after["main.go"]; got != src {
			t.Fatalf("-revert did not restore the input:\n--- got\n%s\n--- want\n%s", got, src)
		}
		if _, ok := after[templates.FileName]; ok {
			t.Fatalf("-revert left %s behind", templates.FileName)
		}
	})
}

// readFiles reads every file of dir (go.mod and go.sum included), by name.
func readFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}
