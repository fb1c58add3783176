package generator

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/templates"
)

// module copies testdata/<name> into a new module that requires the local
// runtime, and returns its directory.
func module(t *testing.T, name string) string {
	t.Helper()
	rt, err := filepath.Abs("../runtime")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module example.com/app\n\ngo 1.22\n\nrequire " + templates.RuntimePath + " v0.0.0\n\nreplace " + templates.RuntimePath + " => " + rt + "\n"
	writeFiles(t, dir, map[string]string{"go.mod": gomod})
	entries, err := os.ReadDir(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("testdata", name, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFiles(t, dir, map[string]string{e.Name(): string(b)})
	}
	return dir
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot reads every file of dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func defaultOptions(dir string) Options {
	return Options{
		Dir: dir, HandlesStop: HandlesStopAuto,
		Config: templates.Config{RestartSignal: "SIGHUP", DrainTimeout: 30 * time.Second, StartTimeout: time.Minute},
	}
}

func run1(t *testing.T, opts Options, want int) string {
	t.Helper()
	var out bytes.Buffer
	opts.Stdout, opts.Stderr = &out, &out
	if got := Run(opts); got != want {
		t.Fatalf("Run exit code = %d, want %d; output:\n%s", got, want, out.String())
	}
	return out.String()
}

// wantRefused runs the generator on dir, expects exit code 2 and every one
// of msgs in its output, and checks that no file changed.
func wantRefused(t *testing.T, dir string, msgs ...string) {
	t.Helper()
	before := snapshot(t, dir)
	got := run1(t, defaultOptions(dir), ExitError)
	for _, m := range msgs {
		if !strings.Contains(got, m) {
			t.Errorf("output lacks %q:\n%s", m, got)
		}
	}
	diffFiles(t, before, snapshot(t, dir))
}

func diffFiles(t *testing.T, before, after map[string]string) {
	t.Helper()
	for name, b := range before {
		if a, ok := after[name]; !ok {
			t.Errorf("%s was deleted", name)
		} else if a != b {
			t.Errorf("%s changed:\n--- before\n%s\n--- after\n%s", name, b, a)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s was created", name)
		}
	}
}

func TestGenerateThenAgainChangesNothingAndRevertRestoresBytes(t *testing.T) {
	for _, name := range []string{"basic", "value", "nested"} {
		t.Run(name, func(t *testing.T) {
			dir := module(t, name)
			opts := defaultOptions(dir)
			original := snapshot(t, dir)

			run1(t, opts, ExitOK)
			first := snapshot(t, dir)
			gen, ok := first[templates.FileName]
			if !ok {
				t.Fatalf("no %s written; files: %v", templates.FileName, first)
			}
			if !strings.HasPrefix(gen, templates.Header+"\n") {
				t.Errorf("%s does not start with the header line:\n%s", templates.FileName, gen)
			}
			if first["main.go"] == original["main.go"] {
				t.Errorf("main.go was not rewritten")
			}

			run1(t, opts, ExitOK)
			diffFiles(t, first, snapshot(t, dir))

			check := opts
			check.Mode = Check
			run1(t, check, ExitOK)

			rev := opts
			rev.Revert = true
			run1(t, rev, ExitOK)
			diffFiles(t, original, snapshot(t, dir))
		})
	}
}

func TestCheckAndDiffReportChangesAndWriteNothing(t *testing.T) {
	dir := module(t, "basic")
	before := snapshot(t, dir)
	opts := defaultOptions(dir)
	opts.Mode = Check
	got := run1(t, opts, ExitChanges)
	for _, f := range []string{"main.go", "other.go", templates.FileName} {
		if !strings.Contains(got, f) {
			t.Errorf("-check output does not list %s:\n%s", f, got)
		}
	}
	opts.Mode = Diff
	got = run1(t, opts, ExitChanges)
	if !strings.Contains(got, "-\tlog.Fatal(http.ListenAndServe(\":8080\", mux))") || !strings.Contains(got, "+\tlog.Fatal(gracefulListenAndServe(\":8080\", mux))") {
		t.Errorf("-diff output lacks the rewritten call:\n%s", got)
	}
	diffFiles(t, before, snapshot(t, dir))
}

func TestRemovedImportIsRecordedAndRestored(t *testing.T) {
	dir := module(t, "basic")
	original := snapshot(t, dir)
	opts := defaultOptions(dir)
	run1(t, opts, ExitOK)
	other := snapshot(t, dir)["other.go"]
	if strings.Contains(other, `"net"`) {
		t.Errorf("other.go still imports net, which the rewrite left unused:\n%s", other)
	}
	opts.Revert = true
	run1(t, opts, ExitOK)
	if got := snapshot(t, dir)["other.go"]; got != original["other.go"] {
		t.Errorf("revert did not restore other.go:\n%s", got)
	}
}

func TestChangedFlagsRegenerate(t *testing.T) {
	dir := module(t, "basic")
	opts := defaultOptions(dir)
	run1(t, opts, ExitOK)
	opts.Config.DrainTimeout = 5 * time.Second
	opts.Mode = Check
	run1(t, opts, ExitChanges)
	opts.Mode = Write
	run1(t, opts, ExitOK)
	if gen := snapshot(t, dir)[templates.FileName]; !regexp.MustCompile(`DrainTimeout: +5 \* time\.Second`).MatchString(gen) {
		t.Errorf("new drain timeout not in %s:\n%s", templates.FileName, gen)
	}
}

func TestHandWrittenGeneratedFileIsRefused(t *testing.T) {
	dir := module(t, "basic")
	writeFiles(t, dir, map[string]string{templates.FileName: "package main\n\nfunc helper() {}\n"})
	wantRefused(t, dir, "zz_graceful.go: this file was not generated by gracefulgen")
}

func TestReadOnlyFileMeansNothingWritten(t *testing.T) {
	dir := module(t, "basic")
	if err := os.Chmod(filepath.Join(dir, "other.go"), 0o444); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, dir, "other.go: file is read-only")
}

func TestDeletedGeneratedFileIsRecreated(t *testing.T) {
	dir := module(t, "basic")
	opts := defaultOptions(dir)
	run1(t, opts, ExitOK)
	converted := snapshot(t, dir)
	os.Remove(filepath.Join(dir, templates.FileName))
	run1(t, opts, ExitOK)
	after := snapshot(t, dir)
	gen := after[templates.FileName]
	for _, shim := range []string{"func gracefulListenAndServe(", "func gracefulServerListenAndServe(", "func gracefulListen(", "func gracefulServe("} {
		if !strings.Contains(gen, shim) {
			t.Errorf("recreated %s lacks %s:\n%s", templates.FileName, shim, gen)
		}
	}
	for _, f := range []string{"main.go", "other.go"} {
		if after[f] != converted[f] {
			t.Errorf("%s changed when zz_graceful.go was recreated", f)
		}
	}
	// The record was lost with the file: -revert rebuilds the calls by structure.
	opts.Revert = true
	msg := run1(t, opts, ExitOK)
	if !strings.Contains(msg, "reverted by structure") {
		t.Errorf("revert does not say it rebuilt calls by structure:\n%s", msg)
	}
	main := snapshot(t, dir)["main.go"]
	for _, want := range []string{"srv.ListenAndServe()", `http.ListenAndServe(":8080", mux)`} {
		if !strings.Contains(main, want) {
			t.Errorf("reverted main.go lacks %s:\n%s", want, main)
		}
	}
}

func TestPackageWithoutSitesLosesItsGeneratedFile(t *testing.T) {
	dir := module(t, "basic")
	opts := defaultOptions(dir)
	run1(t, opts, ExitOK)
	// The user replaces the program by one that starts no server.
	os.Remove(filepath.Join(dir, "other.go"))
	writeFiles(t, dir, map[string]string{"main.go": "package main\n\nfunc main() {}\n"})
	run1(t, opts, ExitOK)
	if _, ok := snapshot(t, dir)[templates.FileName]; ok {
		t.Errorf("%s kept although no site is left", templates.FileName)
	}
}

func TestRevertOfEditedCallFallsBackToStructure(t *testing.T) {
	dir := module(t, "basic")
	opts := defaultOptions(dir)
	run1(t, opts, ExitOK)
	main := snapshot(t, dir)["main.go"]
	edited := strings.Replace(main, `gracefulListenAndServe(":8080", mux)`, `gracefulListenAndServe(":9090", mux)`, 1)
	writeFiles(t, dir, map[string]string{"main.go": edited})
	opts.Revert = true
	run1(t, opts, ExitOK)
	if got := snapshot(t, dir)["main.go"]; !strings.Contains(got, `http.ListenAndServe(":9090", mux)`) || !strings.Contains(got, "srv.ListenAndServe()") {
		t.Errorf("revert lost the edit or did not restore the callee:\n%s", got)
	}
}

func TestSyntaxErrorIsPositionedAndNothingWritten(t *testing.T) {
	dir := module(t, "basic")
	writeFiles(t, dir, map[string]string{"broken.go": "package main\n\nfunc broken() {\n"})
	wantRefused(t, dir, "broken.go:3:", "fix the syntax error")
}
