package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/metrics"
	"osb/postgres"
)

// fakeGauges is a store whose gauges are fixed; reads counts the reads.
type fakeGauges struct {
	g     postgres.Gauges
	err   error
	reads atomic.Int32
}

func (f *fakeGauges) Gauges(context.Context, time.Time) (postgres.Gauges, error) {
	f.reads.Add(1)
	return f.g, f.err
}

func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics answered %d", rec.Code)
	}
	return rec.Body.String()
}

func wantLines(t *testing.T, body string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(body, l+"\n") {
			t.Errorf("the scrape lacks %q", l)
		}
	}
}

func TestHTTPMetricsLabelTheRoutePatternNotThePath(t *testing.T) {
	reg := metrics.New(nil)
	defer reg.Close()
	r := chi.NewRouter()
	r.Use(reg.HTTP)
	r.Get("/v1/orders/{orderNo}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) })
	for _, no := range []string{"SO-2026-000001", "SO-2026-000002"} {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/v1/orders/"+no, nil))
	}
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/nowhere", nil))
	body := scrape(t, reg.Handler())
	wantLines(t, body,
		`osb_http_requests_total{code="404",method="GET",route="/v1/orders/{orderNo}"} 2`,
		`osb_http_request_duration_seconds_count{class="4xx",method="GET",route="/v1/orders/{orderNo}"} 2`,
		`osb_http_requests_total{code="404",method="GET",route="unmatched"} 1`)
	if strings.Contains(body, "SO-2026") {
		t.Error("an order number became a label")
	}
}

func TestBusinessGaugesAreReadAtScrapeTimeAndCached(t *testing.T) {
	src := &fakeGauges{g: postgres.Gauges{
		OpenOrders:  []postgres.StepCount{{Stage: "OP", Step: "OP5", Count: 3}},
		LateOrders:  []postgres.OwnerCount{{Owner: "slt", Count: 2}},
		Escalations: []postgres.LevelCount{{Level: 2, Count: 1}},
		Overdue:     []postgres.BandAmount{{Band: "1-30", Fen: 204000, Count: 1}, {Band: "90+"}},
		Outbox:      postgres.OutboxCounts{Pending: 4, Dead: 1},
		Review:      postgres.ReviewProgress{Found: true, Quarter: "2026-Q1", Done: 5, Total: 8},
	}}
	reg := metrics.New(nil)
	defer reg.Close()
	reg.Business(src, nil)
	body := scrape(t, reg.Handler())
	wantLines(t, body,
		`osb_orders_open{stage="OP",step="OP5"} 3`,
		`osb_orders_late{owner="slt"} 2`,
		`osb_escalations_open{level="2"} 1`,
		`osb_receivables_overdue_fen{band="1-30"} 204000`,
		`osb_receivables_overdue_invoices{band="1-30"} 1`,
		`osb_receivables_overdue_fen{band="90+"} 0`,
		`osb_outbox_pending 4`,
		`osb_outbox_dead_letters 1`,
		`osb_credit_review_customers_done{quarter="2026-Q1"} 5`,
		`osb_credit_review_customers_total{quarter="2026-Q1"} 8`,
		`osb_credit_review_finished{quarter="2026-Q1"} 0`)
	scrape(t, reg.Handler())
	if n := src.reads.Load(); n != 1 {
		t.Errorf("two scrapes within the cache read the store %d times, want 1", n)
	}
}

func TestBusinessGaugesLeftOutWhenTheStoreFails(t *testing.T) {
	reg := metrics.New(nil)
	defer reg.Close()
	reg.Business(&fakeGauges{err: errors.New("connection refused")}, nil)
	body := scrape(t, reg.Handler())
	wantLines(t, body, `osb_business_scrape_errors_total 1`)
	if strings.Contains(body, "osb_outbox_pending ") {
		t.Error("gauges shown although the store failed")
	}
}

func TestFrontAnswersLivezReadyzAndMetrics(t *testing.T) {
	var storeErr error
	reg := metrics.New(nil)
	defer reg.Close()
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := metrics.Front(reg, nil, next,
		metrics.Check{Name: "store", Run: func(context.Context) error { return storeErr }},
		metrics.Check{Name: "temporal", Run: func(context.Context) error { return nil }})
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, string(b)
	}
	if code, body := get("/livez"); code != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("/livez %d %s", code, body)
	}
	if code, body := get("/readyz"); code != http.StatusOK || !strings.Contains(body, `"store":"ok"`) {
		t.Errorf("/readyz %d %s", code, body)
	}
	storeErr = errors.New("connection refused")
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, `"store":"down"`) ||
		!strings.Contains(body, `"temporal":"ok"`) || strings.Contains(body, "refused") {
		t.Errorf("/readyz with the store down: %d %s", code, body)
	}
	// The store down does not make the process dead.
	if code, _ := get("/livez"); code != http.StatusOK {
		t.Errorf("/livez with the store down: %d", code)
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics %d", code)
	}
	if code, _ := get("/v1/me"); code != http.StatusTeapot {
		t.Errorf("/v1/me did not reach the API: %d", code)
	}
	// Guarded: /metrics answers only what the guard lets through.
	guarded := metrics.Front(reg, func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
	}, next)
	rec0 := httptest.NewRecorder()
	guarded.ServeHTTP(rec0, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec0.Code != http.StatusUnauthorized {
		t.Errorf("/metrics behind a guard that refuses: %d", rec0.Code)
	}
	// Metrics off: /metrics is the API's (here the teapot), health stays.
	off := metrics.Front(nil, nil, next)
	rec := httptest.NewRecorder()
	off.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusTeapot {
		t.Errorf("/metrics with metrics off: %d", rec.Code)
	}
}

func http404() http.Handler {
	r := chi.NewRouter()
	r.Get("/metrics", func(w http.ResponseWriter, _ *http.Request) {})
	return r
}
