package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"osb/devserver"
	"osb/internal/app"
	"osb/sales"
	"osb/tracing"
	"osb/workflows"
)

// TestTraceOfOneGoodsIssue runs OSB as `osb-dev dev` wires it (app.Serve:
// worker and API in one process, on a Temporal server of its own) with
// tracing into an in-memory exporter, reports one goods issue through the
// API and finds one trace holding the HTTP server span of the route, the
// update's client and handler spans, the activities the update led to
// (SyncOrder) and the store's SQL under them.
func TestTraceOfOneGoodsIssue(t *testing.T) {
	sys := osb(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Options{SearchAttributes: workflows.SearchAttributes(), Logger: sys.log})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	spans := tracetest.NewInMemoryExporter()
	tr, err := tracing.New(ctx, tracing.ServiceDev, sdktrace.NewSimpleSpanProcessor(spans))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tr.Shutdown(context.Background()) }()
	cfg := app.Config{TemporalNS: srv.Namespace(), Tracing: tr}
	c, err := app.DialTemporal(ctx, cfg, srv.FrontendAddress(), sys.log)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	store, err := app.OpenStore(ctx, cfg, sys.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	apiL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() {
		served <- app.Serve(ctx, cfg, sys.log, app.Services{Client: c, Store: store, Listener: apiL, Worker: true})
	}()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	a := &api{t: t, sys: sys, url: "http://" + apiL.Addr().String()}
	eventually(t, 20*time.Second, "the API to be ready", func() bool {
		resp, err := http.Get(a.url + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	no := a.order("C001", a.plainSKU(), 2)
	a.waitStatus(no, sales.StatusReleased)
	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/acknowledge",
		map[string]string{"planned_date": time.Now().AddDate(0, 0, 2).Format(time.DateOnly)}, nil)

	// The goods issue's request carries a trace id of its own, as a caller
	// that traces would send it: every span of the request must join it.
	traceID := trace.TraceID{0x05, 0x1c, 0x0d, 0x5e}
	parent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: traceID, SpanID: trace.SpanID{1}, TraceFlags: trace.FlagsSampled})
	a.mustTraced(tr, parent, 201, token("log1"), "/v1/orders/"+no+"/goods-issues", map[string]any{
		"carrier": "EMS", "lines": []sales.LineQty{{LineNo: 1, Quantity: 2}}})

	want := []string{
		"POST /v1/orders/{orderNo}/goods-issues",       // HTTP server
		"UpdateWorkflow:" + workflows.UpdateGoodsIssue, // Temporal client
		"ValidateUpdate:" + workflows.UpdateGoodsIssue, // worker: the validator
		"HandleUpdate:" + workflows.UpdateGoodsIssue,   // worker: the handler
		"StartActivity:SyncOrder",                      // the loop writes the order
		"RunActivity:SyncOrder",
		"SQL batch", // the store, inside SyncOrder
	}
	var names map[string]bool
	parents := map[string]map[string]bool{} // a span's name: its parents' names
	complete := func() bool {
		names = map[string]bool{}
		byID := map[trace.SpanID]string{}
		got := spans.GetSpans()
		for _, s := range got {
			if s.SpanContext.TraceID() == traceID {
				names[s.Name] = true
				byID[s.SpanContext.SpanID()] = s.Name
			}
		}
		for _, s := range got {
			if s.SpanContext.TraceID() == traceID {
				if parents[s.Name] == nil {
					parents[s.Name] = map[string]bool{}
				}
				parents[s.Name][byID[s.Parent.SpanID()]] = true
			}
		}
		for _, w := range want {
			if !names[w] {
				return false
			}
		}
		return true
	}
	for deadline := time.Now().Add(20 * time.Second); !complete() && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond) // the worker's spans end after the answer
	}
	for _, w := range want {
		if !names[w] {
			t.Errorf("the goods issue's trace lacks a span %q", w)
		}
	}
	// The links: each span under the one that caused it.
	for child, parent := range map[string]string{
		"UpdateWorkflow:" + workflows.UpdateGoodsIssue: "POST /v1/orders/{orderNo}/goods-issues",
		"HandleUpdate:" + workflows.UpdateGoodsIssue:   "UpdateWorkflow:" + workflows.UpdateGoodsIssue,
		"StartActivity:SyncOrder":                      "HandleUpdate:" + workflows.UpdateGoodsIssue,
		"RunActivity:SyncOrder":                        "StartActivity:SyncOrder",
		"SQL batch":                                    "RunActivity:SyncOrder",
	} {
		if !parents[child][parent] {
			t.Errorf("span %q is under %v, want %q", child, parents[child], parent)
		}
	}
	if t.Failed() {
		t.Logf("its spans (name: parent): %v", parents)
	}
	for n := range names {
		if strings.Contains(n, no) {
			t.Errorf("span %q names the order", n)
		}
	}
}

// mustTraced POSTs body as the holder of tok with parent in the request's
// traceparent header and checks the status.
func (a *api) mustTraced(tr *tracing.Tracing, parent trace.SpanContext, status int, tok, path string, body any) {
	a.t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		a.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, a.url+path, bytes.NewReader(b))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	tr.Propagator().Inject(trace.ContextWithSpanContext(context.Background(), parent), propagation.HeaderCarrier(req.Header))
	resp, err := httpClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != status {
		a.t.Fatalf("POST %s: %d, want %d", path, resp.StatusCode, status)
	}
}
