// Package pgtest gives each test package its own fresh, migrated PostgreSQL database.
//
// The server is the one at OSB_TEST_DATABASE_URL when that answers, else the project's
// private cluster (see devserver/localpg) in <module root>/.data/postgres on port
// OSB_PG_PORT (default 55432), started on first use and left running for later tests.
//
// pgtest imports package postgres, so tests of that package that use pgtest must be
// in package postgres_test.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"osb/devserver/localpg"
	"osb/postgres"
)

// Environment variables that choose the server.
const (
	envAdminURL = "OSB_TEST_DATABASE_URL" // admin URL of a running server
	envPort     = "OSB_PG_PORT"           // port of the private cluster
)

// setupTimeout bounds starting the server, and creating, migrating or dropping a database.
const setupTimeout = 2 * time.Minute

// admin is the server's admin URL, found once per test binary.
var admin struct {
	once sync.Once
	url  string
	err  error
}

// NewDatabase returns the URL of a new database named osb_test_<random>, migrated, dropped when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	url := NewEmptyDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if err := postgres.Migrate(ctx, url, testLogger(t)); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return url
}

// NewEmptyDatabase returns the URL of a new database named osb_test_<random>, without
// migrations, dropped when the test ends.
func NewEmptyDatabase(t testing.TB) string {
	t.Helper()
	adminURL := AdminURL(t)
	name := "osb_test_" + randomSuffix()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	url, err := localpg.CreateDatabase(ctx, adminURL, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		if err := localpg.DropDatabase(ctx, adminURL, name); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return url
}

// AdminURL returns the admin URL of the test server, starting the private cluster if needed.
func AdminURL(t testing.TB) string {
	t.Helper()
	admin.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		admin.url, admin.err = findAdmin(ctx, testLogger(t))
	})
	if admin.err != nil {
		t.Fatalf("pgtest: %v", admin.err)
	}
	return admin.url
}

// findAdmin prefers a server at OSB_TEST_DATABASE_URL and falls back to the private cluster.
func findAdmin(ctx context.Context, logger *slog.Logger) (string, error) {
	if url := os.Getenv(envAdminURL); url != "" {
		if localpg.Answers(ctx, url) {
			return url, nil
		}
		logger.Warn("the server at " + envAdminURL + " does not answer; using the project's private cluster")
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	port, err := clusterPort()
	if err != nil {
		return "", err
	}
	url, err := localpg.Ensure(ctx, localpg.Options{
		DataDir: filepath.Join(root, ".data", "postgres"),
		Port:    port,
		Logger:  logger,
	})
	if err != nil {
		return "", fmt.Errorf("%w (or set %s to the admin URL of a running server)", err, envAdminURL)
	}
	return url, nil
}

// moduleRoot walks up from the working folder to the folder holding go.mod.
func moduleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find the working folder: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		if dir == filepath.Dir(dir) {
			return "", fmt.Errorf("no go.mod above %s: run the tests inside the osb module", wd)
		}
	}
}

// clusterPort reads OSB_PG_PORT, defaulting to localpg.DefaultPort.
func clusterPort() (int, error) {
	s := os.Getenv(envPort)
	if s == "" {
		return localpg.DefaultPort, nil
	}
	port, err := strconv.Atoi(s)
	if err != nil || port < 1 || port > 65535 {
		return 0, errors.New(envPort + "=" + strconv.Quote(s) + " is not a port number: set it to one between 1 and 65535")
	}
	return port, nil
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b) // never fails; see crypto/rand.Read
	return hex.EncodeToString(b)
}

// testLogger writes to the test's output, shown with -v or when the test fails.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}
