package postgres_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/demo"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
)

// Size of the generated history the reports are timed on.
const (
	benchOrders    = 100_000
	benchCustomers = 2_000
)

// benchStart is when the first generated order was registered; the orders
// run over a year, one every five minutes or so.
var benchStart = time.Date(2025, 6, 1, 8, 0, 0, 0, sales.Beijing)

// generateHistory writes, in bulk, benchCustomers distributors over the demo
// markets and KAMs and benchOrders orders of two lines each: 3 % cancelled,
// 2 % rejected, 5 % still before shipment; the rest shipped and invoiced on
// 30 days' terms, three in four paid in full, one in ten in part.
func generateHistory(b *testing.B, url string) {
	b.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, sql := range []string{
		`INSERT INTO customers (id, name, market, kam_id, payment_terms_days, credit_limit_fen, rating, ship_to)
		 SELECT 'B' || lpad(g::text, 5, '0'), '分销商' || g, k.market, k.id, 30, 50000000 + (g % 7) * 10000000,
			(ARRAY['A', 'B', 'C', 'D'])[1 + g % 4], '地址 ' || g
		 FROM generate_series(1, $2::int) g
		 JOIN (SELECT id, market, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS kams
			FROM users WHERE title = 'KAM') k ON k.n = g % k.kams`,
		`INSERT INTO orders (order_no, customer_id, market, kam_id, currency, total_fen, status, step, unbilled_fen,
			outstanding_fen, created_by, created_at, updated_at, closed_at, version)
		 SELECT 'SO-2025-' || lpad(g::text, 6, '0'), c.id, c.market, c.kam_id, 'CNY', 2 * 30000 + (g % 50) * 1000,
			CASE WHEN g % 100 < 3 THEN 'cancelled' WHEN g % 100 < 5 THEN 'rejected' WHEN g % 100 < 10 THEN 'released'
				WHEN g % 100 < 85 THEN 'remitted' ELSE 'billed' END,
			CASE WHEN g % 100 < 5 THEN 'OP7' WHEN g % 100 < 10 THEN 'SP1' WHEN g % 100 < 85 THEN 'BC7' ELSE 'BC6' END,
			CASE WHEN g % 100 BETWEEN 5 AND 9 THEN 2 * 30000 + (g % 50) * 1000 ELSE 0 END, 0, 'csr1',
			$1::timestamptz + g * interval '315 seconds', $1::timestamptz + g * interval '315 seconds',
			CASE WHEN g % 100 < 5 OR g % 100 BETWEEN 10 AND 84 THEN $1::timestamptz + g * interval '315 seconds' + interval '20 days' END,
			1
		 FROM generate_series(1, $3::int) g
		 JOIN (SELECT id, market, kam_id, row_number() OVER (ORDER BY id) - 1 AS n FROM customers) c ON c.n = g % $2`,
		`INSERT INTO order_lines (order_no, line_no, sku, quantity, unit_price_fen, shipped)
		 SELECT o.order_no, l, CASE l WHEN 1 THEN 'SKU-1001' ELSE 'SKU-1010' END, 10, 3000 + (l - 1) * (o.total_fen - 60000) / 10,
			CASE WHEN o.status IN ('remitted', 'billed') THEN 10 ELSE 0 END
		 FROM orders o CROSS JOIN generate_series(1, 2) l`,
		`INSERT INTO shipments (shipment_no, order_no, customer_id, carrier, waybill, lines, issued_at, delivered_at, invoice_no)
		 SELECT 'SH-' || substr(o.order_no, 4) || '-1', o.order_no, o.customer_id,
			(ARRAY['顺丰速运', '德邦物流', '中通快运'])[1 + abs(hashtext(o.order_no)) % 3], 'WB' || o.order_no,
			'[{"line_no":1,"quantity":10},{"line_no":2,"quantity":10}]', o.created_at + interval '2 days',
			o.created_at + interval '4 days' + (abs(hashtext(o.order_no)) % 48) * interval '1 hour', 'IV-' || substr(o.order_no, 4) || '-1'
		 FROM orders o WHERE o.status IN ('remitted', 'billed')`,
		`INSERT INTO invoices (invoice_no, order_no, customer_id, shipment_no, currency, amount_fen, paid_fen, issued_at,
			due_at, acknowledged, paid_at)
		 SELECT 'IV-' || substr(o.order_no, 4) || '-1', o.order_no, o.customer_id, 'SH-' || substr(o.order_no, 4) || '-1',
			'CNY', o.total_fen,
			CASE WHEN o.status = 'remitted' THEN o.total_fen WHEN abs(hashtext(o.order_no)) % 3 = 0 THEN o.total_fen / 2 ELSE 0 END,
			o.created_at + interval '2 days', o.created_at + interval '32 days', true,
			CASE WHEN o.status = 'remitted' THEN o.created_at + interval '20 days' END
		 FROM orders o WHERE o.status IN ('remitted', 'billed')`,
		`INSERT INTO receipts (order_no, reference, customer_id, amount_fen, currency, received_at, confirmed_by, allocations)
		 SELECT i.order_no, 'BANK-' || i.invoice_no, i.customer_id, i.paid_fen, 'CNY',
			coalesce(i.paid_at, i.issued_at + interval '15 days'), 'fin1',
			jsonb_build_array(jsonb_build_object('invoice_no', i.invoice_no, 'amount_fen', i.paid_fen))
		 FROM invoices i WHERE i.paid_fen > 0`,
		`UPDATE orders o SET outstanding_fen = i.amount_fen - i.paid_fen FROM invoices i WHERE i.order_no = o.order_no`,
		`ANALYZE`,
	} {
		sql = strings.NewReplacer("$1", "'"+benchStart.Format(time.RFC3339)+"'", "$2", strconv.Itoa(benchCustomers),
			"$3", strconv.Itoa(benchOrders)).Replace(sql)
		if _, err := conn.Exec(ctx, sql); err != nil {
			b.Fatalf("generating the history: %v\n%s", err, sql)
		}
	}
}

// BenchmarkReports times every report on a year of generated history (June
// 2025 to May 2026): the whole company over one month, as the meeting packs
// and the SLT ask for them, and one KAM's receivables.
func BenchmarkReports(b *testing.B) {
	url := pgtest.NewDatabase(b)
	ctx := context.Background()
	st, err := postgres.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.SaveOrganisation(ctx, demo.Organisation()); err != nil {
		b.Fatal(err)
	}
	started := time.Now()
	generateHistory(b, url)
	b.Logf("generated %d orders for %d customers in %s", benchOrders, benchCustomers, time.Since(started).Round(time.Millisecond))

	// The last whole month of the history, as its meeting pack reads it:
	// receivables at the month's end, with three weeks of later receipts to
	// add back.
	month, _ := sales.MonthPeriod("2026-05")
	everyone := sales.Scope{All: true}
	f := sales.ReportFilter{Scope: everyone, Period: month, AsOf: month.Last()}
	now := f
	now.AsOf = benchStart.AddDate(1, 1, 0) // after the last receipt: what the API shows by default
	kam := sales.ReportFilter{Scope: sales.Scope{KAMIDs: []string{"kam-huadong-1"}}, Period: month, AsOf: month.Last()}
	reports := []struct {
		name string
		run  func() (int, error)
	}{
		{"credit-ratings", func() (int, error) { r, err := st.CreditRatings(ctx, f); return len(r), err }},
		{"shipment-info", func() (int, error) { r, err := st.ShipmentInfo(ctx, f); return len(r), err }},
		{"replenishment", func() (int, error) { r, err := st.Replenishment(ctx, f); return len(r), err }},
		{"receivables", func() (int, error) { r, err := st.Receivables(ctx, f); return len(r), err }},
		{"receivables-one-kam", func() (int, error) { r, err := st.Receivables(ctx, kam); return len(r), err }},
		{"ageing-by-customer", func() (int, error) { r, err := st.Ageing(ctx, f, "customer"); return len(r), err }},
		{"ageing-by-market", func() (int, error) { r, err := st.Ageing(ctx, f, "market"); return len(r), err }},
		{"ageing-by-customer-now", func() (int, error) { r, err := st.Ageing(ctx, now, "customer"); return len(r), err }},
		{"dso", func() (int, error) { r, err := st.DSO(ctx, f); return len(r), err }},
		{"targets", func() (int, error) { r, err := st.TargetReport(ctx, "2026-05", everyone); return len(r), err }},
		{"reach", func() (int, error) { r, err := st.Reach(ctx, f); return len(r), err }},
	}
	for _, r := range reports {
		b.Run(r.name, func(b *testing.B) {
			rows := 0
			for b.Loop() {
				n, err := r.run()
				if err != nil {
					b.Fatal(err)
				}
				rows = n
			}
			if rows == 0 {
				b.Fatalf("%s returned no rows", r.name)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/report")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}
