package sales

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes: the stable vocabulary every edge translates (HTTP status, activity
// retry policy, CLI message).
const (
	ErrInvalid      = "invalid"
	ErrNotFound     = "not_found"
	ErrConflict     = "conflict"
	ErrForbidden    = "forbidden"
	ErrUnauthorized = "unauthorized"
	ErrInternal     = "internal"
	ErrUnavailable  = "unavailable" // a service OSB needs (PostgreSQL, Temporal) cannot be reached now: try again
	ErrTimeout      = "timeout"     // the request took too long and was stopped; it may still have an effect
)

// FieldError names one bad input field and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a domain error: a code, a message a person can act on, and for
// invalid input every field error at once.
type Error struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  []FieldError `json:"fields,omitempty"`
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: the code of a wrapped *Error, otherwise
// internal (nil gives "").
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ErrInternal
}

// ErrorMessage returns the message of a wrapped *Error, or a generic sentence
// for anything else so that internal details never reach a client.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// Problems collects field errors so validation reports every one at once.
type Problems []FieldError

// Add records that field is wrong.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when there are no problems, otherwise an invalid *Error
// carrying all of them.
func (p Problems) Err(message string) error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: ErrInvalid, Message: message, Fields: p}
}
