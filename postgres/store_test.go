package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/demo"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
)

func TestOpenReportsAnUnreachableDatabase(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	st, err := postgres.Open(ctx, "postgres://osb@127.0.0.1:1/osb?connect_timeout=2")
	if err == nil {
		st.Close()
		t.Fatal("Open of a database nobody listens for succeeded")
	}
}

func TestOpenPingsAFreshDatabase(t *testing.T) {
	st, _ := newStore(t)
	if err := st.Ping(testContext(t)); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

// newStore opens a store on a fresh, migrated, empty database and returns it
// with the database URL.
func newStore(t *testing.T) (*postgres.Store, string) {
	t.Helper()
	url := pgtest.NewDatabase(t)
	st, err := postgres.Open(testContext(t), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(st.Close)
	return st, url
}

// demoStore is newStore with the demo organisation saved.
func demoStore(t *testing.T) (*postgres.Store, string) {
	t.Helper()
	st, url := newStore(t)
	if err := st.SaveOrganisation(testContext(t), demo.Organisation()); err != nil {
		t.Fatalf("SaveOrganisation: %v", err)
	}
	return st, url
}

// wantCode fails the test unless err carries the domain error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := sales.ErrorCode(err); got != code {
		t.Errorf("error %v has code %q, want %q", err, got, code)
	}
}

// scalar runs a query that returns one value.
func scalar[T any](t *testing.T, url, sql string, args ...any) T {
	t.Helper()
	ctx := testContext(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	var v T
	if err := conn.QueryRow(ctx, sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// rowCounts counts the rows of each table.
func rowCounts(t *testing.T, url string, tables ...string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range tables {
		out[table] = scalar[int](t, url, "SELECT count(*) FROM "+table)
	}
	return out
}
