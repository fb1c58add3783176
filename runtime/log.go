package graceful

import (
	"log/slog"
	"os"
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

// logEvent writes one line for an event of the runtime.
func logEvent(msg string, args ...any) {
	logger().Info("graceful: "+msg, args...)
}

// logFailure writes one line for an event that went wrong.
func logFailure(msg string, args ...any) {
	logger().Error("graceful: "+msg, args...)
}
