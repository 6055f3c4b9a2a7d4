package starter

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/go-chi/chi/v5/middleware"
	"go.temporal.io/api/serviceerror"

	"osb/sales"
)

// statusOf is the HTTP status of each error code. Codes not listed (internal
// and anything unknown) are 500.
var statusOf = map[string]int{
	sales.ErrInvalid:      http.StatusUnprocessableEntity,
	sales.ErrNotFound:     http.StatusNotFound,
	sales.ErrConflict:     http.StatusConflict,
	sales.ErrForbidden:    http.StatusForbidden,
	sales.ErrUnauthorized: http.StatusUnauthorized,
	sales.ErrUnavailable:  http.StatusServiceUnavailable,
	sales.ErrTimeout:      http.StatusGatewayTimeout,
}

// retryAfter is how many seconds a 503 asks the client to wait.
const retryAfter = "5"

// errUnavailable answers a request that needs PostgreSQL or Temporal while
// it cannot be reached.
var errUnavailable = sales.Errorf(sales.ErrUnavailable,
	"OSB cannot reach its database or Temporal just now; try again in a few seconds")

// errTimeout answers a request that ran out of time.
var errTimeout = sales.Errorf(sales.ErrTimeout,
	"the request took longer than %s and was stopped; what it asked for may still happen: look before you send it again (the same Idempotency-Key makes a retry safe)",
	RequestTimeout)

// unavailable reports whether err says that PostgreSQL or Temporal cannot be
// reached now (ctx is the request's): Temporal's Unavailable or
// ResourceExhausted; a connection refused, reset or not resolved, as the
// store's pgx and Temporal's gRPC report it (a pgconn.ConnectError wraps
// the net error); PostgreSQL's connection exceptions, shutdown and
// too-many-connections states; or a deadline below the request's own, such
// as connecting or waiting for a pooled connection. The store and Temporal
// packages are not imported here: their errors are recognised by the
// standard types they wrap and by SQLSTATE.
func unavailable(ctx context.Context, err error) bool {
	var (
		temporalDown *serviceerror.Unavailable
		temporalBusy *serviceerror.ResourceExhausted
		netErr       *net.OpError
		dnsErr       *net.DNSError
		sqlErr       interface{ SQLState() string }
	)
	switch {
	case errors.As(err, &temporalDown), errors.As(err, &temporalBusy), errors.As(err, &netErr), errors.As(err, &dnsErr),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET):
		return true
	case errors.As(err, &sqlErr):
		state := sqlErr.SQLState()
		return strings.HasPrefix(state, "08") || strings.HasPrefix(state, "53") || // connection exception, insufficient resources
			state == "57P01" || state == "57P02" || state == "57P03" // shutting down, crashed, starting up
	case errors.Is(err, context.DeadlineExceeded):
		return ctx.Err() == nil
	}
	return false
}

// timedOut reports whether the request ran out of time: its own deadline
// passed, or Temporal's answer to it did.
func timedOut(ctx context.Context, err error) bool {
	var temporal *serviceerror.DeadlineExceeded
	return errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.As(err, &temporal)
}

// statusError is a domain error whose HTTP status is not the one its code
// implies: a body that is not JSON at all is 400, not 422.
type statusError struct {
	status int
	err    *sales.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// withStatus returns an invalid error rendered with status.
func withStatus(status int, format string, args ...any) error {
	return &statusError{status: status, err: sales.Errorf(sales.ErrInvalid, format, args...)}
}

// malformed reports a request body that cannot be read as the JSON expected.
func malformed(format string, args ...any) error {
	return withStatus(http.StatusBadRequest, format, args...)
}

// errorBody is the one JSON shape of every error response.
type errorBody struct {
	Error *sales.Error `json:"error"`
}

// fail renders err: a domain error with its code, status and message; a
// request out of time as 504 timeout; PostgreSQL or Temporal out of reach as
// 503 unavailable with Retry-After; anything else as 500 "internal error".
// The real error of a 5xx is only in the log.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, body := http.StatusInternalServerError, sales.Errorf(sales.ErrInternal, "internal error")
	var se *statusError
	var de *sales.Error
	switch {
	case errors.As(err, &se):
		status, body = se.status, se.err
	case errors.As(err, &de):
		if s, ok := statusOf[de.Code]; ok {
			status, body = s, de
		}
	case timedOut(r.Context(), err):
		status, body = http.StatusGatewayTimeout, errTimeout
	case unavailable(r.Context(), err):
		status, body = http.StatusServiceUnavailable, errUnavailable
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfter)
	}
	if status >= http.StatusInternalServerError {
		a.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path,
			"request_id", middleware.GetReqID(r.Context()), "err", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="osb"`)
	}
	writeJSON(w, status, errorBody{Error: body})
}
