package generator

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"

	"github.com/gracefulgen/gracefulgen/templates"
)

// provideRuntime makes sure the module in dir provides the runtime package
// that zz_graceful.go imports (a require in go.mod, or a go.work module).
// With get it runs `go get` to add it; otherwise it says which command does.
func provideRuntime(dir string, env []string, get bool) error {
	if goCmd(dir, env, "list", "-m", templates.RuntimePath) == nil {
		return nil
	}
	if !get {
		return fmt.Errorf("the module in %s does not provide %s, which the generated code imports: run `go get %s` there (or run gracefulgen with -get); nothing was written", dir, templates.RuntimePath, templates.RuntimePath)
	}
	if err := goCmd(dir, env, "get", templates.RuntimePath); err != nil {
		return fmt.Errorf("go get %s in %s: %v; nothing was written", templates.RuntimePath, dir, err)
	}
	return nil
}

// goCmd runs the go command in dir, returning its error output as the error.
func goCmd(dir string, env []string, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return fmt.Errorf("%s", msg)
		}
		return err
	}
	return nil
}
