package generator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// TestRuntimeGoLine keeps runtimeGo equal to the go line of the runtime
// module, which is what decides whether requiring it moves a module's.
func TestRuntimeGoLine(t *testing.T) {
	path := filepath.Join("..", "runtime", "go.mod")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	mf, err := modfile.Parse(path, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if mf.Go == nil || mf.Go.Version != runtimeGo {
		t.Fatalf("runtime/go.mod says go %v, runtimeGo is %s: keep them equal", mf.Go, runtimeGo)
	}
}

// TestGetCommand checks the go get command for each kind of go.mod.
func TestGetCommand(t *testing.T) {
	for _, tc := range []struct{ gomod, want string }{
		{"module m\n\ngo 1.20\n", "go get github.com/gracefulgen/gracefulgen/runtime@latest"},
		{"module m\n\ngo 1.20\n\nreplace github.com/gracefulgen/gracefulgen/runtime => ../rt\n", "go get github.com/gracefulgen/gracefulgen/runtime@" + zeroPseudo},
		{"module m\n\ngo 1.20\n\nreplace github.com/gracefulgen/gracefulgen/runtime v1.2.3 => github.com/fork/runtime v1.2.4\n", "go get github.com/gracefulgen/gracefulgen/runtime@v1.2.3"},
		{"module m\n\ngo 1.20\n\nrequire github.com/gracefulgen/gracefulgen/runtime v0.4.0\n", "go get github.com/gracefulgen/gracefulgen/runtime@v0.4.0"},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(tc.gomod), 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := readModInfo(dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.getCommand(); got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.gomod, got, tc.want)
		}
		if !m.belowRuntime() {
			t.Errorf("%q: go 1.20 should be below the runtime's %s", tc.gomod, runtimeGo)
		}
	}
}

// TestFixAdvice checks the command printed for each failed build.
func TestFixAdvice(t *testing.T) {
	old := &modInfo{dir: "/m", goLine: "1.20", requires: true, required: "v0.0.0"}
	cur := &modInfo{dir: "/m", goLine: "1.22", requires: true, required: "v0.2.0"}
	for _, tc := range []struct {
		m         *modInfo
		out, want string
	}{
		{old, "go: updates to go.mod needed; to update it:\n\tgo mod tidy", "fix: run `go get github.com/gracefulgen/gracefulgen/runtime@v0.0.0` in /m"},
		{cur, "go: inconsistent vendoring in /m:", "fix: run `go mod vendor` in /m"},
		{cur, "main.go:3:2: missing go.sum entry for module providing package github.com/gracefulgen/gracefulgen/runtime", "fix: run `go get github.com/gracefulgen/gracefulgen/runtime@v0.2.0` in /m"},
		{cur, "main.go:3:2: missing go.sum entry for module providing package example.com/other", "fix: run `go mod tidy` in /m"},
		{cur, "./main.go:5:2: undefined: x", "fix the errors above in /m"},
	} {
		if got := fixAdvice(tc.m, tc.out); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%q: got %q, want prefix %q", tc.out, got, tc.want)
		}
	}
}
