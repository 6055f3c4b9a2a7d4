package pgtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/devserver/localpg"
	"osb/postgres/pgtest"
)

func TestNewDatabaseGivesDistinctMigratedDatabases(t *testing.T) {
	a := pgtest.NewDatabase(t)
	b := pgtest.NewDatabase(t)
	if a == b {
		t.Fatalf("both databases have URL %s", a)
	}

	exec(t, a, "INSERT INTO osb_meta (key, value) VALUES ('owner', 'a')")
	if n := count(t, a, "SELECT count(*) FROM osb_meta"); n != 1 {
		t.Errorf("database a has %d osb_meta rows, want 1", n)
	}
	if n := count(t, b, "SELECT count(*) FROM osb_meta"); n != 0 {
		t.Errorf("database b has %d osb_meta rows, want 0: the databases are not distinct", n)
	}
}

func TestNewDatabaseIsDroppedWhenTheTestEnds(t *testing.T) {
	var url string
	t.Run("user", func(t *testing.T) { url = pgtest.NewDatabase(t) })
	if localpg.Answers(t.Context(), url) {
		t.Errorf("database %s still accepts connections after its test ended", url)
	}
}

func exec(t *testing.T, url, sql string) {
	t.Helper()
	conn := connect(t, url)
	if _, err := conn.Exec(t.Context(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func count(t *testing.T, url, sql string) int {
	t.Helper()
	conn := connect(t, url)
	var n int
	if err := conn.QueryRow(t.Context(), sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
