package starter

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"

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

// fail renders err: a domain error with its code, status and message; anything
// else as 500 "internal error", with the real error only in the log.
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
