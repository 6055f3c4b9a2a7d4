package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"osb/devserver"
	"osb/internal/app"
	"osb/metrics"
	"osb/sales"
	"osb/workflows"
)

// TestMetricsAfterOneOrder runs OSB as `osb-dev dev` wires it (app.Serve:
// worker and API in one process, metrics on, the worker's operations port)
// against a Temporal server of its own, so that its worker is the only one,
// places one order through the API and scrapes /metrics: the SDK's series
// from the client and the worker, the HTTP series of the order route, and
// the business gauges as the store counts them.
func TestMetricsAfterOneOrder(t *testing.T) {
	sys := osb(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Options{SearchAttributes: workflows.SearchAttributes(), Logger: sys.log})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	reg := metrics.New(sys.log)
	defer reg.Close()
	cfg := app.Config{TemporalNS: srv.Namespace(), Registry: reg, Metrics: true}
	c, err := app.DialTemporal(ctx, cfg, srv.FrontendAddress(), sys.log)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	apiL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opsL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() {
		served <- app.Serve(ctx, cfg, sys.log, app.Services{Client: c, Store: sys.store, Listener: apiL, Ops: opsL, Worker: true})
	}()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	base, ops := "http://"+apiL.Addr().String(), "http://"+opsL.Addr().String()
	getAs := func(token, url string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	get := func(url string) (int, string) { t.Helper(); return getAs("", url) }
	eventually(t, 20*time.Second, "the API to be ready", func() bool { code, _ := get(base + "/readyz"); return code == http.StatusOK })
	for _, u := range []string{base + "/livez", base + "/healthz", ops + "/livez", ops + "/readyz"} {
		if code, body := get(u); code != http.StatusOK {
			t.Errorf("%s: %d %s", u, code, body)
		}
	}

	// The API's /metrics holds business figures: only those the
	// permissions let read them (admin) get it.
	if code, _ := get(base + "/metrics"); code != http.StatusUnauthorized {
		t.Errorf("/metrics without a token: %d", code)
	}
	if code, _ := getAs(token("fin1"), base+"/metrics"); code != http.StatusForbidden {
		t.Errorf("/metrics as Finance: %d", code)
	}

	a := &api{t: t, sys: sys, url: base}
	no := a.order("C001", a.plainSKU(), 1)
	v := a.waitStatus(no, sales.StatusReleased)

	want := []string{
		// the SDK: the client's requests, the worker's tasks and sticky cache
		`temporal_request_total{`,
		`temporal_workflow_task_schedule_to_start_latency_seconds_bucket{`,
		`temporal_sticky_cache_size{`,
		// HTTP: the route pattern, never the order number
		`osb_http_requests_total{code="201",method="POST",route="/v1/orders"} 1`,
		`osb_http_request_duration_seconds_count{class="2xx",method="GET",route="/v1/orders/{orderNo}"}`,
		// business
		fmt.Sprintf(`osb_orders_open{stage="%s",step="%s"}`, sales.Step(v.Step).Stage(), v.Step),
		`osb_outbox_pending `,
		`osb_receivables_overdue_fen{band="1-30"} `,
	}
	// Every SDK name the dashboard reads, but those only a failure shows.
	for _, n := range metrics.SDKNames {
		if !metrics.SDKNamesSeenOnFailureOnly[n] {
			want = append(want, "# TYPE "+n+" ")
		}
	}
	var body string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		_, body = getAs(token("admin"), base+"/metrics")
		missing := false
		for _, w := range want {
			missing = missing || !strings.Contains(body, w)
		}
		if !missing || time.Now().After(deadline) {
			break
		}
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("the scrape lacks %q", w)
		}
	}
	if t.Failed() {
		var names []string
		for _, l := range strings.Split(body, "\n") {
			if strings.HasPrefix(l, "# TYPE temporal") || strings.HasPrefix(l, "# TYPE osb") {
				names = append(names, l)
			}
		}
		t.Logf("series: %s", strings.Join(names, "\n"))
	}
	if strings.Contains(body, no) {
		t.Errorf("the order number %s is a label", no)
	}
	// The business gauge is what the store counts.
	g, err := sys.store.Gauges(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range g.OpenOrders {
		if o.Step != string(v.Step) {
			continue
		}
		re := regexp.MustCompile(fmt.Sprintf(`(?m)^osb_orders_open\{stage="%s",step="%s"\} (\d+)$`, o.Stage, o.Step))
		m := re.FindStringSubmatch(body)
		if m == nil || m[1] != fmt.Sprint(o.Count) || o.Count < 1 {
			t.Errorf("osb_orders_open at %s: scrape %v, store %d", o.Step, m, o.Count)
		}
	}
	// The worker's port serves the same registry.
	if code, opsBody := get(ops + "/metrics"); code != http.StatusOK || !strings.Contains(opsBody, "temporal_workflow_task_schedule_to_start_latency_seconds") {
		t.Errorf("ops /metrics: %d", code)
	}
}
