package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// InvoicesAwaiting lists the invoices of live orders in scope that wait for
// wait: a VAT invoice number (the soonest late first, paid invoices too), an
// SLT decision on a requested extension (the oldest request first), or the
// end of their dispute (the earliest due first).
func (s *Store) InvoicesAwaiting(ctx context.Context, scope sales.Scope, wait sales.InvoiceWait, limit int) ([]sales.OverdueInvoice, error) {
	where := conditions{clauses: []string{live("i")}}
	order := ""
	switch wait {
	case sales.WaitVATInvoice:
		where.clauses = append(where.clauses, "i.vat_invoice_no = ''", "i.vat_due IS NOT NULL")
		order = "i.vat_due, i.invoice_no"
	case sales.WaitExtension:
		where.clauses = append(where.clauses, "i.extension IS NOT NULL", "i.paid_at IS NULL")
		order = "(i.extension->>'requested_at')::timestamptz, i.invoice_no"
	case sales.WaitDispute:
		where.clauses = append(where.clauses, "i.disputed", "i.paid_at IS NULL")
		order = "i.due_at, i.invoice_no"
	default:
		return nil, fmt.Errorf("store: invoices awaiting %q: no such wait", wait)
	}
	scopeClause(&where, scope)
	n := where.arg(pageSize(limit))
	return collect(ctx, s.pool, "invoices awaiting "+string(wait), `
		SELECT i.invoice_no, i.shipment_no, i.currency, i.amount_fen, i.paid_fen, i.credited_fen, i.issued_at,
			i.due_at, i.acknowledged, i.disputed, i.dispute, i.reminded, i.dunning_level, i.paid_at,
			i.vat_invoice_no, i.vat_due, i.extension, i.dunning_paused, i.order_no, c.id, c.name, c.kam_id
		FROM invoices i JOIN customers c ON c.id = i.customer_id`+where.sql()+`
		ORDER BY `+order+` LIMIT `+n,
		func(r pgx.CollectableRow) (sales.OverdueInvoice, error) {
			var x sales.OverdueInvoice
			inv := &x.Invoice
			err := r.Scan(&inv.No, &inv.ShipmentNo, &inv.Currency, &inv.Amount, &inv.Paid, &inv.Credited,
				&inv.IssuedAt, &inv.DueAt, &inv.Acknowledged, &inv.Disputed, &inv.Dispute, &inv.Reminded,
				&inv.Level, &inv.PaidAt, &inv.VATNo, &inv.VATDue, &inv.Extension, &inv.DunningPaused, &x.OrderNo, &x.CustomerID, &x.CustomerName, &x.KAMID)
			return x, err
		}, where.args...)
}

// ListCreditNotes returns the credit notes f selects in its scope, the
// newest first.
func (s *Store) ListCreditNotes(ctx context.Context, f sales.CreditNoteFilter) ([]sales.CreditNote, error) {
	where := conditions{clauses: []string{live("n")}}
	if f.CustomerID != "" {
		where.add("n.customer_id = $?", f.CustomerID)
	}
	if !f.Scope.All {
		where.add("n.customer_id IN (SELECT c.id FROM customers c WHERE c.kam_id = ANY($?))", nonNil(f.Scope.KAMIDs))
	}
	n := where.arg(pageSize(f.Limit))
	return collect(ctx, s.pool, "list credit notes", `
		SELECT n.credit_note_no, n.return_no, n.order_no, n.customer_id, n.currency, n.lines, n.amount_fen, n.allocations,
			n.refund_fen, n.issued_at, n.invoice_no, n.kind, n.net_fen, n.tax_fen
		FROM credit_notes n`+where.sql()+`
		ORDER BY n.issued_at DESC, n.credit_note_no DESC LIMIT `+n,
		func(row pgx.CollectableRow) (sales.CreditNote, error) {
			var cn sales.CreditNote
			err := row.Scan(&cn.No, &cn.ReturnNo, &cn.OrderNo, &cn.CustomerID, &cn.Currency, &cn.Lines, &cn.Amount,
				&cn.Allocations, &cn.Refund, &cn.IssuedAt, &cn.InvoiceNo, &cn.Kind, &cn.Net, &cn.Tax)
			return cn, err
		}, where.args...)
}
