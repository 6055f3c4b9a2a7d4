package postgres

import (
	"cmp"
	"context"
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
func (s *Store) ListNotifications(ctx context.Context, f sales.NotificationFilter) ([]sales.NotificationRecord, error) {
	var where conditions
	if f.OrderNo != "" {
		where.add("order_no = $?", f.OrderNo)
	}
	if f.RecipientID != "" {
		where.add("recipient_id = $?", f.RecipientID)
	}
	if f.Pending {
		where.clauses = append(where.clauses, "delivered_at IS NULL")
	}
	limit := where.arg(pageSize(f.Limit))
	return collect(ctx, s.pool, "list notifications",
		`SELECT `+notificationColumns+` FROM notifications`+where.sql()+`
		ORDER BY created_at DESC, id DESC LIMIT `+limit, scanNotification, where.args...)
}

// ClaimNotifications takes up to limit undelivered notifications that are due
// at now, counts an attempt on each and hides them from other claimers until
// now+lease, so several dispatchers never send the same one at the same time.
// A claimed notification that is neither marked delivered nor failed before
// the lease ends is claimed again.
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
				WHERE delivered_at IS NULL AND next_attempt_at <= $1
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
// again. A notification already delivered stays delivered.
func (s *Store) MarkFailed(ctx context.Context, id int64, errText string, next time.Time) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE notifications
		SET last_error = CASE WHEN delivered_at IS NULL THEN $2 ELSE last_error END,
			next_attempt_at = CASE WHEN delivered_at IS NULL THEN $3 ELSE next_attempt_at END
		WHERE id = $1`, id, errText, next)
	if err != nil {
		return fmt.Errorf("store: mark notification %d failed: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return sales.Errorf(sales.ErrNotFound, "no notification %d", id)
	}
	return nil
}
