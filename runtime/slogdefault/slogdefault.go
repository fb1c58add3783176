// Package slogdefault gives the runtime slog's default logger as it is at
// each line, for programs that link log/slog anyway.
//
// The runtime package does not import log/slog (its handlers link
// encoding/json, which a program that does not use slog should not pay
// for), so by itself it writes through the standard logger. gracefulgen
// passes Logger() in the Config of every binary that links log/slog, so a
// handler the program installs later with slog.SetDefault (a JSON handler,
// say) receives the runtime's events as records with their level and
// fields, as it would if the runtime called slog.Default() itself.
package slogdefault

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"

	graceful "github.com/gracefulgen/gracefulgen/runtime"
)

// Logger returns a graceful.Logger that sends each line to slog.Default()
// as it is when the line is written, not when Logger is called.
func Logger() graceful.Logger { return defaultLogger{} }

type defaultLogger struct{}

func (defaultLogger) Info(msg string, args ...any)  { slog.Default().Info(msg, args...) }
func (defaultLogger) Warn(msg string, args ...any)  { slog.Default().Warn(msg, args...) }
func (defaultLogger) Error(msg string, args ...any) { slog.Default().Error(msg, args...) }

// FailuresReachStderr reports whether slog's default logger writes ERROR
// records to standard error as they are: it is slog's own default handler,
// over a standard logger writing to os.Stderr. When it is not (the program
// installed a handler that discards, or logs every level as INFO), the
// runtime writes its failures to standard error as well.
func (defaultLogger) FailuresReachStderr() bool {
	h := slog.Default().Handler()
	return fmt.Sprintf("%T", h) == "*slog.defaultHandler" && log.Writer() == os.Stderr &&
		h.Enabled(context.Background(), slog.LevelError)
}
