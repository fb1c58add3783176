package graceful

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// extraImports are the packages the runtime may link beyond what net/http
// links anyway (every converted program serves with net/http): the signal
// handlers and the PATH lookup of a restart. Anything else is paid for by
// every converted program in binary size and resident memory (issue 12:
// the runtime adds less than 1 MiB of RSS); log/slog and encoding/json, the
// largest it once linked, are left out on purpose (log.go, sockjson.go).
// A package added here must be worth its cost, measured with
// internal/rsstwin.
var extraImports = map[string]bool{
	"os/exec":   true,
	"os/signal": true,
}

// self is the runtime's import path.
const self = "github.com/gracefulgen/gracefulgen/runtime"

// listDeps returns the packages pkg imports, itself included, on goos
// (amd64), each with whether it is in the standard library.
func listDeps(t *testing.T, goos, pkg string) map[string]bool {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", pkg)
	cmd.Env = append(cmd.Environ(), "GOOS="+goos, "GOARCH=amd64")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("GOOS=%s go list -deps %s: %v", goos, pkg, err)
	}
	m := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, std, _ := strings.Cut(line, " ")
		m[path] = std == "true"
	}
	return m
}

// TestRuntimeImportsOnlyWhatItNeeds lists, on every platform the runtime
// builds for, the packages it imports beyond net/http's, and checks them
// against extraImports; and that every one is in the standard library.
func TestRuntimeImportsOnlyWhatItNeeds(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "freebsd", "windows"} {
		runtimeDeps, httpDeps := listDeps(t, goos, self), listDeps(t, goos, "net/http")
		var extra, nonStd []string
		for path, std := range runtimeDeps {
			switch {
			case path == self:
			case !std:
				nonStd = append(nonStd, path)
			case !httpDeps[path] && !extraImports[path]:
				extra = append(extra, path)
			}
		}
		sort.Strings(extra)
		sort.Strings(nonStd)
		if len(nonStd) > 0 {
			t.Errorf("GOOS=%s: the runtime imports packages outside the standard library: %v", goos, nonStd)
		}
		if len(extra) > 0 {
			t.Errorf("GOOS=%s: the runtime imports %v beyond net/http's packages and extraImports: every converted program links them (see extraImports)", goos, extra)
		}
		for path := range extraImports {
			if !runtimeDeps[path] {
				t.Errorf("GOOS=%s: extraImports lists %s, which the runtime no longer imports: remove it", goos, path)
			}
		}
	}
}
