package generator

import (
	"bytes"
	"fmt"
	"go/token"
	"sort"

	"golang.org/x/tools/go/analysis"
)

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// offsets converts analysis edits, which must all lie in tf, to byte offsets.
func offsets(tf *token.File, edits []analysis.TextEdit) ([]edit, error) {
	out := make([]edit, 0, len(edits))
	for _, e := range edits {
		end := e.End
		if !end.IsValid() {
			end = e.Pos
		}
		if !within(tf, e.Pos) || !within(tf, end) || end < e.Pos {
			return nil, fmt.Errorf("edit at %v lies outside %s", e.Pos, tf.Name())
		}
		out = append(out, edit{tf.Offset(e.Pos), tf.Offset(end), string(e.NewText)})
	}
	return out, nil
}

// within reports whether pos lies in tf (its end included).
func within(tf *token.File, pos token.Pos) bool {
	return int(pos) >= tf.Base() && int(pos) <= tf.Base()+tf.Size()
}

// splice applies edits to src: it sorts them, rejects overlapping ones, and
// copies the bytes between them.
func splice(src []byte, edits []edit) ([]byte, error) {
	edits = append([]edit(nil), edits...)
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].start != edits[j].start {
			return edits[i].start < edits[j].start
		}
		return edits[i].end < edits[j].end
	})
	var out bytes.Buffer
	last := 0
	for i, e := range edits {
		if e.start < last || e.end < e.start || e.end > len(src) {
			return nil, fmt.Errorf("edit %d [%d,%d) overlaps the previous edit or lies outside the file (%d bytes)", i, e.start, e.end, len(src))
		}
		out.Write(src[last:e.start])
		out.WriteString(e.text)
		last = e.end
	}
	out.Write(src[last:])
	return out.Bytes(), nil
}
