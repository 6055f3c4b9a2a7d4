package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// tokenPrefix marks OSB's bearer tokens so a leaked one is easy to recognise.
const tokenPrefix = "osb_"

// CreateToken issues a new bearer token for userID and returns it; only its
// SHA-256 is stored, so it cannot be shown again.
func (s *Store) CreateToken(ctx context.Context, userID, label string) (string, error) {
	b := make([]byte, 32)
	rand.Read(b) // never fails; see crypto/rand.Read
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	if _, err := s.pool.Exec(ctx, `
		INSERT INTO api_tokens (token_hash, user_id, label) VALUES ($1, $2, $3)`,
		tokenHash(token), userID, label); err != nil {
		return "", translate("create token for "+userID, err)
	}
	return token, nil
}

// SaveToken stores a token chosen by the caller (the demo's fixed tokens).
// Saving it again for the same user changes nothing; a token that belongs to
// another user is a conflict.
func (s *Store) SaveToken(ctx context.Context, userID, label, token string) error {
	if token == "" {
		return sales.Errorf(sales.ErrInvalid, "a token must not be empty")
	}
	op := "save token for " + userID
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO api_tokens (token_hash, user_id, label) VALUES ($1, $2, $3)
		ON CONFLICT (token_hash) DO UPDATE SET label = excluded.label
		WHERE api_tokens.user_id = excluded.user_id`,
		tokenHash(token), userID, label)
	if err != nil {
		return translate(op, err)
	}
	if tag.RowsAffected() == 0 {
		return sales.Errorf(sales.ErrConflict, "%s: the token belongs to another user", op)
	}
	return nil
}

// Authenticate returns the user a bearer token belongs to.
func (s *Store) Authenticate(ctx context.Context, token string) (sales.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `
		SELECT `+userColumns+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, tokenHash(token)))
	if errors.Is(err, pgx.ErrNoRows) {
		return sales.User{}, sales.Errorf(sales.ErrUnauthorized, "invalid or revoked token")
	}
	if err != nil {
		return sales.User{}, fmt.Errorf("store: authenticate: %w", err)
	}
	return u, nil
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
