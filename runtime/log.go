package graceful

import (
	"fmt"
	"log"
	"os"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

// Logger receives the runtime's events, one call per event: the message
// and its fields as alternating keys and values. *slog.Logger implements
// it, so Config.Logger and SetLogger take one as they are; any other
// logger with these methods works too.
//
// The runtime does not import log/slog: a program that does not log
// through slog itself links none of it (nor the encoding/json that slog's
// handlers link).
type Logger interface {
	Info(msg string, args ...any)
	Warn(msg string, args ...any)
	Error(msg string, args ...any)
}

var loggerPtr atomic.Pointer[Logger]

// SetLogger replaces the logger that receives the runtime's events, one line
// per event (restart requested, child started, child ready, draining,
// drained, child failed with the reason). A nil logger (or a nil
// *slog.Logger) restores the default: lines written through the standard
// logger (package log) as slog's default handler writes them.
func SetLogger(l Logger) {
	if l == nil || isNilPointer(l) {
		loggerPtr.Store(nil)
		return
	}
	loggerPtr.Store(&l)
}

// isNilPointer reports whether v holds a nil pointer.
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// early holds the lines logged before the process serves: a binary that
// links the runtime but never serves (or a --help run of one that would)
// prints nothing of the runtime. They are written, in order, once it
// serves (startLogging).
var early struct {
	mu      sync.Mutex
	serving bool
	lines   []func()
}

// emit writes a line now, or keeps it until the process serves.
func emit(line func()) {
	early.mu.Lock()
	if !early.serving {
		early.lines = append(early.lines, line)
		early.mu.Unlock()
		return
	}
	early.mu.Unlock()
	line()
}

// startLogging writes the lines kept so far and every later one at once.
func startLogging() {
	early.mu.Lock()
	lines := early.lines
	early.lines, early.serving = nil, true
	early.mu.Unlock()
	for _, l := range lines {
		l()
	}
}

// The levels of the runtime's lines.
const (
	levelInfo  = "INFO"
	levelWarn  = "WARN"
	levelError = "ERROR"
)

// logEvent writes one line for an event of the runtime.
func logEvent(msg string, args ...any) {
	emit(func() { logLine(levelInfo, msg, args) })
}

// logWarning writes one line for an event that cost something (connections
// closed at the drain deadline).
func logWarning(msg string, args ...any) {
	emit(func() { logLine(levelWarn, msg, args) })
}

// logFailure writes one line for an event that went wrong. A failure must
// be seen whatever the program did with its loggers (sent the standard
// logger to io.Discard, or slog's default to a handler that discards or
// logs every level as INFO): unless the runtime's logger is one the
// program chose for it (Config.Logger, SetLogger) or the standard logger
// writing to os.Stderr, the line is also written to standard error, at
// ERROR, by the runtime itself.
func logFailure(msg string, args ...any) {
	emit(func() {
		logLine(levelError, msg, args)
		if !failuresReachStderr() {
			os.Stderr.Write(appendTextRecord(nil, time.Now(), levelError, msg, args))
		}
	})
}

// logLine writes one line, with the pid of this process first among its
// fields so that lines of two generations can be told apart: to the
// program's logger, or else through the standard logger exactly as slog's
// default handler writes a record ("INFO graceful: ready pid=7 reason=...",
// after the standard logger's prefix and time). Once the program has made
// its own handler slog's default (slog.SetDefault), the standard logger
// hands the line to that handler, as a message at INFO.
func logLine(level, msg string, args []any) {
	msg = "graceful: " + msg
	if l := loggerPtr.Load(); l != nil {
		args = append([]any{"pid", os.Getpid()}, args...)
		switch level {
		case levelError:
			(*l).Error(msg, args...)
		case levelWarn:
			(*l).Warn(msg, args...)
		default:
			(*l).Info(msg, args...)
		}
		return
	}
	b := append(append(append([]byte(level), ' '), msg...), " pid="...)
	b = strconv.AppendInt(b, int64(os.Getpid()), 10)
	log.Output(2, string(appendFields(b, args)))
}

// failuresReachStderr reports whether the runtime's logger writes ERROR
// lines to standard error as they are. A logger the program gave the
// runtime is trusted to, unless it says otherwise through a method
// FailuresReachStderr() bool (package slogdefault's does: it stands for
// slog's default logger, which the program may have sent anywhere).
func failuresReachStderr() bool {
	if l := loggerPtr.Load(); l != nil {
		if v, ok := (*l).(interface{ FailuresReachStderr() bool }); ok {
			return v.FailuresReachStderr()
		}
		return true
	}
	return log.Writer() == os.Stderr
}

// appendTextRecord appends a line as slog's TextHandler writes it:
// time=... level=ERROR msg="graceful: ..." pid=7 key=value...
func appendTextRecord(b []byte, t time.Time, level, msg string, args []any) []byte {
	b = append(b, "time="...)
	b = t.Truncate(time.Millisecond).AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	b = append(append(b, " level="...), level...)
	b = appendTextString(append(b, " msg="...), "graceful: "+msg)
	b = strconv.AppendInt(append(b, " pid="...), int64(os.Getpid()), 10)
	return append(appendFields(b, args), '\n')
}

// appendFields appends " key=value" for each pair of args, as slog's text
// handlers write them (a key without a value, or a value where a key
// should be, is written under !BADKEY, as slog does).
func appendFields(b []byte, args []any) []byte {
	for len(args) > 0 {
		key, ok := args[0].(string)
		var v any
		switch {
		case !ok:
			key, v, args = "!BADKEY", args[0], args[1:]
		case len(args) == 1:
			key, v, args = "!BADKEY", key, nil
		default:
			v, args = args[1], args[2:]
		}
		b = appendTextString(append(b, ' '), key)
		b = appendTextValue(append(b, '='), v)
	}
	return b
}

// appendTextValue appends v as slog's text handlers write a value.
func appendTextValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case string:
		return appendTextString(b, v)
	case int, int8, int16, int32, int64: // exactly these types: slog writes named ones with %+v
		return strconv.AppendInt(b, reflect.ValueOf(v).Int(), 10)
	case uint, uint8, uint16, uint32, uint64, uintptr:
		return strconv.AppendUint(b, reflect.ValueOf(v).Uint(), 10)
	case float32, float64:
		return strconv.AppendFloat(b, reflect.ValueOf(v).Float(), 'g', -1, 64)
	case bool:
		return strconv.AppendBool(b, v)
	case time.Duration:
		return append(b, v.String()...)
	case time.Time:
		return v.Truncate(time.Millisecond).AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	case interface{ MarshalText() ([]byte, error) }: // encoding.TextMarshaler
		data, err := v.MarshalText()
		if err != nil {
			return appendTextString(b, fmt.Sprintf("!ERROR:%v", err))
		}
		return appendTextString(b, string(data))
	case []byte:
		return strconv.AppendQuote(b, string(v))
	}
	return appendTextString(b, fmt.Sprintf("%+v", v))
}

// appendTextString appends s, quoted when slog's text handlers quote it:
// when it is empty or holds a space, '=', '"', a control character, or a
// rune that is invalid, a space or not printable.
func appendTextString(b []byte, s string) []byte {
	if needsQuoting(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

func needsQuoting(s string) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == '=' || c == '"' {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}
