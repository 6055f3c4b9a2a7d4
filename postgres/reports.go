package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// The reports read the order projection as it is stored. Every report leaves
// out cancelled and rejected orders, counts an invoice net of its credit notes
// and partial payments as they were confirmed, and limits what it covers to
// the customers of the filter's scope. Days are counted in Beijing time.

// excludedStatuses are the orders no report counts.
var excludedStatuses = []string{string(sales.StatusCancelled), string(sales.StatusRejected)}

// confirmedStatuses are the orders that passed OP6 (confirmed) and still stand.
var confirmedStatuses = []string{string(sales.StatusReleased), string(sales.StatusShipping),
	string(sales.StatusBilled), string(sales.StatusRemitted)}

// day is the calendar day of t in Beijing, for a date parameter.
func day(t time.Time) string { return sales.DateOf(t).Format(time.DateOnly) }

// live is the condition that the order of the rows of alias was neither
// cancelled nor rejected. It names the statuses literally so that the
// planner answers it from the small partial index orders_void_idx.
func live(alias string) string {
	return fmt.Sprintf("NOT EXISTS (SELECT 1 FROM orders v WHERE v.order_no = %s.order_no AND v.status IN ('%s', '%s'))",
		alias, sales.StatusCancelled, sales.StatusRejected)
}

// openItemsAsOf is a WITH clause naming open_items: every invoice issued
// before the instant $1 with what was still owed on it then (what receipts
// confirmed and credit notes issued from $1 on took off is added back), and
// its days past due on the day $2. It reads invoices, receipts and credit
// notes through their date indexes.
var openItemsAsOf = `
	later AS (
		SELECT a.invoice_no, sum(a.amount_fen) AS fen
		FROM (
			SELECT r.allocations FROM receipts r WHERE r.received_at >= $1
			UNION ALL
			SELECT n.allocations FROM credit_notes n WHERE n.issued_at >= $1
		) x CROSS JOIN LATERAL jsonb_to_recordset(x.allocations) AS a(invoice_no text, amount_fen bigint)
		GROUP BY a.invoice_no
	), open_items AS (
		SELECT i.invoice_no, i.customer_id, i.currency,
			$2::date - (i.due_at AT TIME ZONE 'Asia/Shanghai')::date AS days,
			i.amount_fen - i.paid_fen - i.credited_fen + coalesce(l.fen, 0) AS open_fen
		FROM invoices i
		LEFT JOIN later l ON l.invoice_no = i.invoice_no
		WHERE i.issued_at < $1 AND (i.paid_at IS NULL OR i.paid_at >= $1) AND ` + live("i") + `
	)`

// scopeClause limits a query to the customers c of scope.
func scopeClause(where *conditions, scope sales.Scope) {
	if !scope.All {
		where.add("c.kam_id = ANY($?)", nonNil(scope.KAMIDs))
	}
}

// customerFilter applies the filter's customer and market to customers c.
func customerFilter(where *conditions, f sales.ReportFilter) {
	scopeClause(where, f.Scope)
	if f.CustomerID != "" {
		where.add("c.id = $?", f.CustomerID)
	}
	if f.Market != "" {
		where.add("c.market = $?", f.Market)
	}
}

// CreditRatings is the customer credit rating table (客户信誉等级一览表):
// each customer's rating and limit, exposure (open receivables plus what open
// orders have not billed), use, and what is overdue and since when. Balances
// are as they stand; days past due are counted on the day of f.AsOf.
func (s *Store) CreditRatings(ctx context.Context, f sales.ReportFilter) ([]sales.CreditRatingRow, error) {
	where := conditions{args: []any{day(f.AsOf), finalStatuses}}
	customerFilter(&where, f)
	return collect(ctx, s.pool, "credit rating table", `
		WITH open_items AS (
			SELECT i.customer_id,
				sum(i.amount_fen - i.paid_fen - i.credited_fen) AS open_fen,
				sum(i.amount_fen - i.paid_fen - i.credited_fen)
					FILTER (WHERE (i.due_at AT TIME ZONE 'Asia/Shanghai')::date < $1::date) AS overdue_fen,
				min((i.due_at AT TIME ZONE 'Asia/Shanghai')::date)
					FILTER (WHERE (i.due_at AT TIME ZONE 'Asia/Shanghai')::date < $1::date) AS oldest_due
			FROM invoices i
			WHERE i.paid_at IS NULL AND i.amount_fen - i.paid_fen - i.credited_fen > 0 AND `+live("i")+`
			GROUP BY i.customer_id
		), unbilled AS (
			SELECT customer_id, sum(unbilled_fen) AS fen FROM orders
			WHERE closed_at IS NULL AND status <> ALL($2)
			GROUP BY customer_id
		)
		SELECT c.id, c.name, c.market, c.kam_id, coalesce(k.name, ''), c.rating, c.currency, c.credit_limit_fen,
			(coalesce(oi.open_fen, 0) + coalesce(u.fen, 0))::bigint, coalesce(oi.overdue_fen, 0)::bigint,
			coalesce($1::date - oi.oldest_due, 0), c.frozen
		FROM customers c
		LEFT JOIN users k ON k.id = c.kam_id
		LEFT JOIN open_items oi ON oi.customer_id = c.id
		LEFT JOIN unbilled u ON u.customer_id = c.id`+where.sql()+`
		ORDER BY c.market, c.id`,
		func(r pgx.CollectableRow) (sales.CreditRatingRow, error) {
			var x sales.CreditRatingRow
			err := r.Scan(&x.CustomerID, &x.CustomerName, &x.Market, &x.KAMID, &x.KAMName, &x.Rating, &x.Currency,
				&x.Limit, &x.Exposure, &x.Overdue, &x.OldestOverdueDays, &x.Frozen)
			x.UsePct = sales.Percent(x.Exposure, x.Limit)
			return x, err
		}, where.args...)
}

// ShipmentInfo is the customer shipment information table (客户储运信息维护表):
// per customer the default ship-to with its consignee, phone, unloading
// notes and preferred carrier — as kept for the month f.Period starts in
// when the SSG kept that month's version, else as maintained now — the
// carrier used most in f.Period, how many shipments left and arrived in it
// and how long they took, and the latest three shipments.
func (s *Store) ShipmentInfo(ctx context.Context, f sales.ReportFilter) ([]sales.ShipmentInfoRow, error) {
	month := f.Period.From.In(sales.Beijing).Format("2006-01")
	where := conditions{args: []any{f.Period.From, f.Period.To, month}}
	customerFilter(&where, f)
	return collect(ctx, s.pool, "customer shipment information", `
		WITH shipped AS (
			SELECT s.customer_id, s.carrier, s.issued_at, s.delivered_at
			FROM shipments s
			WHERE s.issued_at >= $1 AND s.issued_at < $2 AND `+live("s")+`
		), counts AS (
			SELECT customer_id, count(*) AS shipments, count(delivered_at) AS delivered,
				round(avg(extract(epoch FROM delivered_at - issued_at)) / 8640)::bigint AS lead_tenths
			FROM shipped GROUP BY customer_id
		), carriers AS (
			SELECT DISTINCT ON (customer_id) customer_id, carrier
			FROM shipped WHERE carrier <> ''
			GROUP BY customer_id, carrier
			ORDER BY customer_id, count(*) DESC, max(issued_at) DESC, carrier
		), kept AS (
			SELECT coalesce((SELECT month FROM shipment_info_versions WHERE month = $3), '') AS month
		)
		SELECT c.id, c.name, c.market, c.kam_id,
			CASE WHEN kept.month <> '' THEN coalesce(ka.address, '') ELSE coalesce(ca.address, c.ship_to) END,
			coalesce(CASE WHEN kept.month <> '' THEN ka.consignee ELSE ca.consignee END, ''),
			coalesce(CASE WHEN kept.month <> '' THEN ka.phone ELSE ca.phone END, ''),
			coalesce(CASE WHEN kept.month <> '' THEN ka.unloading_notes ELSE ca.unloading_notes END, ''),
			coalesce(CASE WHEN kept.month <> '' THEN ka.carrier ELSE ca.carrier END, ''),
			kept.month, coalesce(cr.carrier, ''),
			coalesce(n.shipments, 0), coalesce(n.delivered, 0), n.lead_tenths, coalesce(last.refs, '[]')
		FROM customers c
		CROSS JOIN kept
		LEFT JOIN LATERAL (
			SELECT a.address, a.consignee, a.phone, a.unloading_notes, a.carrier FROM customer_ship_to a
			WHERE a.customer_id = c.id ORDER BY a.is_default DESC, a.code LIMIT 1
		) ca ON true
		LEFT JOIN LATERAL (
			SELECT v.address, v.consignee, v.phone, v.unloading_notes, v.carrier FROM shipment_info_month_rows v
			WHERE v.month = kept.month AND v.customer_id = c.id ORDER BY v.is_default DESC, v.code LIMIT 1
		) ka ON true
		LEFT JOIN counts n ON n.customer_id = c.id
		LEFT JOIN carriers cr ON cr.customer_id = c.id
		LEFT JOIN LATERAL (
			SELECT jsonb_agg(jsonb_build_object('no', x.shipment_no, 'order_no', x.order_no,
				'issued_at', x.issued_at, 'carrier', x.carrier, 'waybill', x.waybill,
				'delivered_at', x.delivered_at) ORDER BY x.issued_at DESC, x.shipment_no DESC) AS refs
			FROM (SELECT s.shipment_no, s.order_no, s.issued_at, s.carrier, s.waybill, s.delivered_at
				FROM shipments s WHERE s.customer_id = c.id AND `+live("s")+`
				ORDER BY s.issued_at DESC, s.shipment_no DESC LIMIT 3) x
		) last ON true`+where.sql()+`
		ORDER BY c.market, c.id`,
		func(r pgx.CollectableRow) (sales.ShipmentInfoRow, error) {
			var x sales.ShipmentInfoRow
			var lead *int64
			err := r.Scan(&x.CustomerID, &x.CustomerName, &x.Market, &x.KAMID, &x.ShipTo, &x.Consignee, &x.Phone,
				&x.UnloadingNotes, &x.PreferredCarrier, &x.KeptMonth, &x.Carrier,
				&x.Shipments, &x.Delivered, &lead, &x.LastShipments)
			if lead != nil {
				v := float64(*lead) / 10
				x.LeadTimeDays = &v
			}
			return x, err
		}, where.args...)
}

// Replenishment is the replenishment record (补货记录): the lines of the
// orders registered in f.Period that were confirmed and still stand, per
// customer in order.
func (s *Store) Replenishment(ctx context.Context, f sales.ReportFilter) ([]sales.ReplenishmentRow, error) {
	where := conditions{args: []any{f.Period.From, f.Period.To, confirmedStatuses}}
	where.clauses = []string{"o.created_at >= $1", "o.created_at < $2", "o.status = ANY($3)"}
	customerFilter(&where, f)
	return collect(ctx, s.pool, "replenishment record", `
		SELECT o.order_no, o.created_at, o.customer_id, c.name, o.market, o.kam_id, o.status, l.line_no, l.sku,
			coalesce(k.name, ''), l.quantity, l.shipped, l.unit_price_fen, l.quantity * l.unit_price_fen, o.currency
		FROM orders o
		JOIN customers c ON c.id = o.customer_id
		JOIN order_lines l ON l.order_no = o.order_no
		LEFT JOIN skus k ON k.code = l.sku`+where.sql()+`
		ORDER BY o.customer_id, o.created_at, o.order_no, l.line_no`,
		func(r pgx.CollectableRow) (sales.ReplenishmentRow, error) {
			var x sales.ReplenishmentRow
			err := r.Scan(&x.OrderNo, &x.OrderedAt, &x.CustomerID, &x.CustomerName, &x.Market, &x.KAMID, &x.Status,
				&x.LineNo, &x.SKU, &x.SKUName, &x.Quantity, &x.Shipped, &x.UnitPrice, &x.Amount, &x.Currency)
			return x, err
		}, where.args...)
}

// Receivables is the receivables record (应收款记录) of f.Period: per
// customer the balance brought forward, then every invoice, receipt and
// credit note of the period in date order with the running balance. Every
// customer with a balance or a movement has a line.
func (s *Store) Receivables(ctx context.Context, f sales.ReportFilter) ([]sales.ReceivableEntry, error) {
	where := conditions{args: []any{f.Period.From, f.Period.To}}
	customerFilter(&where, f)
	return collect(ctx, s.pool, "receivables record", `
		WITH scoped AS (
			SELECT c.id, c.name, c.currency FROM customers c`+where.sql()+`
		), moves AS (
			SELECT i.customer_id, i.issued_at AS at, 1 AS kind_order, 'invoice' AS kind, i.invoice_no AS doc,
				i.order_no, i.due_at, i.amount_fen AS debit, 0::bigint AS credit
			FROM invoices i
			WHERE i.customer_id IN (SELECT id FROM scoped) AND i.issued_at >= $1 AND i.issued_at < $2 AND `+live("i")+`
			UNION ALL
			SELECT r.customer_id, r.received_at, 2, 'receipt', r.reference, r.order_no, NULL, 0, r.amount_fen
			FROM receipts r
			WHERE r.customer_id IN (SELECT id FROM scoped) AND r.received_at >= $1 AND r.received_at < $2 AND `+live("r")+`
			UNION ALL
			SELECT n.customer_id, n.issued_at, 3, 'credit_note', n.credit_note_no, n.order_no, NULL, 0, n.amount_fen
			FROM credit_notes n
			WHERE n.customer_id IN (SELECT id FROM scoped) AND n.issued_at >= $1 AND n.issued_at < $2 AND `+live("n")+`
		), brought AS (
			SELECT customer_id, sum(fen)::bigint AS balance FROM (
				SELECT i.customer_id, i.amount_fen AS fen FROM invoices i
				WHERE i.customer_id IN (SELECT id FROM scoped) AND i.issued_at < $1 AND `+live("i")+`
				UNION ALL
				SELECT r.customer_id, -r.amount_fen FROM receipts r
				WHERE r.customer_id IN (SELECT id FROM scoped) AND r.received_at < $1 AND `+live("r")+`
				UNION ALL
				SELECT n.customer_id, -n.amount_fen FROM credit_notes n
				WHERE n.customer_id IN (SELECT id FROM scoped) AND n.issued_at < $1 AND `+live("n")+`
			) x GROUP BY customer_id
		), opening AS (
			SELECT s.id AS customer_id, coalesce(b.balance, 0) AS balance
			FROM scoped s LEFT JOIN brought b ON b.customer_id = s.id
			WHERE coalesce(b.balance, 0) <> 0 OR s.id IN (SELECT customer_id FROM moves)
		), lines AS (
			SELECT o.customer_id, $1::timestamptz AS at, 0 AS kind_order, 'opening' AS kind, '' AS doc,
				'' AS order_no, NULL::timestamptz AS due_at, 0::bigint AS debit, 0::bigint AS credit, o.balance
			FROM opening o
			UNION ALL
			SELECT m.customer_id, m.at, m.kind_order, m.kind, m.doc, m.order_no, m.due_at, m.debit, m.credit,
				(o.balance + sum(m.debit - m.credit) OVER (PARTITION BY m.customer_id
					ORDER BY m.at, m.kind_order, m.doc ROWS UNBOUNDED PRECEDING))::bigint
			FROM moves m JOIN opening o ON o.customer_id = m.customer_id
		)
		SELECT l.customer_id, s.name, s.currency, l.at, l.kind, l.doc, l.order_no, l.due_at, l.debit, l.credit,
			l.balance
		FROM lines l JOIN scoped s ON s.id = l.customer_id
		ORDER BY l.customer_id, l.at, l.kind_order, l.doc`,
		func(r pgx.CollectableRow) (sales.ReceivableEntry, error) {
			var x sales.ReceivableEntry
			err := r.Scan(&x.CustomerID, &x.CustomerName, &x.Currency, &x.At, &x.Kind, &x.Document, &x.OrderNo,
				&x.DueAt, &x.Debit, &x.Credit, &x.Balance)
			return x, err
		}, where.args...)
}

// ageingGroups are the key, name, market and KAM of each grouping of the
// ageing, over customers c, their KAM k and market m.
var ageingGroups = map[string]string{
	"customer": `c.id, c.name, c.market, c.kam_id`,
	"kam":      `c.kam_id, coalesce(k.name, c.kam_id), coalesce(k.market, ''), c.kam_id`,
	"market":   `c.market, coalesce(m.name, c.market), c.market, ''`,
}

// Ageing is the receivables ageing at f.AsOf grouped by customer, kam or
// market: what was owed then, by days past due (not due, 1–30, 31–60, 61–90,
// over 90). Receipts confirmed after f.AsOf do not count; credit notes count
// whenever they were issued.
func (s *Store) Ageing(ctx context.Context, f sales.ReportFilter, group string) ([]sales.AgeingRow, error) {
	cols, ok := ageingGroups[group]
	if !ok {
		return nil, sales.Errorf(sales.ErrInvalid, "the ageing is grouped by customer, kam or market, not %q", group)
	}
	where := conditions{args: []any{f.AsOf, day(f.AsOf)}}
	where.clauses = []string{"it.open_fen > 0"}
	customerFilter(&where, f)
	return collect(ctx, s.pool, "receivables ageing", `
		WITH`+openItemsAsOf+`
		SELECT `+cols+`, it.currency,
			coalesce(sum(it.open_fen) FILTER (WHERE it.days <= 0), 0)::bigint,
			coalesce(sum(it.open_fen) FILTER (WHERE it.days BETWEEN 1 AND 30), 0)::bigint,
			coalesce(sum(it.open_fen) FILTER (WHERE it.days BETWEEN 31 AND 60), 0)::bigint,
			coalesce(sum(it.open_fen) FILTER (WHERE it.days BETWEEN 61 AND 90), 0)::bigint,
			coalesce(sum(it.open_fen) FILTER (WHERE it.days > 90), 0)::bigint,
			sum(it.open_fen)::bigint
		FROM open_items it
		JOIN customers c ON c.id = it.customer_id
		LEFT JOIN users k ON k.id = c.kam_id
		LEFT JOIN markets m ON m.code = c.market`+where.sql()+`
		GROUP BY 1, 2, 3, 4, 5
		ORDER BY 1, 5`,
		func(r pgx.CollectableRow) (sales.AgeingRow, error) {
			x := sales.AgeingRow{Group: group}
			err := r.Scan(&x.Key, &x.Name, &x.Market, &x.KAMID, &x.Currency, &x.NotDue, &x.Days1To30,
				&x.Days31To60, &x.Days61To90, &x.Over90, &x.Total)
			if group != "customer" {
				x.KAMID = ""
			}
			return x, err
		}, where.args...)
}

// DSO is days sales outstanding by market over f.Period: receivables open at
// the end of the period over the period's sales (invoiced less the credit
// notes issued in it), times its days.
func (s *Store) DSO(ctx context.Context, f sales.ReportFilter) ([]sales.DSORow, error) {
	where := conditions{args: []any{f.Period.To, day(f.Period.To), f.Period.From}}
	customerFilter(&where, f)
	days := f.Period.Days()
	return collect(ctx, s.pool, "DSO by market", `
		WITH`+openItemsAsOf+`, ar AS (
			SELECT c.market, it.currency, sum(it.open_fen) AS fen
			FROM open_items it JOIN customers c ON c.id = it.customer_id`+and(where, "it.open_fen > 0")+`
			GROUP BY c.market, it.currency
		), sold AS (
			SELECT c.market, x.currency, sum(x.fen) AS fen
			FROM (
				SELECT i.customer_id, i.currency, i.amount_fen AS fen FROM invoices i
				WHERE i.issued_at >= $3 AND i.issued_at < $1 AND `+live("i")+`
				UNION ALL
				SELECT n.customer_id, n.currency, -n.amount_fen FROM credit_notes n
				WHERE n.issued_at >= $3 AND n.issued_at < $1 AND `+live("n")+`
			) x
			JOIN customers c ON c.id = x.customer_id`+where.sql()+`
			GROUP BY c.market, x.currency
		)
		SELECT coalesce(ar.market, sold.market), coalesce(ar.currency, sold.currency),
			coalesce(ar.fen, 0)::bigint, coalesce(sold.fen, 0)::bigint
		FROM ar FULL JOIN sold ON sold.market = ar.market AND sold.currency = ar.currency
		ORDER BY 1, 2`,
		func(r pgx.CollectableRow) (sales.DSORow, error) {
			x := sales.DSORow{Days: days}
			err := r.Scan(&x.Market, &x.Currency, &x.Receivables, &x.Sales)
			x.DSO = sales.DSO(x.Receivables, x.Sales, days)
			return x, err
		}, where.args...)
}

// and returns the WHERE clause of where with more conditions.
func and(where conditions, more ...string) string {
	where.clauses = append(append([]string(nil), where.clauses...), more...)
	return where.sql()
}

// TargetReport is sales, collections and units of a period (a month
// 2026-03, a quarter 2026-Q1 or a year 2026) against target by market, MM,
// UM, KAM and distributor. Sales are invoices issued in the period less
// credit notes issued in it, collections the receipts confirmed in it, units
// the quantities shipped in it, all counted for the order's market, KAM and
// customer and rolled up the KAM's line (UM, then MM). A quarter's or a
// year's target is the one set for it, else the sum of its months'; an MM's
// is the one set for them, else the sum of their markets'. Each market, UM
// and KAM row says how far its target is split one level down. The FSF see
// the rows of themselves, everyone below them and their distributors, not
// whole markets.
func (s *Store) TargetReport(ctx context.Context, period string, scope sales.Scope) ([]sales.TargetRow, error) {
	p, err := sales.TargetPeriod(period)
	if err != nil {
		return nil, err
	}
	months := []string{}
	if sales.PeriodKindOf(period) != sales.PeriodMonth {
		months = sales.PeriodMonths(period)
	}
	var where conditions
	where.args = []any{p.From, p.To, excludedStatuses, period, string(sales.TitleUM), string(sales.TitleMM), months}
	if !scope.All {
		where.clauses = append(where.clauses, "x.dimension <> 'market'")
		kams := where.arg(nonNil(scope.KAMIDs))
		where.clauses = append(where.clauses, "CASE WHEN x.dimension = 'distributor' THEN cu.kam_id = ANY("+kams+") ELSE x.key = ANY("+kams+") END")
	}
	return collect(ctx, s.pool, "sales against target", `
		WITH base AS (
			SELECT o.market, o.kam_id, o.customer_id, i.currency, i.amount_fen AS sales, 0::bigint AS collections, 0::bigint AS units
			FROM invoices i JOIN orders o ON o.order_no = i.order_no
			WHERE i.issued_at >= $1 AND i.issued_at < $2 AND o.status <> ALL($3)
			UNION ALL
			SELECT o.market, o.kam_id, o.customer_id, n.currency, -n.amount_fen, 0, 0
			FROM credit_notes n JOIN orders o ON o.order_no = n.order_no
			WHERE n.issued_at >= $1 AND n.issued_at < $2 AND o.status <> ALL($3)
			UNION ALL
			SELECT o.market, o.kam_id, o.customer_id, r.currency, 0, r.amount_fen, 0
			FROM receipts r JOIN orders o ON o.order_no = r.order_no
			WHERE r.received_at >= $1 AND r.received_at < $2 AND o.status <> ALL($3)
			UNION ALL
			SELECT o.market, o.kam_id, o.customer_id, o.currency, 0, 0,
				(SELECT coalesce(sum((l->>'quantity')::bigint), 0) FROM jsonb_array_elements(sh.lines) l)
			FROM shipments sh JOIN orders o ON o.order_no = sh.order_no
			WHERE sh.issued_at >= $1 AND sh.issued_at < $2 AND o.status <> ALL($3)
		), line AS (
			SELECT b.market, b.kam_id, b.customer_id, coalesce(um.id, '') AS um_id, coalesce(mm.id, m.mm_id, '') AS mm_id,
				b.currency, sum(b.sales) AS sales, sum(b.collections) AS collections, sum(b.units) AS units
			FROM base b
			LEFT JOIN users k ON k.id = b.kam_id
			LEFT JOIN users um ON um.id = k.manager_id AND um.title = $5
			LEFT JOIN users mm ON mm.id = um.manager_id AND mm.title = $6
			LEFT JOIN markets m ON m.code = b.market
			GROUP BY 1, 2, 3, 4, 5, 6
		), actual AS (
			SELECT 'market' AS dimension, market AS key, currency, sum(sales) AS sales, sum(collections) AS collections,
				sum(units) AS units
			FROM line GROUP BY 2, 3
			UNION ALL
			SELECT 'mm', mm_id, currency, sum(sales), sum(collections), sum(units) FROM line WHERE mm_id <> '' GROUP BY 2, 3
			UNION ALL
			SELECT 'um', um_id, currency, sum(sales), sum(collections), sum(units) FROM line WHERE um_id <> '' GROUP BY 2, 3
			UNION ALL
			SELECT 'kam', kam_id, currency, sum(sales), sum(collections), sum(units) FROM line GROUP BY 2, 3
			UNION ALL
			SELECT 'distributor', customer_id, currency, sum(sales), sum(collections), sum(units) FROM line GROUP BY 2, 3
		), own AS (
			SELECT dimension, key, currency, sales_fen, collections_fen, units FROM sales_targets WHERE period = $4
			UNION ALL
			SELECT dimension, key, currency, sum(sales_fen), sum(collections_fen), sum(units)
			FROM sales_targets s
			WHERE period = ANY($7) AND NOT EXISTS (SELECT 1 FROM sales_targets e
				WHERE e.period = $4 AND e.dimension = s.dimension AND e.key = s.key)
			GROUP BY 1, 2, 3
		), tgt AS (
			SELECT * FROM own
			UNION ALL
			SELECT 'mm', m.mm_id, t.currency, sum(t.sales_fen), sum(t.collections_fen), sum(t.units)
			FROM own t JOIN markets m ON m.code = t.key
			WHERE t.dimension = 'market' AND m.mm_id IS NOT NULL
				AND NOT EXISTS (SELECT 1 FROM own e WHERE e.dimension = 'mm' AND e.key = m.mm_id)
			GROUP BY 2, 3
		), kids AS (
			SELECT 'market' AS dimension, m.code AS key, t.currency, sum(t.sales_fen) AS sales_fen,
				sum(t.collections_fen) AS collections_fen, sum(t.units) AS units
			FROM tgt t JOIN users u ON u.id = t.key
			JOIN markets m ON m.mm_id = u.manager_id AND (u.market IS NULL OR u.market = m.code)
			WHERE t.dimension = 'um' GROUP BY 2, 3
			UNION ALL
			SELECT 'um', k.manager_id, t.currency, sum(t.sales_fen), sum(t.collections_fen), sum(t.units)
			FROM tgt t JOIN users k ON k.id = t.key
			WHERE t.dimension = 'kam' AND k.manager_id IS NOT NULL GROUP BY 2, 3
			UNION ALL
			SELECT 'kam', c.kam_id, t.currency, sum(t.sales_fen), sum(t.collections_fen), sum(t.units)
			FROM tgt t JOIN customers c ON c.id = t.key
			WHERE t.dimension = 'distributor' GROUP BY 2, 3
		), x AS (
			SELECT coalesce(a.dimension, t.dimension) AS dimension, coalesce(a.key, t.key) AS key,
				coalesce(a.currency, t.currency) AS currency, t.dimension IS NOT NULL AS has_target,
				coalesce(t.sales_fen, 0) AS sales_target, coalesce(a.sales, 0) AS sales,
				coalesce(t.collections_fen, 0) AS collections_target, coalesce(a.collections, 0) AS collections,
				coalesce(t.units, 0) AS units_target, coalesce(a.units, 0) AS units
			FROM actual a
			FULL JOIN tgt t ON t.dimension = a.dimension AND t.key = a.key AND t.currency = a.currency
		)
		SELECT x.dimension, x.key,
			coalesce(CASE x.dimension WHEN 'market' THEN mk.name WHEN 'distributor' THEN cu.name ELSE u.name END, x.key),
			x.currency, x.has_target, x.sales_target::bigint, x.sales::bigint, x.collections_target::bigint,
			x.collections::bigint, x.units_target::bigint, x.units::bigint,
			k.dimension IS NOT NULL, coalesce(k.sales_fen, 0)::bigint, coalesce(k.collections_fen, 0)::bigint,
			coalesce(k.units, 0)::bigint
		FROM x
		LEFT JOIN kids k ON k.dimension = x.dimension AND k.key = x.key AND k.currency = x.currency
		LEFT JOIN markets mk ON x.dimension = 'market' AND mk.code = x.key
		LEFT JOIN customers cu ON x.dimension = 'distributor' AND cu.id = x.key
		LEFT JOIN users u ON u.id = x.key`+where.sql()+`
		ORDER BY array_position(ARRAY['market', 'mm', 'um', 'kam', 'distributor'], x.dimension), x.key, x.currency`,
		func(r pgx.CollectableRow) (sales.TargetRow, error) {
			var x sales.TargetRow
			var hasTarget, hasKids bool
			var kids sales.Figures
			err := r.Scan(&x.Dimension, &x.Key, &x.Name, &x.Currency, &hasTarget, &x.SalesTarget, &x.Sales,
				&x.CollectionsTarget, &x.Collections, &x.UnitsTarget, &x.Units,
				&hasKids, &kids.Sales, &kids.Collections, &kids.Units)
			x.SalesPct = sales.Percent(x.Sales, x.SalesTarget)
			x.CollectionsPct = sales.Percent(x.Collections, x.CollectionsTarget)
			x.UnitsPct = sales.Percent(x.Units, x.UnitsTarget)
			if hasTarget && x.Dimension.ChildDimension() != "" {
				kids.Currency = x.Currency
				x.Split = sales.SplitStateOf(sales.Figures{Sales: x.SalesTarget, Collections: x.CollectionsTarget,
					Units: x.UnitsTarget}, kids, hasKids)
				x.SplitTargets = &kids
			}
			return x, err
		}, where.args...)
}

// Reach is the distribution reach by market over f.Period: the active
// distributors of each market and how many of them ordered (an order
// registered in the period that was not cancelled or rejected).
func (s *Store) Reach(ctx context.Context, f sales.ReportFilter) ([]sales.ReachRow, error) {
	where := conditions{args: []any{f.Period.From, f.Period.To, excludedStatuses}}
	customerFilter(&where, f)
	return collect(ctx, s.pool, "distribution reach", `
		SELECT c.market, count(*) FILTER (WHERE c.active),
			count(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o
				WHERE o.customer_id = c.id AND o.created_at >= $1 AND o.created_at < $2 AND o.status <> ALL($3)))
		FROM customers c`+where.sql()+`
		GROUP BY c.market ORDER BY c.market`,
		func(r pgx.CollectableRow) (sales.ReachRow, error) {
			var x sales.ReachRow
			err := r.Scan(&x.Market, &x.Customers, &x.Ordering)
			x.ReachPct = sales.Percent(x.Ordering, x.Customers)
			return x, err
		}, where.args...)
}
