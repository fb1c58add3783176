package graceful

import (
	"debug/elf"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Budgets of what the runtime adds to a converted program's binary, over
// the same program on plain net/http (internal/rsstwin built both ways).
// The mapped bytes are the file pages a process maps, which is what its
// RssFile grows by as it runs through them; issue 12 wants the runtime to
// add less than 1 MiB of RSS in all. At the time of writing: about 450 KiB
// mapped, 60 KiB of functions of other packages. Linking the TLS server
// where the program serves no TLS cost 540 KiB; log/slog with
// encoding/json 390 KiB.
const (
	maxAddedMapped    = 640 << 10
	maxAddedForeignFn = 128 << 10
)

// TestRuntimeAddsLittleCode builds internal/rsstwin with and without the
// runtime and checks what the runtime makes the program link: which
// packages, how many bytes of other packages' functions, and how many
// mapped bytes in all.
func TestRuntimeAddsLittleCode(t *testing.T) {
	dir := t.TempDir()
	plain, converted := filepath.Join(dir, "plain"), filepath.Join(dir, "converted")
	for _, b := range []struct{ out, tags string }{{plain, ""}, {converted, "graceful"}} {
		if out, err := exec.Command("go", "build", "-tags", b.tags, "-o", b.out, "./internal/rsstwin").CombinedOutput(); err != nil {
			t.Fatalf("build rsstwin (tags %q): %v\n%s", b.tags, err, out)
		}
	}
	p, c := linked(t, plain), linked(t, converted)
	httpDeps := listDeps(t, "linux", "net/http")
	var newPkgs []string
	foreign := 0
	for fn, size := range c.funcs {
		if _, ok := p.funcs[fn]; ok {
			continue
		}
		pkg := funcPackage(fn)
		if pkg == self {
			continue
		}
		foreign += size
		if pkg != "" && !p.pkgs[pkg] && !httpDeps[pkg] && !extraImports[pkg] && !newPkgSeen(newPkgs, pkg) {
			newPkgs = append(newPkgs, pkg)
		}
	}
	sort.Strings(newPkgs)
	added := c.mapped - p.mapped
	if len(c.funcs) == 0 || len(p.funcs) == 0 {
		t.Fatal("no function symbols in the binaries: built without a symbol table?")
	}
	t.Logf("the runtime adds %d KiB mapped (%d -> %d), %d KiB of functions of other packages", added>>10, p.mapped, c.mapped, foreign>>10)
	if len(newPkgs) > 0 {
		t.Errorf("the converted program links packages the plain one does not, beyond extraImports: %v", newPkgs)
	}
	if foreign > maxAddedForeignFn {
		t.Errorf("the runtime makes the program link %d KiB of other packages' functions, budget %d KiB", foreign>>10, maxAddedForeignFn>>10)
	}
	if added > maxAddedMapped {
		t.Errorf("the runtime adds %d KiB of mapped binary, budget %d KiB", added>>10, maxAddedMapped>>10)
	}
}

func newPkgSeen(list []string, pkg string) bool {
	for _, p := range list {
		if p == pkg {
			return true
		}
	}
	return false
}

// linkedCode is what a binary links: its functions with their sizes, the
// packages they belong to, and the bytes of file its loadable segments map.
type linkedCode struct {
	funcs  map[string]int
	pkgs   map[string]bool
	mapped int
}

func linked(t *testing.T, path string) linkedCode {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	lc := linkedCode{funcs: map[string]int{}, pkgs: map[string]bool{}}
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) != elf.STT_FUNC || s.Size == 0 {
			continue
		}
		lc.funcs[s.Name] = int(s.Size)
		lc.pkgs[funcPackage(s.Name)] = true
	}
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_LOAD {
			lc.mapped += int(prog.Filesz)
		}
	}
	return lc
}

// funcPackage returns the import path of the package of a Go function
// symbol ("net/http.(*Server).Serve", "slices.Sort[go.shape.int]",
// "type:.eq.net/http.Cookie"), "" for one the compiler generated for a
// type of no package ("type:.eq.struct { ... }").
func funcPackage(name string) string {
	name = strings.TrimPrefix(name, "type:.eq.")
	if strings.HasPrefix(name, "go.shape.") || strings.HasPrefix(name, "struct {") || strings.HasPrefix(name, "[") {
		return ""
	}
	if i := strings.IndexAny(name, "[("); i >= 0 {
		name = name[:i]
	}
	slash := strings.LastIndexByte(name, '/')
	if dot := strings.IndexByte(name[slash+1:], '.'); dot >= 0 {
		return name[:slash+1+dot]
	}
	return name
}
