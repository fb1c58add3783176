package generator

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/tools/go/packages"

	"github.com/gracefulgen/gracefulgen/templates"
)

// readIfExists reads a file, reporting whether it exists.
func readIfExists(path string) ([]byte, bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// isOurs reports whether src is a file gracefulgen generated: one of its
// lines before the package clause is exactly templates.Header.
func isOurs(src []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := bytes.TrimRight(sc.Bytes(), "\r")
		if string(line) == templates.Header {
			return true
		}
		if bytes.HasPrefix(line, []byte("package ")) {
			return false
		}
	}
	return false
}

// isGenFile reports whether path names a zz_graceful.go.
func isGenFile(path string) bool { return filepath.Base(path) == templates.FileName }

// pkgDir returns the directory of a package's files.
func pkgDir(pkg *packages.Package) string {
	for _, list := range [][]string{pkg.GoFiles, pkg.IgnoredFiles, pkg.OtherFiles} {
		if len(list) > 0 {
			return filepath.Dir(list[0])
		}
	}
	return pkg.Dir
}
