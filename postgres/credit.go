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

// beijing is the zone PostgreSQL counts months and calendar days in.
const beijing = "Asia/Shanghai"

// StartCreditReview records that review r started, unless it is recorded
// already, and returns the stored review.
func (s *Store) StartCreditReview(ctx context.Context, r sales.CreditReview) (sales.CreditReview, error) {
	op := "start credit review " + r.ID
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			INSERT INTO credit_reviews (id, quarter, as_of, started_by, started_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (id) DO NOTHING`, r.ID, r.Quarter, r.AsOf, r.StartedBy, r.StartedAt)
		return translateOrNil(op, err)
	})
	if err != nil {
		return sales.CreditReview{}, err
	}
	return s.CreditReview(ctx, r.ID)
}

const reviewColumns = `id, quarter, as_of, started_by, started_at, finished_at, customers_done, changed, last_customer`

func scanReview(r pgx.Row) (sales.CreditReview, error) {
	var v sales.CreditReview
	err := r.Scan(&v.ID, &v.Quarter, &v.AsOf, &v.StartedBy, &v.StartedAt, &v.FinishedAt, &v.CustomersDone,
		&v.Changed, &v.LastCustomer)
	return v, err
}

// CreditReview returns the review with id.
func (s *Store) CreditReview(ctx context.Context, id string) (sales.CreditReview, error) {
	v, err := scanReview(s.pool.QueryRow(ctx, `SELECT `+reviewColumns+` FROM credit_reviews WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return v, sales.Errorf(sales.ErrNotFound, "no credit review %q", id)
	}
	if err != nil {
		return v, fmt.Errorf("store: credit review %s: %w", id, err)
	}
	return v, nil
}

// CreditReviews returns the latest reviews, newest first.
func (s *Store) CreditReviews(ctx context.Context, limit int) ([]sales.CreditReview, error) {
	return collect(ctx, s.pool, "list credit reviews",
		`SELECT `+reviewColumns+` FROM credit_reviews ORDER BY started_at DESC, id DESC LIMIT $1`,
		func(r pgx.CollectableRow) (sales.CreditReview, error) { return scanReview(r) }, pageSize(limit))
}

// CreditReviewCount returns how many reviews quarter has had.
func (s *Store) CreditReviewCount(ctx context.Context, quarter string) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM credit_reviews WHERE quarter = $1`, quarter).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count credit reviews of %s: %w", quarter, err)
	}
	return n, nil
}

// FinishCreditReview records that review id went through every customer.
// Finishing it again keeps the first time.
func (s *Store) FinishCreditReview(ctx context.Context, id string, at time.Time) (sales.CreditReview, error) {
	tag, err := s.pool.Exec(ctx, `
		UPDATE credit_reviews SET finished_at = coalesce(finished_at, $2) WHERE id = $1`, id, at)
	if err != nil {
		return sales.CreditReview{}, fmt.Errorf("store: finish credit review %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return sales.CreditReview{}, sales.Errorf(sales.ErrNotFound, "no credit review %q", id)
	}
	return s.CreditReview(ctx, id)
}

// CreditCustomerIDs returns up to limit customer ids after the id after, in
// order: the keyset pages of a review.
func (s *Store) CreditCustomerIDs(ctx context.Context, after string, limit int) ([]string, error) {
	if limit <= 0 {
		return nil, sales.Errorf(sales.ErrInvalid, "credit review batch size must be positive, not %d", limit)
	}
	return collect(ctx, s.pool, "page customers for a credit review",
		`SELECT id FROM customers WHERE id > $1 ORDER BY id LIMIT $2`, pgx.RowTo[string], after, limit)
}

// CreditInputs computes the inputs of the limit formula for the customers
// ids as of asOf, from one snapshot: net sales per month (invoices minus
// credit notes, each in the month it was issued) over p.HistoryMonths, the payment behaviour of the last
// p.PaymentMonths (days late per invoice and the highest dunning rung
// reached), the first invoice and the approved adjustments still counting.
func (s *Store) CreditInputs(ctx context.Context, ids []string, asOf time.Time, p sales.CreditPolicy) ([]sales.CreditInputs, error) {
	const op = "compute credit inputs"
	months, from, to := sales.SalesMonths(asOf, p.HistoryMonths)
	payFrom := asOf.AddDate(0, -p.PaymentMonths, 0)
	out := make([]sales.CreditInputs, len(ids))
	byID := make(map[string]*sales.CreditInputs, len(ids))
	monthIndex := make(map[string]int, len(months))
	for i, m := range months {
		monthIndex[m] = i
	}
	for i, id := range ids {
		out[i] = sales.CreditInputs{CustomerID: id, AsOf: asOf, Months: make([]sales.MonthSales, len(months)),
			Payments: []sales.PaymentRecord{}, Adjustments: []sales.ActiveAdjustment{}}
		for j, m := range months {
			out[i].Months[j].Month = m
		}
		byID[id] = &out[i]
	}
	err := s.readTx(ctx, op, func(tx pgx.Tx) error {
		steps := []struct {
			what string
			sql  string
			args []any
			scan func(pgx.Rows, *sales.CreditInputs) error
		}{
			{"net sales", `
				SELECT customer_id, to_char(at AT TIME ZONE '` + beijing + `', 'YYYY-MM'), sum(fen)::bigint
				FROM (
					SELECT customer_id, issued_at AS at, amount_fen AS fen FROM invoices
					WHERE customer_id = ANY($1) AND issued_at >= $2 AND issued_at < $3
					UNION ALL
					SELECT customer_id, issued_at, -amount_fen FROM credit_notes
					WHERE customer_id = ANY($1) AND issued_at >= $2 AND issued_at < $3
				) x
				GROUP BY 1, 2`, []any{ids, from, to},
				func(r pgx.Rows, in *sales.CreditInputs) error {
					var month string
					var net int64
					if err := r.Scan(nil, &month, &net); err != nil {
						return err
					}
					if i, ok := monthIndex[month]; ok {
						in.Months[i].Net = sales.Fen(net)
					}
					return nil
				}},
			{"payments", `
				SELECT customer_id, invoice_no, to_char(due_at AT TIME ZONE '` + beijing + `', 'YYYY-MM-DD'),
					greatest(0, ((CASE WHEN settled THEN coalesce(paid_at, due_at) ELSE $2::timestamptz END)
						AT TIME ZONE '` + beijing + `')::date - (due_at AT TIME ZONE '` + beijing + `')::date),
					NOT settled, dunning_level
				FROM (SELECT i.*, (i.paid_at IS NOT NULL AND i.paid_at <= $2)
						OR i.amount_fen - i.paid_fen - i.credited_fen <= 0 AS settled
					FROM invoices i
					WHERE i.customer_id = ANY($1) AND i.due_at < $2 AND i.issued_at < $2
						AND (i.due_at >= $3 OR i.paid_at IS NULL OR i.paid_at >= $3)) x
				ORDER BY customer_id, due_at, invoice_no`, []any{ids, asOf, payFrom},
				func(r pgx.Rows, in *sales.CreditInputs) error {
					var p sales.PaymentRecord
					if err := r.Scan(nil, &p.InvoiceNo, &p.DueOn, &p.DaysLate, &p.Open, &p.Dunning); err != nil {
						return err
					}
					in.Payments = append(in.Payments, p)
					return nil
				}},
			{"dunning", `
				SELECT customer_id, max(level) FROM escalations
				WHERE customer_id = ANY($1) AND kind = $4 AND at >= $3 AND at < $2
				GROUP BY 1`, []any{ids, asOf, payFrom, string(sales.EscalateDunning)},
				func(r pgx.Rows, in *sales.CreditInputs) error { return r.Scan(nil, &in.DunningReached) }},
			{"first invoice", `
				SELECT customer_id, min(issued_at) FROM invoices
				WHERE customer_id = ANY($1) AND issued_at < $2 GROUP BY 1`, []any{ids, asOf},
				func(r pgx.Rows, in *sales.CreditInputs) error { return r.Scan(nil, &in.FirstInvoiceAt) }},
			{"adjustments", `
				SELECT customer_id, id, amount_fen, expires_at FROM credit_adjustments
				WHERE customer_id = ANY($1) AND status = 'approved' AND expires_at > $2
				ORDER BY customer_id, id`, []any{ids, asOf},
				func(r pgx.Rows, in *sales.CreditInputs) error {
					var a sales.ActiveAdjustment
					if err := r.Scan(nil, &a.ID, &a.Amount, &a.ExpiresAt); err != nil {
						return err
					}
					in.Adjustments = append(in.Adjustments, a)
					return nil
				}},
		}
		for _, st := range steps {
			if err := perCustomer(ctx, tx, st.sql, st.args, byID, st.scan); err != nil {
				return fmt.Errorf("store: %s: %s: %w", op, st.what, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// perCustomer runs a query whose first column is a customer id and scans each
// row into that customer's inputs.
func perCustomer(ctx context.Context, tx pgx.Tx, sql string, args []any, byID map[string]*sales.CreditInputs,
	scan func(pgx.Rows, *sales.CreditInputs) error) error {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		in := byID[string(rows.RawValues()[0])] // the id, a text column
		if in == nil {
			continue
		}
		if err := scan(rows, in); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ApplyCreditReview writes the new rating, base and limit of each result's
// customer with a history row keyed by review and customer, in one
// transaction, and counts them on the review. Applying a result again
// changes nothing. The approved adjustments are read again under the
// customers' locks, so one approved meanwhile is not lost. It returns how
// many of the customers' limit or rating this review changed.
func (s *Store) ApplyCreditReview(ctx context.Context, reviewID, actor string, results []sales.CreditResult) (int, error) {
	op := "apply credit review " + reviewID
	if len(results) == 0 {
		return 0, nil
	}
	ids := make([]string, len(results))
	asOf := results[0].Inputs.AsOf
	for i, r := range results {
		ids[i] = r.Inputs.CustomerID
	}
	var changed int
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT id FROM customers WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids); err != nil {
			return translate(op, err)
		}
		active, err := activeAdjustments(ctx, tx, ids, asOf)
		if err != nil {
			return fmt.Errorf("store: %s: %w", op, err)
		}
		ratings, limits, bases, inputs := make([]string, len(results)), make([]int64, len(results)), make([]int64, len(results)), make([]string, len(results))
		for i, r := range results {
			r = r.WithAdjustments(active[r.Inputs.CustomerID])
			b, err := json.Marshal(r)
			if err != nil {
				return fmt.Errorf("store: %s: encode inputs: %w", op, err)
			}
			ratings[i], limits[i], bases[i], inputs[i] = string(r.Rating), int64(r.Limit), int64(r.Base), string(b)
		}
		if _, err := tx.Exec(ctx, `
			WITH input AS (
				SELECT * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[])
					AS t (customer_id, rating, limit_fen, base_fen, inputs)
			), recorded AS (
				INSERT INTO credit_history (dedupe_key, customer_id, kind, review_id, old_rating, new_rating,
					old_limit_fen, new_limit_fen, inputs, actor, at)
				SELECT 'review/' || $1 || '/' || c.id, c.id, 'review', $1, c.rating, i.rating,
					c.credit_limit_fen, i.limit_fen, i.inputs::jsonb, $7, $8
				FROM input i JOIN customers c ON c.id = i.customer_id
				ON CONFLICT (dedupe_key) DO NOTHING
				RETURNING customer_id, (old_rating <> new_rating OR old_limit_fen <> new_limit_fen) AS changed
			), updated AS (
				UPDATE customers c SET rating = i.rating, credit_limit_fen = i.limit_fen, credit_base_fen = i.base_fen
				FROM input i JOIN recorded r ON r.customer_id = i.customer_id
				WHERE c.id = i.customer_id
				RETURNING c.id
			)
			UPDATE credit_reviews SET customers_done = customers_done + (SELECT count(*) FROM updated),
				changed = changed + (SELECT count(*) FROM recorded WHERE changed),
				last_customer = greatest(last_customer, $9)
			WHERE id = $1`,
			reviewID, ids, ratings, limits, bases, inputs, actor, asOf, ids[len(ids)-1]); err != nil {
			return translate(op, err)
		}
		return tx.QueryRow(ctx, `
			SELECT count(*) FROM credit_history
			WHERE review_id = $1 AND customer_id = ANY($2)
				AND (old_rating <> new_rating OR old_limit_fen <> new_limit_fen)`, reviewID, ids).Scan(&changed)
	})
	return changed, err
}

// activeAdjustments returns per customer the approved adjustments that
// still count at t.
func activeAdjustments(ctx context.Context, tx pgx.Tx, ids []string, t time.Time) (map[string][]sales.ActiveAdjustment, error) {
	rows, err := tx.Query(ctx, `
		SELECT customer_id, id, amount_fen, expires_at FROM credit_adjustments
		WHERE customer_id = ANY($1) AND status = 'approved' AND expires_at > $2
		ORDER BY customer_id, id`, ids, t)
	if err != nil {
		return nil, err
	}
	out := map[string][]sales.ActiveAdjustment{}
	var customer string
	var a sales.ActiveAdjustment
	_, err = pgx.ForEachRow(rows, []any{&customer, &a.ID, &a.Amount, &a.ExpiresAt}, func() error {
		out[customer] = append(out[customer], a)
		return nil
	})
	return out, err
}

// CustomerCredit returns a customer's credit at now: limit, rating, exposure
// and its use, what is overdue, the adjustments waiting or counting, and the
// latest changes with their inputs.
func (s *Store) CustomerCredit(ctx context.Context, customerID string, now time.Time) (sales.CreditView, error) {
	op := "read credit of " + customerID
	var v sales.CreditView
	err := s.readTx(ctx, op, func(tx pgx.Tx) error {
		var oldestDays *int
		err := tx.QueryRow(ctx, `
			SELECT c.id, c.name, c.market, c.kam_id, c.currency, c.rating, c.credit_limit_fen,
				coalesce(c.credit_base_fen, c.credit_limit_fen), c.frozen, c.frozen_reason, c.frozen_by, c.frozen_at,
				coalesce(r.open, 0)::bigint, coalesce(r.overdue, 0)::bigint, coalesce(r.overdue_count, 0),
				($2::timestamptz AT TIME ZONE '`+beijing+`')::date - (r.oldest_due AT TIME ZONE '`+beijing+`')::date,
				coalesce((SELECT sum(o.unbilled_fen) FROM orders o
					WHERE o.customer_id = c.id AND o.closed_at IS NULL AND o.status <> ALL($3)), 0)::bigint
			FROM customers c
			LEFT JOIN LATERAL (
				SELECT sum(i.amount_fen - i.paid_fen - i.credited_fen) AS open,
					sum(i.amount_fen - i.paid_fen - i.credited_fen) FILTER (WHERE i.due_at < $2) AS overdue,
					count(*) FILTER (WHERE i.due_at < $2 AND i.amount_fen - i.paid_fen - i.credited_fen > 0) AS overdue_count,
					min(i.due_at) FILTER (WHERE i.due_at < $2 AND i.amount_fen - i.paid_fen - i.credited_fen > 0) AS oldest_due
				FROM invoices i WHERE i.customer_id = c.id AND i.paid_at IS NULL
			) r ON true
			WHERE c.id = $1`, customerID, now, finalStatuses).
			Scan(&v.CustomerID, &v.CustomerName, &v.Market, &v.KAMID, &v.Currency, &v.Rating, &v.Limit, &v.BaseLimit,
				&v.Frozen, &v.FrozenReason, &v.FrozenBy, &v.FrozenAt, &v.OpenReceivables, &v.Overdue,
				&v.OverdueInvoices, &oldestDays, &v.UnbilledOrders)
		if errors.Is(err, pgx.ErrNoRows) {
			return sales.Errorf(sales.ErrNotFound, "no customer %q", customerID)
		}
		if err != nil {
			return fmt.Errorf("store: %s: %w", op, err)
		}
		if oldestDays != nil {
			v.OldestOverdueDays = *oldestDays
		}
		v.Exposure = v.OpenReceivables + v.UnbilledOrders
		v.UseBasisPoints = sales.CreditUse(v.Exposure, v.Limit)
		if v.Adjustments, err = collect(ctx, tx, op+": adjustments", `
			SELECT `+adjustmentColumns+` FROM credit_adjustments a
			WHERE a.customer_id = $1 AND (a.status = 'proposed' OR (a.status = 'approved' AND a.expires_at > $2))
			ORDER BY a.proposed_at, a.id`, scanAdjustment, customerID, now); err != nil {
			return err
		}
		v.History, err = collect(ctx, tx, op+": history", `
			SELECT `+historyColumns+` FROM credit_history
			WHERE customer_id = $1 ORDER BY at DESC, id DESC LIMIT 50`, scanChange, customerID)
		return err
	})
	if err != nil {
		return sales.CreditView{}, err
	}
	if v.CreditBalance, err = s.CustomerCreditBalance(ctx, customerID); err != nil {
		return sales.CreditView{}, err
	}
	return v, nil
}

const historyColumns = `id, customer_id, kind, coalesce(review_id, adjustment_id, ''), old_rating, new_rating,
	old_limit_fen, new_limit_fen, inputs, note, actor, at`

func scanChange(r pgx.CollectableRow) (sales.CreditChange, error) {
	var c sales.CreditChange
	var inputs []byte
	if err := r.Scan(&c.ID, &c.CustomerID, &c.Kind, &c.Ref, &c.OldRating, &c.NewRating, &c.OldLimit,
		&c.NewLimit, &inputs, &c.Note, &c.Actor, &c.At); err != nil {
		return c, err
	}
	if string(inputs) != "{}" && len(inputs) > 0 {
		c.Result = new(sales.CreditResult)
		if err := json.Unmarshal(inputs, c.Result); err != nil {
			return c, fmt.Errorf("decode inputs of credit change %d: %w", c.ID, err)
		}
	}
	return c, nil
}

// AddNotifications puts notifications in the outbox; one already there under
// its key is left as it is.
func (s *Store) AddNotifications(ctx context.Context, notes []sales.Notification) error {
	return s.inTx(ctx, "add notifications", func(tx pgx.Tx) error { return writeNotifications(ctx, tx, notes) })
}

// creditReservationLife is how long a reservation counts while its order has
// no row in orders: long enough for a write that is behind to catch up, short
// enough that an order whose workflow never wrote it does not block the
// customer's credit for good.
const creditReservationLife = 24 * time.Hour

// CreditPosition returns a customer's credit limit, frozen state and the
// exposure if orderNo were to add amount: open receivables, plus what other
// open orders have not billed yet, plus what other orders reserved (see
// ReserveCredit), plus amount. It reserves nothing.
func (s *Store) CreditPosition(ctx context.Context, customerID, orderNo string, amount sales.Fen) (sales.CreditPosition, error) {
	return creditPosition(ctx, s.pool, customerID, orderNo, amount)
}

// ReserveCredit is OP4's credit check and reservation in one step, so that
// two orders of one customer cannot both pass on the same headroom: under a
// lock of the customer's credit, it returns the position as CreditPosition
// does and, when the order passes (not frozen, exposure within the limit),
// records amount as reserved for orderNo, so that a check of another order
// after it counts it. The reservation stops counting once the order's own
// row is in orders (its unbilled amount counts then, never both), or after
// creditReservationLife. Checking the same order again sees the same
// position (its own reservation is not counted) and keeps one reservation;
// an order that no longer passes gives its reservation up. An amount of zero
// (the SP2 re-check) reserves nothing.
func (s *Store) ReserveCredit(ctx context.Context, customerID, orderNo string, amount sales.Fen) (sales.CreditPosition, error) {
	op := "reserve credit of " + customerID + " for " + orderNo
	if amount < 0 {
		return sales.CreditPosition{}, sales.Errorf(sales.ErrInvalid, "%s: the amount must not be negative, not %s", op, amount)
	}
	var p sales.CreditPosition
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('credit/' || $1))`, customerID); err != nil {
			return translate(op, err)
		}
		// Reservations that no longer count go first.
		if _, err := tx.Exec(ctx, `
			DELETE FROM credit_reservations r
			WHERE r.customer_id = $1 AND (r.reserved_at < now() - $2::interval
				OR EXISTS (SELECT 1 FROM orders o WHERE o.order_no = r.order_no))`,
			customerID, creditReservationLife); err != nil {
			return translate(op, err)
		}
		var err error
		if p, err = creditPosition(ctx, tx, customerID, orderNo, amount); err != nil || amount == 0 {
			return err
		}
		if p.Held() != "" {
			_, err = tx.Exec(ctx, `DELETE FROM credit_reservations WHERE order_no = $1`, orderNo)
			return translateOrNil(op, err)
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO credit_reservations (order_no, customer_id, amount_fen, reserved_at)
			VALUES ($1, $2, $3, now())
			ON CONFLICT (order_no) DO UPDATE SET customer_id = excluded.customer_id,
				amount_fen = excluded.amount_fen, reserved_at = excluded.reserved_at`,
			orderNo, customerID, amount)
		return translateOrNil(op, err)
	})
	if err != nil {
		return sales.CreditPosition{}, err
	}
	return p, nil
}

// creditPosition reads a customer's position with orderNo adding amount, in
// one statement (one snapshot): a reservation and the row of its order are
// never both counted.
func creditPosition(ctx context.Context, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}, customerID, orderNo string, amount sales.Fen) (sales.CreditPosition, error) {
	var p sales.CreditPosition
	var receivables, unbilled, reserved int64
	err := q.QueryRow(ctx, `
		SELECT c.credit_limit_fen, c.frozen, c.frozen_reason,
			coalesce((SELECT sum(i.amount_fen - i.paid_fen - i.credited_fen) FROM invoices i
				WHERE i.customer_id = c.id AND i.paid_at IS NULL), 0)::bigint,
			coalesce((SELECT sum(o.unbilled_fen) FROM orders o
				WHERE o.customer_id = c.id AND o.closed_at IS NULL AND o.order_no <> $2
					AND o.status <> ALL($3)), 0)::bigint,
			coalesce((SELECT sum(r.amount_fen) FROM credit_reservations r
				WHERE r.customer_id = c.id AND r.order_no <> $2 AND r.reserved_at >= now() - $4::interval
					AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_no = r.order_no)), 0)::bigint
		FROM customers c WHERE c.id = $1`, customerID, orderNo, finalStatuses, creditReservationLife).
		Scan(&p.Limit, &p.Frozen, &p.Reason, &receivables, &unbilled, &reserved)
	if errors.Is(err, pgx.ErrNoRows) {
		return sales.CreditPosition{}, sales.Errorf(sales.ErrNotFound, "no customer %q", customerID)
	}
	if err != nil {
		return sales.CreditPosition{}, fmt.Errorf("store: credit position of %s: %w", customerID, err)
	}
	p.Exposure = sales.Fen(receivables+unbilled+reserved) + amount
	return p, nil
}
