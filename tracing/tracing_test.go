package tracing

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func newTest(t *testing.T) (*Tracing, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tr, err := New(context.Background(), ServiceAPI, sdktrace.NewSimpleSpanProcessor(exp))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tr.Shutdown(context.Background()) })
	return tr, exp
}

func TestServerSpanIsNamedAfterTheRouteNotTheOrder(t *testing.T) {
	tr, exp := newTest(t)
	r := chi.NewRouter()
	r.Use(Route)
	r.Post("/v1/orders/{orderNo}/goods-issues", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusCreated) })
	r.Get("/healthz", func(http.ResponseWriter, *http.Request) {})
	h := tr.HTTP(r)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/v1/orders/SO-20260101-0001/goods-issues", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	spans := exp.GetSpans()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want the goods issue's only (no span for /healthz): %v", len(spans), spans.Snapshots())
	}
	s := spans[0]
	if s.Name != "POST /v1/orders/{orderNo}/goods-issues" || s.SpanKind != trace.SpanKindServer {
		t.Errorf("span %q (%s)", s.Name, s.SpanKind)
	}
	var route string
	for _, a := range s.Attributes {
		if a.Key == "http.route" {
			route = a.Value.AsString()
		}
	}
	if route != "/v1/orders/{orderNo}/goods-issues" {
		t.Errorf("http.route %q", route)
	}
	if got := s.Resource.Attributes(); !hasService(got, ServiceAPI) {
		t.Errorf("resource %v lacks service.name %s", got, ServiceAPI)
	}
}

func TestSQLSpansOnlyInsideATracedCall(t *testing.T) {
	tr, exp := newTest(t)
	sql := tr.SQL().(sqlTracer)
	ctx := sql.TraceQueryStart(context.Background(), nil, pgxStart("SELECT 1"))
	sql.TraceQueryEnd(ctx, nil, pgxEnd())
	if n := len(exp.GetSpans()); n != 0 {
		t.Fatalf("%d spans of a statement outside any trace", n)
	}
	parent, span := tr.Provider().Tracer("test").Start(context.Background(), "activity")
	ctx = sql.TraceQueryStart(parent, nil, pgxStart("  insert into orders (order_no) values ($1)"))
	sql.TraceQueryEnd(ctx, nil, pgxEnd())
	span.End()
	spans := exp.GetSpans()
	if len(spans) != 2 || spans[0].Name != "SQL INSERT" || spans[0].Parent.SpanID() != span.SpanContext().SpanID() {
		t.Fatalf("spans %v, want SQL INSERT under the activity", spans.Snapshots())
	}
}
