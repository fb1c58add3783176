// Command demo shows gracefulgen's main job on the bundled example, in one
// command run from the repository root:
//
//	go run ./internal/cmd/demo
//
// It copies example/hello (a plain net/http program) into a temporary
// module, converts it with gracefulgen (printing the diff), builds it against
// the local runtime, starts it on a free loopback port, and restarts it
// several times with SIGHUP under concurrent load (keep-alive and
// new-connection POST clients, which cannot be silently retried), then prints
// how many requests failed. It exits non-zero if any did.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

func main() {
	restarts := flag.Int("restarts", 10, "restarts under load")
	keep := flag.Bool("keep", false, "keep the temporary directory and print its path")
	flag.Parse()
	if err := run(*restarts, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(restarts int, keep bool) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "gracefulgen-demo")
	if err != nil {
		return err
	}
	if keep {
		fmt.Println("demo: working in", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	bin := filepath.Join(tmp, "bin")
	app := filepath.Join(tmp, "hello")

	step("building gracefulgen and the load tool")
	if err := goCmd(root, "build", "-o", filepath.Join(bin, "gracefulgen"), "./cmd/gracefulgen"); err != nil {
		return err
	}
	if err := goCmd(root, "build", "-o", filepath.Join(bin, "restartload"), "./runtime/internal/cmd/restartload"); err != nil {
		return err
	}

	step("copying example/hello, a plain net/http program, into a module of its own")
	if err := copyExample(root, app); err != nil {
		return err
	}

	step("gracefulgen -diff: what the conversion changes")
	// -diff exits 1 when there are changes, which is what we expect here.
	if err := runIn(app, filepath.Join(bin, "gracefulgen"), "-diff"); err != nil && exitCode(err) != 1 {
		return fmt.Errorf("gracefulgen -diff: %w", err)
	}
	step("gracefulgen: converting")
	if err := runIn(app, filepath.Join(bin, "gracefulgen"), "-v"); err != nil {
		return fmt.Errorf("gracefulgen: %w", err)
	}
	if err := goCmd(app, "build", "-o", filepath.Join(bin, "hello"), "."); err != nil {
		return err
	}

	addr, err := testsupport.FindFreeAddr()
	if err != nil {
		return err
	}
	step(fmt.Sprintf("restarting the converted program %d times under load on %s", restarts, addr))
	var out bytes.Buffer
	load := exec.Command(filepath.Join(bin, "restartload"),
		"-cmd", filepath.Join(bin, "hello")+" -addr "+addr,
		"-addr", addr, "-path", "/", "-restarts", strconv.Itoa(restarts))
	load.Dir = tmp
	load.Stdout, load.Stderr = io.MultiWriter(os.Stdout, &out), os.Stderr
	loadErr := load.Run()
	var requests, failed, done int
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "total: ") {
			fmt.Sscanf(line, "total: %d requests, %d failed, %d restarts", &requests, &failed, &done)
		}
	}
	fmt.Printf("\n%d failed of %d requests across %d restarts\n", failed, requests, done)
	if loadErr != nil {
		return fmt.Errorf("requests failed or restarts did not complete: %w", loadErr)
	}
	return nil
}

// copyExample writes the example program into dir with a go.mod that uses
// the runtime from this checkout, as a user's module would use a release.
func copyExample(root, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	src, err := os.ReadFile(filepath.Join(root, "example", "hello", "main.go"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), src, 0o644); err != nil {
		return err
	}
	mod := fmt.Sprintf(`module example.com/hello

go 1.22

require github.com/gracefulgen/gracefulgen/runtime v0.0.0

replace github.com/gracefulgen/gracefulgen/runtime => %s
`, filepath.Join(root, "runtime"))
	return os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644)
}

// repoRoot finds the repository root: the directory holding go.work.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("run the demo from the gracefulgen repository (no go.work above the current directory)")
		}
		dir = parent
	}
}

// goCmd runs the go command in dir. Outside the repository the workspace
// does not apply, so the example module is built on its own.
func goCmd(dir string, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s (in %s): %w", strings.Join(args, " "), dir, err)
	}
	return nil
}

func runIn(dir, prog string, args ...string) error {
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

func step(s string) { fmt.Printf("\n== %s\n", s) }
