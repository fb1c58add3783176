package harness

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// benchModule is the bench module's path; its directory is found with go list.
const benchModule = "github.com/gracefulgen/gracefulgen/bench"

// builder compiles the rows' servers into workDir/bin.
type builder struct {
	benchDir string // the bench module's directory
	repoDir  string // the repository root: the tool module, runtime/ beside bench/
	workDir  string
	// converted, when set, is a directory holding an already converted copy
	// of servers/plain to build instead of running the generator
	// (development only; the table says so).
	converted string
	generator string // the built gracefulgen command, once built
	// prebuilt, when set, holds the binaries, named by row, of an earlier
	// build: build only finds them there.
	prebuilt string
}

// newBuilder finds the bench module and the repository around it.
func newBuilder(workDir, converted string) (*builder, error) {
	out, err := goCmd("", nil, "list", "-m", "-f", "{{.Dir}}", benchModule)
	if err != nil {
		return nil, fmt.Errorf("find the bench module (run from the repository, where go.work lists ./bench): %w", err)
	}
	benchDir := strings.TrimSpace(out)
	return &builder{benchDir: benchDir, repoDir: filepath.Dir(benchDir), workDir: workDir, converted: converted}, nil
}

// build compiles the row's server and returns the binary's path. note says
// anything the table must tell about how the binary was made.
func (b *builder) build(row Row) (bin, note string, err error) {
	if b.prebuilt != "" {
		bin = filepath.Join(b.prebuilt, row.Name)
		if _, err := os.Stat(bin); err != nil {
			return "", "", fmt.Errorf("no prebuilt binary for %s (build it with restartbench -build-only -work DIR): %w", row.Name, err)
		}
		return bin, "prebuilt (" + b.prebuilt + ")", nil
	}
	bin = filepath.Join(b.workDir, "bin", row.Name)
	if !row.Convert {
		_, err := goCmd(b.benchDir, nil, "build", "-o", bin, "./"+row.Server)
		return bin, "", err
	}
	appDir := b.converted
	if appDir != "" {
		note = "hand-converted copy (-converted), not the generator's output"
		if err := b.writeWorkspace(appDir); err != nil {
			return "", "", err
		}
	} else {
		if appDir, err = b.convert(row.Server); err != nil {
			return "", "", err
		}
	}
	_, err = goCmd(appDir, b.workspaceEnv(), "build", "-o", bin, ".")
	return bin, note, err
}

// convert copies the program in server to a module of its own under the work
// directory, runs the gracefulgen command on it, and returns its directory.
func (b *builder) convert(server string) (string, error) {
	if b.generator == "" {
		gen := filepath.Join(b.workDir, "bin", "gracefulgen-cmd")
		if _, err := goCmd(b.repoDir, nil, "build", "-o", gen, "./cmd/gracefulgen"); err != nil {
			return "", fmt.Errorf("build the gracefulgen command: %w", err)
		}
		b.generator = gen
	}
	appDir := filepath.Join(b.workDir, "convert", "app")
	if err := os.MkdirAll(appDir, 0o755); err != nil {
		return "", err
	}
	if err := b.writeWorkspace(appDir); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(appDir, "go.mod"), []byte("module benchapp\n\ngo 1.26.0\n"), 0o644); err != nil {
		return "", err
	}
	if err := copyGoFiles(filepath.Join(b.benchDir, server), appDir); err != nil {
		return "", err
	}
	cmd := exec.Command(b.generator, "./...")
	cmd.Dir, cmd.Env = appDir, append(os.Environ(), b.workspaceEnv()...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("gracefulgen ./... on a copy of %s: %w: %s", server, err, headed(out))
	}
	if _, err := os.Stat(filepath.Join(appDir, "zz_graceful.go")); err != nil {
		return "", fmt.Errorf("gracefulgen ./... on a copy of %s wrote no zz_graceful.go: %w", server, err)
	}
	return appDir, nil
}

// writeWorkspace writes the conversion's go.work, which ties appDir to the
// local bench module (for the handler) and runtime module (for the generated
// code).
func (b *builder) writeWorkspace(appDir string) error {
	if err := os.MkdirAll(filepath.Join(b.workDir, "convert"), 0o755); err != nil {
		return err
	}
	work := fmt.Sprintf("go 1.26.0\n\nuse (\n\t%s\n\t%s\n\t%s\n)\n", appDir, b.benchDir, filepath.Join(b.repoDir, "runtime"))
	if err := os.WriteFile(filepath.Join(b.workDir, "convert", "go.work"), []byte(work), 0o644); err != nil {
		return fmt.Errorf("write the conversion's go.work: %w", err)
	}
	return nil
}

// workspaceEnv selects the conversion's go.work.
func (b *builder) workspaceEnv() []string {
	return []string{"GOWORK=" + filepath.Join(b.workDir, "convert", "go.work")}
}

// copyGoFiles copies the non-test Go files of dir src into dst.
func copyGoFiles(src, dst string) error {
	es, err := os.ReadDir(src)
	if err != nil {
		return fmt.Errorf("copy program: %w", err)
	}
	for _, e := range es {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return fmt.Errorf("copy program: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			return fmt.Errorf("copy program: %w", err)
		}
	}
	return nil
}

// goCmd runs the go command in dir with extra environment and returns its
// standard output; the error carries its standard error.
func goCmd(dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s (in %s): %w: %s", strings.Join(args, " "), dir, err, headed(stderr.Bytes()))
	}
	return string(out), nil
}

// headed returns a command's output with its first non-empty line first, so
// that the first line of an error (what the table shows) says what failed.
func headed(out []byte) string {
	text := strings.TrimSpace(string(out))
	first, _, _ := strings.Cut(text, "\n")
	if first == text {
		return text
	}
	return first + "\n" + text
}
