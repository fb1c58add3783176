package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gracefulgen/gracefulgen/templates"
)

// modSnapshot keeps go.mod and go.sum of a module as they were before the
// run, so that a run whose result does not build can be undone whole.
type modSnapshot struct {
	dir        string
	mod, sum   []byte
	hadSum     bool
	vendored   bool
	vendorSeen bool
}

func snapshotModule(dir string) (*modSnapshot, error) {
	s := &modSnapshot{dir: dir}
	var err error
	if s.mod, err = os.ReadFile(filepath.Join(dir, "go.mod")); err != nil {
		return nil, err
	}
	if s.sum, err = os.ReadFile(filepath.Join(dir, "go.sum")); err == nil {
		s.hadSum = true
	}
	_, err = os.Stat(filepath.Join(dir, "vendor", "modules.txt"))
	s.vendored = err == nil
	return s, nil
}

// restore puts go.mod and go.sum back, and the vendor directory as the
// restored go.mod and files make it.
func (s *modSnapshot) restore(env []string) error {
	if err := os.WriteFile(filepath.Join(s.dir, "go.mod"), s.mod, 0o644); err != nil {
		return err
	}
	sum := filepath.Join(s.dir, "go.sum")
	if s.hadSum {
		if err := os.WriteFile(sum, s.sum, 0o644); err != nil {
			return err
		}
	} else {
		os.Remove(sum)
	}
	if s.vendored {
		return goCmd(s.dir, env, "mod", "vendor")
	}
	return nil
}

// settle finishes a module after its files were written: a vendored
// module gets its vendor directory brought up to date (`go mod vendor`,
// which needs the new imports to exist), then every package the run
// changed in the module is built as the go command will build it. It
// returns what was done, or an error that says what failed and the exact
// command that fixes it.
func settle(dir string, pkgDirs []string, tags string, env []string) ([]string, error) {
	m, err := readModInfo(dir)
	if err != nil {
		return nil, fmt.Errorf("read the go.mod of %s: %w", dir, err)
	}
	if len(pkgDirs) > 0 && m.requires {
		// The converted packages import the runtime now.
		if err := requireDirect(dir); err != nil {
			return nil, fmt.Errorf("mark the runtime requirement direct in %s: %w", filepath.Join(dir, "go.mod"), err)
		}
	}
	var notes []string
	if m.vendored {
		if out, err := goOutput(dir, env, "mod", "vendor"); err != nil {
			return nil, fmt.Errorf("go mod vendor in %s: %s", dir, strings.TrimSpace(out))
		}
		notes = append(notes, fmt.Sprintf("%s: ran `go mod vendor` (the module is vendored; the runtime is vendored with it)", filepath.Join(dir, "vendor")))
	}
	if len(pkgDirs) == 0 {
		return notes, nil
	}
	// -o os.DevNull: build every package, main or not, and keep nothing.
	args := []string{"build", "-o", os.DevNull}
	if tags != "" {
		args = append(args, "-tags="+tags)
	}
	sort.Strings(pkgDirs)
	for _, d := range pkgDirs {
		rel, err := filepath.Rel(dir, d)
		if err != nil {
			return nil, err
		}
		args = append(args, "./"+filepath.ToSlash(rel))
	}
	out, err := goOutput(dir, env, args...)
	if err == nil {
		return notes, nil
	}
	return nil, fmt.Errorf("the converted packages would not build:\n%s\n%s", strings.TrimSpace(out), fixAdvice(m, out))
}

// fixAdvice names the command that fixes a failed build, from the go
// command's output and the module's go.mod.
func fixAdvice(m *modInfo, out string) string {
	in := " in " + m.dir + ", then run gracefulgen again"
	switch {
	case m.belowRuntime() && (strings.Contains(out, "updates to go.mod needed") || strings.Contains(out, "requires go >=")):
		return fmt.Sprintf("fix: run `%s`%s (%s)", m.getCommand(), in, goLineMove(m.effectiveGo()))
	case strings.Contains(out, "inconsistent vendoring"), strings.Contains(out, "vendor/modules.txt"):
		return "fix: run `go mod vendor`" + in
	case !m.requires && strings.Contains(out, "no required module provides"),
		strings.Contains(out, "missing go.sum entry") && strings.Contains(out, templates.RuntimePath):
		return "fix: run `" + m.getCommand() + "`" + in
	case strings.Contains(out, "missing go.sum entry"), strings.Contains(out, "updates to go.mod needed"):
		return "fix: run `go mod tidy`" + in
	}
	return "fix the errors above" + in
}

// write adds the runtime requirement where it is missing, writes every
// change, brings vendor directories up to date and checks that the
// changed packages build. When any step fails, files, go.mod, go.sum and
// vendor/ are put back as they were and the error says what to run.
func (r *run) write(changes []change) error {
	var snaps []*modSnapshot
	undoMods := func() error {
		var errs []string
		for _, s := range snaps {
			if err := s.restore(r.opts.Env); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", s.dir, err))
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("restoring go.mod also failed: %s", strings.Join(errs, "; "))
		}
		return nil
	}
	var notes []string
	for _, dir := range r.modDirs {
		s, err := snapshotModule(dir)
		if err != nil {
			return fmt.Errorf("read the go.mod of %s: %w", dir, err)
		}
		snaps = append(snaps, s)
		n, err := provideRuntime(dir, r.opts.Env, r.opts.Get)
		if err != nil {
			if uerr := undoMods(); uerr != nil {
				return fmt.Errorf("%v; %v", err, uerr)
			}
			return err
		}
		notes = append(notes, n...)
	}
	if err := commit(changes, r.planner.rel); err != nil {
		if uerr := undoMods(); uerr != nil {
			return fmt.Errorf("%v; %v", err, uerr)
		}
		return err
	}
	for _, dir := range r.modDirs {
		n, err := settle(dir, r.changedPkgDirs(changes, dir), r.opts.Tags, r.opts.Env)
		if err != nil {
			rerr := restoreChanges(changes)
			uerr := undoMods()
			if rerr != nil || uerr != nil {
				return fmt.Errorf("%v\nputting the files back also failed: %v %v", err, rerr, uerr)
			}
			return fmt.Errorf("%v\nnothing was changed (files, go.mod, go.sum and vendor/ are as they were)", err)
		}
		notes = append(notes, n...)
	}
	for _, n := range notes {
		// Notes start with the path they are about: show it relative.
		if path, rest, ok := strings.Cut(n, ": "); ok {
			n = r.planner.rel(path) + ": " + rest
		}
		fmt.Fprintf(r.opts.Stderr, "gracefulgen: %s\n", n)
	}
	return nil
}

// changedPkgDirs lists the directories under module dir that hold a
// changed file of the run.
func (r *run) changedPkgDirs(changes []change, dir string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range changes {
		d := filepath.Dir(c.Path)
		if seen[d] || !inDir(dir, d) {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && d != dir {
			continue // a nested module
		}
		seen[d] = true
		out = append(out, d)
	}
	return out
}

func inDir(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// restoreChanges puts back the files of a committed run.
func restoreChanges(changes []change) error {
	changes, err := throughLinks(changes)
	if err != nil {
		return err
	}
	return restore(changes)
}
