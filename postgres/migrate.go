// Package postgres is OSB's PostgreSQL store.
package postgres

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"osb/schema"
)

// Waiting for another migrator: poll the advisory lock every second, for up to five minutes.
const (
	lockPollSeconds = 1
	lockPolls       = 300
)

// Migrate applies every pending migration from schema.FS, recorded in goose's version table.
// Concurrent callers take turns through a PostgreSQL advisory lock.
func Migrate(ctx context.Context, databaseURL string, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.Default()
	}
	p, err := newMigrator(databaseURL)
	if err != nil {
		return err
	}
	defer p.Close()
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("postgres: apply database migrations: %w", err)
	}
	for _, r := range results {
		logger.Info("applied database migration", "file", r.Source.Path, "duration", r.Duration)
	}
	if len(results) == 0 {
		logger.Debug("database schema is up to date")
	}
	return nil
}

// MigrationStatus returns the highest applied migration version and how many migrations are pending.
func MigrationStatus(ctx context.Context, databaseURL string) (current int64, pending int, err error) {
	p, err := newMigrator(databaseURL)
	if err != nil {
		return 0, 0, err
	}
	defer p.Close()
	statuses, err := p.Status(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("postgres: read migration status: %w", err)
	}
	for _, s := range statuses {
		switch s.State {
		case goose.StatePending:
			pending++
		case goose.StateApplied:
			current = max(current, s.Source.Version)
		}
	}
	return current, pending, nil
}

// newMigrator opens databaseURL for goose; closing the provider closes the database.
func newMigrator(databaseURL string) (*goose.Provider, error) {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("postgres: database URL is invalid: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(lockPollSeconds, lockPolls))
	if err != nil {
		return nil, fmt.Errorf("postgres: create migration lock: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	p, err := goose.NewProvider(goose.DialectPostgres, db, schema.FS,
		goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: load migrations: %w", err)
	}
	return p, nil
}
