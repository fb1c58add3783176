package gracefulgen_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

// proxyVersion is the version under which the fake module proxy of the
// install test publishes this worktree's tool and runtime modules.
const proxyVersion = "v0.0.1"

// fakeProxy builds, in the script's $WORK/proxy, a file-system module
// proxy that serves this worktree's tool module and runtime module at
// proxyVersion (zipped as the go command would fetch them), and sets
// GOPROXY to it followed by the local module cache (for the tool's own
// dependencies), so that `go run github.com/gracefulgen/gracefulgen/cmd/
// gracefulgen@version` runs exactly as for a user, without the network.
func fakeProxy(t *testing.T) func(ts *testscript.TestScript, neg bool, args []string) {
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	return func(ts *testscript.TestScript, neg bool, args []string) {
		proxy := ts.MkAbs("proxy")
		for path, dir := range map[string]string{
			"github.com/gracefulgen/gracefulgen":         root,
			"github.com/gracefulgen/gracefulgen/runtime": runtimeDir(t),
		} {
			escaped, err := module.EscapePath(path)
			ts.Check(err)
			vdir := filepath.Join(proxy, filepath.FromSlash(escaped), "@v")
			ts.Check(os.MkdirAll(vdir, 0o755))
			var z bytes.Buffer
			ts.Check(zip.CreateFromDir(&z, module.Version{Path: path, Version: proxyVersion}, dir))
			gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
			ts.Check(err)
			files := map[string][]byte{
				"list":                 []byte(proxyVersion + "\n"),
				proxyVersion + ".info": []byte(`{"Version":"` + proxyVersion + `","Time":"2026-11-27T00:00:00Z"}`),
				proxyVersion + ".mod":  gomod,
				proxyVersion + ".zip":  z.Bytes(),
			}
			for name, data := range files {
				ts.Check(os.WriteFile(filepath.Join(vdir, name), data, 0o644))
			}
		}
		cache := strings.TrimSpace(goEnv(t, "GOMODCACHE"))
		ts.Setenv("GOPROXY", "file://"+filepath.ToSlash(proxy)+",file://"+filepath.ToSlash(filepath.Join(cache, "cache", "download")))
		ts.Setenv("GOSUMDB", "off")
		ts.Setenv("GOFLAGS", "")
	}
}

func goEnv(t *testing.T, name string) string {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return string(out)
}
