package starter

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"

	"osb/sales"
)

// decode reads the request body as one JSON value into v. Unknown fields are
// refused, so a misspelt field is never silently ignored. An empty body
// decodes as {}: validation then names what is missing.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return decodeError(err)
		}
		return malformed("the request body must hold a single JSON value")
	}
	return nil
}

// decodeError explains why a body could not be decoded.
func decodeError(err error) error {
	var (
		syntax    *json.SyntaxError
		wrongType *json.UnmarshalTypeError
		tooLarge  *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooLarge):
		return withStatus(http.StatusRequestEntityTooLarge, "the request body is larger than %d bytes", tooLarge.Limit)
	case errors.As(err, &syntax):
		return malformed("the request body is not valid JSON (at byte %d): %v", syntax.Offset, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("the request body ends in the middle of a JSON value")
	case errors.As(err, &wrongType):
		field := wrongType.Field
		if field == "" {
			return malformed("the request body must be a JSON object, not %s", wrongType.Value)
		}
		kind := jsonKind(wrongType.Type)
		return malformedField(field, "must be "+kind, "field %s must be %s, not %s", field, kind, wrongType.Value)
	}
	// encoding/json has no error type for an unknown field, only this text.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		if name == "" {
			return malformed("the request body has a field with an empty name")
		}
		return malformedField(name, "is not a field of this request", "the request body has an unknown field %q", name)
	}
	return malformed("the request body could not be read: %v", err)
}

// jsonKind names the JSON kind a Go type is read from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "an integer"
}

// malformedField is malformed about one field.
func malformedField(field, problem, format string, args ...any) error {
	e := &statusError{status: http.StatusBadRequest, err: sales.Errorf(sales.ErrInvalid, format, args...)}
	e.err.Fields = []sales.FieldError{{Field: field, Message: problem}}
	return e
}

// reply answers with v and status, or with err when there is one.
func (a *api) reply(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

// writeJSON writes v as the JSON response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
