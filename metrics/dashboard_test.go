package metrics_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"osb/metrics"
	"osb/postgres"
)

// dashboard is the part of a Grafana dashboard the test reads.
type dashboard struct {
	Panels []panel `json:"panels"`
}

type panel struct {
	Title   string `json:"title"`
	Type    string `json:"type"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // a collapsed row's
}

// promNames are the metric-like words of a PromQL expression: names with
// an underscore, less label names ("by (le, route)"), label values in
// quotes and functions.
var (
	quoted   = regexp.MustCompile(`"[^"]*"`)
	grouping = regexp.MustCompile(`(by|without)\s*\([^)]*\)`)
	matchers = regexp.MustCompile(`\{[^}]*\}`)
	words    = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
	promQL   = []string{"sum", "rate", "irate", "increase", "histogram_quantile", "max", "min", "avg", "count", "by", "without", "le"}
)

func promNames(expr string) []string {
	e := quoted.ReplaceAllString(expr, `""`)
	e = grouping.ReplaceAllString(e, "")
	e = matchers.ReplaceAllString(e, "")
	e = regexp.MustCompile(`\[[^\]]*\]`).ReplaceAllString(e, "")
	var out []string
	for _, w := range words.FindAllString(e, -1) {
		if !slices.Contains(promQL, w) {
			out = append(out, w)
		}
	}
	return out
}

// exported are the names the code registers: OSB's own, gathered from a
// registry with every family filled once, and the SDK's listed names.
func exported(t *testing.T) map[string]bool {
	t.Helper()
	reg := metrics.New(nil)
	defer reg.Close()
	reg.Business(&fakeGauges{g: postgres.Gauges{
		OpenOrders:  []postgres.StepCount{{Stage: "OP", Step: "OP1", Count: 1}},
		LateOrders:  []postgres.OwnerCount{{Owner: "ssg", Count: 1}},
		Escalations: []postgres.LevelCount{{Level: 1, Count: 1}},
		Overdue:     []postgres.BandAmount{{Band: "1-30", Fen: 1, Count: 1}},
		Review:      postgres.ReviewProgress{Found: true, Quarter: "2026-Q1"},
	}}, nil)
	scrape(t, reg.HTTP(http404()))
	families, err := reg.Prometheus().Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range families {
		n := f.GetName()
		names[n] = true
		if f.GetType().String() == "HISTOGRAM" {
			names[n+"_bucket"], names[n+"_count"], names[n+"_sum"] = true, true, true
		}
	}
	for _, n := range metrics.SDKNames {
		names[n] = true
		if strings.HasSuffix(n, "_seconds") {
			names[n+"_bucket"], names[n+"_count"], names[n+"_sum"] = true, true, true
		}
	}
	return names
}

func TestDashboardNamesOnlyExportedMetrics(t *testing.T) {
	raw, err := os.ReadFile("../ops/grafana/osb.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("the dashboard is not JSON: %v", err)
	}
	names := exported(t)
	used := map[string]bool{}
	var walk func([]panel)
	exprs := 0
	walk = func(ps []panel) {
		for _, p := range ps {
			walk(p.Panels)
			for _, tg := range p.Targets {
				exprs++
				found := promNames(tg.Expr)
				if len(found) == 0 {
					t.Errorf("panel %q: %q names no metric", p.Title, tg.Expr)
				}
				for _, n := range found {
					used[n] = true
					if !names[n] {
						t.Errorf("panel %q: %s is not a metric the code exports", p.Title, n)
					}
				}
			}
		}
	}
	walk(d.Panels)
	if exprs < 20 {
		t.Errorf("only %d queries in the dashboard", exprs)
	}
	// Every business family and the SDK's listed names have a panel.
	for _, n := range append([]string{metrics.OpenOrders, metrics.LateOrders, metrics.EscalatedOrders, metrics.OverdueFen,
		metrics.OverdueInvoices, metrics.OutboxPending, metrics.OutboxDead, metrics.ReviewDone, metrics.HTTPRequests}, metrics.SDKNames...) {
		if !used[n] && !used[n+"_bucket"] {
			t.Errorf("no panel reads %s", n)
		}
	}
}

func TestPromNamesFindsMetricsNotLabels(t *testing.T) {
	got := promNames(`histogram_quantile(0.95, sum by (le, route) (rate(osb_http_request_duration_seconds_bucket{code=~"5..", route="/v1"}[5m]))) / sum(osb_x_total)`)
	if want := []string{"osb_http_request_duration_seconds_bucket", "osb_x_total"}; !slices.Equal(got, want) {
		t.Errorf("promNames = %v, want %v", got, want)
	}
}
