package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// writeNotifications puts notifications in the outbox, due at once; one
// already there under its key is left as it is.
func writeNotifications(ctx context.Context, tx pgx.Tx, notifications []sales.Notification) error {
	if len(notifications) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	queueNotifications(b, notifications)
	return tx.SendBatch(ctx, b).Close()
}

// queueNotifications queues the notifications' inserts into b.
func queueNotifications(b *pgx.Batch, notifications []sales.Notification) {
	for _, n := range notifications {
		queue(b, "write notification "+n.Key, nil, `
			INSERT INTO notifications (dedupe_key, order_no, recipient_id, kind, subject, body,
				created_at, next_attempt_at)
			VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, $7, $7)
			ON CONFLICT (dedupe_key) DO NOTHING`,
			n.Key, n.OrderNo, n.RecipientID, n.Kind, n.Subject, n.Body, n.At)
	}
}

const notificationColumns = `id, dedupe_key, coalesce(order_no, ''), recipient_id, kind, subject, body,
	created_at, attempts, next_attempt_at, delivered_at, last_error`

func scanNotification(r pgx.CollectableRow) (sales.NotificationRecord, error) {
	var n sales.NotificationRecord
	err := r.Scan(&n.ID, &n.Key, &n.OrderNo, &n.RecipientID, &n.Kind, &n.Subject, &n.Body, &n.At,
		&n.Attempts, &n.NextAttempt, &n.DeliveredAt, &n.LastError)
	return n, err
}

// ListNotifications returns the notifications f selects, newest first.
// Pending ones are those still to be tried: neither delivered nor dead.
func (s *Store) ListNotifications(ctx context.Context, f sales.NotificationFilter) ([]sales.NotificationRecord, error) {
	var where conditions
	if f.OrderNo != "" {
		where.add("order_no = $?", f.OrderNo)
	}
	if f.RecipientID != "" {
		where.add("recipient_id = $?", f.RecipientID)
	}
	if f.Pending {
		where.clauses = append(where.clauses, "delivered_at IS NULL AND dead_at IS NULL")
	}
	limit := where.arg(pageSize(f.Limit))
	return collect(ctx, s.pool, "list notifications",
		`SELECT `+notificationColumns+` FROM notifications`+where.sql()+`
		ORDER BY created_at DESC, id DESC LIMIT `+limit, scanNotification, where.args...)
}

// ClaimNotifications takes up to limit undelivered notifications that are due
// at now, counts an attempt on each and hides them from other claimers until
// now+lease, so several dispatchers never send the same one at the same time.
// A claimed notification that is neither marked delivered, failed nor dead
// before the lease ends is claimed again: the lease must cover the time it
// takes to try the whole batch. Dead letters are never claimed.
func (s *Store) ClaimNotifications(ctx context.Context, limit int, now time.Time, lease time.Duration) ([]sales.NotificationRecord, error) {
	if limit <= 0 {
		return nil, nil
	}
	if lease <= 0 {
		return nil, sales.Errorf(sales.ErrInvalid, "claim notifications: the lease must be positive, not %s", lease)
	}
	const op = "claim notifications"
	var claimed []sales.NotificationRecord
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		var err error
		claimed, err = collect(ctx, tx, op, `
			WITH due AS (
				SELECT id AS due_id FROM notifications
				WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= $1
				ORDER BY next_attempt_at, id
				LIMIT $2
				FOR UPDATE SKIP LOCKED
			)
			UPDATE notifications n SET attempts = n.attempts + 1, next_attempt_at = $3
			FROM due WHERE n.id = due.due_id
			RETURNING `+notificationColumns,
			scanNotification, now, limit, now.Add(lease))
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(claimed, func(a, b sales.NotificationRecord) int { return cmp.Compare(a.ID, b.ID) })
	return claimed, nil
}

// MarkDelivered records that notification id was delivered at at. Marking it
// again keeps the first time.
func (s *Store) MarkDelivered(ctx context.Context, id int64, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE notifications SET delivered_at = coalesce(delivered_at, $2), last_error = ''
		WHERE id = $1`, id, at)
	if err != nil {
		return fmt.Errorf("store: mark notification %d delivered: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return sales.Errorf(sales.ErrNotFound, "no notification %d", id)
	}
	return nil
}

// MarkFailed records why delivering notification id failed and when to try
// again. A notification already delivered stays delivered, a dead letter
// stays dead.
func (s *Store) MarkFailed(ctx context.Context, id int64, errText string, next time.Time) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE notifications
		SET last_error = CASE WHEN delivered_at IS NULL AND dead_at IS NULL THEN $2 ELSE last_error END,
			next_attempt_at = CASE WHEN delivered_at IS NULL AND dead_at IS NULL THEN $3 ELSE next_attempt_at END
		WHERE id = $1`, id, errText, next)
	if err != nil {
		return fmt.Errorf("store: mark notification %d failed: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return sales.Errorf(sales.ErrNotFound, "no notification %d", id)
	}
	return nil
}

// MarkDead makes notification id a dead letter at at: the dispatcher gave up
// on it, errText says why ("" keeps the last error). It is no longer claimed
// until RetryNotification sends it back. A delivered notification stays
// delivered; marking a dead letter again keeps the first time.
func (s *Store) MarkDead(ctx context.Context, id int64, errText string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE notifications
		SET dead_at = coalesce(dead_at, $3),
			last_error = CASE WHEN $2 = '' OR dead_at IS NOT NULL THEN last_error ELSE $2 END
		WHERE id = $1 AND delivered_at IS NULL`, id, errText, at)
	if err != nil {
		return fmt.Errorf("store: mark notification %d dead: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return s.notificationExists(ctx, id)
	}
	return nil
}

// notificationExists returns nil when notification id exists, else not found.
func (s *Store) notificationExists(ctx context.Context, id int64) error {
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM notifications WHERE id = $1)`, id).Scan(&exists); err != nil {
		return fmt.Errorf("store: find notification %d: %w", id, err)
	}
	if !exists {
		return sales.Errorf(sales.ErrNotFound, "no notification %d", id)
	}
	return nil
}

// DeadNotifications returns up to limit dead letters, the latest given up
// first. A dead letter's NextAttempt is when it was given up.
func (s *Store) DeadNotifications(ctx context.Context, limit int) ([]sales.NotificationRecord, error) {
	return collect(ctx, s.pool, "list dead notifications",
		`SELECT `+deadColumns+` FROM notifications WHERE dead_at IS NOT NULL
		ORDER BY dead_at DESC, id DESC LIMIT $1`, scanNotification, pageSize(limit))
}

// deadColumns are notificationColumns with the time a dead letter was given
// up as its next attempt: it has none until it is retried.
const deadColumns = `id, dedupe_key, coalesce(order_no, ''), recipient_id, kind, subject, body,
	created_at, attempts, dead_at, delivered_at, last_error`

// RetryNotification sends the dead letter with key back to the outbox, due at
// at with its attempts counted from zero again, and returns it. A
// notification that is not a dead letter (pending, or retried already, or
// delivered) is returned as it is: retrying twice is retrying once.
func (s *Store) RetryNotification(ctx context.Context, key string, at time.Time) (sales.NotificationRecord, error) {
	op := "retry notification " + key
	var n sales.NotificationRecord
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			UPDATE notifications SET dead_at = NULL, attempts = 0, next_attempt_at = $2
			WHERE dedupe_key = $1 AND dead_at IS NOT NULL
			RETURNING `+notificationColumns, key, at)
		if err != nil {
			return translate(op, err)
		}
		retried, err := pgx.CollectRows(rows, scanNotification)
		if err != nil {
			return translate(op, err)
		}
		if len(retried) == 1 {
			n = retried[0]
			return nil
		}
		rows, err = tx.Query(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE dedupe_key = $1`, key)
		if err != nil {
			return translate(op, err)
		}
		if n, err = pgx.CollectExactlyOneRow(rows, scanNotification); errors.Is(err, pgx.ErrNoRows) {
			return sales.Errorf(sales.ErrNotFound, "no notification %q", key)
		} else if err != nil {
			return translate(op, err)
		}
		return nil
	})
	return n, err
}
