package graceful

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
)

var loggerPtr atomic.Pointer[slog.Logger]

// SetLogger replaces the logger that receives the runtime's events, one line
// per event (restart requested, child started, child ready, draining,
// drained, child failed with the reason). A nil logger restores the default,
// slog.Default().
func SetLogger(l *slog.Logger) {
	loggerPtr.Store(l)
}

// logger returns the current logger, tagged with the runtime's group and the
// pid of this process so that lines of two generations can be told apart.
func logger() *slog.Logger {
	l := loggerPtr.Load()
	if l == nil {
		l = slog.Default()
	}
	return l.With("pid", os.Getpid())
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

// logEvent writes one line for an event of the runtime.
func logEvent(msg string, args ...any) {
	emit(func() { logger().Info("graceful: "+msg, args...) })
}

// logWarning writes one line for an event that cost something (connections
// closed at the drain deadline).
func logWarning(msg string, args ...any) {
	emit(func() { logger().Warn("graceful: "+msg, args...) })
}

// logFailure writes one line for an event that went wrong. A failure must
// be seen whatever the program did with its loggers (sent the standard
// logger or slog's default to io.Discard, or installed a handler that logs
// every level as INFO): unless the runtime's logger is one it can see
// reaches standard error at ERROR (the default slog handler over the
// standard logger writing to os.Stderr), or one the program chose for the
// runtime (Config.Logger, SetLogger), the line is also written to standard
// error, at ERROR, by the runtime itself.
func logFailure(msg string, args ...any) {
	emit(func() {
		logger().Error("graceful: "+msg, args...)
		if !failuresReachStderr() {
			stderrLogger.With("pid", os.Getpid()).Error("graceful: "+msg, args...)
		}
	})
}

// stderrLogger writes the failures the program's loggers may hide.
var stderrLogger = slog.New(slog.NewTextHandler(os.Stderr, nil))

// failuresReachStderr reports whether the runtime's logger writes ERROR
// lines to standard error as they are.
func failuresReachStderr() bool {
	if loggerPtr.Load() != nil {
		return true // chosen for the runtime by the program
	}
	h := slog.Default().Handler()
	return fmt.Sprintf("%T", h) == "*slog.defaultHandler" && log.Writer() == os.Stderr &&
		h.Enabled(context.Background(), slog.LevelError)
}
