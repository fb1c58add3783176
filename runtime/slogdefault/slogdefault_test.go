package slogdefault

import (
	"bytes"
	"encoding/json"
	"log"
	"log/slog"
	"os"
	"testing"
)

// restore puts slog's and the standard logger's defaults back after a test
// that installed a handler (slog.SetDefault redirects the standard logger).
func restore(t *testing.T) {
	orig, out, flags := slog.Default(), log.Writer(), log.Flags()
	t.Cleanup(func() {
		slog.SetDefault(orig)
		log.SetOutput(out)
		log.SetFlags(flags)
	})
}

func TestLinesGoToTheDefaultInstalledAfterwards(t *testing.T) {
	restore(t)
	l := Logger() // as the generated init does, before main installs its handler
	var buf bytes.Buffer
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	l.Warn("graceful: drain deadline", "pid", 7, "closed", 2)
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("not one JSON record: %q: %v", buf.String(), err)
	}
	if rec["level"] != "WARN" || rec["msg"] != "graceful: drain deadline" || rec["pid"] != 7.0 || rec["closed"] != 2.0 {
		t.Errorf("record %v, want level WARN, the message and pid=7 closed=2 as fields", rec)
	}
	if l.(defaultLogger).FailuresReachStderr() {
		t.Error("a JSON handler into a buffer is taken to show failures on stderr")
	}
}

func TestFailuresReachStderrThroughSlogsOwnDefault(t *testing.T) {
	restore(t)
	log.SetOutput(os.Stderr)
	if !Logger().(defaultLogger).FailuresReachStderr() {
		t.Error("slog's own default handler over a standard logger on stderr is taken to hide failures")
	}
	log.SetOutput(&bytes.Buffer{})
	if Logger().(defaultLogger).FailuresReachStderr() {
		t.Error("a standard logger writing to a buffer is taken to show failures on stderr")
	}
}
