package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// recordProblems files the problems an order's changes raise by themselves
// (escalations that reach the SLT, steps past their deadline, disputed
// invoices) and resolves, with a note, those of the order whose cause went
// away. It runs in ApplyOrderChanges' transaction after everything else is
// written, so it sees the order as stored, and files nothing twice.
func recordProblems(ctx context.Context, tx pgx.Tx, c sales.OrderChanges) error {
	for _, f := range sales.AutoProblems(c) {
		if _, err := fileProblem(ctx, tx, f); err != nil {
			return err
		}
	}
	if c.Order == nil {
		return nil
	}
	return resolveGoneProblems(ctx, tx, c.Order.OrderNo)
}

// fileProblem numbers and records f in tx and returns its number. An
// automatic filing already recorded under its key records nothing, gives no
// number away and only notes the higher rung its escalation reached.
func fileProblem(ctx context.Context, tx pgx.Tx, f sales.ProblemFiling) (string, error) {
	op := "file problem " + f.Key
	if f.Key != "" {
		if no, found, err := noteRung(ctx, tx, f); found || err != nil {
			return no, translateOrNil(op, err)
		}
	}
	month := sales.ProblemMonth(f.At)
	// A savepoint, so that a filing that turns out to be there already gives
	// its number back.
	sp, err := tx.Begin(ctx)
	if err != nil {
		return "", translate(op, err)
	}
	defer sp.Rollback(ctx)
	var seq int
	if err := sp.QueryRow(ctx, `
		INSERT INTO problem_counters (month, last) VALUES ($1, 1)
		ON CONFLICT (month) DO UPDATE SET last = problem_counters.last + 1
		RETURNING last`, month).Scan(&seq); err != nil {
		return "", translate(op+": number", err)
	}
	no := sales.FormatProblemNo(month, seq)
	err = sp.QueryRow(ctx, `
		INSERT INTO problems (number, month, seq, department, source, title, detail, order_no, customer_id,
			invoice_no, step, level, owner, dedupe_key, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, ''),
			coalesce(NULLIF($9, ''), (SELECT customer_id FROM orders WHERE order_no = NULLIF($8, ''))),
			NULLIF($10, ''), NULLIF($11, ''), $12, $13, NULLIF($14, ''), $15, $16, $16)
		ON CONFLICT (dedupe_key) DO NOTHING
		RETURNING number`,
		no, month, seq, string(f.Department), string(f.Source), f.Title, f.Detail, f.OrderNo, f.CustomerID,
		f.InvoiceNo, string(f.Step), int(f.Level), f.Owner, f.Key, f.CreatedBy, f.At).Scan(&no)
	if errors.Is(err, pgx.ErrNoRows) { // filed meanwhile by another transaction
		if err := sp.Rollback(ctx); err != nil {
			return "", translate(op, err)
		}
		no, _, err = noteRung(ctx, tx, f)
		return no, translateOrNil(op, err)
	}
	if err != nil {
		return "", translate(op, err)
	}
	return no, translateOrNil(op, sp.Commit(ctx))
}

// noteRung raises the level of the problem already filed under f's key.
func noteRung(ctx context.Context, tx pgx.Tx, f sales.ProblemFiling) (no string, found bool, err error) {
	err = tx.QueryRow(ctx, `
		UPDATE problems SET level = GREATEST(level, $2) WHERE dedupe_key = $1 RETURNING number`,
		f.Key, int(f.Level)).Scan(&no)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return no, err == nil, err
}

// resolveGoneProblems resolves the order's automatic problems whose cause is
// gone in the stored order: the invoice of a dispute or dunning problem is
// paid; a stuck step moved on or the order is closed; a held order was
// decided. The time is the order's, so retrying the write changes nothing.
func resolveGoneProblems(ctx context.Context, tx pgx.Tx, orderNo string) error {
	_, err := tx.Exec(ctx, resolveGoneSQL, resolveGoneArgs(orderNo)...)
	return translateOrNil("resolve problems of "+orderNo, err)
}

// queueResolveGoneProblems is resolveGoneProblems in a batch.
func queueResolveGoneProblems(b *pgx.Batch, orderNo string) {
	queue(b, "resolve problems of "+orderNo, nil, resolveGoneSQL, resolveGoneArgs(orderNo)...)
}

func resolveGoneArgs(orderNo string) []any {
	return []any{orderNo, sales.NoteInvoicePaid, sales.NoteStepMoved, sales.NoteOrderClosed, sales.NoteHoldDecided,
		finalStatuses, sales.System.UserID, sales.NoteCaughtUp}
}

const resolveGoneSQL = `
		WITH gone AS (
			SELECT p.id, o.updated_at AS at,
				CASE
					WHEN p.source = 'store_behind' THEN $8
					WHEN p.invoice_no IS NOT NULL THEN
						CASE WHEN EXISTS (SELECT 1 FROM invoices i
							WHERE i.invoice_no = p.invoice_no AND i.paid_at IS NOT NULL) THEN $2 END
					WHEN p.source = 'stuck_step' THEN
						CASE WHEN o.closed_at IS NOT NULL OR o.status = ANY($6) THEN $4
							WHEN o.step IS DISTINCT FROM p.step THEN $3 END
					WHEN p.step IS NOT NULL THEN
						CASE WHEN o.closed_at IS NOT NULL OR o.status = ANY($6) THEN $4
							WHEN o.status <> 'held' OR o.step IS DISTINCT FROM p.step THEN $5 END
				END AS note
			FROM problems p JOIN orders o ON o.order_no = p.order_no
			WHERE p.order_no = $1 AND p.status <> 'resolved' AND p.dedupe_key IS NOT NULL
		)
		UPDATE problems p SET status = 'resolved', resolution = gone.note, resolved_at = gone.at,
			resolved_by = $7, updated_at = gone.at
		FROM gone WHERE p.id = gone.id AND gone.note IS NOT NULL`

// FileProblem files a problem a person reported and returns it numbered.
func (s *Store) FileProblem(ctx context.Context, f sales.ProblemFiling) (sales.Problem, error) {
	var p sales.Problem
	err := s.inTx(ctx, "file problem", func(tx pgx.Tx) error {
		no, err := fileProblem(ctx, tx, f)
		if err != nil {
			return err
		}
		p, err = problem(ctx, tx, no, false)
		return err
	})
	return p, err
}

// UpdateProblem changes a problem as by asks (status, owner, resolution) at
// at; the domain decides whether by may and whether the change is complete.
func (s *Store) UpdateProblem(ctx context.Context, number string, u sales.ProblemUpdate, by sales.Actor, at time.Time) (sales.Problem, error) {
	op := "update problem " + number
	var p sales.Problem
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		old, err := problem(ctx, tx, number, true)
		if err != nil {
			return err
		}
		if p, err = old.Apply(u, by, at); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			UPDATE problems SET status = $2, owner = $3, resolution = $4, resolved_at = $5, resolved_by = $6,
				updated_at = $7
			WHERE number = $1`,
			number, string(p.Status), p.Owner, p.Resolution, p.ResolvedAt, p.ResolvedBy, p.UpdatedAt)
		return translateOrNil(op, err)
	})
	return p, err
}

// problemColumns are read from problems p.
const problemColumns = `p.number, p.department, p.source, p.status, p.title, p.detail, coalesce(p.order_no, ''),
	coalesce(p.customer_id, ''), coalesce(p.invoice_no, ''), coalesce(p.step, ''), p.level, p.owner,
	p.resolution, p.created_by, p.created_at, p.updated_at, p.resolved_at, p.resolved_by`

func scanProblem(r pgx.Row) (sales.Problem, error) {
	var p sales.Problem
	err := r.Scan(&p.Number, &p.Department, &p.Source, &p.Status, &p.Title, &p.Detail, &p.OrderNo,
		&p.CustomerID, &p.InvoiceNo, &p.Step, &p.Level, &p.Owner, &p.Resolution, &p.CreatedBy, &p.CreatedAt,
		&p.UpdatedAt, &p.ResolvedAt, &p.ResolvedBy)
	return p, err
}

// problem reads one problem in tx, locked for update when lock is set.
func problem(ctx context.Context, tx pgx.Tx, number string, lock bool) (sales.Problem, error) {
	q := `SELECT ` + problemColumns + ` FROM problems p WHERE p.number = $1`
	if lock {
		q += ` FOR UPDATE`
	}
	p, err := scanProblem(tx.QueryRow(ctx, q, number))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, sales.Errorf(sales.ErrNotFound, "no problem %q", number)
	}
	if err != nil {
		return p, fmt.Errorf("store: read problem %s: %w", number, err)
	}
	return p, nil
}

// Problem returns the problem numbered number.
func (s *Store) Problem(ctx context.Context, number string) (sales.Problem, error) {
	var p sales.Problem
	err := s.readTx(ctx, "read problem "+number, func(tx pgx.Tx) error {
		var err error
		p, err = problem(ctx, tx, number, false)
		return err
	})
	return p, err
}

// ListProblems returns the problems f selects, newest first.
func (s *Store) ListProblems(ctx context.Context, f sales.ProblemFilter) ([]sales.Problem, error) {
	var where conditions
	if f.Status != "" {
		where.add("p.status = $?", string(f.Status))
	}
	if f.Open {
		where.clauses = append(where.clauses, "p.status <> 'resolved'")
	}
	if f.Department != "" {
		where.add("p.department = $?", string(f.Department))
	}
	if f.Source != "" {
		where.add("p.source = $?", string(f.Source))
	}
	if f.OrderNo != "" {
		where.add("p.order_no = $?", f.OrderNo)
	}
	if f.CustomerID != "" {
		where.add("p.customer_id = $?", f.CustomerID)
	}
	if f.Month != "" {
		where.add("p.month = $?", f.Month)
	}
	if !f.Scope.All {
		where.add("c.kam_id = ANY($?)", nonNil(f.Scope.KAMIDs))
	}
	limit := where.arg(pageSize(f.Limit))
	return collect(ctx, s.pool, "list problems", `
		SELECT `+problemColumns+`
		FROM problems p LEFT JOIN customers c ON c.id = p.customer_id`+where.sql()+`
		ORDER BY p.created_at DESC, p.id DESC LIMIT `+limit,
		func(r pgx.CollectableRow) (sales.Problem, error) { return scanProblem(r) }, where.args...)
}

// ProblemsToReview returns what the monthly meeting of month reviews: the
// problems open now and those filed or resolved in the month.
func (s *Store) ProblemsToReview(ctx context.Context, month sales.Period, scope sales.Scope) ([]sales.Problem, error) {
	var where conditions
	from, to := where.arg(month.From), where.arg(month.To)
	where.clauses = append(where.clauses, `(p.status <> 'resolved'
		OR (p.created_at >= `+from+` AND p.created_at < `+to+`)
		OR (p.resolved_at >= `+from+` AND p.resolved_at < `+to+`))`)
	if !scope.All {
		where.add("c.kam_id = ANY($?)", nonNil(scope.KAMIDs))
	}
	return collect(ctx, s.pool, "problems to review", `
		SELECT `+problemColumns+`
		FROM problems p LEFT JOIN customers c ON c.id = p.customer_id`+where.sql()+`
		ORDER BY p.month, p.seq`,
		func(r pgx.CollectableRow) (sales.Problem, error) { return scanProblem(r) }, where.args...)
}
