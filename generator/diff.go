package generator

import (
	"io"

	"github.com/rogpeppe/go-internal/diff"
)

// writeDiff prints a unified diff of every change, paths relative to the
// working directory; a deleted file is diffed against nothing.
func writeDiff(w io.Writer, changes []change, rel func(string) string) error {
	for _, c := range changes {
		name := rel(c.Path)
		if _, err := w.Write(diff.Diff(name, c.Old, name, c.New)); err != nil {
			return err
		}
	}
	return nil
}
