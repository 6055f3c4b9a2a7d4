package console

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/demo"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
	"osb/starter"
)

// benchOrders is how many orders the pages are timed over.
const benchOrders = 100_000

// BenchmarkConsolePages times the server side of the pages people open most,
// with 100,000 orders in the store: My work for an SLT user, a Logistics
// user and an FSF KAM; the order list unfiltered (first and a deep page) and
// filtered by customer, SKU and waybill; an order's page. Each iteration
// opens every page once (the filters and orders vary from one iteration to
// the next); it reports each page's p50, p95 and p99 in ms. The target is a
// p95 under 100 ms each. Run it with -benchtime 200x (make bench).
func BenchmarkConsolePages(b *testing.B) {
	ctx := context.Background()
	url := pgtest.NewDatabase(b)
	store, err := postgres.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(store.Close)
	if err := store.SaveOrganisation(ctx, demo.Organisation()); err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	start := time.Now()
	writeBenchOrders(b, url, now)
	b.Logf("wrote %d orders in %s", benchOrders, time.Since(start).Round(time.Second))

	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	api := starter.New(starter.Config{Store: store, Orders: &fakeOrders{}, Policy: sales.DefaultPolicy(), Quota: store,
		Credit: starter.NewTemporalCredit(nil, store, sales.DefaultCreditPolicy()), Reports: starter.NewReports(store, nil),
		Logger: quiet})
	h := New(Config{Store: store, API: api, Logger: quiet})
	sessions := map[string]string{}
	for _, user := range []string{"dsd", "log1", "kam-huadong-1", "ssg-lead"} {
		s, err := store.CreateSession(ctx, user, now, 12*time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		sessions[user] = s.ID
	}
	customers := demo.Organisation().Customers
	pages := []struct {
		name, user string
		path       func(i int) string
	}{
		{"mywork-slt", "dsd", func(int) string { return "/" }},
		{"mywork-logistics", "log1", func(int) string { return "/" }},
		{"mywork-kam", "kam-huadong-1", func(int) string { return "/" }},
		{"orders-first", "ssg-lead", func(int) string { return "/orders" }},
		{"orders-customer", "ssg-lead", func(i int) string { return "/orders?customer=" + customers[i%len(customers)].ID }},
		{"orders-sku", "ssg-lead", func(i int) string { return fmt.Sprintf("/orders?sku=SKU-%d", 1001+i%15) }},
		{"orders-waybill", "ssg-lead", func(i int) string { return "/orders?waybill=" + benchWaybill(shippedOrder(i)) }},
		{"orders-deep", "ssg-lead", func(i int) string {
			return "/orders?before=" + sales.FormatOrderNo(2026, int64(benchOrders/2-i%1000))
		}},
		{"order", "ssg-lead", func(i int) string { return "/orders/" + sales.FormatOrderNo(2026, int64(shippedOrder(i))) }},
	}
	times := make([][]time.Duration, len(pages))
	serve := func(user, path string) (time.Duration, *httptest.ResponseRecorder) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: sessions[user]})
		rec := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(rec, req)
		return time.Since(t0), rec
	}
	for _, p := range pages { // once unmeasured, and every page must work
		_, rec := serve(p.user, p.path(0))
		if rec.Code != http.StatusOK || (strings.HasPrefix(p.name, "orders") && !strings.Contains(rec.Body.String(), `href="/orders/SO-`)) {
			b.Fatalf("%s %s: %d\n%s", p.name, p.path(0), rec.Code, rec.Body)
		}
	}
	i := 0
	for b.Loop() {
		for k, p := range pages {
			d, rec := serve(p.user, p.path(i))
			if rec.Code != http.StatusOK {
				b.Fatalf("%s %s: %d", p.name, p.path(i), rec.Code)
			}
			times[k] = append(times[k], d)
		}
		i++
	}
	for k, p := range pages {
		q := quantiles(times[k], 0.50, 0.95, 0.99)
		b.ReportMetric(q[0], p.name+"-p50-ms")
		b.ReportMetric(q[1], p.name+"-p95-ms")
		b.ReportMetric(q[2], p.name+"-p99-ms")
		b.Logf("%-17s p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  (%d requests)", p.name, q[0], q[1], q[2], len(times[k]))
	}
}

// quantiles returns the q-quantiles of ds in ms (nearest rank).
func quantiles(ds []time.Duration, qs ...float64) []float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	out := make([]float64, len(qs))
	for i, q := range qs {
		n := int(q*float64(len(s))+0.999999) - 1
		out[i] = float64(s[max(n, 0)]) / float64(time.Millisecond)
	}
	return out
}

// shippedOrder is the sequence of the i-th of a spread of orders that have a
// shipment and an invoice (see writeBenchOrders).
func shippedOrder(i int) int { return (i*7919)%(benchOrders/100)*100 + 50 }

func benchWaybill(seq int) string { return fmt.Sprintf("WB%08d", seq) }

// writeBenchOrders writes, in bulk, benchOrders orders SO-2026-000001… over
// the demo customers (so their markets and KAMs), one every five minutes up
// to now, each of two lines of two SKUs with six audit events. Of every
// hundred: 2 cancelled, 1 rejected, 3 held for the SLT (escalated to it), 3
// open before release, 6 released (at SP1–SP3, Logistics'), 6 shipping
// (SP4–SP7), 12 billed (BC1–BC6, unpaid, most overdue by now) and 67
// remitted. Every shipped order has a shipment with waybill WB<sequence>;
// billed and remitted ones an invoice. Open orders are escalated up to the MM
// and have a deadline from a day ago to three days ahead.
func writeBenchOrders(b *testing.B, url string, now time.Time) {
	b.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, sql := range []string{
		`INSERT INTO orders (order_no, customer_id, market, kam_id, client_ref, currency, total_fen, status, step,
			escalation_level, unbilled_fen, outstanding_fen, next_deadline, created_by, created_at, updated_at, closed_at, version)
		 SELECT 'SO-2026-' || lpad(g::text, 6, '0'), c.id, c.market, c.kam_id, CASE WHEN g % 2 = 0 THEN 'PO-' || g ELSE '' END,
			'CNY', 60000, s.status, s.step,
			CASE WHEN s.status = 'held' THEN 4 WHEN s.closed THEN 0 ELSE (g / 100) % 4 END,
			CASE WHEN s.status IN ('open', 'held', 'released') THEN 60000 ELSE 0 END,
			CASE WHEN s.status = 'billed' THEN 60000 ELSE 0 END,
			CASE WHEN NOT s.closed THEN $1::timestamptz + ((g % 96) - 24) * interval '1 hour' END,
			'csr1', $1::timestamptz - ($2 - g) * interval '5 minutes', $1::timestamptz - ($2 - g) * interval '5 minutes',
			CASE WHEN s.closed THEN $1::timestamptz - ($2 - g) * interval '5 minutes' + interval '20 days' END, 1
		 FROM generate_series(1, $2::int) g
		 JOIN (SELECT id, market, kam_id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS k FROM customers) c
			ON c.n = g % c.k
		 CROSS JOIN LATERAL (SELECT r.status, r.step, r.status IN ('cancelled', 'rejected', 'remitted') AS closed
			FROM (SELECT CASE WHEN g % 100 < 2 THEN 'cancelled' WHEN g % 100 < 3 THEN 'rejected' WHEN g % 100 < 6 THEN 'held'
				WHEN g % 100 < 9 THEN 'open' WHEN g % 100 < 15 THEN 'released' WHEN g % 100 < 21 THEN 'shipping'
				WHEN g % 100 < 33 THEN 'billed' ELSE 'remitted' END AS status,
				CASE WHEN g % 100 < 2 THEN 'OP6' WHEN g % 100 < 6 THEN 'OP5'
				WHEN g % 100 < 9 THEN (ARRAY['OP1', 'OP2', 'OP3', 'OP4', 'OP6', 'OP7'])[1 + g / 100 % 6]
				WHEN g % 100 < 15 THEN (ARRAY['SP1', 'SP2', 'SP3'])[1 + g / 100 % 3]
				WHEN g % 100 < 21 THEN (ARRAY['SP4', 'SP5', 'SP6', 'SP7'])[1 + g / 100 % 4]
				WHEN g % 100 < 33 THEN (ARRAY['BC1', 'BC2', 'BC3', 'BC4', 'BC5', 'BC6'])[1 + g / 100 % 6]
				ELSE 'BC7' END AS step) r) s`,
		`INSERT INTO order_lines (order_no, line_no, sku, quantity, unit_price_fen, shipped)
		 SELECT o.order_no, l, 'SKU-' || (1001 + (substr(o.order_no, 9)::int + (l - 1) * 7) % 15), 10, 3000,
			CASE WHEN o.status IN ('billed', 'remitted') THEN 10 ELSE 0 END
		 FROM orders o CROSS JOIN generate_series(1, 2) l`,
		`INSERT INTO shipments (shipment_no, order_no, customer_id, carrier, waybill, lines, issued_at, delivered_at, invoice_no)
		 SELECT 'SH-' || substr(o.order_no, 4) || '-1', o.order_no, o.customer_id, '顺丰速运',
			'WB' || lpad(substr(o.order_no, 9)::int::text, 8, '0'),
			'[{"line_no":1,"quantity":10},{"line_no":2,"quantity":10}]', o.created_at + interval '2 days',
			CASE WHEN o.status IN ('billed', 'remitted') THEN o.created_at + interval '4 days' END,
			CASE WHEN o.status IN ('billed', 'remitted') THEN 'IV-' || substr(o.order_no, 4) || '-1' ELSE '' END
		 FROM orders o WHERE o.status IN ('shipping', 'billed', 'remitted')`,
		`INSERT INTO invoices (invoice_no, order_no, customer_id, shipment_no, currency, amount_fen, paid_fen, issued_at,
			due_at, acknowledged, dunning_level, paid_at)
		 SELECT 'IV-' || substr(o.order_no, 4) || '-1', o.order_no, o.customer_id, 'SH-' || substr(o.order_no, 4) || '-1',
			'CNY', 60000, CASE WHEN o.status = 'remitted' THEN 60000 ELSE 0 END, o.created_at + interval '4 days',
			o.created_at + interval '34 days', true, CASE WHEN o.status = 'billed' THEN o.escalation_level ELSE 0 END,
			CASE WHEN o.status = 'remitted' THEN o.created_at + interval '20 days' END
		 FROM orders o WHERE o.status IN ('billed', 'remitted')`,
		`INSERT INTO order_events (order_no, seq, at, step, kind, actor)
		 SELECT o.order_no, e, o.created_at + e * interval '1 minute', (ARRAY['OP1', 'OP2', 'OP3', 'OP4', 'OP6', 'OP7'])[e],
			'step', 'csr1'
		 FROM orders o CROSS JOIN generate_series(1, 6) e`,
		`SELECT setval('order_no_seq', $2)`,
		`ANALYZE`,
	} {
		sql = strings.ReplaceAll(sql, "$2", strconv.Itoa(benchOrders))
		var args []any
		if strings.Contains(sql, "$1") {
			args = []any{now}
		}
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			b.Fatalf("%v\n%s", err, sql)
		}
	}
}
