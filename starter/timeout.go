package starter

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"sync"
	"time"
)

// timeout bounds a request to d: its context ends then, and a handler that
// has not answered by then is answered for, 504 timeout in the JSON error
// shape, even when it is stuck in a call that ignores its context; what it
// writes afterwards is dropped. The handler's answer is held until it
// returns (the API's answers are small; a download is at most a workbook).
func (a *api) timeout(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			r = r.WithContext(ctx)
			tw := &heldWriter{header: make(http.Header)}
			done := make(chan struct{})
			panicked := make(chan any, 1)
			go func() {
				defer func() {
					if p := recover(); p != nil {
						if p != http.ErrAbortHandler {
							p = fmt.Sprintf("%v\n%s", p, debug.Stack())
						}
						panicked <- p
					}
				}()
				next.ServeHTTP(tw, r)
				close(done)
			}()
			select {
			case p := <-panicked:
				panic(p)
			case <-done:
				tw.copyTo(w)
			case <-ctx.Done():
				tw.expire()
				if ctx.Err() == context.DeadlineExceeded { // otherwise the client has gone
					a.fail(w, r, errTimeout)
				}
			}
		})
	}
}

// heldWriter holds a handler's answer until the handler returns in time.
type heldWriter struct {
	mu      sync.Mutex
	header  http.Header
	status  int
	body    bytes.Buffer
	expired bool
}

func (w *heldWriter) Header() http.Header { return w.header }

func (w *heldWriter) WriteHeader(status int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.status == 0 && !w.expired {
		w.status = status
	}
}

func (w *heldWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.expired {
		return 0, http.ErrHandlerTimeout
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// expire drops whatever the handler writes from now on.
func (w *heldWriter) expire() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.expired = true
}

// copyTo writes the held answer to dst.
func (w *heldWriter) copyTo(dst http.ResponseWriter) {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := dst.Header()
	for k, v := range w.header {
		h[k] = v
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	dst.WriteHeader(w.status)
	_, _ = dst.Write(w.body.Bytes())
}
