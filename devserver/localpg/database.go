package localpg

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// plainName is a lower-case SQL identifier that needs no quoting.
var plainName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// duplicateDatabase is SQLSTATE 42P04, raised when another caller created the database first.
const duplicateDatabase = "42P04"

// CreateDatabase creates database name unless it exists and returns its URL, derived from adminURL.
func CreateDatabase(ctx context.Context, adminURL, name string) (string, error) {
	dbURL, err := databaseURL(adminURL, name)
	if err != nil {
		return "", err
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("localpg: connect to create database %s: %w", name, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	err = conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil {
		return "", fmt.Errorf("localpg: look up database %s: %w", name, err)
	}
	if exists {
		return dbURL, nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if err != nil && !(errors.As(err, &pgErr) && pgErr.Code == duplicateDatabase) {
		return "", fmt.Errorf("localpg: create database %s: %w", name, err)
	}
	return dbURL, nil
}

// DropDatabase drops database name, ending its open sessions, if it exists.
func DropDatabase(ctx context.Context, adminURL, name string) error {
	if !plainName.MatchString(name) {
		return invalidName(name)
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("localpg: connect to drop database %s: %w", name, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("localpg: drop database %s: %w", name, err)
	}
	return nil
}

// databaseURL is adminURL with its database replaced by name.
func databaseURL(adminURL, name string) (string, error) {
	if !plainName.MatchString(name) {
		return "", invalidName(name)
	}
	u, err := url.Parse(adminURL)
	if err != nil || u.Scheme == "" {
		// The parse error would repeat the URL and any password in it.
		return "", errors.New("localpg: the admin URL is not a postgres:// URL: give one like postgres://user@host:port/postgres")
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

func invalidName(name string) error {
	return fmt.Errorf("localpg: database name %q is not a plain identifier: use lower-case letters, digits and _ (at most 63)", name)
}
