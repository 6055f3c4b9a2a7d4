package metrics

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// ReadyTimeout bounds a readiness check.
const ReadyTimeout = 3 * time.Second

// Livez answers 200 while the process runs: it asks no dependency.
func Livez(w http.ResponseWriter, _ *http.Request) {
	writeStatus(w, http.StatusOK, map[string]string{"status": "ok"})
}

// Check is one readiness condition: nil when it holds.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Readyz answers 200 when every check holds within ReadyTimeout, else 503
// naming each check "ok" or "down".
func Readyz(checks ...Check) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
		defer cancel()
		body, status := map[string]string{"status": "ok"}, http.StatusOK
		for _, c := range checks {
			body[c.Name] = "ok"
			if err := c.Run(ctx); err != nil {
				body[c.Name], body["status"], status = "down", "unavailable", http.StatusServiceUnavailable
			}
		}
		writeStatus(w, status, body)
	}
}

func writeStatus(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// Ops is the operations port's handler: /metrics, /livez and /readyz with
// the checks given.
func (r *Registry) Ops(checks ...Check) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", r.Handler())
	mux.HandleFunc("GET /livez", Livez)
	mux.Handle("GET /readyz", Readyz(checks...))
	return mux
}

// Front serves /livez and /readyz with the checks given, and /metrics when
// r is not nil (metrics on) behind guard (nil: open), in front of next,
// which answers every other path: the API's listener, where /metrics is
// guarded because the business figures are not public.
func Front(r *Registry, guard func(http.Handler) http.Handler, next http.Handler, checks ...Check) http.Handler {
	ready := Readyz(checks...)
	var scrape http.Handler
	if r != nil {
		scrape = r.Handler()
		if guard != nil {
			scrape = guard(scrape)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch {
		case req.URL.Path == "/livez" && req.Method == http.MethodGet:
			Livez(w, req)
		case req.URL.Path == "/readyz" && req.Method == http.MethodGet:
			ready(w, req)
		case req.URL.Path == "/metrics" && req.Method == http.MethodGet && scrape != nil:
			scrape.ServeHTTP(w, req)
		default:
			next.ServeHTTP(w, req)
		}
	})
}
