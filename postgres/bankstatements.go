package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// StatementMatchData reads what statement lines are matched against: every
// customer's name, the payer accounts and names customers paid under before
// (recorded receipts and lines Finance assigned), and every open invoice.
func (s *Store) StatementMatchData(ctx context.Context) (customers []sales.Customer, payers []sales.KnownPayer, open []sales.CustomerInvoice, err error) {
	err = s.readTx(ctx, "statement match data", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, name FROM customers ORDER BY id`)
		if err != nil {
			return fmt.Errorf("store: customers to match: %w", err)
		}
		if customers, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (sales.Customer, error) {
			var c sales.Customer
			return c, r.Scan(&c.ID, &c.Name)
		}); err != nil {
			return fmt.Errorf("store: customers to match: %w", err)
		}
		rows, err = tx.Query(ctx, `
			SELECT customer_id, payer_name, payer_account FROM bank_receipts
			UNION
			SELECT customer_id, payer_name, payer_account FROM statement_lines WHERE status = 'assigned'`)
		if err != nil {
			return fmt.Errorf("store: known payers: %w", err)
		}
		if payers, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (sales.KnownPayer, error) {
			var p sales.KnownPayer
			return p, r.Scan(&p.CustomerID, &p.Name, &p.Account)
		}); err != nil {
			return fmt.Errorf("store: known payers: %w", err)
		}
		rows, err = tx.Query(ctx, `
			SELECT customer_id, order_no, invoice_no, due_at, amount_fen - paid_fen - credited_fen, currency, disputed
			FROM invoices WHERE paid_at IS NULL AND amount_fen > paid_fen + credited_fen`)
		if err != nil {
			return fmt.Errorf("store: open invoices to match: %w", err)
		}
		if open, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (sales.CustomerInvoice, error) {
			var i sales.CustomerInvoice
			return i, r.Scan(&i.CustomerID, &i.OrderNo, &i.InvoiceNo, &i.DueAt, &i.Outstanding, &i.Currency, &i.Disputed)
		}); err != nil {
			return fmt.Errorf("store: open invoices to match: %w", err)
		}
		return nil
	})
	return customers, payers, open, err
}

// SaveBankImport stores an import and its lines in one transaction. The
// same file again (its SHA-256) stores nothing: the earlier import comes
// back with created false. A line whose bank transaction (our account and
// its reference) was recorded as a receipt or is a live line of an earlier
// import, or comes twice in the file, is kept as a duplicate.
func (s *Store) SaveBankImport(ctx context.Context, imp sales.BankImport, role sales.Role, lines []sales.BankLine) (out sales.BankImport, created bool, err error) {
	err = s.inTx(ctx, "save statement import", func(tx pgx.Tx) error {
		// One import of an account at a time: overlapping statements see
		// each other's lines.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('statement:' || $1))`, imp.BankAccount); err != nil {
			return fmt.Errorf("store: lock statements of %s: %w", imp.BankAccount, err)
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO statement_imports (sha256, bank_account, file_name, uploaded_by, uploaded_role, uploaded_at, line_count)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (sha256) DO NOTHING RETURNING id`,
			imp.SHA256, imp.BankAccount, imp.FileName, imp.UploadedBy, string(role), imp.UploadedAt, len(lines)).Scan(&imp.ID)
		if errors.Is(err, pgx.ErrNoRows) {
			out, err = bankImportBySHA(ctx, tx, imp.SHA256)
			return err
		}
		if err != nil {
			return translate("save statement import", err)
		}
		created = true
		if err := markDuplicates(ctx, tx, imp.BankAccount, lines); err != nil {
			return err
		}
		rows := make([][]any, len(lines))
		for i, l := range lines {
			invoices := l.Invoices
			if invoices == nil {
				invoices = []string{}
			}
			rows[i] = []any{imp.ID, l.LineNo, imp.BankAccount, l.ValueDate, int64(l.Amount), string(l.Currency), l.PayerName, l.PayerAccount,
				l.Remittance, l.Reference, string(l.Status), l.MatchedBy, nilIfEmpty(l.CustomerID), invoices, l.Note}
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"statement_lines"}, []string{"import_id", "line_no", "bank_account", "value_date", "amount_fen",
			"currency", "payer_name", "payer_account", "remittance", "reference", "status", "matched_by", "customer_id", "invoice_nos", "note"},
			pgx.CopyFromRows(rows))
		if err != nil {
			return translate("save statement lines", err)
		}
		out = imp
		out.Counts, err = bankCounts(ctx, tx, imp.ID)
		return err
	})
	return out, created, err
}

// markDuplicates turns the lines already seen into duplicates.
func markDuplicates(ctx context.Context, tx pgx.Tx, account string, lines []sales.BankLine) error {
	refs := make([]string, 0, len(lines))
	for _, l := range lines {
		refs = append(refs, l.Reference)
	}
	rows, err := tx.Query(ctx, `
		SELECT reference, 'receipt ' || id FROM bank_receipts WHERE reference = ANY($2) AND `+accountKey+` = $1
		UNION ALL
		SELECT reference, 'line ' || line_no || ' of import ' || import_id FROM statement_lines
		WHERE bank_account = $1 AND reference = ANY($2) AND status NOT IN ('duplicate', 'skipped')`, account, refs)
	if err != nil {
		return fmt.Errorf("store: lines seen before: %w", err)
	}
	seen := map[string]string{}
	var ref, where string
	if _, err := pgx.ForEachRow(rows, []any{&ref, &where}, func() error {
		if _, ok := seen[ref]; !ok {
			seen[ref] = where
		}
		return nil
	}); err != nil {
		return fmt.Errorf("store: lines seen before: %w", err)
	}
	for i := range lines {
		l := &lines[i]
		if l.Status == sales.LineSkipped {
			continue
		}
		if where, ok := seen[l.Reference]; ok {
			l.Status, l.Note = sales.LineDuplicate, "the bank's reference "+l.Reference+" was recorded before: "+where
			continue
		}
		seen[l.Reference] = fmt.Sprintf("line %d of this file", l.LineNo)
	}
	return nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const bankImportColumns = `id, sha256, bank_account, file_name, uploaded_by, uploaded_at`

func scanBankImport(r pgx.Row) (sales.BankImport, error) {
	var i sales.BankImport
	err := r.Scan(&i.ID, &i.SHA256, &i.BankAccount, &i.FileName, &i.UploadedBy, &i.UploadedAt)
	return i, err
}

func bankImportBySHA(ctx context.Context, tx pgx.Tx, sha string) (sales.BankImport, error) {
	imp, err := scanBankImport(tx.QueryRow(ctx, `SELECT `+bankImportColumns+` FROM statement_imports WHERE sha256 = $1`, sha))
	if err != nil {
		return imp, fmt.Errorf("store: statement import %s: %w", sha, err)
	}
	imp.Counts, err = bankCounts(ctx, tx, imp.ID)
	return imp, err
}

// bankCounts counts an import's lines by status.
func bankCounts(ctx context.Context, tx pgx.Tx, id int64) (sales.BankLineCounts, error) {
	var c sales.BankLineCounts
	rows, err := tx.Query(ctx, `SELECT status, count(*) FROM statement_lines WHERE import_id = $1 GROUP BY status`, id)
	if err != nil {
		return c, fmt.Errorf("store: count lines of import %d: %w", id, err)
	}
	var status string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&status, &n}, func() error {
		c.Add(sales.LineStatus(status), n)
		return nil
	})
	if err != nil {
		return c, fmt.Errorf("store: count lines of import %d: %w", id, err)
	}
	return c, nil
}

// BankImport returns an import with its counts, and its lines when
// withLines.
func (s *Store) BankImport(ctx context.Context, id int64, withLines bool) (sales.BankImport, error) {
	var imp sales.BankImport
	err := s.readTx(ctx, "statement import", func(tx pgx.Tx) error {
		var err error
		imp, err = scanBankImport(tx.QueryRow(ctx, `SELECT `+bankImportColumns+` FROM statement_imports WHERE id = $1`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return sales.Errorf(sales.ErrNotFound, "there is no statement import %d", id)
		}
		if err != nil {
			return fmt.Errorf("store: statement import %d: %w", id, err)
		}
		if imp.Counts, err = bankCounts(ctx, tx, id); err != nil {
			return err
		}
		if withLines {
			imp.Lines, err = bankLines(ctx, tx, sales.BankLineFilter{ImportID: id, Limit: -1})
		}
		return err
	})
	return imp, err
}

// BankImports lists the latest imports, newest first, with their counts.
func (s *Store) BankImports(ctx context.Context, limit int) ([]sales.BankImport, error) {
	var list []sales.BankImport
	err := s.readTx(ctx, "statement imports", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+bankImportColumns+` FROM statement_imports ORDER BY uploaded_at DESC, id DESC LIMIT $1`, pageSize(limit))
		if err != nil {
			return fmt.Errorf("store: statement imports: %w", err)
		}
		if list, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (sales.BankImport, error) { return scanBankImport(r) }); err != nil {
			return fmt.Errorf("store: statement imports: %w", err)
		}
		ids := make([]int64, len(list))
		at := make(map[int64]int, len(list))
		for i, imp := range list {
			ids[i], at[imp.ID] = imp.ID, i
		}
		rows, err = tx.Query(ctx, `SELECT import_id, status, count(*) FROM statement_lines WHERE import_id = ANY($1) GROUP BY import_id, status`, ids)
		if err != nil {
			return fmt.Errorf("store: statement import counts: %w", err)
		}
		var id int64
		var status string
		var n int
		_, err = pgx.ForEachRow(rows, []any{&id, &status, &n}, func() error {
			list[at[id]].Counts.Add(sales.LineStatus(status), n)
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: statement import counts: %w", err)
		}
		return nil
	})
	return list, err
}

const bankLineColumns = `id, import_id, line_no, bank_account, value_date::text, amount_fen, currency, payer_name, payer_account, remittance,
	reference, status, matched_by, coalesce(customer_id, ''), invoice_nos, coalesce(receipt_id, 0), note, decided_by, decided_at`

func scanBankLine(r pgx.Row) (sales.BankLine, error) {
	var l sales.BankLine
	var status string
	err := r.Scan(&l.ID, &l.ImportID, &l.LineNo, &l.BankAccount, &l.ValueDate, &l.Amount, &l.Currency, &l.PayerName, &l.PayerAccount,
		&l.Remittance, &l.Reference, &status, &l.MatchedBy, &l.CustomerID, &l.Invoices, &l.ReceiptID, &l.Note, &l.DecidedBy, &l.DecidedAt)
	l.Status = sales.LineStatus(status)
	return l, err
}

// bankLines lists lines by import and status, in the file's order; a
// negative limit lists them all.
func bankLines(ctx context.Context, tx pgx.Tx, f sales.BankLineFilter) ([]sales.BankLine, error) {
	var c conditions
	if f.ImportID != 0 {
		c.add("import_id = $?", f.ImportID)
	}
	if f.Status != "" {
		c.add("status = $?", string(f.Status))
	}
	limit := ""
	if f.Limit >= 0 {
		limit = " LIMIT " + c.arg(pageSize(f.Limit))
	}
	rows, err := tx.Query(ctx, `SELECT `+bankLineColumns+` FROM statement_lines`+c.sql()+` ORDER BY import_id, line_no`+limit, c.args...)
	if err != nil {
		return nil, fmt.Errorf("store: statement lines: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sales.BankLine, error) { return scanBankLine(r) })
	if err != nil {
		return nil, fmt.Errorf("store: statement lines: %w", err)
	}
	return list, nil
}

// BankLines lists statement lines by import and status.
func (s *Store) BankLines(ctx context.Context, f sales.BankLineFilter) ([]sales.BankLine, error) {
	var list []sales.BankLine
	err := s.readTx(ctx, "statement lines", func(tx pgx.Tx) error {
		var err error
		list, err = bankLines(ctx, tx, f)
		return err
	})
	return list, err
}

// BankLine returns one statement line.
func (s *Store) BankLine(ctx context.Context, id int64) (sales.BankLine, error) {
	l, err := scanBankLine(s.pool.QueryRow(ctx, `SELECT `+bankLineColumns+` FROM statement_lines WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return l, sales.Errorf(sales.ErrNotFound, "there is no statement line %d", id)
	}
	if err != nil {
		return l, fmt.Errorf("store: statement line %d: %w", id, err)
	}
	return l, nil
}

// PendingBankLines returns up to limit matched lines of an import after
// line number after: the lines its workflow has still to apply.
func (s *Store) PendingBankLines(ctx context.Context, importID int64, after, limit int) ([]sales.BankLine, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+bankLineColumns+` FROM statement_lines
		WHERE import_id = $1 AND status = 'matched' AND line_no > $2 ORDER BY line_no LIMIT $3`, importID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending lines of import %d: %w", importID, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sales.BankLine, error) { return scanBankLine(r) })
	if err != nil {
		return nil, fmt.Errorf("store: pending lines of import %d: %w", importID, err)
	}
	return list, nil
}

// SettleBankLine records what became of a line that stands in one of the
// statuses from; a line that moved on meanwhile is a conflict.
func (s *Store) SettleBankLine(ctx context.Context, id int64, from []sales.LineStatus, o sales.LineOutcome) (sales.BankLine, error) {
	statuses := make([]string, len(from))
	for i, st := range from {
		statuses[i] = string(st)
	}
	var decidedAt *time.Time
	if o.By != "" {
		decidedAt = &o.At
	}
	l, err := scanBankLine(s.pool.QueryRow(ctx, `
		UPDATE statement_lines SET status = $3,
			customer_id = coalesce($4, customer_id), invoice_nos = coalesce($5, invoice_nos),
			receipt_id = coalesce($6, receipt_id), note = $7, decided_by = $8, decided_at = $9
		WHERE id = $1 AND status = ANY($2)
		RETURNING `+bankLineColumns,
		id, statuses, string(o.Status), nilIfEmpty(o.CustomerID), o.Invoices, nilIfZero(o.ReceiptID), o.Note, o.By, decidedAt))
	if errors.Is(err, pgx.ErrNoRows) {
		cur, err := s.BankLine(ctx, id)
		if err != nil {
			return cur, err
		}
		return cur, sales.Errorf(sales.ErrConflict, "statement line %d is %s now", id, cur.Status)
	}
	if err != nil {
		return l, translate("settle statement line", err)
	}
	return l, nil
}

func nilIfZero(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// accountKey is our account as matching and duplicates compare it: its
// letters and digits, upper case (sales.NormalizeAccount), in SQL.
const accountKey = `upper(regexp_replace(bank_account, '[^0-9A-Za-z]', '', 'g'))`

// TransactionReceipt returns the receipt recorded for a bank transaction,
// our account compared by its letters and digits only ("1001 2345" is
// 10012345, however Finance typed it); not_found when there is none.
func (s *Store) TransactionReceipt(ctx context.Context, bankAccount, reference string) (sales.BankReceipt, error) {
	var r sales.BankReceipt
	err := s.pool.QueryRow(ctx, `SELECT id, customer_id, bank_account, reference, source FROM bank_receipts
		WHERE reference = $2 AND `+accountKey+` = $1 ORDER BY id LIMIT 1`, sales.NormalizeAccount(bankAccount), reference).
		Scan(&r.ID, &r.CustomerID, &r.BankAccount, &r.Reference, &r.Source)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, sales.Errorf(sales.ErrNotFound, "no receipt was recorded for %s on account %s", reference, bankAccount)
	}
	if err != nil {
		return r, fmt.Errorf("store: the receipt of %s/%s: %w", bankAccount, reference, err)
	}
	return r, nil
}
