package starter

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5/middleware"
)

type logKey struct{}

// requestLog is what inner handlers add to the access log entry (from the
// handler's goroutine, which may outlive its answer: see timeout).
type requestLog struct {
	mu   sync.Mutex
	user string
}

// noteUser records the authenticated user for the access log.
func noteUser(ctx context.Context, userID string) {
	if l, ok := ctx.Value(logKey{}).(*requestLog); ok {
		l.mu.Lock()
		l.user = userID
		l.mu.Unlock()
	}
}

func (l *requestLog) userID() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.user
}

// accessLog writes one structured line per request.
func (a *api) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		entry := &requestLog{}
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r.WithContext(context.WithValue(r.Context(), logKey{}, entry)))
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		a.log.LogAttrs(r.Context(), slog.LevelInfo, "http request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", status),
			slog.Duration("duration", time.Since(start)),
			slog.Int("bytes", ww.BytesWritten()),
			slog.String("user", entry.userID()),
			slog.String("request_id", middleware.GetReqID(r.Context())),
		)
	})
}

// refuseControlCharacters answers 400 when the path or the query holds a
// control character or invalid UTF-8, so no code or id a route names carries
// one to the store (PostgreSQL refuses a NUL byte in text).
func (a *api) refuseControlCharacters(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bad := func(s string) bool {
			return !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl)
		}
		if bad(r.URL.Path) {
			a.fail(w, r, malformedField("path", "must not contain control characters", "the path holds a control character"))
			return
		}
		for name, values := range r.URL.Query() {
			if bad(name) || slices.ContainsFunc(values, bad) {
				a.fail(w, r, malformedField(strings.ToValidUTF8(name, "?"), "must not contain control characters",
					"the query holds a control character"))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanic turns a panicking handler into a logged 500.
func (a *api) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			a.fail(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
		}()
		next.ServeHTTP(w, r)
	})
}
