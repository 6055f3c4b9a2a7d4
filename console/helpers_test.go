package console

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
)

func base64Decode(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }

// httptestRecorder answers a GET of path without a store (pages that need
// none: the sign-in form).
func httptestRecorder(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}
