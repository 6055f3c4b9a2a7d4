package localpg

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestEnsureConcurrentCallersShareOneCluster(t *testing.T) {
	t.Parallel()
	o := testOptions(t)

	var wg sync.WaitGroup
	urls := make([]string, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() { urls[i], errs[i] = Ensure(testContext(t), o) })
	}
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			t.Fatalf("Ensure call %d: %v", i, err)
		}
	}
	if urls[0] != urls[1] {
		t.Fatalf("Ensure returned %q and %q, want the same URL", urls[0], urls[1])
	}
	if !Answers(testContext(t), urls[0]) {
		t.Fatalf("no server answers at %s", urls[0])
	}
	if os.Geteuid() == 0 && !initialised(fallbackDir(o.DataDir)) {
		// t.TempDir is private to root, so the postgres user needs the fallback folder.
		t.Errorf("running as root: want the cluster in %s", fallbackDir(o.DataDir))
	}
}

func TestStopThenEnsureRestartsCluster(t *testing.T) {
	t.Parallel()
	o := testOptions(t)
	ctx := testContext(t)

	url := ensure(t, o)
	if err := Stop(ctx, o); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if Answers(ctx, url) {
		t.Fatalf("server still answers at %s after Stop", url)
	}
	if err := Stop(ctx, o); err != nil {
		t.Fatalf("Stop of a stopped cluster: %v", err)
	}
	ensure(t, o)
	if !Answers(ctx, url) {
		t.Fatalf("no server answers at %s after restart", url)
	}
}

func TestCreateAndDropDatabase(t *testing.T) {
	t.Parallel()
	o := testOptions(t)
	ctx := testContext(t)
	admin := ensure(t, o)

	dbURL, err := CreateDatabase(ctx, admin, "osb_localpg_test")
	if err != nil {
		t.Fatalf("CreateDatabase: %v", err)
	}
	if !strings.Contains(dbURL, "/osb_localpg_test?") {
		t.Errorf("CreateDatabase URL = %q, want database osb_localpg_test", dbURL)
	}
	if got := currentDatabase(t, dbURL); got != "osb_localpg_test" {
		t.Errorf("connected to database %q, want osb_localpg_test", got)
	}
	if _, err := CreateDatabase(ctx, admin, "osb_localpg_test"); err != nil {
		t.Fatalf("CreateDatabase of an existing database: %v", err)
	}

	// An open session must not stop the drop.
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	if err := DropDatabase(ctx, admin, "osb_localpg_test"); err != nil {
		t.Fatalf("DropDatabase: %v", err)
	}
	if Answers(ctx, dbURL) {
		t.Errorf("database still accepts connections after DropDatabase")
	}
	if err := DropDatabase(ctx, admin, "osb_localpg_test"); err != nil {
		t.Fatalf("DropDatabase of a missing database: %v", err)
	}
}

func TestDatabaseNamesMustBePlainIdentifiers(t *testing.T) {
	ctx := testContext(t)
	admin := "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable"
	for _, name := range []string{"", "Upper", "with-dash", `x"; DROP DATABASE postgres; --`, "1abc", strings.Repeat("a", 64)} {
		if _, err := CreateDatabase(ctx, admin, name); err == nil || !strings.Contains(err.Error(), "not a plain identifier") {
			t.Errorf("CreateDatabase(%q) error = %v, want a name error", name, err)
		}
		if err := DropDatabase(ctx, admin, name); err == nil || !strings.Contains(err.Error(), "not a plain identifier") {
			t.Errorf("DropDatabase(%q) error = %v, want a name error", name, err)
		}
	}
}

func TestEnsureFailureShowsServerLog(t *testing.T) {
	t.Parallel()
	o := testOptions(t)
	// Something that is not PostgreSQL holds the port.
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(o.Port)))
	if err != nil {
		t.Fatalf("occupy port: %v", err)
	}
	defer l.Close()

	_, err = Ensure(testContext(t), o)
	if err == nil {
		t.Fatal("Ensure succeeded on an occupied port")
	}
	for _, want := range []string{"did not start", "last lines of", "could not"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// testOptions gives a test its own data folder and port, and stops the cluster and
// removes any fallback folder when the test ends.
func testOptions(t *testing.T) Options {
	t.Helper()
	o := Options{
		DataDir: filepath.Join(t.TempDir(), "postgres"),
		Port:    freePort(t),
		Logger:  slog.New(slog.NewTextHandler(t.Output(), nil)),
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := Stop(ctx, o); err != nil {
			t.Errorf("Stop: %v", err)
		}
		if err := os.RemoveAll(filepath.Dir(fallbackDir(o.DataDir))); err != nil {
			t.Errorf("remove fallback folder: %v", err)
		}
	})
	return o
}

func ensure(t *testing.T, o Options) string {
	t.Helper()
	url, err := Ensure(testContext(t), o)
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	return url
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 45*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func currentDatabase(t *testing.T, url string) string {
	t.Helper()
	conn, err := pgx.Connect(testContext(t), url)
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	defer conn.Close(context.Background())
	var name string
	if err := conn.QueryRow(testContext(t), "SELECT current_database()").Scan(&name); err != nil {
		t.Fatalf("current_database: %v", err)
	}
	return name
}
