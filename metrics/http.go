package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
)

// The HTTP metric names.
const (
	HTTPRequests        = Namespace + "_http_requests_total"
	HTTPRequestDuration = Namespace + "_http_request_duration_seconds"
	HTTPInFlight        = Namespace + "_http_requests_in_flight"
)

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: HTTPRequests,
			Help: "HTTP requests answered, by method, chi route pattern and status code."},
			[]string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: HTTPRequestDuration,
			Help:    "Time to answer an HTTP request, by method, chi route pattern and status class (2xx, 4xx, 5xx).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}},
			[]string{"method", "route", "class"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: HTTPInFlight, Help: "HTTP requests being answered."}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight)
	return m
}

// HTTP counts and times the requests next answers; use it as a chi
// middleware (router.Use), so that the route label is chi's route pattern
// (e.g. /v1/orders/{orderNo}) once the router has matched it, never the raw
// path, and order numbers do not become series. A request no route matched
// is "unmatched".
func (r *Registry) HTTP(next http.Handler) http.Handler {
	m := r.http
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		defer func() {
			route := ""
			if rc := chi.RouteContext(req.Context()); rc != nil {
				route = rc.RoutePattern()
			}
			if route == "" {
				route = "unmatched"
			}
			m.requests.WithLabelValues(req.Method, route, strconv.Itoa(sw.code)).Inc()
			m.duration.WithLabelValues(req.Method, route, strconv.Itoa(sw.code/100)+"xx").Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(sw, req)
	})
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
