package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"osb/sales"
)

// Store reads and writes OSB's organisation, orders and outbox in PostgreSQL.
// Its methods speak the domain's terms and return *sales.Error for anything a
// caller can act on.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects to the database at databaseURL and checks that it answers.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	return OpenWith(ctx, databaseURL, Options{})
}

// Options tune the connection pool.
type Options struct {
	// Tracer sees every statement (tracing.Tracing.SQL); nil = none.
	Tracer pgx.QueryTracer
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, databaseURL string, o Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("store: database URL is invalid: %w", err)
	}
	if o.Tracer != nil {
		cfg.ConnConfig.Tracer = o.Tracer
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: connect to %s: %w", serverName(cfg), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: database %s does not answer (is PostgreSQL running and the URL right?): %w", serverName(cfg), err)
	}
	return &Store{pool: pool}, nil
}

// serverName names the database and server of cfg, without the password.
func serverName(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return fmt.Sprintf("%s at %s:%d", c.Database, c.Host, c.Port)
}

// Close closes every connection.
func (s *Store) Close() { s.pool.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// inTx runs fn in one transaction, committed when fn returns nil.
func (s *Store) inTx(ctx context.Context, op string, fn func(pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("store: %s: begin: %w", op, err)
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return translate(op, err)
	}
	return nil
}

// readTx runs fn in one read-only transaction that sees a single snapshot.
func (s *Store) readTx(ctx context.Context, op string, fn func(pgx.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("store: %s: begin: %w", op, err)
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("store: %s: commit: %w", op, err)
	}
	return nil
}

// fkMeaning says, per foreign key, what a dangling reference means to a person.
var fkMeaning = map[string]string{
	"users_manager_id_fkey":            "unknown manager",
	"users_market_fk":                  "unknown market",
	"markets_mm_id_fkey":               "unknown market manager",
	"markets_slt_owner_id_fkey":        "unknown SLT owner",
	"api_tokens_user_id_fkey":          "unknown user",
	"customers_market_fkey":            "unknown market",
	"customers_kam_id_fkey":            "unknown KAM",
	"orders_customer_id_fkey":          "unknown customer",
	"order_lines_sku_fkey":             "unknown SKU",
	"customer_credit_customer_id_fkey": "unknown customer",
	"order_lines_order_no_fkey":        "order is not in the store",
	"shipments_order_no_fkey":          "order is not in the store",
	"invoices_order_no_fkey":           "order is not in the store",
	"receipts_order_no_fkey":           "order is not in the store",
	"order_events_order_no_fkey":       "order is not in the store",
	"escalations_order_no_fkey":        "order is not in the store",
}

// keyValue pulls the offending value out of a constraint violation's detail,
// e.g. `Key (sku)=(SKU-9) is not present in table "skus".` gives SKU-9.
var keyValue = regexp.MustCompile(`^Key \(.*?\)=\((.*)\)`)

// translate turns a database error into the domain's vocabulary: constraint
// violations become invalid or conflict, anything else is wrapped with op.
func translate(op string, err error) error {
	var domain *sales.Error
	if errors.As(err, &domain) {
		return err
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	value := ""
	if m := keyValue.FindStringSubmatch(pgErr.Detail); m != nil {
		value = fmt.Sprintf(" %q", m[1])
	}
	switch pgErr.Code {
	case "23505": // unique_violation
		return sales.Errorf(sales.ErrConflict, "%s: %s already exists", op, alreadyExists(pgErr, value))
	case "23503": // foreign_key_violation
		meaning, ok := fkMeaning[pgErr.ConstraintName]
		if !ok {
			meaning = "refers to something that does not exist"
		}
		return sales.Errorf(sales.ErrInvalid, "%s: %s%s", op, meaning, value)
	case "23514": // check_violation
		return sales.Errorf(sales.ErrInvalid, "%s: a value breaks the rule %s (amounts, quantities and levels must be in range)", op, pgErr.ConstraintName)
	case "23502": // not_null_violation
		return sales.Errorf(sales.ErrInvalid, "%s: %s is required", op, pgErr.ColumnName)
	}
	if len(pgErr.Code) == 5 && pgErr.Code[:2] == "22" { // data exception: bad date, too long, out of range
		return sales.Errorf(sales.ErrInvalid, "%s: invalid value: %s", op, pgErr.Message)
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

func alreadyExists(pgErr *pgconn.PgError, value string) string {
	if value == "" {
		return "a record with this key"
	}
	return "key" + value
}

// jsonText encodes v for a jsonb column; a nil slice or map is written as
// empty, never as null.
func jsonText(v any, empty string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("store: encode json: %w", err)
	}
	if string(b) == "null" {
		return empty, nil
	}
	return string(b), nil
}

// Page sizes of lists.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// pageSize applies the default and the maximum to a requested limit.
func pageSize(n int) int {
	switch {
	case n <= 0:
		return defaultLimit
	case n > maxLimit:
		return maxLimit
	}
	return n
}

// conditions builds the WHERE clause of a list query from optional filters.
type conditions struct {
	clauses []string
	args    []any
}

// add appends a condition whose single placeholder is written as $?.
func (c *conditions) add(clause string, arg any) {
	c.args = append(c.args, arg)
	c.clauses = append(c.clauses, strings.ReplaceAll(clause, "$?", fmt.Sprintf("$%d", len(c.args))))
}

// arg appends an argument and returns its placeholder.
func (c *conditions) arg(v any) string {
	c.args = append(c.args, v)
	return fmt.Sprintf("$%d", len(c.args))
}

// sql returns " WHERE a AND b", or "" without conditions.
func (c *conditions) sql() string {
	if len(c.clauses) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c.clauses, " AND ")
}

// dateOrNil is a Beijing date for a date column: nil when empty.
func dateOrNil(d string) any {
	if d == "" {
		return nil
	}
	return d
}
