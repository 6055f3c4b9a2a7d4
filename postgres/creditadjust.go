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

const adjustmentColumns = `a.id, a.customer_id, a.amount_fen, a.currency, a.reason, a.proposed_by, a.proposed_at,
	a.expires_at, a.status, a.escalation_level, coalesce(a.decided_by, ''), a.decided_at, a.decision_note, a.ended_at`

func scanAdjustment(r pgx.CollectableRow) (sales.CreditAdjustment, error) {
	return scanAdjustmentRow(r)
}

func scanAdjustmentRow(r pgx.Row) (sales.CreditAdjustment, error) {
	var a sales.CreditAdjustment
	err := r.Scan(&a.ID, &a.CustomerID, &a.Amount, &a.Currency, &a.Reason, &a.ProposedBy, &a.ProposedAt,
		&a.ExpiresAt, &a.Status, &a.Level, &a.DecidedBy, &a.DecidedAt, &a.DecisionNote, &a.EndedAt)
	return a, err
}

// NextAdjustmentID returns a new adjustment id for year, e.g. CA-2026-000007.
func (s *Store) NextAdjustmentID(ctx context.Context, year int) (string, error) {
	if year < 1 || year > 9999 {
		return "", sales.Errorf(sales.ErrInvalid, "year %d is not a four-digit year", year)
	}
	var seq int64
	if err := s.pool.QueryRow(ctx, `SELECT nextval('credit_adjustment_seq')`).Scan(&seq); err != nil {
		return "", fmt.Errorf("store: next adjustment id: %w", err)
	}
	return sales.FormatAdjustmentID(year, seq), nil
}

// Adjustment returns the manual adjustment with id.
func (s *Store) Adjustment(ctx context.Context, id string) (sales.CreditAdjustment, error) {
	return readAdjustment(ctx, s.pool, id, "")
}

// rowQuerier is what a pool and a transaction have in common for one row.
type rowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func readAdjustment(ctx context.Context, q rowQuerier, id, lock string) (sales.CreditAdjustment, error) {
	a, err := scanAdjustmentRow(q.QueryRow(ctx, `SELECT `+adjustmentColumns+` FROM credit_adjustments a WHERE a.id = $1`+lock, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, sales.Errorf(sales.ErrNotFound, "no credit adjustment %q", id)
	}
	if err != nil {
		return a, fmt.Errorf("store: credit adjustment %s: %w", id, err)
	}
	return a, nil
}

// ListAdjustments returns the adjustments f selects, newest first.
func (s *Store) ListAdjustments(ctx context.Context, f sales.AdjustmentFilter) ([]sales.CreditAdjustment, error) {
	var where conditions
	if f.Status != "" {
		where.add("a.status = $?", string(f.Status))
	}
	if f.CustomerID != "" {
		where.add("a.customer_id = $?", f.CustomerID)
	}
	if !f.Scope.All {
		where.add("c.kam_id = ANY($?)", nonNil(f.Scope.KAMIDs))
	}
	limit := where.arg(pageSize(f.Limit))
	return collect(ctx, s.pool, "list credit adjustments", `
		SELECT `+adjustmentColumns+` FROM credit_adjustments a JOIN customers c ON c.id = a.customer_id`+where.sql()+`
		ORDER BY a.proposed_at DESC, a.id DESC LIMIT `+limit, scanAdjustment, where.args...)
}

// RecordAdjustment stores a proposed adjustment and tells the notes'
// recipients, in one transaction. Recording it again changes nothing and
// returns the stored one.
func (s *Store) RecordAdjustment(ctx context.Context, a sales.CreditAdjustment, notes []sales.Notification) (sales.CreditAdjustment, error) {
	op := "record credit adjustment " + a.ID
	var out sales.CreditAdjustment
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO credit_adjustments (id, customer_id, amount_fen, currency, reason, proposed_by, proposed_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (id) DO NOTHING`,
			a.ID, a.CustomerID, int64(a.Amount), currencyOrCNY(a.Currency), a.Reason, a.ProposedBy, a.ProposedAt, a.ExpiresAt); err != nil {
			return translate(op, err)
		}
		if err := writeNotifications(ctx, tx, notes); err != nil {
			return err
		}
		var err error
		out, err = readAdjustment(ctx, tx, a.ID, "")
		return err
	})
	return out, err
}

// EscalateAdjustment records that a waiting proposal reached level, with esc
// (when the rung is not the first) in the escalations, and tells the notes'
// recipients. A decided proposal is left as it is; an escalation written
// before (same key) is not written again.
func (s *Store) EscalateAdjustment(ctx context.Context, id string, level sales.Level, notes []sales.Notification, esc *sales.Escalation) error {
	op := "escalate credit adjustment " + id
	return s.inTx(ctx, op, func(tx pgx.Tx) error {
		a, err := readAdjustment(ctx, tx, id, " FOR UPDATE")
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE credit_adjustments SET escalation_level = greatest(escalation_level, $2)
			WHERE id = $1 AND status = 'proposed'`, id, int(level)); err != nil {
			return translate(op, err)
		}
		if esc != nil {
			e := *esc
			e.OrderNo, e.AdjustmentID, e.CustomerID = "", id, a.CustomerID
			if err := tx.QueryRow(ctx, `SELECT market FROM customers WHERE id = $1`, a.CustomerID).Scan(&e.Market); err != nil {
				return translate(op, err)
			}
			b := &pgx.Batch{}
			queueEscalations(b, []sales.Escalation{e})
			if err := tx.SendBatch(ctx, b).Close(); err != nil {
				return translate(op, err)
			}
		}
		return writeNotifications(ctx, tx, notes)
	})
}

// DecideAdjustment records the SLT's decision on a proposal and, when
// approved, recomputes the customer's limit at once with a history row. It
// returns the adjustment and the customer's limit after it. Deciding again the
// same way changes nothing; nobody decides their own proposal.
func (s *Store) DecideAdjustment(ctx context.Context, d sales.AdjustmentDecision, notes []sales.Notification) (sales.CreditAdjustment, sales.Fen, error) {
	op := "decide credit adjustment " + d.ID
	target := sales.AdjustmentRejected
	if d.Approve {
		target = sales.AdjustmentApproved
	}
	var out sales.CreditAdjustment
	var limit sales.Fen
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		a, err := readAdjustment(ctx, tx, d.ID, " FOR UPDATE")
		if err != nil {
			return err
		}
		switch {
		case a.Status == target && a.DecidedBy == d.By: // decided already: a retry
		case a.Status != sales.AdjustmentProposed:
			return sales.Errorf(sales.ErrConflict, "credit adjustment %s is %s already", d.ID, a.Status)
		case a.ProposedBy == d.By:
			return sales.Errorf(sales.ErrForbidden, "%s proposed credit adjustment %s: another SLT member decides it", d.By, d.ID)
		default:
			if _, err := tx.Exec(ctx, `
				UPDATE credit_adjustments SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5
				WHERE id = $1`, d.ID, string(target), d.By, d.At, d.Note); err != nil {
				return translate(op, err)
			}
		}
		if d.Approve {
			note := fmt.Sprintf("adjustment %s of %s approved by %s: %s", d.ID, a.Amount, d.By, a.Reason)
			if limit, err = recomputeLimit(ctx, tx, a, sales.CreditChangeAdjustment, d.By, d.At, note); err != nil {
				return err
			}
		} else if limit, err = currentLimit(ctx, tx, a.CustomerID); err != nil {
			return err
		}
		if err := writeNotifications(ctx, tx, notes); err != nil {
			return err
		}
		out, err = readAdjustment(ctx, tx, d.ID, "")
		return err
	})
	return out, limit, err
}

// EndAdjustment ends an adjustment at at: a proposal nobody decided lapses;
// an approved one stops counting and the customer's limit is recomputed with
// a history row. It returns the adjustment and the customer's limit after it.
// Ending it again changes nothing.
func (s *Store) EndAdjustment(ctx context.Context, id string, at time.Time, notes []sales.Notification) (sales.CreditAdjustment, sales.Fen, error) {
	op := "end credit adjustment " + id
	var out sales.CreditAdjustment
	var limit sales.Fen
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		a, err := readAdjustment(ctx, tx, id, " FOR UPDATE")
		if err != nil {
			return err
		}
		if a.Status == sales.AdjustmentRejected {
			return sales.Errorf(sales.ErrConflict, "credit adjustment %s was rejected: it never counted", id)
		}
		if a.Status != sales.AdjustmentExpired {
			if _, err := tx.Exec(ctx, `
				UPDATE credit_adjustments SET status = 'expired', ended_at = $2 WHERE id = $1`, id, at); err != nil {
				return translate(op, err)
			}
		}
		if a.Status == sales.AdjustmentApproved || (a.Status == sales.AdjustmentExpired && a.DecidedBy != "") {
			note := fmt.Sprintf("adjustment %s of %s expired on %s", id, a.Amount, a.ExpiresAt.In(sales.Beijing).Format(time.DateTime))
			limit, err = recomputeLimit(ctx, tx, a, sales.CreditChangeExpiry, sales.System.UserID, at, note)
		} else {
			limit, err = currentLimit(ctx, tx, a.CustomerID)
		}
		if err != nil {
			return err
		}
		if err := writeNotifications(ctx, tx, notes); err != nil {
			return err
		}
		out, err = readAdjustment(ctx, tx, id, "")
		return err
	})
	return out, limit, err
}

func currentLimit(ctx context.Context, tx pgx.Tx, customerID string) (sales.Fen, error) {
	var limit sales.Fen
	err := tx.QueryRow(ctx, `SELECT credit_limit_fen FROM customers WHERE id = $1`, customerID).Scan(&limit)
	if err != nil {
		return 0, fmt.Errorf("store: limit of %s: %w", customerID, err)
	}
	return limit, nil
}

// recomputeLimit sets the limit of a's customer to its base plus the
// adjustments counting at at, and records the change (kind, keyed by the
// adjustment) with the last formula's inputs. Recording the same change
// again changes nothing. It returns the limit.
func recomputeLimit(ctx context.Context, tx pgx.Tx, a sales.CreditAdjustment, kind, actor string, at time.Time, note string) (sales.Fen, error) {
	op := "recompute the limit of " + a.CustomerID
	var rating sales.Rating
	var limit, base sales.Fen
	err := tx.QueryRow(ctx, `
		SELECT rating, credit_limit_fen, coalesce(credit_base_fen, credit_limit_fen)
		FROM customers WHERE id = $1 FOR UPDATE`, a.CustomerID).Scan(&rating, &limit, &base)
	if err != nil {
		return 0, fmt.Errorf("store: %s: %w", op, err)
	}
	r, err := lastResult(ctx, tx, a.CustomerID, at, rating, base)
	if err != nil {
		return 0, fmt.Errorf("store: %s: %w", op, err)
	}
	active, err := activeAdjustments(ctx, tx, []string{a.CustomerID}, at)
	if err != nil {
		return 0, fmt.Errorf("store: %s: %w", op, err)
	}
	r = r.WithAdjustments(active[a.CustomerID])
	inputs, err := json.Marshal(r)
	if err != nil {
		return 0, fmt.Errorf("store: %s: %w", op, err)
	}
	tag, err := tx.Exec(ctx, `
		INSERT INTO credit_history (dedupe_key, customer_id, kind, adjustment_id, old_rating, new_rating,
			old_limit_fen, new_limit_fen, inputs, note, actor, at)
		VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		kind+"/"+a.ID, a.CustomerID, kind, a.ID, string(rating), int64(limit), int64(r.Limit), string(inputs),
		note, actor, at)
	if err != nil {
		return 0, translate(op, err)
	}
	if tag.RowsAffected() == 0 {
		return limit, nil // recorded before: the limit is already what it says
	}
	if _, err := tx.Exec(ctx, `
		UPDATE customers SET credit_limit_fen = $2, credit_base_fen = $3 WHERE id = $1`,
		a.CustomerID, int64(r.Limit), int64(base)); err != nil {
		return 0, translate(op, err)
	}
	return r.Limit, nil
}

// lastResult returns the formula result of the customer's latest limit
// change, with the stored base and rating; before any review, a result that
// says the base is the organisation data's limit.
func lastResult(ctx context.Context, tx pgx.Tx, customerID string, at time.Time, rating sales.Rating, base sales.Fen) (sales.CreditResult, error) {
	var inputs []byte
	err := tx.QueryRow(ctx, `
		SELECT inputs FROM credit_history
		WHERE customer_id = $1 AND kind IN ('review', 'adjustment', 'adjustment_expired')
		ORDER BY at DESC, id DESC LIMIT 1`, customerID).Scan(&inputs)
	var r sales.CreditResult
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		r = sales.CreditResult{
			Inputs:  sales.CreditInputs{CustomerID: customerID, AsOf: at},
			Reasons: []string{"not reviewed yet: the base is the limit of the organisation data"},
		}
	case err != nil:
		return r, err
	default:
		if err := json.Unmarshal(inputs, &r); err != nil {
			return r, fmt.Errorf("decode the last credit result: %w", err)
		}
	}
	r.Rating, r.Base = rating, base
	return r, nil
}

// FreezeCustomer freezes a customer for new orders by an SLT decision; a
// customer frozen by dunning becomes frozen by the SLT, so that paying no
// longer lifts it.
func (s *Store) FreezeCustomer(ctx context.Context, customerID, by, reason string, at time.Time) error {
	op := "freeze customer " + customerID
	return s.inTx(ctx, op, func(tx pgx.Tx) error {
		c, err := lockCustomer(ctx, tx, customerID)
		if err != nil {
			return err
		}
		if c.frozen && c.frozenBy == sales.FrozenBySLT {
			return sales.Errorf(sales.ErrConflict, "customer %s is frozen by the SLT already: %s", customerID, c.reason)
		}
		if _, err := tx.Exec(ctx, `
			UPDATE customers SET frozen = true, frozen_reason = $2, frozen_at = $3, frozen_by = 'slt', frozen_level = 0
			WHERE id = $1`, customerID, reason, at); err != nil {
			return translate(op, err)
		}
		return recordFreezeChange(ctx, tx, c, sales.CreditChangeFreeze, by, at, reason)
	})
}

// UnfreezeCustomer lifts a customer's freeze by an SLT decision, whoever froze it.
func (s *Store) UnfreezeCustomer(ctx context.Context, customerID, by, reason string, at time.Time) error {
	op := "unfreeze customer " + customerID
	return s.inTx(ctx, op, func(tx pgx.Tx) error {
		c, err := lockCustomer(ctx, tx, customerID)
		if err != nil {
			return err
		}
		if !c.frozen {
			return sales.Errorf(sales.ErrConflict, "customer %s is not frozen", customerID)
		}
		if err := unfreeze(ctx, tx, customerID); err != nil {
			return translate(op, err)
		}
		return recordFreezeChange(ctx, tx, c, sales.CreditChangeUnfreeze, by, at,
			fmt.Sprintf("%s (frozen since %s: %s)", reason, c.frozenAt.In(sales.Beijing).Format(time.DateOnly), c.reason))
	})
}

// markDunningFreeze records that the dunning ladder froze a customer just now,
// and at which rung, so that paying those invoices lifts it.
func markDunningFreeze(ctx context.Context, tx pgx.Tx, f *sales.Freeze) error {
	op := "freeze customer " + f.CustomerID
	if _, err := tx.Exec(ctx, `
		UPDATE customers SET frozen_by = 'dunning', frozen_level = greatest(1, coalesce((
			SELECT max(dunning_level) FROM invoices
			WHERE customer_id = $1 AND paid_at IS NULL AND amount_fen - paid_fen - credited_fen > 0), 0))
		WHERE id = $1`, f.CustomerID); err != nil {
		return translate(op, err)
	}
	c, err := lockCustomer(ctx, tx, f.CustomerID)
	if err != nil {
		return err
	}
	return recordFreezeChange(ctx, tx, c, sales.CreditChangeFreeze, sales.System.UserID, f.At, f.Reason)
}

// liftPaidFreeze lifts the dunning freeze of the order's customer once no open
// invoice is at the rung that froze it any more: paying the overdue invoices
// lifts it, and so does disputing them (a disputed invoice does not count
// towards the freeze while the dispute is open). A freeze by the SLT or the
// organisation data stays.
func liftPaidFreeze(ctx context.Context, tx pgx.Tx, o *sales.OrderSnapshot) error {
	if o == nil || len(o.Invoices) == 0 {
		return nil // no invoice changed: nothing overdue was settled
	}
	op := "lift the freeze of " + o.CustomerID
	var level int
	err := tx.QueryRow(ctx, `
		SELECT frozen_level FROM customers WHERE id = $1 AND frozen AND frozen_by = 'dunning'`, o.CustomerID).Scan(&level)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return translate(op, err)
	}
	var overdue bool
	if err := tx.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM invoices
			WHERE customer_id = $1 AND paid_at IS NULL AND amount_fen - paid_fen - credited_fen > 0
				AND dunning_level >= $2 AND NOT dunning_paused)`, o.CustomerID, level).Scan(&overdue); err != nil || overdue {
		return translateOrNil(op, err)
	}
	c, err := lockCustomer(ctx, tx, o.CustomerID)
	if err != nil {
		return err
	}
	if err := unfreeze(ctx, tx, o.CustomerID); err != nil {
		return translate(op, err)
	}
	return recordFreezeChange(ctx, tx, c, sales.CreditChangeUnfreeze, sales.System.UserID, o.UpdatedAt,
		"the overdue invoices are paid (frozen since "+c.frozenAt.In(sales.Beijing).Format(time.DateOnly)+": "+c.reason+")")
}

func unfreeze(ctx context.Context, tx pgx.Tx, customerID string) error {
	_, err := tx.Exec(ctx, `
		UPDATE customers SET frozen = false, frozen_reason = '', frozen_at = NULL, frozen_by = '', frozen_level = 0
		WHERE id = $1`, customerID)
	return err
}

// lockedCustomer is a customer's credit standing, read under its row lock.
type lockedCustomer struct {
	id       string
	rating   string
	limit    int64
	frozen   bool
	frozenBy string
	reason   string
	frozenAt time.Time
}

func lockCustomer(ctx context.Context, tx pgx.Tx, id string) (lockedCustomer, error) {
	c := lockedCustomer{id: id}
	var at *time.Time
	err := tx.QueryRow(ctx, `
		SELECT rating, credit_limit_fen, frozen, frozen_by, frozen_reason, frozen_at
		FROM customers WHERE id = $1 FOR UPDATE`, id).Scan(&c.rating, &c.limit, &c.frozen, &c.frozenBy, &c.reason, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, sales.Errorf(sales.ErrNotFound, "no customer %q", id)
	}
	if err != nil {
		return c, fmt.Errorf("store: read customer %s: %w", id, err)
	}
	if at != nil {
		c.frozenAt = *at
	}
	return c, nil
}

// recordFreezeChange writes a freeze or unfreeze to the customer's credit
// history; the same change (customer, kind, time) is written once.
func recordFreezeChange(ctx context.Context, tx pgx.Tx, c lockedCustomer, kind, actor string, at time.Time, note string) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO credit_history (dedupe_key, customer_id, kind, old_rating, new_rating, old_limit_fen,
			new_limit_fen, note, actor, at)
		VALUES ($1, $2, $3, $4, $4, $5, $5, $6, $7, $8)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		fmt.Sprintf("%s/%s/%d", kind, c.id, at.UnixNano()), c.id, kind, c.rating, c.limit, note, actor, at)
	return translateOrNil("record "+kind+" of "+c.id, err)
}
