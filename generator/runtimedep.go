package generator

import (
	"bytes"
	"errors"
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/gracefulgen/gracefulgen/templates"
)

// runtimeGo is the go line of the runtime module (runtime/go.mod; a test
// keeps the two equal): a module that requires the runtime needs at least
// this go line.
const runtimeGo = "1.21"

// zeroPseudo is the version the go command gives a module that a replace
// directive points at a directory, when no version is required.
const zeroPseudo = "v0.0.0-00010101000000-000000000000"

// modInfo is what gracefulgen reads of a module's go.mod.
type modInfo struct {
	dir      string
	goLine   string // "" when go.mod has no go line (the go command then assumes 1.16)
	requires bool   // go.mod requires the runtime
	required string // at this version
	replace  *modfile.Replace
	vendored bool // vendor/modules.txt exists: the go command builds with -mod=vendor
}

func readModInfo(dir string) (*modInfo, error) {
	path := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	mf, err := modfile.Parse(path, data, nil)
	if err != nil {
		return nil, err
	}
	m := &modInfo{dir: dir}
	if mf.Go != nil {
		m.goLine = mf.Go.Version
	}
	for _, r := range mf.Require {
		if r.Mod.Path == templates.RuntimePath {
			m.requires, m.required = true, r.Mod.Version
		}
	}
	for _, r := range mf.Replace {
		if r.Old.Path == templates.RuntimePath {
			m.replace = r
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "vendor", "modules.txt")); err == nil {
		m.vendored = true
	}
	return m, nil
}

// effectiveGo is the module's go line as the go command reads it.
func (m *modInfo) effectiveGo() string {
	if m.goLine == "" {
		return "1.16"
	}
	return m.goLine
}

// belowRuntime reports whether the module's go line is older than the
// runtime's, so that requiring the runtime moves it.
func (m *modInfo) belowRuntime() bool {
	return version.Compare("go"+m.effectiveGo(), "go"+runtimeGo) < 0
}

// getCommand is the exact command that adds the runtime requirement: at
// the version a replace directive names (so that no module proxy is asked
// when the runtime is a local checkout or a fork), else the latest.
func (m *modInfo) getCommand() string {
	v := "latest"
	switch {
	case m.requires:
		v = m.required // go get of the required version raises the go line
	case m.replace != nil:
		v = m.replace.Old.Version
		if v == "" {
			v = zeroPseudo
		}
	}
	return "go get " + templates.RuntimePath + "@" + v
}

// goLineMove says what raising the go line to the runtime's changes.
func goLineMove(from string) string {
	msg := fmt.Sprintf("the module's go line moves from %s to %s, the runtime's minimum (log/slog); loop variables keep their per-loop semantics (per-iteration ones come with go 1.22)", from, runtimeGo)
	if version.Compare("go"+from, "go1.17") < 0 {
		msg += ", and go.mod then lists indirect requirements too (module graph pruning, go 1.17)"
	}
	return msg
}

// provideRuntime makes sure the module in dir provides the runtime package
// that zz_graceful.go imports (a require in go.mod, or a go.work module).
// With get it runs the go get command that adds it, and returns a note
// when that moved the module's go line; otherwise it says which command
// does.
func provideRuntime(dir string, env []string, get bool) ([]string, error) {
	m, err := readModInfo(dir)
	if err != nil {
		return nil, fmt.Errorf("read the go.mod of %s: %w", dir, err)
	}
	if m.requires || (!m.vendored && goCmd(dir, env, "list", "-m", templates.RuntimePath) == nil) {
		return nil, nil
	}
	cmd := m.getCommand()
	if !get {
		advice := cmd
		if m.vendored {
			// go get alone leaves vendor/ inconsistent, and nothing loads.
			advice += " && go mod vendor"
		}
		msg := fmt.Sprintf("the module in %s does not provide %s, which the generated code imports: run `%s` there (or run gracefulgen with -get)", dir, templates.RuntimePath, advice)
		if m.belowRuntime() {
			msg += "; " + goLineMove(m.effectiveGo())
		}
		return nil, errors.New(msg + "; nothing was written")
	}
	if err := goCmd(dir, env, strings.Fields(cmd)[1:]...); err != nil {
		return nil, fmt.Errorf("%s in %s: %v; nothing was written", cmd, dir, err)
	}
	after, err := readModInfo(dir)
	if err != nil {
		return nil, fmt.Errorf("read the go.mod of %s: %w", dir, err)
	}
	note := fmt.Sprintf("%s: ran `%s`", filepath.Join(dir, "go.mod"), cmd)
	if after.effectiveGo() != m.effectiveGo() {
		note += "; " + goLineMove(m.effectiveGo())
	}
	return []string{note}, nil
}

// requireDirect drops the "// indirect" mark from the runtime's requirement
// in dir's go.mod: go get adds it before any file imports the runtime, and
// once the generated files do, go mod tidy would drop it too. Every other
// line of go.mod is kept as it is.
func requireDirect(dir string) error {
	path := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	mf, err := modfile.Parse(path, data, nil)
	if err != nil {
		return err
	}
	changed := false
	reqs := make([]*modfile.Require, 0, len(mf.Require))
	for _, r := range mf.Require {
		req := &modfile.Require{Mod: r.Mod, Indirect: r.Indirect}
		if r.Mod.Path == templates.RuntimePath && r.Indirect {
			req.Indirect, changed = false, true
		}
		reqs = append(reqs, req)
	}
	if !changed {
		return nil
	}
	mf.SetRequire(reqs)
	out, err := mf.Format()
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o666)
}

// goCmd runs the go command in dir, returning its error output as the error.
func goCmd(dir string, env []string, args ...string) error {
	_, err := goOutput(dir, env, args...)
	return err
}

// goOutput runs the go command in dir and returns its combined output; the
// error holds that output when the command fails.
func goOutput(dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(out.String()); msg != "" {
			return out.String(), fmt.Errorf("%s", msg)
		}
		return out.String(), err
	}
	return out.String(), nil
}
