package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

var (
	buildOnce sync.Once
	toolPath  string
	buildErr  error
	toolDir   string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if toolDir != "" {
		os.RemoveAll(toolDir)
	}
	os.Exit(code)
}

// buildTool builds gracefulvet once for all the tests.
func buildTool(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if toolDir, buildErr = os.MkdirTemp("", "gracefulvet-test"); buildErr != nil {
			return
		}
		toolPath = filepath.Join(toolDir, "gracefulvet")
		if out, err := exec.Command("go", "build", "-o", toolPath, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build gracefulvet: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return toolPath
}

// writeModule writes a module of the given files into a temporary directory.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module example.com/app\n\ngo 1.22\n"
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// run runs a command in dir and returns its combined output and exit code.
func run(t *testing.T, dir string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	return "", 0
}

const serverMain = `package main

import "net/http"

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {})
	_ = http.ListenAndServe(":8080", nil)
}
`

const handlerOnly = `package main

import "net/http"

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {})
}
`

func TestVetToolReportsAndFailsOnAServer(t *testing.T) {
	bin := buildTool(t)
	dir := writeModule(t, map[string]string{"main.go": serverMain})
	out, code := run(t, dir, "go", "vet", "-vettool="+bin, "./...")
	if code == 0 {
		t.Fatalf("go vet -vettool exited 0 on a program with a server start; output:\n%s", out)
	}
	for _, want := range []string{
		"main.go:7:6: http.ListenAndServe starts a server that is not restartable: run gracefulgen",
		"main.go:7:6: http.ListenAndServe cannot set timeouts",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("go vet -vettool output lacks %q:\n%s", want, out)
		}
	}
}

func TestVetToolIsQuietOnACleanProgram(t *testing.T) {
	bin := buildTool(t)
	dir := writeModule(t, map[string]string{"main.go": handlerOnly})
	if out, code := run(t, dir, "go", "vet", "-vettool="+bin, "./..."); code != 0 || out != "" {
		t.Fatalf("go vet -vettool on a program without servers: exit %d, output:\n%s", code, out)
	}
}

func TestStandaloneExitsThreeWhenItReports(t *testing.T) {
	bin := buildTool(t)
	dir := writeModule(t, map[string]string{"main.go": serverMain})
	out, code := run(t, dir, bin, "./...")
	if code != 3 || !strings.Contains(out, "starts a server that is not restartable") {
		t.Fatalf("gracefulvet ./...: exit %d (want 3), output:\n%s", code, out)
	}
}

func TestStandaloneSeesTaggedFilesOnlyWithTags(t *testing.T) {
	bin := buildTool(t)
	dir := writeModule(t, map[string]string{
		"main.go": handlerOnly,
		"prod.go": "//go:build prod\n\npackage main\n\nimport \"net/http\"\n\nfunc init() { go http.ListenAndServe(\":8080\", nil) }\n",
	})
	if out, code := run(t, dir, bin, "./..."); code != 0 {
		t.Fatalf("gracefulvet without -tags saw the file behind the prod tag: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"-tags", "prod", "./..."}, {"-tags=prod", "./..."}} {
		out, code := run(t, dir, bin, args...)
		if code != 3 || !strings.Contains(out, "prod.go:7:18: http.ListenAndServe starts a server") {
			t.Errorf("gracefulvet %v: exit %d (want 3), output:\n%s", args, code, out)
		}
	}
}

const serverWithoutTimeout = `package main

import "net/http"

func main() {
	srv := &http.Server{Addr: ":8080"}
	_ = srv
}
`

func TestStandaloneFixSetsTheTimeout(t *testing.T) {
	bin := buildTool(t)
	dir := writeModule(t, map[string]string{"main.go": serverWithoutTimeout})
	if out, code := run(t, dir, bin, "-fix", "./..."); code == 1 {
		t.Fatalf("gracefulvet -fix failed: %s", out)
	}
	checkFixed(t, bin, dir)
}

func TestGoFixWithTheFixToolSetsTheTimeout(t *testing.T) {
	bin := buildTool(t)
	dir := writeModule(t, map[string]string{"main.go": serverWithoutTimeout})
	if out, code := run(t, dir, "go", "fix", "-fixtool="+bin, "./..."); code != 0 {
		t.Fatalf("go fix -fixtool=gracefulvet: exit %d\n%s", code, out)
	}
	checkFixed(t, bin, dir)
}

// checkFixed checks that the program in dir has its timeout, is quiet
// under gracefulvet, and builds.
func checkFixed(t *testing.T, bin, dir string) {
	t.Helper()
	got, err := os.ReadFile(filepath.Join(dir, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(got, []byte(`ReadHeaderTimeout: 10 * time.Second`)) || !bytes.Contains(got, []byte(`"time"`)) {
		t.Fatalf("gracefulvet -fix did not add the timeout and its import:\n%s", got)
	}
	if out, code := run(t, dir, bin, "./..."); code != 0 {
		t.Fatalf("gracefulvet after -fix still reports (exit %d):\n%s", code, out)
	}
	if out, code := run(t, dir, "go", "build", "./..."); code != 0 {
		t.Fatalf("the fixed program does not build:\n%s", out)
	}
}

// cgoServer starts a server in a file that uses cgo.
const cgoServer = `package main

// int answer(void) { return 42; }
import "C"

import (
	"fmt"
	"net/http"
)

func main() {
	fmt.Println(C.answer())
	_ = http.ListenAndServe(":8080", nil)
}
`

// TestCgoFileIsSeen: a server started in a cgo file (import "C") is
// reported, at its position in the user's file, by the vet tool and the
// standalone checker.
func TestCgoFileIsSeen(t *testing.T) {
	testsupport.NeedTool(t, "gcc", "a C compiler (Debian package gcc), which cgo needs,")
	bin := buildTool(t)
	dir := writeModule(t, map[string]string{"main.go": cgoServer})
	const want = "main.go:13:6: http.ListenAndServe starts a server that is not restartable"
	for _, cmd := range [][]string{{"go", "vet", "-vettool=" + bin, "./..."}, {bin, "./..."}} {
		out, code := run(t, dir, cmd[0], cmd[1:]...)
		if code == 0 || !strings.Contains(out, want) {
			t.Errorf("%s: exit %d, output lacks %q:\n%s", strings.Join(cmd, " "), code, want, out)
		}
	}
}

const reloadsOnHangup = `package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	<-hup
}
`

// TestReportsAHandlerOfTheRestartSignal checks that gracefulvet says what
// gracefulgen says of a program that handles the restart signal itself,
// as a vet tool and standalone, and that -signal names another one.
func TestReportsAHandlerOfTheRestartSignal(t *testing.T) {
	bin := buildTool(t)
	dir := writeModule(t, map[string]string{"main.go": reloadsOnHangup})
	want := "main.go:11:2: signal.Notify asks for SIGHUP, the restart signal: converted, the program would restart on every SIGHUP instead of handling it; run gracefulgen -signal SIGUSR2"
	out, code := run(t, dir, "go", "vet", "-vettool="+bin, "./...")
	if code == 0 || !strings.Contains(out, want) {
		t.Errorf("go vet -vettool: exit %d, output lacks %q:\n%s", code, want, out)
	}
	out, code = run(t, dir, bin, "./...")
	if code != 3 || !strings.Contains(out, want) {
		t.Errorf("gracefulvet ./...: exit %d (want 3), output lacks %q:\n%s", code, want, out)
	}
	if out, code := run(t, dir, bin, "-signal", "SIGUSR2", "./..."); code != 0 {
		t.Errorf("gracefulvet -signal SIGUSR2 reports a SIGHUP handler: exit %d\n%s", code, out)
	}
}

// TestReportsAnOutsideFunctionThatServes gives a handler to a function of
// another module (a stand-in for kratos, go-zero, exporter-toolkit) that
// serves it: go vet (facts computed on the dependency) and the standalone
// checker name the call, with the function's package and the start it
// reaches; the dependency's own start is not reported, as it is not the
// program's code.
func TestReportsAnOutsideFunctionThatServes(t *testing.T) {
	bin := buildTool(t)
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/app\n\ngo 1.22\n\nrequire example.com/kit v1.0.0\n\nreplace example.com/kit v1.0.0 => ./kit\n",
		"main.go": `package main

import (
	"net/http"

	"example.com/kit"
)

func main() {
	_ = kit.Serve(":8080", http.NewServeMux())
}
`,
		"kit/go.mod": "module example.com/kit\n\ngo 1.22\n",
		"kit/kit.go": `// Package kit serves what it is given.
package kit

import (
	"net/http"
	"time"
)

// Serve serves h on addr.
func Serve(addr string, h http.Handler) error {
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: time.Second}
	srv.Handler = h
	return start(srv)
}

func start(srv *http.Server) error { return srv.ListenAndServe() }
`,
	}
	for name, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const want = "main.go:10:6: kit.Serve is not restartable: kit.Serve (example.com/kit) serves http.NewServeMux() itself through (*http.Server).ListenAndServe, out of gracefulgen's reach"
	for _, cmd := range [][]string{{"go", "vet", "-vettool=" + bin, "./..."}, {bin, "./..."}} {
		out, code := run(t, dir, cmd[0], cmd[1:]...)
		if code == 0 || !strings.Contains(out, want) {
			t.Errorf("%s: exit %d, output lacks %q:\n%s", strings.Join(cmd, " "), code, want, out)
		}
		if strings.Contains(out, "kit.go") {
			t.Errorf("%s reports the dependency's own code:\n%s", strings.Join(cmd, " "), out)
		}
	}
}
