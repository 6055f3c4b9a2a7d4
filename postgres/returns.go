package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// writeQuotaPOPReturns writes what an order's changes hold of quota, POP
// material and returns, in the transaction of ApplyOrderChanges: quota moves
// and POP releases (keyed ledgers), each return as it changed (a newer state
// is never overwritten by an older one) and credit notes (once). The POP
// material on shipments is written with the shipments (queueSnapshot).
func writeQuotaPOPReturns(ctx context.Context, tx pgx.Tx, c sales.OrderChanges) error {
	if err := writeQuotaMoves(ctx, tx, c.Quota); err != nil {
		return err
	}
	if err := insertPOPUsage(ctx, tx, c.POP); err != nil {
		return err
	}
	for _, r := range c.Returns {
		if err := writeReturn(ctx, tx, r, c.Order); err != nil {
			return translate("write return "+r.No, err)
		}
	}
	for _, cn := range c.CreditNotes {
		if err := writeCreditNote(ctx, tx, cn); err != nil {
			return translate("write credit note "+cn.No, err)
		}
	}
	return nil
}

// writeReturn upserts a return unless the stored one changed later. Its order
// is the snapshot's, or the order that names the return number.
func writeReturn(ctx context.Context, tx pgx.Tx, r sales.Return, o *sales.OrderSnapshot) error {
	orderNo, customerID := "", ""
	if o != nil {
		orderNo, customerID = o.OrderNo, o.CustomerID
	} else if err := tx.QueryRow(ctx, `
		SELECT o.order_no, o.customer_id FROM orders o
		WHERE o.order_no = 'SO-' || substring($1 from '^RT-(.*)-[0-9]+$')`, r.No).Scan(&orderNo, &customerID); err != nil {
		return fmt.Errorf("the order of return %s is not in the store: %w", r.No, err)
	}
	lines, err := jsonText(r.Lines, "[]")
	if err != nil {
		return err
	}
	received, err := jsonText(r.Received, "[]")
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO returns (return_no, order_no, customer_id, source, reason, status, lines, value_fen,
			approver_level, escalation_level, requested_by, requested_at, decided_by, decided_at,
			decision_note, received, received_by, received_at, credit_note_no, updated_at, shipment_no, invoice_no)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
		ON CONFLICT (return_no) DO UPDATE SET status = excluded.status, escalation_level = excluded.escalation_level,
			decided_by = excluded.decided_by, decided_at = excluded.decided_at, decision_note = excluded.decision_note,
			received = excluded.received, received_by = excluded.received_by, received_at = excluded.received_at,
			credit_note_no = excluded.credit_note_no, updated_at = excluded.updated_at
		WHERE excluded.updated_at >= returns.updated_at AND returns.order_no = excluded.order_no`,
		r.No, orderNo, customerID, r.Source, r.Reason, string(r.Status), lines, int64(r.Value), int(r.Approver),
		int(r.Level), r.RequestedBy, r.RequestedAt, r.DecidedBy, r.DecidedAt, r.Decision, received, r.ReceivedBy,
		r.ReceivedAt, r.CreditNote, r.UpdatedAt, r.ShipmentNo, r.InvoiceNo)
	return err
}

func writeCreditNote(ctx context.Context, tx pgx.Tx, cn sales.CreditNote) error {
	lines, err := jsonText(cn.Lines, "[]")
	if err != nil {
		return err
	}
	allocs, err := jsonText(cn.Allocations, "[]")
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO credit_notes (credit_note_no, order_no, return_no, customer_id, currency, lines, amount_fen,
			refund_fen, allocations, issued_at, invoice_no, kind, net_fen, tax_fen)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (credit_note_no) DO NOTHING`,
		cn.No, cn.OrderNo, cn.ReturnNo, cn.CustomerID, currencyOr(cn.Currency, sales.CNY), lines, int64(cn.Amount),
		int64(cn.Refund), allocs, cn.IssuedAt, cn.InvoiceNo, orDefault(cn.Kind, sales.ReturnByRequest), int64(cn.Net), int64(cn.Tax))
	return err
}

// Returns returns an order's returns, oldest first.
func (s *Store) Returns(ctx context.Context, orderNo string) ([]sales.Return, error) {
	return collect(ctx, s.pool, "read returns of "+orderNo, `
		SELECT return_no, source, shipment_no, reason, status, lines, value_fen, approver_level, escalation_level,
			requested_by, requested_at, decided_by, decided_at, decision_note, received, received_by,
			received_at, credit_note_no, updated_at, invoice_no
		FROM returns WHERE order_no = $1 ORDER BY requested_at, return_no`,
		func(row pgx.CollectableRow) (sales.Return, error) {
			var r sales.Return
			err := row.Scan(&r.No, &r.Source, &r.ShipmentNo, &r.Reason, &r.Status, &r.Lines, &r.Value, &r.Approver, &r.Level,
				&r.RequestedBy, &r.RequestedAt, &r.DecidedBy, &r.DecidedAt, &r.Decision, &r.Received, &r.ReceivedBy,
				&r.ReceivedAt, &r.CreditNote, &r.UpdatedAt, &r.InvoiceNo)
			if len(r.Received) == 0 {
				r.Received = nil
			}
			return r, err
		}, orderNo)
}

// CreditNotes returns a customer's credit notes, oldest first.
func (s *Store) CreditNotes(ctx context.Context, customerID string) ([]sales.CreditNote, error) {
	return s.creditNotes(ctx, "customer_id", customerID)
}

// OrderCreditNotes returns the credit notes of an order's returns, oldest
// first.
func (s *Store) OrderCreditNotes(ctx context.Context, orderNo string) ([]sales.CreditNote, error) {
	return s.creditNotes(ctx, "order_no", orderNo)
}

// creditNotes returns the credit notes whose column (customer_id or
// order_no) is value.
func (s *Store) creditNotes(ctx context.Context, column, value string) ([]sales.CreditNote, error) {
	return collect(ctx, s.pool, "read credit notes of "+value, `
		SELECT credit_note_no, return_no, order_no, customer_id, currency, lines, amount_fen, allocations,
			refund_fen, issued_at, invoice_no, kind, net_fen, tax_fen
		FROM credit_notes WHERE `+column+` = $1 ORDER BY issued_at, credit_note_no`,
		func(row pgx.CollectableRow) (sales.CreditNote, error) {
			var cn sales.CreditNote
			err := row.Scan(&cn.No, &cn.ReturnNo, &cn.OrderNo, &cn.CustomerID, &cn.Currency, &cn.Lines, &cn.Amount,
				&cn.Allocations, &cn.Refund, &cn.IssuedAt, &cn.InvoiceNo, &cn.Kind, &cn.Net, &cn.Tax)
			return cn, err
		}, value)
}
