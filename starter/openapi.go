package starter

import (
	_ "embed"
	"net/http"
)

// openAPI describes every route, request and response of the API.
//
//go:embed openapi.json
var openAPI []byte

// serveOpenAPI serves the OpenAPI 3.0 document.
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}
