package postgres_test

import (
	"context"
	"io/fs"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/schema"
)

func TestMigrateAppliesEverythingOnceThenIsANoOp(t *testing.T) {
	url := pgtest.NewEmptyDatabase(t)
	ctx := testContext(t)
	files := migrationFiles(t)

	current, pending, err := postgres.MigrationStatus(ctx, url)
	if err != nil {
		t.Fatalf("MigrationStatus before: %v", err)
	}
	if current != 0 || pending != files {
		t.Fatalf("before Migrate: current %d, pending %d; want 0, %d", current, pending, files)
	}

	if err := postgres.Migrate(ctx, url, testLogger(t)); err != nil {
		t.Fatalf("first Migrate: %v", err)
	}
	applied := appliedCount(t, url)
	if err := postgres.Migrate(ctx, url, testLogger(t)); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if again := appliedCount(t, url); again != applied {
		t.Errorf("second Migrate recorded %d more migrations, want none", again-applied)
	}

	current, pending, err = postgres.MigrationStatus(ctx, url)
	if err != nil {
		t.Fatalf("MigrationStatus after: %v", err)
	}
	if pending != 0 || current == 0 {
		t.Errorf("after Migrate: current %d, pending %d; want a version and 0 pending", current, pending)
	}
	if !tableExists(t, url, "osb_meta") {
		t.Error("table osb_meta missing after Migrate")
	}
}

func TestMigrateConcurrentCallersBothSucceed(t *testing.T) {
	url := pgtest.NewEmptyDatabase(t)
	ctx := testContext(t)

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { errs[i] = postgres.Migrate(ctx, url, testLogger(t)) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate call %d: %v", i, err)
		}
	}
	if _, pending, err := postgres.MigrationStatus(ctx, url); err != nil || pending != 0 {
		t.Errorf("MigrationStatus = %d pending, %v; want 0, nil", pending, err)
	}
}

func migrationFiles(t *testing.T) int {
	t.Helper()
	names, err := fs.Glob(schema.FS, "*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("no migrations in schema.FS: %v", err)
	}
	return len(names)
}

// appliedCount counts goose's records of applied migrations.
func appliedCount(t *testing.T, url string) int {
	t.Helper()
	var n int
	query(t, url, "SELECT count(*) FROM goose_db_version WHERE version_id > 0 AND is_applied", &n)
	return n
}

func tableExists(t *testing.T, url, table string) bool {
	t.Helper()
	var exists bool
	query(t, url, "SELECT to_regclass('"+table+"') IS NOT NULL", &exists)
	return exists
}

func query(t *testing.T, url, sql string, dest any) {
	t.Helper()
	ctx := testContext(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	if err := conn.QueryRow(ctx, sql).Scan(dest); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}
