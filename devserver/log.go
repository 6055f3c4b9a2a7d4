package devserver

import (
	"context"
	"log/slog"
	"math"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// levelOff is above every level, so a handler at levelOff logs nothing.
const levelOff = slog.Level(math.MaxInt32)

// serverLogLevel returns the level of server logs for a server logging at
// level, and the higher level to use while the server starts or stops. In those
// phases the services that are not up yet, or already down, make the others
// warn and fail requests, which says nothing about the caller's work.
func serverLogLevel(level slog.Level) (starting, stopping slog.Level) {
	if level < slog.LevelWarn {
		return level, level // asked for everything
	}
	return max(level, slog.LevelError), levelOff
}

// minLevelHandler drops records below min before they reach the wrapped handler.
type minLevelHandler struct {
	slog.Handler
	min slog.Leveler
}

func (h minLevelHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.min.Level() && h.Handler.Enabled(ctx, level)
}

func (h minLevelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevelHandler{Handler: h.Handler.WithAttrs(attrs), min: h.min}
}

func (h minLevelHandler) WithGroup(name string) slog.Handler {
	return minLevelHandler{Handler: h.Handler.WithGroup(name), min: h.min}
}

// serverLogger adapts an slog.Logger to the Temporal server's log.Logger.
// Panic and Fatal are logged as errors: an embedded server must not take
// its host process down.
type serverLogger struct {
	slog *slog.Logger
}

var (
	_ log.Logger      = serverLogger{}
	_ log.WithLogger  = serverLogger{}
	_ log.SLogWrapper = serverLogger{}
)

func (l serverLogger) Debug(msg string, tags ...tag.Tag)  { l.log(slog.LevelDebug, msg, tags) }
func (l serverLogger) Info(msg string, tags ...tag.Tag)   { l.log(slog.LevelInfo, msg, tags) }
func (l serverLogger) Warn(msg string, tags ...tag.Tag)   { l.log(slog.LevelWarn, msg, tags) }
func (l serverLogger) Error(msg string, tags ...tag.Tag)  { l.log(slog.LevelError, msg, tags) }
func (l serverLogger) DPanic(msg string, tags ...tag.Tag) { l.log(slog.LevelError, msg, tags) }
func (l serverLogger) Panic(msg string, tags ...tag.Tag)  { l.log(slog.LevelError, msg, tags) }
func (l serverLogger) Fatal(msg string, tags ...tag.Tag)  { l.log(slog.LevelError, msg, tags) }

// With returns a logger that adds tags to every record.
func (l serverLogger) With(tags ...tag.Tag) log.Logger {
	return serverLogger{slog: slog.New(l.slog.Handler().WithAttrs(attrs(tags)))}
}

// SLog returns the underlying slog.Logger, for server parts that log through slog.
func (l serverLogger) SLog() *slog.Logger { return l.slog }

func (l serverLogger) log(level slog.Level, msg string, tags []tag.Tag) {
	ctx := context.Background()
	if l.slog.Enabled(ctx, level) {
		l.slog.LogAttrs(ctx, level, msg, attrs(tags)...)
	}
}

func attrs(tags []tag.Tag) []slog.Attr {
	out := make([]slog.Attr, len(tags))
	for i, t := range tags {
		out[i] = slog.Any(t.Key(), t.Value())
	}
	return out
}
