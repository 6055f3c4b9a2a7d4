package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// The audit trail of master data: every change is written in the
// transaction that makes it, so a change is never without its record and a
// record never without its change.

const insertAudit = `INSERT INTO audit_log (entity, key, action, actor, at, before, after)
	VALUES ($1, $2, $3, $4, $5, $6, $7)`

func auditArgs(e sales.AuditEntry) []any {
	return []any{e.Entity, e.Key, e.Action, e.Actor, e.At, nullJSON(e.Before), nullJSON(e.After)}
}

// writeAudit records e in tx.
func writeAudit(ctx context.Context, tx pgx.Tx, e sales.AuditEntry) error {
	if _, err := tx.Exec(ctx, insertAudit, auditArgs(e)...); err != nil {
		return fmt.Errorf("store: audit %s %s: %w", e.Entity, e.Key, err)
	}
	return nil
}

// audit records a change of entity key from before to after in tx.
func audit(ctx context.Context, tx pgx.Tx, entity, key, action string, by sales.Actor, at time.Time, before, after any) error {
	e, err := sales.NewAuditEntry(entity, key, action, by.UserID, at, before, after)
	if err != nil {
		return fmt.Errorf("store: audit %s %s: %w", entity, key, err)
	}
	return writeAudit(ctx, tx, e)
}

// queueAudit queues the record of a change in b (bulk imports).
func queueAudit(b *pgx.Batch, entity, key, action string, by sales.Actor, at time.Time, before, after any) error {
	e, err := sales.NewAuditEntry(entity, key, action, by.UserID, at, before, after)
	if err != nil {
		return fmt.Errorf("store: audit %s %s: %w", entity, key, err)
	}
	b.Queue(insertAudit, auditArgs(e)...)
	return nil
}

// AuditTrail lists the changes of one record, newest first.
func (s *Store) AuditTrail(ctx context.Context, entity, key string, limit int) ([]sales.AuditEntry, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id, entity, key, action, actor, at, coalesce(before::text, ''), coalesce(after::text, '')
		FROM audit_log WHERE entity = $1 AND key = $2
		ORDER BY id DESC LIMIT $3`, entity, key, pageSize(limit))
	if err != nil {
		return nil, fmt.Errorf("store: audit trail of %s %s: %w", entity, key, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sales.AuditEntry, error) {
		var e sales.AuditEntry
		var before, after string
		err := r.Scan(&e.ID, &e.Entity, &e.Key, &e.Action, &e.Actor, &e.At, &before, &after)
		if before != "" {
			e.Before = []byte(before)
		}
		if after != "" {
			e.After = []byte(after)
		}
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: audit trail of %s %s: %w", entity, key, err)
	}
	return out, nil
}
