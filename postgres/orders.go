package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"osb/sales"
)

// NextOrderNo returns a new order number for year, e.g. SO-2026-000042.
func (s *Store) NextOrderNo(ctx context.Context, year int) (string, error) {
	if year < 1 || year > 9999 {
		return "", sales.Errorf(sales.ErrInvalid, "year %d is not a four-digit year", year)
	}
	var seq int64
	if err := s.pool.QueryRow(ctx, `SELECT nextval('order_no_seq')`).Scan(&seq); err != nil {
		return "", fmt.Errorf("store: next order number: %w", err)
	}
	return sales.FormatOrderNo(year, seq), nil
}

// ApplyOrderChanges writes what an order's workflow changed, in one
// transaction. It is idempotent: the snapshot is written only if it is not
// older than the stored one, and every other record is keyed so that
// writing it again adds nothing.
//
// The order, its lines, shipments, invoices, receipts, events, escalations,
// notifications and credits go in one round trip (a pipelined batch). Most
// steps change nothing else: then the batch also resolves the order's
// problems whose cause is gone and is the whole transaction (a batch outside
// a transaction block runs as one implicit transaction). Freezes, quota,
// POP, returns, credit notes and problem filings read before they write and
// follow the batch in an explicit transaction.
func (s *Store) ApplyOrderChanges(ctx context.Context, c sales.OrderChanges) error {
	op := "apply order changes"
	if c.Order != nil {
		op += " of " + c.Order.OrderNo
	}
	if (len(c.Events) > 0 || len(c.Resume) > 0) && c.Order == nil {
		return sales.Errorf(sales.ErrInvalid, "%s: events and the reopen input come with the order snapshot that names their order", op)
	}
	b := &pgx.Batch{}
	if c.Order != nil {
		if err := queueSnapshot(b, c.Order, c.Resume); err != nil {
			return err
		}
	}
	if err := queueEvents(b, c.Order, c.Events); err != nil {
		return err
	}
	queueEscalations(b, c.Escalations)
	queueNotifications(b, c.Notifications)
	queueCredits(b, c.Credits)
	if plainChanges(c) {
		frozen := false
		if c.Order != nil {
			queueResolveGoneProblems(b, c.Order.OrderNo)
			if len(c.Order.Invoices) > 0 {
				queueFrozenByDunning(b, c.Order.CustomerID, &frozen)
			}
		}
		if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
			return translate(op, err)
		}
		if !frozen {
			return nil
		}
		// Rare: the customer is frozen for dunning and an invoice changed.
		// The lift is derived from what was just written; should it fail,
		// the workflow retries the whole write, which changes nothing else.
		return s.inTx(ctx, op, func(tx pgx.Tx) error { return liftPaidFreeze(ctx, tx, c.Order) })
	}
	return s.inTx(ctx, op, func(tx pgx.Tx) error {
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return translate(op, err)
		}
		for _, write := range []func() error{
			func() error { return writeFreeze(ctx, tx, c.Freeze) },
			func() error { return writeQuotaPOPReturns(ctx, tx, c) },
			func() error { return liftPaidFreeze(ctx, tx, c.Order) }, // after the invoices and the freeze
			func() error { return recordProblems(ctx, tx, c) },       // last: it reads what the others wrote
		} {
			if err := write(); err != nil {
				return err
			}
		}
		return nil
	})
}

// plainChanges reports whether c holds nothing that must read the store
// before it writes.
func plainChanges(c sales.OrderChanges) bool {
	return c.Freeze == nil && len(c.Quota) == 0 && len(c.POP) == 0 && len(c.Returns) == 0 &&
		len(c.CreditNotes) == 0 && len(sales.AutoProblems(c)) == 0
}

// queueFrozenByDunning queues the check whether the customer is frozen for
// dunning (liftPaidFreeze may then lift it).
func queueFrozenByDunning(b *pgx.Batch, customerID string, frozen *bool) {
	b.Queue(`SELECT EXISTS (SELECT 1 FROM customers WHERE id = $1 AND frozen AND frozen_by = 'dunning')`,
		customerID).QueryRow(func(row pgx.Row) error { return row.Scan(frozen) })
}

// queue adds a statement to b whose result check runs when the batch is
// read, in order; op names it in an error.
func queue(b *pgx.Batch, op string, check func(pgconn.CommandTag) error, sql string, args ...any) {
	b.Queue(sql, args...).Fn = func(br pgx.BatchResults) error {
		tag, err := br.Exec()
		if err != nil {
			return translate(op, err)
		}
		if check != nil {
			return check(tag)
		}
		return nil
	}
}

// storedVersionIs guards the update of a line, shipment, invoice or receipt:
// it is changed only while the stored order is this snapshot's version, so
// a late retry of an older write changes nothing. $2 is the order number and
// $3 the snapshot's version in every statement that uses it.
const storedVersionIs = `(SELECT o.version FROM orders o WHERE o.order_no = $2) = $3`

// queueSnapshot queues the upsert of the order and of the lines, shipments,
// invoices and receipts it carries (a partial snapshot carries only those
// that changed; none is ever deleted). A snapshot older than the stored one
// changes nothing.
func queueSnapshot(b *pgx.Batch, o *sales.OrderSnapshot, resume json.RawMessage) error {
	op := "write order " + o.OrderNo
	won := false
	queue(b, op, func(tag pgconn.CommandTag) error { won = tag.RowsAffected() > 0; return nil }, `
		INSERT INTO orders (order_no, customer_id, market, kam_id, client_ref, currency, total_fen, status,
			step, escalation_level, unbilled_fen, outstanding_fen, next_deadline, requested_date,
			hold_reason, created_by, created_at, updated_at, closed_at, version, resume)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULLIF($14, '')::date,
			$15, $16, $17, $18, $19, $20, $21)
		ON CONFLICT (order_no) DO UPDATE SET customer_id = excluded.customer_id,
			market = excluded.market, kam_id = excluded.kam_id, client_ref = excluded.client_ref,
			currency = excluded.currency, total_fen = excluded.total_fen, status = excluded.status,
			step = excluded.step, escalation_level = excluded.escalation_level,
			unbilled_fen = excluded.unbilled_fen, outstanding_fen = excluded.outstanding_fen,
			next_deadline = excluded.next_deadline, requested_date = excluded.requested_date,
			hold_reason = excluded.hold_reason, created_by = excluded.created_by,
			created_at = excluded.created_at, updated_at = excluded.updated_at,
			closed_at = excluded.closed_at, version = excluded.version,
			resume = coalesce(excluded.resume, orders.resume)
		WHERE excluded.version >= orders.version`,
		o.OrderNo, o.CustomerID, o.Market, o.KAMID, o.ClientRef, string(o.Currency), int64(o.Total),
		string(o.Status), string(o.Step), int(o.Level), int64(o.Unbilled), int64(o.Outstanding),
		o.NextDeadline, o.RequestedDate, o.HoldReason, o.CreatedBy, o.CreatedAt, o.UpdatedAt,
		o.ClosedAt, o.Version, nullJSON(resume))
	// A row another order owns is refused; a row left alone because the
	// stored order is newer is not an error.
	owned := func(what, no string) func(pgconn.CommandTag) error {
		return func(tag pgconn.CommandTag) error {
			if won && tag.RowsAffected() == 0 {
				return errOtherOrder(what, no, o.OrderNo)
			}
			return nil
		}
	}
	shipped := o.ShippedByLine()
	for _, l := range o.Lines {
		queue(b, fmt.Sprintf("%s: line %d", op, l.LineNo), nil, `
			INSERT INTO order_lines (line_no, order_no, sku, quantity, unit_price_fen, shipped)
			SELECT $1, $2, $4, $5, $6, $7 WHERE `+storedVersionIs+`
			ON CONFLICT (order_no, line_no) DO UPDATE SET sku = excluded.sku,
				quantity = excluded.quantity, unit_price_fen = excluded.unit_price_fen,
				shipped = excluded.shipped`,
			l.LineNo, o.OrderNo, o.Version, l.SKU, l.Quantity, int64(l.UnitPrice), shipped[l.LineNo])
	}
	for _, sh := range o.Shipments {
		lines, err := jsonText(sh.Lines, "[]")
		if err != nil {
			return err
		}
		shortages, err := jsonText(sh.Shortages, "[]")
		if err != nil {
			return err
		}
		pop, err := jsonText(sh.POP, "[]")
		if err != nil {
			return err
		}
		queue(b, op+": shipment "+sh.No, owned("shipment", sh.No), `
			INSERT INTO shipments (shipment_no, order_no, customer_id, carrier, waybill, lines, issued_at,
				delivered_at, damaged, shortages, delivery_note, invoice_no, pop)
			SELECT $1, $2, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 WHERE `+storedVersionIs+`
			ON CONFLICT (shipment_no) DO UPDATE SET customer_id = excluded.customer_id,
				carrier = excluded.carrier, waybill = excluded.waybill, lines = excluded.lines,
				issued_at = excluded.issued_at, delivered_at = excluded.delivered_at,
				damaged = excluded.damaged, shortages = excluded.shortages,
				delivery_note = excluded.delivery_note, invoice_no = excluded.invoice_no,
				pop = excluded.pop
			WHERE shipments.order_no = excluded.order_no`,
			sh.No, o.OrderNo, o.Version, o.CustomerID, sh.Carrier, sh.Waybill, lines, sh.IssuedAt,
			sh.DeliveredAt, sh.Damaged, shortages, sh.DeliveryNote, sh.InvoiceNo, pop)
	}
	for _, inv := range o.Invoices {
		invLines, err := jsonText(inv.Lines, "[]")
		if err != nil {
			return err
		}
		queue(b, op+": invoice "+inv.No, owned("invoice", inv.No), `
			INSERT INTO invoices (invoice_no, order_no, customer_id, shipment_no, currency, amount_fen,
				paid_fen, credited_fen, issued_at, due_at, acknowledged, disputed, dispute, reminded,
				dunning_level, paid_at, lines, net_fen, tax_fen, vat_invoice_no, vat_invoice_date,
				vat_due, dunning_paused, extension)
			SELECT $1, $2, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
				$18, $19, $20, $21, $22, $23, $24, $25
			WHERE `+storedVersionIs+`
			ON CONFLICT (invoice_no) DO UPDATE SET customer_id = excluded.customer_id,
				shipment_no = excluded.shipment_no, currency = excluded.currency,
				amount_fen = excluded.amount_fen, paid_fen = excluded.paid_fen,
				credited_fen = excluded.credited_fen, issued_at = excluded.issued_at,
				due_at = excluded.due_at, acknowledged = excluded.acknowledged,
				disputed = excluded.disputed, dispute = excluded.dispute, reminded = excluded.reminded,
				dunning_level = excluded.dunning_level, paid_at = excluded.paid_at,
				lines = excluded.lines, net_fen = excluded.net_fen, tax_fen = excluded.tax_fen,
				vat_invoice_no = excluded.vat_invoice_no, vat_invoice_date = excluded.vat_invoice_date,
				vat_due = excluded.vat_due, dunning_paused = excluded.dunning_paused, extension = excluded.extension
			WHERE invoices.order_no = excluded.order_no`,
			inv.No, o.OrderNo, o.Version, o.CustomerID, inv.ShipmentNo, currencyOr(inv.Currency, o.Currency),
			int64(inv.Amount), int64(inv.Paid), int64(inv.Credited), inv.IssuedAt, inv.DueAt,
			inv.Acknowledged, inv.Disputed, inv.Dispute, inv.Reminded, int(inv.Level), inv.PaidAt,
			invLines, int64(inv.Net), int64(inv.Tax), inv.VATNo, dateOrNil(inv.VATDate), inv.VATDue, inv.DunningPaused, inv.Extension)
	}
	for _, r := range o.Receipts {
		allocations, err := jsonText(r.Allocations, "[]")
		if err != nil {
			return err
		}
		queue(b, op+": receipt "+r.Reference, nil, `
			INSERT INTO receipts (reference, order_no, customer_id, amount_fen, currency, received_at,
				confirmed_by, allocations, excess_fen, receipt_key, value_date)
			SELECT $1, $2, $4, $5, $6, $7, $8, $9, $10, $11, $12 WHERE `+storedVersionIs+`
			ON CONFLICT (order_no, reference) DO UPDATE SET customer_id = excluded.customer_id,
				amount_fen = excluded.amount_fen, currency = excluded.currency,
				received_at = excluded.received_at, confirmed_by = excluded.confirmed_by,
				allocations = excluded.allocations, excess_fen = excluded.excess_fen,
				receipt_key = excluded.receipt_key, value_date = excluded.value_date`,
			r.Reference, o.OrderNo, o.Version, o.CustomerID, int64(r.Amount), currencyOr(r.Currency, o.Currency),
			r.ReceivedAt, r.ConfirmedBy, allocations, int64(r.Excess), r.Key, dateOrNil(r.ValueDate))
	}
	return nil
}

// errOtherOrder reports a shipment or invoice number already used by another order.
func errOtherOrder(what, no, orderNo string) error {
	return sales.Errorf(sales.ErrConflict, "%s %s belongs to another order than %s", what, no, orderNo)
}

// currencyOr returns c, or the order's currency when c is empty.
func currencyOr(c, order sales.Currency) string {
	if c == "" {
		return string(order)
	}
	return string(c)
}

// queueEvents appends the order's audit events in one statement (a step
// writes several at once); an event already stored under its sequence number
// is left as it is.
func queueEvents(b *pgx.Batch, o *sales.OrderSnapshot, events []sales.Event) error {
	if len(events) == 0 {
		return nil
	}
	n := len(events)
	seqs, ats := make([]int32, n), make([]time.Time, n)
	steps, kinds, actors, details := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, e := range events {
		detail, err := jsonText(e.Detail, "{}")
		if err != nil {
			return err
		}
		seqs[i], ats[i], steps[i], kinds[i], actors[i], details[i] = int32(e.Seq), e.At, string(e.Step), e.Kind, e.Actor, detail
	}
	queue(b, fmt.Sprintf("write %d events of %s", n, o.OrderNo), nil, `
		INSERT INTO order_events (order_no, seq, at, step, kind, actor, detail)
		SELECT $1, e.seq, e.at, e.step, e.kind, e.actor, e.detail::jsonb
		FROM unnest($2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[])
			AS e(seq, at, step, kind, actor, detail)
		ON CONFLICT (order_no, seq) DO NOTHING`,
		o.OrderNo, seqs, ats, steps, kinds, actors, details)
	return nil
}

// queueEscalations records escalations; one already recorded under its key
// is left as it is.
func queueEscalations(b *pgx.Batch, escalations []sales.Escalation) {
	for _, e := range escalations {
		queue(b, "write escalation "+e.Key, nil, `
			INSERT INTO escalations (dedupe_key, order_no, adjustment_id, customer_id, market, kind,
				subject, level, recipients, at)
			VALUES ($1, nullif($2, ''), nullif($3, ''), $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (dedupe_key) DO NOTHING`,
			e.Key, e.OrderNo, e.AdjustmentID, e.CustomerID, e.Market, string(e.Kind), e.Subject, int(e.Level),
			nonNil(e.Recipients), e.At)
	}
}

// nonNil returns ids, or an empty list for nil, for NOT NULL array columns.
func nonNil(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}

// writeFreeze freezes a customer for new orders unless it is frozen already,
// keeping the first reason.
func writeFreeze(ctx context.Context, tx pgx.Tx, f *sales.Freeze) error {
	if f == nil {
		return nil
	}
	op := "freeze customer " + f.CustomerID
	var frozen bool
	err := tx.QueryRow(ctx, `SELECT frozen FROM customers WHERE id = $1 FOR UPDATE`, f.CustomerID).Scan(&frozen)
	if errors.Is(err, pgx.ErrNoRows) {
		return sales.Errorf(sales.ErrNotFound, "%s: no such customer", op)
	}
	if err != nil || frozen {
		return translateOrNil(op, err)
	}
	_, err = tx.Exec(ctx, `
		UPDATE customers SET frozen = true, frozen_reason = $2, frozen_at = $3 WHERE id = $1`,
		f.CustomerID, f.Reason, f.At)
	if err != nil {
		return translate(op, err)
	}
	return markDunningFreeze(ctx, tx, f) // see credit.go: paying lifts it
}

// queueCredits records credit balance movements; one already recorded under
// its key is left as it is.
func queueCredits(b *pgx.Batch, credits []sales.CreditEntry) {
	for _, c := range credits {
		queue(b, "write credit "+c.Key, nil, `
			INSERT INTO customer_credit (source_key, customer_id, amount_fen, currency, note, at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (source_key) DO NOTHING`,
			c.Key, c.CustomerID, int64(c.Amount), currencyOr(c.Currency, sales.CNY), c.Note, c.At)
	}
}

// translateOrNil is translate for an error that may be nil.
func translateOrNil(op string, err error) error {
	if err == nil {
		return nil
	}
	return translate(op, err)
}

// querier is what a pool and a transaction have in common for reading.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// collect runs a query and scans every row with scan.
func collect[T any](ctx context.Context, q querier, op, sql string, scan func(pgx.CollectableRow) (T, error), args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, err)
	}
	out, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, err)
	}
	return out, nil
}

// Order returns an order's snapshot: header, lines, shipments, invoices and
// receipts, as of one moment.
func (s *Store) Order(ctx context.Context, orderNo string) (sales.OrderSnapshot, error) {
	op := "read order " + orderNo
	var o sales.OrderSnapshot
	err := s.readTx(ctx, op, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			SELECT order_no, version, customer_id, market, kam_id, client_ref, currency, total_fen, status,
				step, escalation_level, unbilled_fen, outstanding_fen, next_deadline,
				coalesce(to_char(requested_date, 'YYYY-MM-DD'), ''), hold_reason, created_by,
				created_at, updated_at, closed_at
			FROM orders WHERE order_no = $1`, orderNo).
			Scan(&o.OrderNo, &o.Version, &o.CustomerID, &o.Market, &o.KAMID, &o.ClientRef, &o.Currency,
				&o.Total, &o.Status, &o.Step, &o.Level, &o.Unbilled, &o.Outstanding, &o.NextDeadline,
				&o.RequestedDate, &o.HoldReason, &o.CreatedBy, &o.CreatedAt, &o.UpdatedAt, &o.ClosedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return sales.Errorf(sales.ErrNotFound, "no order %q", orderNo)
		}
		if err != nil {
			return fmt.Errorf("store: %s: %w", op, err)
		}
		if o.Lines, err = collect(ctx, tx, op+": lines", `
			SELECT line_no, sku, quantity, unit_price_fen FROM order_lines
			WHERE order_no = $1 ORDER BY line_no`, scanLine, orderNo); err != nil {
			return err
		}
		if o.Shipments, err = collect(ctx, tx, op+": shipments", `
			SELECT shipment_no, lines, carrier, waybill, issued_at, delivered_at, shortages, damaged,
				delivery_note, invoice_no, pop
			FROM shipments WHERE order_no = $1 ORDER BY issued_at, shipment_no`, scanShipment, orderNo); err != nil {
			return err
		}
		if o.Invoices, err = collect(ctx, tx, op+": invoices", `
			SELECT invoice_no, shipment_no, currency, amount_fen, paid_fen, credited_fen, issued_at,
				due_at, acknowledged, disputed, dispute, reminded, dunning_level, paid_at,
				lines, net_fen, tax_fen, vat_invoice_no, coalesce(to_char(vat_invoice_date, 'YYYY-MM-DD'), ''),
				vat_due, dunning_paused, extension
			FROM invoices WHERE order_no = $1 ORDER BY issued_at, invoice_no`, scanInvoice, orderNo); err != nil {
			return err
		}
		o.Receipts, err = collect(ctx, tx, op+": receipts", `
			SELECT reference, amount_fen, currency, received_at, confirmed_by, allocations, excess_fen,
				receipt_key, coalesce(to_char(value_date, 'YYYY-MM-DD'), '')
			FROM receipts WHERE order_no = $1 ORDER BY received_at, reference`, scanReceipt, orderNo)
		return err
	})
	if err != nil {
		return sales.OrderSnapshot{}, err
	}
	return o, nil
}

// OrderResume returns the input from which a return request starts a
// remitted order's workflow again (written with its snapshot), nil if none.
func (s *Store) OrderResume(ctx context.Context, orderNo string) ([]byte, error) {
	var resume []byte
	err := s.pool.QueryRow(ctx, `SELECT resume FROM orders WHERE order_no = $1`, orderNo).Scan(&resume)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, sales.Errorf(sales.ErrNotFound, "no order %q", orderNo)
	case err != nil:
		return nil, translate("read the reopen input of "+orderNo, err)
	}
	return resume, nil
}

// nullJSON is raw for a jsonb parameter, NULL when empty.
func nullJSON(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	return string(raw)
}

func scanLine(r pgx.CollectableRow) (sales.Line, error) {
	var l sales.Line
	err := r.Scan(&l.LineNo, &l.SKU, &l.Quantity, &l.UnitPrice)
	return l, err
}

func scanShipment(r pgx.CollectableRow) (sales.Shipment, error) {
	var sh sales.Shipment
	err := r.Scan(&sh.No, &sh.Lines, &sh.Carrier, &sh.Waybill, &sh.IssuedAt, &sh.DeliveredAt,
		&sh.Shortages, &sh.Damaged, &sh.DeliveryNote, &sh.InvoiceNo, &sh.POP)
	if len(sh.Shortages) == 0 {
		sh.Shortages = nil
	}
	if len(sh.POP) == 0 {
		sh.POP = nil
	}
	return sh, err
}

func scanInvoice(r pgx.CollectableRow) (sales.Invoice, error) {
	var inv sales.Invoice
	err := r.Scan(&inv.No, &inv.ShipmentNo, &inv.Currency, &inv.Amount, &inv.Paid, &inv.Credited,
		&inv.IssuedAt, &inv.DueAt, &inv.Acknowledged, &inv.Disputed, &inv.Dispute, &inv.Reminded,
		&inv.Level, &inv.PaidAt, &inv.Lines, &inv.Net, &inv.Tax, &inv.VATNo, &inv.VATDate,
		&inv.VATDue, &inv.DunningPaused, &inv.Extension)
	if len(inv.Lines) == 0 {
		inv.Lines = nil // as written: invoices of before VAT have none
	}
	return inv, err
}

func scanReceipt(r pgx.CollectableRow) (sales.Receipt, error) {
	var rc sales.Receipt
	err := r.Scan(&rc.Reference, &rc.Amount, &rc.Currency, &rc.ReceivedAt, &rc.ConfirmedBy,
		&rc.Allocations, &rc.Excess, &rc.Key, &rc.ValueDate)
	return rc, err
}

// ListOrders returns the orders f selects, newest first, one page at a time:
// pass the last order number of a page as f.Before to get the next. Order
// numbers are compared by year, then by sequence as a number (order_no_key),
// so SO-2026-1000000 is newer than SO-2026-999999.
//
// Searches by number, client reference, SKU, invoice or waybill each have an
// index (schema 00016); a number that is only the beginning of one selects
// every order it begins.
func (s *Store) ListOrders(ctx context.Context, f sales.OrderFilter) ([]sales.OrderSummary, error) {
	if err := f.Validate().Err("invalid order filter"); err != nil {
		return nil, err
	}
	from, until, err := f.Created()
	if err != nil {
		return nil, err
	}
	var where conditions
	switch {
	case sales.ValidOrderNo(f.OrderNo):
		where.add("o.order_no = $?", f.OrderNo)
	case f.OrderNo != "": // a beginning: letters, digits and dashes only (Validate), so nothing to escape
		where.add("o.order_no LIKE $? || '%'", f.OrderNo)
	}
	if f.ClientRef != "" {
		where.add("o.client_ref = $?", f.ClientRef)
	}
	if !from.IsZero() {
		where.add("o.created_at >= $?", from)
	}
	if !until.IsZero() {
		where.add("o.created_at < $?", until)
	}
	if f.SKU != "" {
		where.add("o.order_no IN (SELECT l.order_no FROM order_lines l WHERE l.sku = $?)", f.SKU)
	}
	if f.InvoiceNo != "" {
		where.add("o.order_no IN (SELECT i.order_no FROM invoices i WHERE i.invoice_no = $?)", f.InvoiceNo)
	}
	if f.Waybill != "" {
		where.add("o.order_no IN (SELECT sh.order_no FROM shipments sh WHERE sh.waybill = $?)", f.Waybill)
	}
	if f.CustomerID != "" {
		where.add("o.customer_id = $?", f.CustomerID)
	}
	if f.Market != "" {
		where.add("o.market = $?", f.Market)
	}
	if f.KAMID != "" {
		where.add("o.kam_id = $?", f.KAMID)
	}
	if f.Status != "" {
		where.add("o.status = $?", string(f.Status))
	}
	if f.Step != "" {
		where.add("o.step = $?", string(f.Step))
	}
	if f.MinLevel > sales.LevelNone {
		where.add("o.escalation_level >= $?", int(f.MinLevel))
	}
	if f.Open {
		where.add("o.status <> ALL($?)", finalStatuses)
	}
	if !f.Scope.All { // the customer's KAM now, not the one the order was placed under
		where.add("c.kam_id = ANY($?)", nonNil(f.Scope.KAMIDs))
	}
	if f.Before != "" {
		where.add("order_no_key(o.order_no) < order_no_key($?)", f.Before)
	}
	limit := where.arg(pageSize(f.Limit))
	return collect(ctx, s.pool, "list orders", `
		SELECT o.order_no, o.customer_id, c.name, o.market, o.kam_id, o.currency, o.total_fen,
			o.outstanding_fen, o.status, o.step, o.escalation_level, o.next_deadline, o.created_at,
			o.updated_at
		FROM orders o JOIN customers c ON c.id = o.customer_id`+where.sql()+`
		ORDER BY order_no_key(o.order_no) DESC LIMIT `+limit,
		func(r pgx.CollectableRow) (sales.OrderSummary, error) {
			var o sales.OrderSummary
			err := r.Scan(&o.OrderNo, &o.CustomerID, &o.CustomerName, &o.Market, &o.KAMID, &o.Currency,
				&o.Total, &o.Outstanding, &o.Status, &o.Step, &o.Level, &o.NextDeadline, &o.CreatedAt,
				&o.UpdatedAt)
			return o, err
		}, where.args...)
}

// OrderEvents returns an order's audit events in order.
func (s *Store) OrderEvents(ctx context.Context, orderNo string) ([]sales.Event, error) {
	op := "read events of " + orderNo
	var events []sales.Event
	err := s.readTx(ctx, op, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM orders WHERE order_no = $1)`, orderNo).Scan(&exists); err != nil {
			return fmt.Errorf("store: %s: %w", op, err)
		}
		if !exists {
			return sales.Errorf(sales.ErrNotFound, "no order %q", orderNo)
		}
		var err error
		events, err = collect(ctx, tx, op, `
			SELECT seq, at, step, kind, actor, detail FROM order_events
			WHERE order_no = $1 ORDER BY seq`,
			func(r pgx.CollectableRow) (sales.Event, error) {
				var e sales.Event
				err := r.Scan(&e.Seq, &e.At, &e.Step, &e.Kind, &e.Actor, &e.Detail)
				if len(e.Detail) == 0 {
					e.Detail = nil
				}
				return e, err
			}, orderNo)
		return err
	})
	return events, err
}

// ListEscalations returns the escalations f selects, newest first.
func (s *Store) ListEscalations(ctx context.Context, f sales.EscalationFilter) ([]sales.Escalation, error) {
	var where conditions
	if f.OrderNo != "" {
		where.add("e.order_no = $?", f.OrderNo)
	}
	if f.AdjustmentID != "" {
		where.add("e.adjustment_id = $?", f.AdjustmentID)
	}
	if f.Market != "" {
		where.add("e.market = $?", f.Market)
	}
	if f.MinLevel > sales.LevelNone {
		where.add("e.level >= $?", int(f.MinLevel))
	}
	if !f.Scope.All {
		where.add("c.kam_id = ANY($?)", nonNil(f.Scope.KAMIDs))
	}
	limit := where.arg(pageSize(f.Limit))
	return collect(ctx, s.pool, "list escalations", `
		SELECT e.dedupe_key, coalesce(e.order_no, ''), coalesce(e.adjustment_id, ''), e.customer_id,
			e.market, e.kind, e.subject, e.level, e.recipients, e.at
		FROM escalations e LEFT JOIN customers c ON c.id = e.customer_id`+where.sql()+`
		ORDER BY e.at DESC, e.id DESC LIMIT `+limit,
		func(r pgx.CollectableRow) (sales.Escalation, error) {
			var e sales.Escalation
			err := r.Scan(&e.Key, &e.OrderNo, &e.AdjustmentID, &e.CustomerID, &e.Market, &e.Kind, &e.Subject,
				&e.Level, &e.Recipients, &e.At)
			return e, err
		}, where.args...)
}
