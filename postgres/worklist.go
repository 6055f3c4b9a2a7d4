package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// The work lists of the console's My work: what waits for someone, read
// where no other list reads it.

// Markets returns the markets with their MM and the SLT member over each,
// by code.
func (s *Store) Markets(ctx context.Context) ([]sales.Market, error) {
	return collect(ctx, s.pool, "list markets", `
		SELECT code, name, coalesce(mm_id, ''), coalesce(slt_owner_id, '') FROM markets ORDER BY code`,
		func(r pgx.CollectableRow) (sales.Market, error) {
			var m sales.Market
			err := r.Scan(&m.Code, &m.Name, &m.MMID, &m.SLTOwner)
			return m, err
		})
}

// OpenReturns returns the returns in status (requested: waiting for a
// decision; approved: waiting for the goods) of customers in scope, the
// longest waiting first, at most limit. Since is when the wait began: the
// request, or the decision.
func (s *Store) OpenReturns(ctx context.Context, status sales.ReturnStatus, scope sales.Scope, limit int) ([]sales.OpenReturn, error) {
	var where conditions
	where.add("r.status = $?", string(status))
	scopeClause(&where, scope)
	n := where.arg(pageSize(limit))
	return collect(ctx, s.pool, "list open returns", `
		SELECT r.return_no, r.source, r.shipment_no, r.reason, r.status, r.lines, r.value_fen, r.approver_level,
			r.escalation_level, r.requested_by, r.requested_at, r.decided_by, r.decided_at, r.updated_at,
			coalesce(r.decided_at, r.requested_at) AS since,
			r.order_no, c.id, c.name, o.currency, c.kam_id, coalesce(kam.manager_id, '')
		FROM returns r
		JOIN orders o ON o.order_no = r.order_no
		JOIN customers c ON c.id = r.customer_id
		LEFT JOIN users kam ON kam.id = c.kam_id`+where.sql()+`
		ORDER BY since, r.return_no LIMIT `+n,
		func(row pgx.CollectableRow) (sales.OpenReturn, error) {
			var x sales.OpenReturn
			r := &x.Return
			err := row.Scan(&r.No, &r.Source, &r.ShipmentNo, &r.Reason, &r.Status, &r.Lines, &r.Value, &r.Approver,
				&r.Level, &r.RequestedBy, &r.RequestedAt, &r.DecidedBy, &r.DecidedAt, &r.UpdatedAt, &r.Since,
				&x.OrderNo, &x.CustomerID, &x.CustomerName, &x.Currency, &x.KAMID, &x.UMID)
			return x, err
		}, where.args...)
}

// OpenEscalations returns the escalations whose rung is held by holder now,
// of customers in scope, the oldest first, at most limit: the highest rung
// each late thing (an order's step, hold, invoice or return; a credit
// adjustment) reached, while that thing still waits — the order is open and
// still at the step, still held, the invoice unpaid, the return open, the
// adjustment undecided. A rung is held by its last recipient and, since
// release 1.2, by every recipient but the customer's KAM, who is copied on
// every rung: a step's owners (two Logistics members, the market's SSG) and
// a market's SLT members hold a rung together. Reminders before due are not
// escalations to act on and are left out.
func (s *Store) OpenEscalations(ctx context.Context, holder string, scope sales.Scope, limit int) ([]sales.Escalation, error) {
	var where conditions
	where.add(`e.recipients @> ARRAY[$?::text] AND (e.recipients[cardinality(e.recipients)] = $? OR c.kam_id <> $?)`, holder)
	where.add("e.kind <> $?", string(sales.EscalateRemind))
	scopeClause(&where, scope)
	where.clauses = append(where.clauses, `NOT EXISTS (
			SELECT 1 FROM escalations x
			WHERE x.level > e.level AND x.kind = e.kind AND (
				(x.order_no = e.order_no AND split_part(x.dedupe_key, '/', 3) = split_part(e.dedupe_key, '/', 3))
				OR x.adjustment_id = e.adjustment_id))`,
		`CASE
			WHEN e.adjustment_id IS NOT NULL THEN a.status = 'proposed'
			WHEN o.status IN ('remitted', 'rejected', 'cancelled') THEN false
			WHEN e.kind = 'step_overdue' THEN o.step = split_part(split_part(e.dedupe_key, '/', 3), '@', 1)
			WHEN e.kind = 'hold_pending' THEN o.status = 'held'
			WHEN e.kind = 'dunning' THEN EXISTS (SELECT 1 FROM invoices i
				WHERE i.invoice_no = split_part(split_part(e.dedupe_key, '/', 3), '@', 1) AND i.paid_at IS NULL)
			WHEN e.kind = 'return_pending' THEN EXISTS (SELECT 1 FROM returns r
				WHERE r.return_no = split_part(split_part(e.dedupe_key, '/', 3), '@', 1) AND r.status IN ('requested', 'approved'))
			ELSE true
		END`)
	n := where.arg(pageSize(limit))
	return collect(ctx, s.pool, "list open escalations", `
		SELECT e.dedupe_key, coalesce(e.order_no, ''), coalesce(e.adjustment_id, ''), e.customer_id,
			e.market, e.kind, e.subject, e.level, e.recipients, e.at
		FROM escalations e
		JOIN customers c ON c.id = e.customer_id
		LEFT JOIN orders o ON o.order_no = e.order_no
		LEFT JOIN credit_adjustments a ON a.id = e.adjustment_id`+where.sql()+`
		ORDER BY e.at, e.id LIMIT `+n,
		func(r pgx.CollectableRow) (sales.Escalation, error) {
			var e sales.Escalation
			err := r.Scan(&e.Key, &e.OrderNo, &e.AdjustmentID, &e.CustomerID, &e.Market, &e.Kind, &e.Subject,
				&e.Level, &e.Recipients, &e.At)
			return e, err
		}, where.args...)
}

// OwnedProblems returns the open problems (open or in progress) whose owner
// is one of owners (a user id, or dept:<role>), the oldest first, at most
// limit. Scope limits those about a customer; a problem about no customer is
// its owner's whatever the scope.
func (s *Store) OwnedProblems(ctx context.Context, owners []string, scope sales.Scope, limit int) ([]sales.Problem, error) {
	var where conditions
	where.clauses = append(where.clauses, "p.status <> 'resolved'")
	where.add("p.owner = ANY($?)", nonNil(owners))
	if !scope.All {
		where.add("(p.customer_id IS NULL OR c.kam_id = ANY($?))", nonNil(scope.KAMIDs))
	}
	n := where.arg(pageSize(limit))
	return collect(ctx, s.pool, "list owned problems", `
		SELECT `+problemColumns+`
		FROM problems p LEFT JOIN customers c ON c.id = p.customer_id`+where.sql()+`
		ORDER BY p.created_at, p.id LIMIT `+n,
		func(r pgx.CollectableRow) (sales.Problem, error) { return scanProblem(r) }, where.args...)
}
