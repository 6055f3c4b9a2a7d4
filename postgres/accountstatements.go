package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// A customer's movements for the monthly statement (对账单), as the
// receivables record counts them:
//   - invoices by their Beijing issue date, credit notes by theirs (orders
//     cancelled or rejected are left out);
//   - receipts are the customer's bank receipts by value date, whole (what
//     no invoice took is the customer's unapplied cash); before cash
//     application existed, receipts were confirmed on one order: such an
//     order receipt (no receipt key, and no bank receipt of the customer
//     with its reference) counts on its own, by the Beijing date it was
//     confirmed. An order's share of a bank receipt is never counted: its
//     bank receipt is;
//   - refunds of unapplied cash paid back to the customer, by the Beijing
//     date they were paid (decided, or asked when within the limit).
//
// $1 is the customer; $2 and $3 the instants, $4 and $5 the Beijing dates,
// the movements are from (included) and to (excluded).
var accountMoves = `
	SELECT 'invoice' AS kind, (i.issued_at AT TIME ZONE 'Asia/Shanghai')::date AS day, i.invoice_no AS no,
		i.order_no, to_char((i.due_at AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD') AS due, i.amount_fen AS fen
	FROM invoices i
	WHERE i.customer_id = $1 AND i.issued_at >= $2 AND i.issued_at < $3 AND i.amount_fen > 0 AND ` + live("i") + `
	UNION ALL
	SELECT 'credit_note', (n.issued_at AT TIME ZONE 'Asia/Shanghai')::date, n.credit_note_no, n.order_no, '', n.amount_fen
	FROM credit_notes n
	WHERE n.customer_id = $1 AND n.issued_at >= $2 AND n.issued_at < $3 AND ` + live("n") + `
	UNION ALL
	SELECT 'receipt', b.value_date, b.reference, '', '', b.amount_fen
	FROM bank_receipts b
	WHERE b.customer_id = $1 AND b.value_date >= $4::date AND b.value_date < $5::date
	UNION ALL
	SELECT 'receipt', (r.received_at AT TIME ZONE 'Asia/Shanghai')::date, r.reference, r.order_no, '', r.amount_fen
	FROM receipts r
	WHERE r.customer_id = $1 AND r.receipt_key = '' AND r.received_at >= $2 AND r.received_at < $3 AND ` + live("r") + `
		AND NOT EXISTS (SELECT 1 FROM bank_receipts b WHERE b.customer_id = r.customer_id AND b.reference = r.reference)
	UNION ALL
	SELECT 'refund', (coalesce(f.decided_at, f.requested_at) AT TIME ZONE 'Asia/Shanghai')::date, 'RF-' || f.id, '', '', f.amount_fen
	FROM refunds f
	WHERE f.customer_id = $1 AND f.status = 'refunded' AND coalesce(f.decided_at, f.requested_at) >= $2
		AND coalesce(f.decided_at, f.requested_at) < $3`

// epoch is before anything OSB holds: the start of every opening balance.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, sales.Beijing)

// AccountStatementInput gathers what a customer's statement of month is
// computed from, in one snapshot: the balance brought forward (every
// movement before the month), the month's movements (Beijing month) and the
// invoices open at its end with what they still owed then.
func (s *Store) AccountStatementInput(ctx context.Context, customerID, month string) (sales.AccountStatementInput, error) {
	period, err := sales.MonthPeriod(month)
	if err != nil {
		return sales.AccountStatementInput{}, err
	}
	op := fmt.Sprintf("read the statement of %s for %s", customerID, month)
	in := sales.AccountStatementInput{CustomerID: customerID, Month: month, Entries: []sales.AccountEntry{}, OpenItems: []sales.OpenItem{}}
	from, to := period.From, period.To
	fromDay, toDay := day(from), day(to)
	err = s.readTx(ctx, op, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT name, currency FROM customers WHERE id = $1`, customerID).Scan(&in.CustomerName, &in.Currency)
		if errors.Is(err, pgx.ErrNoRows) {
			return sales.Errorf(sales.ErrNotFound, "no customer %q", customerID)
		}
		if err != nil {
			return translate(op, err)
		}
		if err := tx.QueryRow(ctx, `
			SELECT coalesce(sum(CASE WHEN kind IN ('invoice', 'refund') THEN fen ELSE -fen END), 0)::bigint
			FROM (`+accountMoves+`) m`, customerID, epoch, from, day(epoch), fromDay).Scan(&in.Opening); err != nil {
			return translate(op+": opening balance", err)
		}
		if in.Entries, err = collect(ctx, tx, op+": movements", `
			SELECT kind, to_char(day, 'YYYY-MM-DD'), no, order_no, due, fen FROM (`+accountMoves+`) m
			ORDER BY day, kind, no`,
			func(r pgx.CollectableRow) (sales.AccountEntry, error) {
				var e sales.AccountEntry
				err := r.Scan(&e.Kind, &e.Date, &e.No, &e.OrderNo, &e.DueDate, &e.Amount)
				return e, err
			}, customerID, from, to, fromDay, toDay); err != nil {
			return err
		}
		in.OpenItems, err = collect(ctx, tx, op+": open invoices", `
			WITH`+openItemsAsOf+`
			SELECT it.invoice_no, i.order_no, to_char((i.due_at AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD'),
				it.open_fen, it.days
			FROM open_items it JOIN invoices i ON i.invoice_no = it.invoice_no
			WHERE it.customer_id = $3 AND it.open_fen > 0
			ORDER BY i.due_at, it.invoice_no`,
			func(r pgx.CollectableRow) (sales.OpenItem, error) {
				var it sales.OpenItem
				err := r.Scan(&it.InvoiceNo, &it.OrderNo, &it.DueDate, &it.Outstanding, &it.DaysOverdue)
				return it, err
			}, to, day(period.Last()), customerID)
		return err
	})
	if err != nil {
		return sales.AccountStatementInput{}, err
	}
	return in, nil
}

// StatementCustomers lists, by id after after, at most limit customers with
// activity in month: an invoice, credit note, receipt or refund in it, or a balance
// brought forward that is not zero.
func (s *Store) StatementCustomers(ctx context.Context, month, after string, limit int) ([]string, error) {
	period, err := sales.MonthPeriod(month)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 100
	}
	return collect(ctx, s.pool, "list the customers with a statement for "+month, `
		WITH bounds AS (SELECT $1::timestamptz AS t_from, $2::timestamptz AS t_to, $3::date AS d_from, $4::date AS d_to),
		moves AS (
			SELECT i.customer_id, i.issued_at < b.t_from AS before, i.amount_fen AS fen
			FROM invoices i, bounds b
			WHERE i.issued_at < b.t_to AND i.amount_fen > 0 AND `+live("i")+`
			UNION ALL
			SELECT n.customer_id, n.issued_at < b.t_from, -n.amount_fen
			FROM credit_notes n, bounds b WHERE n.issued_at < b.t_to AND `+live("n")+`
			UNION ALL
			SELECT r.customer_id, r.value_date < b.d_from, -r.amount_fen
			FROM bank_receipts r, bounds b WHERE r.value_date < b.d_to
			UNION ALL
			SELECT r.customer_id, r.received_at < b.t_from, -r.amount_fen
			FROM receipts r, bounds b
			WHERE r.receipt_key = '' AND r.received_at < b.t_to AND `+live("r")+`
				AND NOT EXISTS (SELECT 1 FROM bank_receipts x WHERE x.customer_id = r.customer_id AND x.reference = r.reference)
			UNION ALL
			SELECT f.customer_id, coalesce(f.decided_at, f.requested_at) < b.t_from, f.amount_fen
			FROM refunds f, bounds b WHERE f.status = 'refunded' AND coalesce(f.decided_at, f.requested_at) < b.t_to
		)
		SELECT m.customer_id FROM moves m JOIN customers c ON c.id = m.customer_id
		WHERE m.customer_id > $5
		GROUP BY m.customer_id
		HAVING bool_or(NOT m.before) OR sum(m.fen) FILTER (WHERE m.before) <> 0
		ORDER BY m.customer_id
		LIMIT $6`,
		func(r pgx.CollectableRow) (string, error) {
			var id string
			err := r.Scan(&id)
			return id, err
		}, period.From, period.To, day(period.From), day(period.To), after, limit)
}

// SaveAccountStatement keeps a generated statement; a statement of the same
// customer and month kept before stays as it was. It returns the kept one
// and whether it was this one.
func (s *Store) SaveAccountStatement(ctx context.Context, st sales.AccountStatement, at time.Time) (sales.StatementRecord, bool, error) {
	op := fmt.Sprintf("keep the statement of %s for %s", st.CustomerID, st.Month)
	if !sales.ValidMonth(st.Month) {
		return sales.StatementRecord{}, false, sales.Errorf(sales.ErrInvalid, "%s: month %q must look like 2026-03", op, st.Month)
	}
	b, err := json.Marshal(st)
	if err != nil {
		return sales.StatementRecord{}, false, fmt.Errorf("store: %s: %w", op, err)
	}
	var rec sales.StatementRecord
	var created bool
	err = s.inTx(ctx, op, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			INSERT INTO customer_statements (customer_id, month, generated_at, statement, closing_fen, currency)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (customer_id, month) DO NOTHING`,
			st.CustomerID, st.Month, at, b, int64(st.Closing), string(currencyOr(st.Currency, sales.CNY)))
		if err != nil {
			return translate(op, err)
		}
		created = tag.RowsAffected() == 1
		rec, err = accountStatement(ctx, tx, st.CustomerID, st.Month)
		return err
	})
	return rec, created, err
}

// AccountStatements lists a customer's kept statements, newest month first,
// without their content.
func (s *Store) AccountStatements(ctx context.Context, customerID string) ([]sales.StatementRecord, error) {
	return collect(ctx, s.pool, "list the statements of "+customerID, `
		SELECT customer_id, month, generated_at, closing_fen, currency FROM customer_statements
		WHERE customer_id = $1 ORDER BY month DESC`,
		func(r pgx.CollectableRow) (sales.StatementRecord, error) {
			var x sales.StatementRecord
			err := r.Scan(&x.CustomerID, &x.Month, &x.GeneratedAt, &x.Closing, &x.Currency)
			return x, err
		}, customerID)
}

// AccountStatement returns the statement of a customer and month as it was
// kept; not found when none was generated.
func (s *Store) AccountStatement(ctx context.Context, customerID, month string) (sales.StatementRecord, error) {
	return accountStatement(ctx, s.pool, customerID, month)
}

func accountStatement(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, customerID, month string) (sales.StatementRecord, error) {
	rec := sales.StatementRecord{Statement: &sales.AccountStatement{}}
	err := q.QueryRow(ctx, `
		SELECT customer_id, month, generated_at, closing_fen, currency, statement FROM customer_statements
		WHERE customer_id = $1 AND month = $2`, customerID, month).
		Scan(&rec.CustomerID, &rec.Month, &rec.GeneratedAt, &rec.Closing, &rec.Currency, rec.Statement)
	if errors.Is(err, pgx.ErrNoRows) {
		return rec, sales.Errorf(sales.ErrNotFound, "no statement of %s for %s was kept", customerID, month)
	}
	if err != nil {
		return rec, translate("read the statement of "+customerID+" for "+month, err)
	}
	return rec, nil
}
