package generator

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommitRestoresEveryFileWhenALaterWriteFails(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.go"), filepath.Join(dir, "b.go"), filepath.Join(dir, "c.go")
	writeFiles(t, dir, map[string]string{"a.go": "old a", "b.go": "old b"})
	old := rename
	t.Cleanup(func() { rename = old })
	rename = func(from, to string) error {
		if to == b {
			return errors.New("disk full")
		}
		return os.Rename(from, to)
	}
	err := commit([]change{
		{Path: a, Old: []byte("old a"), New: []byte("new a")},
		{Path: c, New: []byte("new c")},
		{Path: b, Old: []byte("old b"), New: []byte("new b")},
	}, func(s string) string { return filepath.Base(s) })
	if err == nil || !strings.Contains(err.Error(), "b.go: disk full; the files already written were restored") {
		t.Fatalf("commit error = %v, want one naming b.go and saying the files were restored", err)
	}
	got := snapshot(t, dir)
	want := map[string]string{"a.go": "old a", "b.go": "old b"}
	diffFiles(t, want, got)
}

func TestCommitWritesAndDeletes(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.go": "old a", "gone.go": "x"})
	if err := os.Chmod(filepath.Join(dir, "a.go"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := commit([]change{
		{Path: filepath.Join(dir, "a.go"), Old: []byte("old a"), New: []byte("new a")},
		{Path: filepath.Join(dir, "gone.go"), Old: []byte("x")},
	}, filepath.Base)
	if err != nil {
		t.Fatal(err)
	}
	diffFiles(t, map[string]string{"a.go": "new a"}, snapshot(t, dir))
	if info, err := os.Stat(filepath.Join(dir, "a.go")); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("a.go lost its permissions: %v %v", info.Mode(), err)
	}
}

func TestSpliceRejectsOverlappingEdits(t *testing.T) {
	if _, err := splice([]byte("abcdef"), []edit{{1, 3, "x"}, {2, 4, "y"}}); err == nil {
		t.Fatal("splice accepted overlapping edits")
	}
	got, err := splice([]byte("abcdef"), []edit{{4, 5, "E"}, {0, 1, "A"}, {2, 2, "+"}})
	if err != nil || string(got) != "Ab+cdEf" {
		t.Fatalf("splice = %q, %v; want %q", got, err, "Ab+cdEf")
	}
}

func TestRecordRoundTrip(t *testing.T) {
	r := &record{
		calls: []callRecord{
			{File: "main.go", Shim: "gracefulServe2", Kind: "func", Form: formCall, After: "gracefulServe2(l, h)", Before: "http.Serve(l, h)"},
			{File: "a b.go", Shim: "gracefulServerListenAndServe", Kind: "method", Form: formValue, After: "func() error { return gracefulServerListenAndServe(srv) }", Before: "srv.ListenAndServe"},
		},
		imports: []importsRecord{{File: "main.go", After: "\n\nimport \"log\"", Before: "\n\nimport (\n\t\"log\"\n\t\"net/http\"\n)"}},
	}
	src := "package p\n\n//" + strings.Join(r.lines(), "\n//") + "\n"
	back, err := parseRecord([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(back.lines(), "\n"), strings.Join(r.lines(), "\n"); got != want {
		t.Errorf("record changed in a round trip:\n%s\nwant\n%s", got, want)
	}
	if _, err := parseRecord([]byte("//gracefulgen:call \"main.go\" x func\n")); err == nil {
		t.Error("a truncated record line was accepted")
	}
}

func TestShimFromName(t *testing.T) {
	for name, ok := range map[string]bool{
		"gracefulListenAndServe": true, "gracefulServerServeTLS3": true, "gracefulListenConfigListen": true,
		"gracefulServerListen": false, "gracefulListenConfigServe": false, "gracefulFoo": false, "ListenAndServe": false,
	} {
		if _, got := shimFromName(name); got != ok {
			t.Errorf("shimFromName(%q) ok = %v, want %v", name, got, ok)
		}
	}
}
