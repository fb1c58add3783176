package graceful

import (
	"bytes"
	"context"
	"errors"
	"log"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fieldCases are the fields of lines whose text must be what slog writes:
// every kind of value the runtime logs, and the strings slog quotes.
var fieldCases = [][]any{
	nil,
	{"reason", "serving"},
	{"reason", "serving", "err", nil},
	{"socket", "tcp:127.0.0.1:8080", "bound", "127.0.0.1:8080"},
	{"path", "/run/a b.sock", "empty", "", "eq", "a=b", "quote", `say "hi"`, "backslash", `C:\x`},
	{"ctl", "a\tb\nc\x00d\x7fe", "unicode", "héllo", "nbsp", "a\u00a0b", "bad", "a\xffb", "lsep", "a\u2028b", "fffd", "\ufffd"},
	{"child", 4242, "n8", int8(-8), "n16", int16(16), "n32", int32(-32), "n64", int64(1) << 40},
	{"u", uint(7), "u8", uint8(8), "u16", uint16(16), "u32", uint32(32), "u64", uint64(1) << 63, "uptr", uintptr(9)},
	{"f32", float32(0.1), "f64", 2.5e-10, "big", 1e21},
	{"signal", syscall.SIGTERM, "mode", os.FileMode(0o644), "named", namedInt(3)},
	{"pid1", true, "exclusive", false},
	{"took", 1002 * time.Millisecond, "waited", 5 * time.Second, "tiny", 1500 * time.Nanosecond},
	{"at", time.Date(2026, 11, 27, 10, 54, 7, 123456789, time.UTC)},
	{"err", errors.New("listen tcp :80: bind: permission denied"), "err2", os.ErrNotExist},
	{"addr", netip.MustParseAddr("::1"), "bytes", []byte("a b")},
	{"names", []string{"a", "b"}, "map", map[string]int{"x": 1}},
	{"odd"},
	{42, "value after a non-string key"},
}

// TestDefaultLinesAreSlogDefaultHandlerLines: without a logger of the
// program's, the runtime writes through the standard logger exactly what
// slog.Default() wrote when the runtime logged through it, so a program
// that never set up slog sees the lines it always saw.
func TestDefaultLinesAreSlogDefaultHandlerLines(t *testing.T) {
	SetLogger(nil)
	var buf bytes.Buffer
	defer log.SetOutput(log.Writer())
	defer log.SetFlags(log.Flags())
	log.SetOutput(&buf)
	log.SetFlags(0)
	slogDefault := slog.Default().With("pid", os.Getpid())
	for _, level := range []string{levelInfo, levelWarn, levelError} {
		for _, args := range fieldCases {
			buf.Reset()
			switch level {
			case levelInfo:
				slogDefault.Info("graceful: child ready", args...)
			case levelWarn:
				slogDefault.Warn("graceful: child ready", args...)
			default:
				slogDefault.Error("graceful: child ready", args...)
			}
			want := buf.String()
			buf.Reset()
			logLine(level, "child ready", args)
			if got := buf.String(); got != want {
				t.Errorf("%s %v:\n got %q\nwant %q", level, args, got, want)
			}
		}
	}
}

// TestFailureFallbackIsATextHandlerLine: the line a failure writes to
// standard error by itself is what slog's TextHandler writes, as before.
func TestFailureFallbackIsATextHandlerLine(t *testing.T) {
	at := time.Date(2026, 11, 27, 10, 54, 7, 123956789, time.Local)
	for _, args := range fieldCases {
		var buf bytes.Buffer
		h := slog.NewTextHandler(&buf, nil).WithAttrs([]slog.Attr{slog.Int("pid", os.Getpid())})
		r := slog.NewRecord(at, slog.LevelError, "graceful: restart failed, still serving", 0)
		r.Add(args...)
		if err := h.Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		if got := string(appendTextRecord(nil, at, levelError, "restart failed, still serving", args)); got != buf.String() {
			t.Errorf("%v:\n got %q\nwant %q", args, got, buf.String())
		}
	}
}

// records is a slog handler that keeps what it handles.
type records struct{ got []slog.Record }

func (h *records) Enabled(context.Context, slog.Level) bool { return true }
func (h *records) Handle(_ context.Context, r slog.Record) error {
	h.got = append(h.got, r)
	return nil
}
func (h *records) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *records) WithGroup(string) slog.Handler      { return h }

// TestProgramsSlogLoggerGetsStructuredRecords: a *slog.Logger given to the
// runtime (Config.Logger, SetLogger) gets each event as a record at its
// level with its fields as attributes, pid first, so a JSON handler writes
// them as fields; a nil *slog.Logger restores the default.
func TestProgramsSlogLoggerGetsStructuredRecords(t *testing.T) {
	h := &records{}
	SetLogger(slog.New(h))
	defer SetLogger(nil)
	logLine(levelInfo, "child ready", []any{"child", 7})
	logLine(levelWarn, "drain deadline: hijacked connections closed", []any{"hijacked", 2})
	logLine(levelError, "restart failed, still serving", []any{"reason", errors.New("boom")})
	want := []string{
		"INFO graceful: child ready pid=%d child=7",
		"WARN graceful: drain deadline: hijacked connections closed pid=%d hijacked=2",
		"ERROR graceful: restart failed, still serving pid=%d reason=boom",
	}
	if len(h.got) != len(want) {
		t.Fatalf("%d records, want %d", len(h.got), len(want))
	}
	for i, r := range h.got {
		s := r.Level.String() + " " + r.Message
		r.Attrs(func(a slog.Attr) bool { s += " " + a.String(); return true })
		if w := strings.Replace(want[i], "%d", itoa(os.Getpid()), 1); s != w {
			t.Errorf("record %d: %q, want %q", i, s, w)
		}
	}
	if !failuresReachStderr() {
		t.Error("a logger the program chose counts as seen: no second line on stderr")
	}
	var none *slog.Logger
	SetLogger(none)
	if loggerPtr.Load() != nil {
		t.Error("SetLogger of a nil *slog.Logger did not restore the default")
	}
}

// TestFailureReachesStderrWhateverTheStandardLogger: without a logger of
// the program's, a failure goes to standard error by itself unless the
// standard logger writes there.
func TestFailureReachesStderrWhateverTheStandardLogger(t *testing.T) {
	SetLogger(nil)
	defer log.SetOutput(log.Writer())
	log.SetOutput(os.Stderr)
	if !failuresReachStderr() {
		t.Error("the standard logger writes to stderr, yet failures are written twice")
	}
	log.SetOutput(&bytes.Buffer{})
	if failuresReachStderr() {
		t.Error("the standard logger writes elsewhere, yet failures are not written to stderr")
	}
}

type namedInt int

func itoa(n int) string { return string(appendTextValue(nil, n)) }

// reporting is a Logger that says whether its failures reach stderr.
type reporting struct{ reaches bool }

func (reporting) Info(string, ...any)         {}
func (reporting) Warn(string, ...any)         {}
func (reporting) Error(string, ...any)        {}
func (r reporting) FailuresReachStderr() bool { return r.reaches }

func TestFailuresReachStderrAsksALoggerThatCanTell(t *testing.T) {
	defer SetLogger(nil)
	for _, reaches := range []bool{true, false} {
		SetLogger(reporting{reaches})
		if got := failuresReachStderr(); got != reaches {
			t.Errorf("logger says its failures reach stderr: %v; runtime thinks %v", reaches, got)
		}
	}
}
