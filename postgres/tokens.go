package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// tokenPrefix marks OSB's bearer tokens so a leaked one is easy to recognise.
const tokenPrefix = "osb_"

// CreateToken issues a new bearer token for userID that works until expires
// and returns it with its listing; only its SHA-256 is stored, so it cannot
// be shown again.
func (s *Store) CreateToken(ctx context.Context, userID, label string, expires time.Time) (sales.Token, string, error) {
	b := make([]byte, 32)
	rand.Read(b) // never fails; see crypto/rand.Read
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	t, err := scanToken(s.pool.QueryRow(ctx, `
		INSERT INTO api_tokens (token_hash, user_id, label, expires_at) VALUES ($1, $2, $3, $4)
		RETURNING `+tokenColumns, tokenHash(secret), userID, label, expires))
	if err != nil {
		return sales.Token{}, "", translate("create token for "+userID, err)
	}
	return t, secret, nil
}

// SaveToken stores a token chosen by the caller (the demo's fixed tokens),
// working until expires. Saving it again for the same user moves its expiry
// (a revoked token stays revoked); a token that belongs to another user is a
// conflict.
func (s *Store) SaveToken(ctx context.Context, userID, label, token string, expires time.Time) error {
	if token == "" {
		return sales.Errorf(sales.ErrInvalid, "a token must not be empty")
	}
	op := "save token for " + userID
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO api_tokens (token_hash, user_id, label, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (token_hash) DO UPDATE SET label = excluded.label, expires_at = excluded.expires_at
		WHERE api_tokens.user_id = excluded.user_id`,
		tokenHash(token), userID, label, expires)
	if err != nil {
		return translate(op, err)
	}
	if tag.RowsAffected() == 0 {
		return sales.Errorf(sales.ErrConflict, "%s: the token belongs to another user", op)
	}
	return nil
}

// Authenticate returns the user a bearer token belongs to, while the token
// is neither revoked nor expired. It notes the token's use at most once a
// minute, so authenticating stays a read.
func (s *Store) Authenticate(ctx context.Context, token string) (sales.User, error) {
	hash := tokenHash(token)
	var u sales.User
	var stale bool
	err := s.pool.QueryRow(ctx, `
		SELECT `+userColumns+`, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute'
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now()`, hash).
		Scan(&u.ID, &u.Name, &u.Role, &u.Title, &u.Market, &u.ManagerID, &u.Email, &stale)
	if errors.Is(err, pgx.ErrNoRows) {
		return sales.User{}, sales.Errorf(sales.ErrUnauthorized, "invalid, expired or revoked token")
	}
	if err != nil {
		return sales.User{}, fmt.Errorf("store: authenticate: %w", err)
	}
	if stale {
		// The last use is for people reading the token list: a write that
		// fails must not refuse a valid token.
		_, _ = s.pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = now() WHERE token_hash = $1`, hash)
	}
	return u, nil
}

// Tokens lists the tokens of userID ("" for everyone's), revoked and
// expired ones included, by user and newest first.
func (s *Store) Tokens(ctx context.Context, userID string) ([]sales.Token, error) {
	var where conditions
	if userID != "" {
		where.add("user_id = $?", userID)
	}
	return collect(ctx, s.pool, "list tokens", `
		SELECT `+tokenColumns+` FROM api_tokens`+where.sql()+`
		ORDER BY user_id, created_at DESC, id DESC`,
		func(r pgx.CollectableRow) (sales.Token, error) { return scanToken(r) }, where.args...)
}

// RevokeToken revokes the token id at at and returns it; a token revoked
// before keeps its first revocation.
func (s *Store) RevokeToken(ctx context.Context, id int64, at time.Time) (sales.Token, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, `
		UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1
		RETURNING `+tokenColumns, id, at))
	if errors.Is(err, pgx.ErrNoRows) {
		return sales.Token{}, sales.Errorf(sales.ErrNotFound, "no token %d", id)
	}
	if err != nil {
		return sales.Token{}, translate(fmt.Sprintf("revoke token %d", id), err)
	}
	return t, nil
}

const tokenColumns = `id, user_id, label, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row pgx.Row) (sales.Token, error) {
	var t sales.Token
	err := row.Scan(&t.ID, &t.UserID, &t.Label, &t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt)
	return t, err
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// DemoTokens returns the tokens that work now and belong to the demo: a demo
// user's (users.demo), or one whose secret is among public (the demo's
// published tokens, whoever they were saved for).
func (s *Store) DemoTokens(ctx context.Context, public []string) ([]sales.Token, error) {
	hashes := make([][]byte, len(public))
	for i, t := range public {
		hashes[i] = tokenHash(t)
	}
	return collect(ctx, s.pool, "list demo tokens", `
		SELECT t.id, t.user_id, t.label, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.revoked_at IS NULL AND t.expires_at > now() AND (u.demo OR t.token_hash = ANY($1))
		ORDER BY t.id`,
		func(r pgx.CollectableRow) (sales.Token, error) { return scanToken(r) }, hashes)
}
