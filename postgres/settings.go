package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// EnvProduction is the environment of a database marked as production
// (osb_settings, key environment).
const EnvProduction = "production"

// Environment returns what the database is marked as: EnvProduction, or ""
// when it was never marked.
func (s *Store) Environment(ctx context.Context) (string, error) {
	return environment(ctx, s.pool)
}

func environment(ctx context.Context, q rowQuerier) (string, error) {
	var env string
	err := q.QueryRow(ctx, `SELECT value FROM osb_settings WHERE key = 'environment'`).Scan(&env)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: read the environment: %w", err)
	}
	return env, nil
}

// MarkProduction marks the database as production, by whom; marking it
// again keeps the first mark.
func (s *Store) MarkProduction(ctx context.Context, by string) error {
	if _, err := s.pool.Exec(ctx, `
		INSERT INTO osb_settings (key, value, set_by) VALUES ('environment', $1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, set_by = excluded.set_by, set_at = now()
		WHERE osb_settings.value <> excluded.value`, EnvProduction, by); err != nil {
		return translate("mark the database as production", err)
	}
	return nil
}
