package postgres

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// SetPassword sets the console password of userID to hash (a bcrypt hash
// made by the caller) and signs the user out of every console session, so
// the old password opens nothing any more.
func (s *Store) SetPassword(ctx context.Context, userID, hash, by string) error {
	op := "set the password of " + userID
	return s.inTx(ctx, op, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)`, userID).Scan(&exists); err != nil {
			return translate(op, err)
		}
		if !exists {
			return sales.Errorf(sales.ErrNotFound, "no user %q", userID)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO user_passwords (user_id, password_hash, set_at, set_by) VALUES ($1, $2, now(), $3)
			ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash,
				set_at = excluded.set_at, set_by = excluded.set_by`, userID, hash, by); err != nil {
			return translate(op, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM console_sessions WHERE user_id = $1`, userID); err != nil {
			return translate(op, err)
		}
		return nil
	})
}

// SeedDemoPasswords gives each of userIDs (the demo's users, once the demo
// loaded them) that has no password yet the password of hash, the demo's; a
// password someone set is kept. It returns how many it set.
func (s *Store) SeedDemoPasswords(ctx context.Context, userIDs []string, hash string) (int, error) {
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO user_passwords (user_id, password_hash, set_by)
		SELECT id, $2, 'demo' FROM users WHERE id = ANY($1)
		ON CONFLICT (user_id) DO NOTHING`, userIDs, hash)
	if err != nil {
		return 0, translate("seed passwords", err)
	}
	return int(tag.RowsAffected()), nil
}

// DemoUsersWithoutPassword returns those of userIDs that exist and have no
// console password.
func (s *Store) DemoUsersWithoutPassword(ctx context.Context, userIDs []string) ([]string, error) {
	return collect(ctx, s.pool, "demo users without password", `
		SELECT u.id FROM users u
		WHERE u.id = ANY($1) AND NOT EXISTS (SELECT 1 FROM user_passwords p WHERE p.user_id = u.id)
		ORDER BY u.id`, pgx.RowTo[string], userIDs)
}

// DemoPasswordUsers returns the users whose console password is still the
// demo's (SeedDemoPasswords set it and nobody changed it since), by id.
func (s *Store) DemoPasswordUsers(ctx context.Context) ([]string, error) {
	return collect(ctx, s.pool, "users with the demo password", `
		SELECT user_id FROM user_passwords WHERE set_by = 'demo' ORDER BY user_id`, pgx.RowTo[string])
}

// PasswordHash returns the user with id and the hash of their console
// password; a user without one (or no such user) is unauthorized, the same
// answer for both.
func (s *Store) PasswordHash(ctx context.Context, userID string) (sales.User, string, error) {
	var u sales.User
	var hash string
	err := s.pool.QueryRow(ctx, `
		SELECT `+userColumns+`, p.password_hash
		FROM users u JOIN user_passwords p ON p.user_id = u.id
		WHERE u.id = $1`, userID).
		Scan(&u.ID, &u.Name, &u.Role, &u.Title, &u.Market, &u.ManagerID, &u.Email, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return sales.User{}, "", sales.Errorf(sales.ErrUnauthorized, "no user %q with a console password", userID)
	}
	if err != nil {
		return sales.User{}, "", fmt.Errorf("store: password of %s: %w", userID, err)
	}
	return u, hash, nil
}

// CreateSession signs userID in to the console from now until now+ttl and
// returns the session with its secret ID (32 random bytes; only their
// SHA-256 is stored) and its CSRF token. Expired sessions are removed.
func (s *Store) CreateSession(ctx context.Context, userID string, now time.Time, ttl time.Duration) (sales.Session, error) {
	op := "create a console session for " + userID
	sess := sales.Session{ID: randomText(), CSRF: randomText(), CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM console_sessions WHERE expires_at <= $1`, now); err != nil {
			return translate(op, err)
		}
		var err error
		sess.User, err = scanUser(tx.QueryRow(ctx, `
			WITH s AS (
				INSERT INTO console_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
				VALUES ($1, $2, $3, $4, $4, $5) RETURNING user_id
			)
			SELECT `+userColumns+` FROM s JOIN users u ON u.id = s.user_id`,
			tokenHash(sess.ID), userID, sess.CSRF, now, sess.ExpiresAt))
		return translateOrNil(op, err)
	})
	if err != nil {
		return sales.Session{}, err
	}
	return sess, nil
}

// Session returns the console session whose secret is id at now, while it is
// neither expired nor idle longer than idle; it notes the session's use at
// most once a minute. Anything else is unauthorized.
func (s *Store) Session(ctx context.Context, id string, now time.Time, idle time.Duration) (sales.Session, error) {
	hash := tokenHash(id)
	var sess sales.Session
	var lastSeen time.Time
	u := &sess.User
	err := s.pool.QueryRow(ctx, `
		SELECT `+userColumns+`, s.csrf_token, s.created_at, s.expires_at, s.last_seen_at
		FROM console_sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3`, hash, now, now.Add(-idle)).
		Scan(&u.ID, &u.Name, &u.Role, &u.Title, &u.Market, &u.ManagerID, &u.Email, &sess.CSRF,
			&sess.CreatedAt, &sess.ExpiresAt, &lastSeen)
	if errors.Is(err, pgx.ErrNoRows) {
		return sales.Session{}, sales.Errorf(sales.ErrUnauthorized, "no console session, or it ended")
	}
	if err != nil {
		return sales.Session{}, fmt.Errorf("store: console session: %w", err)
	}
	if now.Sub(lastSeen) > time.Minute {
		if _, err := s.pool.Exec(ctx, `UPDATE console_sessions SET last_seen_at = $2 WHERE id_hash = $1`, hash, now); err != nil {
			return sales.Session{}, translate("note a console session's use", err)
		}
	}
	return sess, nil
}

// DeleteSession ends the console session whose secret is id (signing out);
// ending one that is gone already is not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM console_sessions WHERE id_hash = $1`, tokenHash(id)); err != nil {
		return translate("end a console session", err)
	}
	return nil
}

// randomText is 32 random bytes, base64url-encoded.
func randomText() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails; see crypto/rand.Read
	return base64.RawURLEncoding.EncodeToString(b)
}

// OverdueInvoices returns the open invoices of customers in scope that were
// due before asOf, the longest overdue first, at most limit (pageSize).
// Invoices of cancelled or rejected orders do not count.
func (s *Store) OverdueInvoices(ctx context.Context, scope sales.Scope, asOf time.Time, limit int) ([]sales.OverdueInvoice, error) {
	where := conditions{clauses: []string{"i.paid_at IS NULL", "i.amount_fen > i.paid_fen + i.credited_fen", live("i")}}
	where.add("i.due_at < $?", asOf)
	scopeClause(&where, scope)
	n := where.arg(pageSize(limit))
	return collect(ctx, s.pool, "overdue invoices", `
		SELECT i.invoice_no, i.shipment_no, i.currency, i.amount_fen, i.paid_fen, i.credited_fen, i.issued_at,
			i.due_at, i.acknowledged, i.disputed, i.dispute, i.reminded, i.dunning_level, i.paid_at,
			i.order_no, c.id, c.name, c.kam_id
		FROM invoices i JOIN customers c ON c.id = i.customer_id`+where.sql()+`
		ORDER BY i.due_at, i.invoice_no LIMIT `+n,
		func(r pgx.CollectableRow) (sales.OverdueInvoice, error) {
			var x sales.OverdueInvoice
			inv := &x.Invoice
			err := r.Scan(&inv.No, &inv.ShipmentNo, &inv.Currency, &inv.Amount, &inv.Paid, &inv.Credited,
				&inv.IssuedAt, &inv.DueAt, &inv.Acknowledged, &inv.Disputed, &inv.Dispute, &inv.Reminded,
				&inv.Level, &inv.PaidAt, &x.OrderNo, &x.CustomerID, &x.CustomerName, &x.KAMID)
			return x, err
		}, where.args...)
}
