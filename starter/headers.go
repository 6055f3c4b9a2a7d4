package starter

import (
	"net/http"
	"strings"
)

// securityHeaders are set on every response of the API: no content-type
// sniffing, never framed, no referrer, and a Content-Security-Policy that
// lets nothing load or run, since the API serves data (JSON, CSV, XLSX),
// never pages. Answers about orders and people are never stored by a cache
// (Cache-Control no-store on /v1 and /healthz).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		if strings.HasPrefix(r.URL.Path, "/v1/") || r.URL.Path == "/v1" || r.URL.Path == "/healthz" {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}
