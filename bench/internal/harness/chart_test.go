package harness

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// syntheticReport has a row of each kind the chart must draw: clean, with
// failures in the thousands, down as PID 1, never exclusive, not built.
func syntheticReport() Report {
	ms := func(v ...int) []time.Duration {
		var out []time.Duration
		for _, x := range v {
			out = append(out, time.Duration(x)*time.Millisecond)
		}
		return out
	}
	failed := func(counts ...int) (f [4]testsupport.Failures) {
		for i, n := range counts {
			f[i][testsupport.Reset] = n
		}
		return f
	}
	run := func(pid1 bool, handovers, exclusive []time.Duration, never int, f [4]testsupport.Failures) RunResult {
		r := RunResult{PID1: pid1, Attempted: 20, Handovers: handovers, Exclusive: exclusive, NeverExclusive: never}
		for i := range f {
			r.Load.Failed[i] = f[i]
		}
		return r
	}
	o := Defaults
	o.Restarts = 20
	return Report{Options: o, Rows: []RowReport{
		{Row: Rows[0], Runs: []RunResult{
			run(false, ms(30, 35, 40), ms(31, 36, 44), 0, failed(0, 0, 0, 0)),
			run(true, ms(33, 39), ms(34, 40), 0, failed(0, 0, 0, 0)),
		}},
		{Row: Rows[1], Runs: []RunResult{
			run(false, ms(15, 16, 90), ms(15, 16, 90), 0, failed(0, 18, 15, 2)),
			{PID1: true, Attempted: 1, DownAt: 1, Handovers: ms(125)},
		}},
		{Row: Rows[3], Runs: []RunResult{
			run(false, ms(70, 75), ms(70, 80), 0, failed(0, 40, 0, 7)),
			{PID1: true, Attempted: 20, NotRetired: 20, Handovers: ms(88), NeverExclusive: 1},
		}},
		{Row: Rows[4], BuildErr: errors.New("go build: no Go files")},
		{Row: Rows[5], Runs: []RunResult{
			run(false, ms(120, 130), nil, 2, failed(3059, 3144, 3119, 2900)),
		}},
	}}
}

func TestSVGMatchesGoldenAndIsWellFormed(t *testing.T) {
	var b bytes.Buffer
	if err := syntheticReport().SVG(&b, "2026-11-27, 2 cores <synthetic> & \"quoted\"\ngo run ./bench/cmd/restartbench -restarts 20"); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "chart.golden.svg")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./bench/internal/harness -run SVG -update to write it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("the chart differs from %s (go test -run SVG -update rewrites it; check the diff):\n%s", golden, b.String())
	}
	// Every element closed, every text escaped: an XML parser reads it to
	// the end, and finds one bar per row and series that has a value.
	d := xml.NewDecoder(&b)
	rects, texts := 0, []string{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Local == "rect" {
				rects++
			}
		case xml.CharData:
			texts = append(texts, string(e))
		}
	}
	// Bars: failed, 4 modes x 4 rows run (one with zero-height bars); handover, 2 x 3
	// rows plus 1 for stopstart (exclusive never). Legends 4 + 2, background 1.
	if want := 4*4 + 2*3 + 1 + 6 + 1; rects != want {
		t.Errorf("%d rects, want %d", rects, want)
	}
	all := strings.Join(texts, "|")
	for _, want := range []string{"3144", "as PID 1: down at restart 1", "20 old alive past 3s", "could not be built", "never", "HTTP/2 POST", "exclusive", `<synthetic> & "quoted"`} {
		if !strings.Contains(all, want) {
			t.Errorf("the chart's text lacks %q", want)
		}
	}
}

func TestExclusiveCellsCountRestartsNeverExclusive(t *testing.T) {
	rr := RowReport{Row: Rows[3], Runs: []RunResult{{Attempted: 3, Handovers: make([]time.Duration, 3), Exclusive: []time.Duration{80 * time.Millisecond, 90 * time.Millisecond}, NeverExclusive: 1}}}
	line := rr.lines(3, 3*time.Second)[0]
	p50, maxCell := line[indexOf(columns, "exclusive p50")], line[indexOf(columns, "exclusive max")]
	if p50 != "90 ms" || maxCell != "not within 3s (1 of 3)" {
		t.Errorf("exclusive p50 %q, max %q; want 90 ms and not within 3s (1 of 3)", p50, maxCell)
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	panic("no column " + v)
}
