package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// Cash application (回款): a customer's bank receipts, recorded once per bank
// account and reference, what they paid of which invoice, and the customer's
// unapplied cash — the ledger customer_credit, whose entries are keyed so
// that nothing counts twice.

const receiptColumns = `r.id, r.customer_id, r.bank_account, r.reference, to_char(r.value_date, 'YYYY-MM-DD'),
	r.amount_fen, r.currency, r.payer_name, r.payer_account, r.remittance, r.source, r.status, r.unapplied_fen,
	r.recorded_by, r.recorded_at`

func scanBankReceipt(row pgx.Row) (sales.BankReceipt, error) {
	var r sales.BankReceipt
	err := row.Scan(&r.ID, &r.CustomerID, &r.BankAccount, &r.Reference, &r.ValueDate, &r.Amount, &r.Currency,
		&r.PayerName, &r.PayerAccount, &r.Remittance, &r.Source, &r.Status, &r.Unapplied, &r.RecordedBy, &r.RecordedAt)
	return r, err
}

func scanBankReceiptRow(r pgx.CollectableRow) (sales.BankReceipt, error) { return scanBankReceipt(r) }

const applicationColumns = `key, coalesce(receipt_id, 0), customer_id, order_no, invoice_no, amount_fen, currency,
	to_char(value_date, 'YYYY-MM-DD'), applied_at, applied_by`

func scanApplication(r pgx.CollectableRow) (sales.CashApplication, error) {
	var a sales.CashApplication
	err := r.Scan(&a.Key, &a.ReceiptID, &a.CustomerID, &a.OrderNo, &a.InvoiceNo, &a.Amount, &a.Currency, &a.ValueDate, &a.At, &a.By)
	return a, err
}

// txQuerier is what a pool and a transaction have in common.
type txQuerier interface {
	querier
	rowQuerier
}

// RecordReceipt records a bank receipt for its customer, status applying.
// created is false when the bank account and reference were recorded before
// for the same transfer (sales.SameTransfer): the receipt as stored is
// returned. The same reference with other details, or for another customer,
// is a conflict naming the field reference.
func (s *Store) RecordReceipt(ctx context.Context, in sales.ReceiptInput, source, by string, at time.Time) (sales.BankReceipt, bool, error) {
	in = sales.NormalizeReceipt(in)
	op := fmt.Sprintf("record receipt %s/%s", in.BankAccount, in.Reference)
	var out sales.BankReceipt
	created := false
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO bank_receipts (customer_id, bank_account, reference, value_date, amount_fen, currency,
				payer_name, payer_account, remittance, source, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (bank_account, reference) DO NOTHING
			RETURNING id`,
			in.CustomerID, in.BankAccount, in.Reference, in.ValueDate, int64(in.Amount), string(in.Currency),
			in.PayerName, in.PayerAccount, in.Remittance, source, by, at).Scan(&id)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			old, err := readReceiptBy(ctx, tx, "r.bank_account = $1 AND r.reference = $2", in.BankAccount, in.Reference)
			if err != nil {
				return err
			}
			if !sales.SameTransfer(old, in) {
				return sales.ReferenceTaken(old)
			}
			out = old
			return nil
		case err != nil:
			return translate(op, err)
		}
		created = true
		out, err = readReceiptBy(ctx, tx, "r.id = $1", id)
		return err
	})
	return out, created, err
}

// Receipt returns a receipt with its applications.
func (s *Store) Receipt(ctx context.Context, id int64) (sales.BankReceipt, error) {
	return readReceiptBy(ctx, s.pool, "r.id = $1", id)
}

// ReceiptByReference returns the receipt of a bank account's reference.
func (s *Store) ReceiptByReference(ctx context.Context, bankAccount, reference string) (sales.BankReceipt, error) {
	return readReceiptBy(ctx, s.pool, "r.bank_account = $1 AND r.reference = $2", bankAccount, reference)
}

func readReceiptBy(ctx context.Context, q txQuerier, where string, args ...any) (sales.BankReceipt, error) {
	r, err := scanBankReceipt(q.QueryRow(ctx, `SELECT `+receiptColumns+` FROM bank_receipts r WHERE `+where, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, sales.Errorf(sales.ErrNotFound, "no such bank receipt (%v)", args)
	}
	if err != nil {
		return r, fmt.Errorf("store: bank receipt: %w", err)
	}
	if r.Applications, err = collect(ctx, q, "receipt applications", `
		SELECT `+applicationColumns+` FROM cash_applications WHERE receipt_id = $1 ORDER BY key`, scanApplication, r.ID); err != nil {
		return r, err
	}
	return r, nil
}

// ListReceipts returns the receipts f selects with their applications,
// newest value date first.
func (s *Store) ListReceipts(ctx context.Context, f sales.ReceiptFilter) ([]sales.BankReceipt, error) {
	var where conditions
	if f.CustomerID != "" {
		where.add("r.customer_id = $?", f.CustomerID)
	}
	if f.From != "" {
		where.add("r.value_date >= $?::date", f.From)
	}
	if f.To != "" {
		where.add("r.value_date <= $?::date", f.To)
	}
	if f.Status != "" {
		where.add("r.status = $?", f.Status)
	}
	if !f.Scope.All {
		where.add("c.kam_id = ANY($?)", nonNil(f.Scope.KAMIDs))
	}
	limit := where.arg(pageSize(f.Limit))
	list, err := collect(ctx, s.pool, "list receipts", `
		SELECT `+receiptColumns+` FROM bank_receipts r JOIN customers c ON c.id = r.customer_id`+where.sql()+`
		ORDER BY r.value_date DESC, r.id DESC LIMIT `+limit, scanBankReceiptRow, where.args...)
	if err != nil || len(list) == 0 {
		return list, err
	}
	ids := make([]int64, len(list))
	for i, r := range list {
		ids[i] = r.ID
	}
	apps, err := collect(ctx, s.pool, "list receipt applications", `
		SELECT `+applicationColumns+` FROM cash_applications WHERE receipt_id = ANY($1) ORDER BY key`, scanApplication, ids)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		i := slices.IndexFunc(list, func(r sales.BankReceipt) bool { return r.ID == a.ReceiptID })
		list[i].Applications = append(list[i].Applications, a)
	}
	return list, nil
}

// OpenInvoices returns the customer's invoices in currency that still owe
// something (amount − paid − credited), oldest due first, for planning a
// cash application.
func (s *Store) OpenInvoices(ctx context.Context, customerID string, currency sales.Currency) ([]sales.OpenInvoice, error) {
	return collect(ctx, s.pool, "open invoices of "+customerID, `
		SELECT order_no, invoice_no, due_at, amount_fen - paid_fen - credited_fen, currency, disputed
		FROM invoices
		WHERE customer_id = $1 AND currency = $2 AND paid_at IS NULL AND amount_fen - paid_fen - credited_fen > 0
		ORDER BY due_at, invoice_no`,
		func(r pgx.CollectableRow) (sales.OpenInvoice, error) {
			var inv sales.OpenInvoice
			err := r.Scan(&inv.OrderNo, &inv.InvoiceNo, &inv.DueAt, &inv.Outstanding, &inv.Currency, &inv.Disputed)
			return inv, err
		}, customerID, string(currencyOrCNY(currency)))
}

// SettleReceipt writes what a receipt paid, in one transaction: its
// applications, its unapplied part (as the receipt's and as the customer's
// ledger entry receipt/<id>) and the status applied. Settling a receipt
// again changes nothing and returns it as settled the first time.
func (s *Store) SettleReceipt(ctx context.Context, id int64, apps []sales.CashApplication, at time.Time) (sales.BankReceipt, error) {
	op := fmt.Sprintf("settle receipt %d", id)
	var out sales.BankReceipt
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		r, err := readReceiptBy(ctx, tx, "r.id = $1 FOR UPDATE OF r", id)
		if err != nil || r.Status == sales.ReceiptApplied {
			out = r
			return err
		}
		total, err := writeApplications(ctx, tx, op, id, r.CustomerID, r.Amount, apps)
		if err != nil {
			return err
		}
		left := r.Amount - total
		if _, err := tx.Exec(ctx, `UPDATE bank_receipts SET status = 'applied', unapplied_fen = $2 WHERE id = $1`, id, int64(left)); err != nil {
			return translate(op, err)
		}
		if left > 0 {
			note := fmt.Sprintf("unapplied of receipt %d, reference %s of %s", id, r.Reference, r.ValueDate)
			if err := writeLedger(ctx, tx, op, sales.CreditEntry{Key: sales.ReceiptKey(id), CustomerID: r.CustomerID,
				Amount: left, Currency: r.Currency, Note: note, At: at}); err != nil {
				return err
			}
		}
		out, err = readReceiptBy(ctx, tx, "r.id = $1", id)
		return err
	})
	return out, err
}

// writeApplications inserts applications (an existing key is left as it
// is) and returns their total, which must not exceed amount.
func writeApplications(ctx context.Context, tx pgx.Tx, op string, receiptID int64, customerID string, amount sales.Fen, apps []sales.CashApplication) (sales.Fen, error) {
	var total sales.Fen
	for _, a := range apps {
		if a.Amount <= 0 {
			return 0, sales.Errorf(sales.ErrInvalid, "%s: application %s of %s is not positive", op, a.Key, a.Amount)
		}
		if a.CustomerID != customerID {
			return 0, sales.Errorf(sales.ErrInvalid, "%s: application %s is for customer %s, not %s", op, a.Key, a.CustomerID, customerID)
		}
		total += a.Amount
	}
	if total > amount {
		return 0, sales.Errorf(sales.ErrInvalid, "%s: applications of %s exceed the amount %s", op, total, amount)
	}
	var receipt any
	if receiptID > 0 {
		receipt = receiptID
	}
	for _, a := range apps {
		if _, err := tx.Exec(ctx, `
			INSERT INTO cash_applications (key, receipt_id, customer_id, order_no, invoice_no, amount_fen, currency,
				value_date, applied_at, applied_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (key) DO NOTHING`,
			a.Key, receipt, a.CustomerID, a.OrderNo, a.InvoiceNo, int64(a.Amount), currencyOrCNY(a.Currency),
			a.ValueDate, a.At, a.By); err != nil {
			return 0, translate(op, err)
		}
	}
	return total, nil
}

// writeLedger adds an entry to a customer's unapplied cash; one written
// before under its key is left as it is.
func writeLedger(ctx context.Context, tx pgx.Tx, op string, e sales.CreditEntry) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO customer_credit (source_key, customer_id, amount_fen, currency, note, at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (source_key) DO NOTHING`,
		e.Key, e.CustomerID, int64(e.Amount), currencyOrCNY(e.Currency), e.Note, e.At)
	return translateOrNil(op, err)
}

// lockBalance locks the customer (so that two spends of its unapplied cash,
// or two records of one spend, run one after the other) and returns its currency and unapplied
// cash in that currency.
func lockBalance(ctx context.Context, tx pgx.Tx, op, customerID string) (sales.Currency, sales.Fen, error) {
	var cur sales.Currency
	var balance int64
	err := tx.QueryRow(ctx, `SELECT currency FROM customers WHERE id = $1 FOR UPDATE`, customerID).Scan(&cur)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", 0, sales.Errorf(sales.ErrNotFound, "no customer %q", customerID)
	}
	if err != nil {
		return "", 0, translate(op, err)
	}
	err = tx.QueryRow(ctx, `
		SELECT coalesce(sum(amount_fen), 0)::bigint FROM customer_credit WHERE customer_id = $1 AND currency = $2`,
		customerID, string(cur)).Scan(&balance)
	if err != nil {
		return "", 0, translate(op, err)
	}
	return cur, sales.Fen(balance), nil
}

// spend reserves amount of a customer's unapplied cash under key, or
// refuses when the balance is smaller.
func spend(ctx context.Context, tx pgx.Tx, op, customerID, key string, amount sales.Fen, note string, at time.Time) (sales.Currency, error) {
	cur, balance, err := lockBalance(ctx, tx, op, customerID)
	if err != nil {
		return "", err
	}
	if amount > balance {
		msg := fmt.Sprintf("the unapplied cash of %s is %s %s, less than %s", customerID, balance, cur, amount)
		return "", &sales.Error{Code: sales.ErrConflict, Message: msg, Fields: []sales.FieldError{{Field: "amount_fen", Message: msg}}}
	}
	return cur, writeLedger(ctx, tx, op, sales.CreditEntry{Key: key, CustomerID: customerID, Amount: -amount, Currency: cur, Note: note, At: at})
}

// UnappliedCash returns a customer's unapplied cash in its currency and the
// latest limit entries of its ledger, newest first.
func (s *Store) UnappliedCash(ctx context.Context, customerID string, limit int) (sales.UnappliedCash, error) {
	u := sales.UnappliedCash{CustomerID: customerID}
	err := s.readTx(ctx, "unapplied cash of "+customerID, func(tx pgx.Tx) error {
		var balance int64
		err := tx.QueryRow(ctx, `
			SELECT c.currency, coalesce((SELECT sum(amount_fen) FROM customer_credit
				WHERE customer_id = c.id AND currency = c.currency), 0)::bigint
			FROM customers c WHERE c.id = $1`, customerID).Scan(&u.Currency, &balance)
		if errors.Is(err, pgx.ErrNoRows) {
			return sales.Errorf(sales.ErrNotFound, "no customer %q", customerID)
		}
		if err != nil {
			return fmt.Errorf("store: unapplied cash of %s: %w", customerID, err)
		}
		u.Balance = sales.Fen(balance)
		u.Entries, err = collect(ctx, tx, "ledger of "+customerID, `
			SELECT source_key, customer_id, amount_fen, currency, note, at FROM customer_credit
			WHERE customer_id = $1 ORDER BY at DESC, source_key DESC LIMIT $2`,
			func(r pgx.CollectableRow) (sales.CreditEntry, error) {
				var e sales.CreditEntry
				err := r.Scan(&e.Key, &e.CustomerID, &e.Amount, &e.Currency, &e.Note, &e.At)
				return e, err
			}, customerID, pageSize(limit))
		return err
	})
	return u, err
}

// NextUnappliedID returns a new id for an application of unapplied cash.
func (s *Store) NextUnappliedID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.pool.QueryRow(ctx, `SELECT nextval('unapplied_applications_id_seq')`).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: next unapplied application id: %w", err)
	}
	return id, nil
}

const unappliedColumns = `id, customer_id, amount_fen, currency, invoice_nos, to_char(value_date, 'YYYY-MM-DD'), status,
	applied_fen, requested_by, requested_at`

func readUnapplied(ctx context.Context, q txQuerier, id int64, lock string) (sales.UnappliedApplication, error) {
	var a sales.UnappliedApplication
	err := q.QueryRow(ctx, `SELECT `+unappliedColumns+` FROM unapplied_applications WHERE id = $1`+lock, id).Scan(
		&a.ID, &a.CustomerID, &a.Amount, &a.Currency, &a.Invoices, &a.ValueDate, &a.Status, &a.Applied, &a.RequestedBy, &a.RequestedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, sales.Errorf(sales.ErrNotFound, "no application of unapplied cash %d", id)
	}
	if err != nil {
		return a, fmt.Errorf("store: application of unapplied cash %d: %w", id, err)
	}
	a.Applications, err = collect(ctx, q, "unapplied applications", `
		SELECT `+applicationColumns+` FROM cash_applications WHERE key LIKE $1 ORDER BY key`, scanApplication, a.Key()+"/%")
	return a, err
}

// UnappliedApplication returns an application of unapplied cash.
func (s *Store) UnappliedApplication(ctx context.Context, id int64) (sales.UnappliedApplication, error) {
	return readUnapplied(ctx, s.pool, id, "")
}

// RecordUnappliedApplication records that Finance applies a.Amount of the
// customer's unapplied cash to a.Invoices, and reserves it in the ledger
// (unapplied/<id>), refusing more than the balance. Recording it again
// returns it as stored.
func (s *Store) RecordUnappliedApplication(ctx context.Context, a sales.UnappliedApplication) (sales.UnappliedApplication, error) {
	op := "record " + a.Key()
	var out sales.UnappliedApplication
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		if _, _, err := lockBalance(ctx, tx, op, a.CustomerID); err != nil {
			return err
		}
		if old, err := readUnapplied(ctx, tx, a.ID, ""); err == nil {
			out = old
			return nil
		} else if sales.ErrorCode(err) != sales.ErrNotFound {
			return err
		}
		note := fmt.Sprintf("applied to %v by %s", a.Invoices, a.RequestedBy)
		cur, err := spend(ctx, tx, op, a.CustomerID, a.Key(), a.Amount, note, a.RequestedAt)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO unapplied_applications (id, customer_id, amount_fen, currency, invoice_nos, value_date,
				requested_by, requested_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			a.ID, a.CustomerID, int64(a.Amount), string(cur), a.Invoices, a.ValueDate, a.RequestedBy, a.RequestedAt); err != nil {
			return translate(op, err)
		}
		out, err = readUnapplied(ctx, tx, a.ID, "")
		return err
	})
	return out, err
}

// SettleUnappliedApplication writes what an application of unapplied cash
// paid, in one transaction: its applications, and what the invoices did
// not take back in the ledger (unapplied/<id>/returned). Settling it again
// changes nothing.
func (s *Store) SettleUnappliedApplication(ctx context.Context, id int64, apps []sales.CashApplication, at time.Time) (sales.UnappliedApplication, error) {
	op := fmt.Sprintf("settle unapplied/%d", id)
	var out sales.UnappliedApplication
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		a, err := readUnapplied(ctx, tx, id, " FOR UPDATE")
		if err != nil || a.Status == sales.ReceiptApplied {
			out = a
			return err
		}
		total, err := writeApplications(ctx, tx, op, 0, a.CustomerID, a.Amount, apps)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE unapplied_applications SET status = 'applied', applied_fen = $2 WHERE id = $1`, id, int64(total)); err != nil {
			return translate(op, err)
		}
		if left := a.Amount - total; left > 0 {
			if err := writeLedger(ctx, tx, op, sales.CreditEntry{Key: a.Key() + "/returned", CustomerID: a.CustomerID,
				Amount: left, Currency: a.Currency, Note: fmt.Sprintf("not taken by %v", a.Invoices), At: at}); err != nil {
				return err
			}
		}
		out, err = readUnapplied(ctx, tx, id, "")
		return err
	})
	return out, err
}

// NextRefundID returns a new refund id.
func (s *Store) NextRefundID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.pool.QueryRow(ctx, `SELECT nextval('refunds_id_seq')`).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: next refund id: %w", err)
	}
	return id, nil
}

const refundColumns = `f.id, f.customer_id, f.amount_fen, f.currency, f.bank_account, f.reason, f.status, f.needs_decision,
	f.escalation_level, f.requested_by, f.requested_at, f.decided_by, f.decided_at, f.decision_note`

func scanRefund(row pgx.Row) (sales.Refund, error) {
	var f sales.Refund
	err := row.Scan(&f.ID, &f.CustomerID, &f.Amount, &f.Currency, &f.BankAccount, &f.Reason, &f.Status, &f.NeedsDecision,
		&f.Level, &f.RequestedBy, &f.RequestedAt, &f.DecidedBy, &f.DecidedAt, &f.DecisionNote)
	return f, err
}

func readRefund(ctx context.Context, q rowQuerier, id int64, lock string) (sales.Refund, error) {
	f, err := scanRefund(q.QueryRow(ctx, `SELECT `+refundColumns+` FROM refunds f WHERE f.id = $1`+lock, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return f, sales.Errorf(sales.ErrNotFound, "no refund %d", id)
	}
	if err != nil {
		return f, fmt.Errorf("store: refund %d: %w", id, err)
	}
	return f, nil
}

// Refund returns a refund.
func (s *Store) Refund(ctx context.Context, id int64) (sales.Refund, error) {
	return readRefund(ctx, s.pool, id, "")
}

// ListRefunds returns the refunds f selects, newest first.
func (s *Store) ListRefunds(ctx context.Context, f sales.RefundFilter) ([]sales.Refund, error) {
	var where conditions
	if f.Status != "" {
		where.add("f.status = $?", string(f.Status))
	}
	if f.CustomerID != "" {
		where.add("f.customer_id = $?", f.CustomerID)
	}
	if !f.Scope.All {
		where.add("c.kam_id = ANY($?)", nonNil(f.Scope.KAMIDs))
	}
	limit := where.arg(pageSize(f.Limit))
	return collect(ctx, s.pool, "list refunds", `
		SELECT `+refundColumns+` FROM refunds f JOIN customers c ON c.id = f.customer_id`+where.sql()+`
		ORDER BY f.requested_at DESC, f.id DESC LIMIT `+limit,
		func(r pgx.CollectableRow) (sales.Refund, error) { return scanRefund(r) }, where.args...)
}

// RecordRefund records a requested refund and reserves its amount in the
// customer's ledger (refund/<id>), refusing more than the unapplied cash,
// and tells the notes' recipients, in one transaction. Recording it again
// returns it as stored.
func (s *Store) RecordRefund(ctx context.Context, f sales.Refund, notes []sales.Notification) (sales.Refund, error) {
	op := fmt.Sprintf("record refund %d", f.ID)
	var out sales.Refund
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		if _, _, err := lockBalance(ctx, tx, op, f.CustomerID); err != nil {
			return err
		}
		if old, err := readRefund(ctx, tx, f.ID, ""); err == nil {
			out = old
			return nil
		} else if sales.ErrorCode(err) != sales.ErrNotFound {
			return err
		}
		note := fmt.Sprintf("refund %d to %s: %s", f.ID, f.BankAccount, f.Reason)
		cur, err := spend(ctx, tx, op, f.CustomerID, fmt.Sprintf("refund/%d", f.ID), f.Amount, note, f.RequestedAt)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO refunds (id, customer_id, amount_fen, currency, bank_account, reason, needs_decision,
				requested_by, requested_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			f.ID, f.CustomerID, int64(f.Amount), string(cur), f.BankAccount, f.Reason, f.NeedsDecision,
			f.RequestedBy, f.RequestedAt); err != nil {
			return translate(op, err)
		}
		if err := writeNotifications(ctx, tx, notes); err != nil {
			return err
		}
		out, err = readRefund(ctx, tx, f.ID, "")
		return err
	})
	return out, err
}

// EscalateRefund records that a waiting refund reached level and tells the
// notes' recipients. A decided refund is left as it is.
func (s *Store) EscalateRefund(ctx context.Context, id int64, level sales.Level, notes []sales.Notification) error {
	op := fmt.Sprintf("escalate refund %d", id)
	return s.inTx(ctx, op, func(tx pgx.Tx) error {
		if _, err := readRefund(ctx, tx, id, " FOR UPDATE"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE refunds SET escalation_level = greatest(escalation_level, $2) WHERE id = $1 AND status = 'requested'`,
			id, int(level)); err != nil {
			return translate(op, err)
		}
		return writeNotifications(ctx, tx, notes)
	})
}

// DecideRefund ends a requested refund: approved, it is refunded; rejected,
// its amount comes back to the customer's unapplied cash
// (refund/<id>/rejected). Deciding again the same way changes nothing;
// another decision on a decided refund is a conflict.
func (s *Store) DecideRefund(ctx context.Context, d sales.RefundDecision, notes []sales.Notification) (sales.Refund, error) {
	op := fmt.Sprintf("decide refund %d", d.ID)
	target := sales.RefundRejected
	if d.Approve {
		target = sales.RefundRefunded
	}
	var out sales.Refund
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		f, err := readRefund(ctx, tx, d.ID, " FOR UPDATE")
		if err != nil {
			return err
		}
		switch {
		case f.Status == target && f.DecidedBy == d.By: // a retry
		case f.Status != sales.RefundRequested:
			return sales.Errorf(sales.ErrConflict, "refund %d is %s already", d.ID, f.Status)
		case d.By != "" && d.By == f.RequestedBy:
			return sales.Errorf(sales.ErrForbidden, "%s asked for refund %d: another person decides it", d.By, d.ID)
		default:
			if _, err := tx.Exec(ctx, `
				UPDATE refunds SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5 WHERE id = $1`,
				d.ID, string(target), d.By, d.At, d.Note); err != nil {
				return translate(op, err)
			}
			if !d.Approve {
				if err := writeLedger(ctx, tx, op, sales.CreditEntry{Key: fmt.Sprintf("refund/%d/rejected", d.ID), CustomerID: f.CustomerID,
					Amount: f.Amount, Currency: f.Currency, Note: fmt.Sprintf("refund %d rejected: %s", d.ID, d.Note), At: d.At}); err != nil {
					return err
				}
			}
		}
		if err := writeNotifications(ctx, tx, notes); err != nil {
			return err
		}
		out, err = readRefund(ctx, tx, d.ID, "")
		return err
	})
	return out, err
}
