package postgres_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"osb/demo"
	"osb/postgres/pgtest"
	"osb/sales"
	"osb/schema"
)

// inDays is a token expiry days from now.
func inDays(days int) time.Time { return time.Now().Add(time.Duration(days) * sales.Day) }

func TestCreatedTokenAuthenticatesItsUser(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	expires := inDays(90).Truncate(time.Microsecond)
	listed, token, err := st.CreateToken(ctx, "fin1", "laptop", expires)
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	if !strings.HasPrefix(token, "osb_") || len(token) < 40 {
		t.Errorf("token %q is not osb_ followed by 32 random bytes", token)
	}
	if listed.ID == 0 || listed.UserID != "fin1" || listed.Label != "laptop" || !listed.ExpiresAt.Equal(expires) || !listed.Active(time.Now()) {
		t.Errorf("created %+v", listed)
	}
	if n := scalar[int](t, url, "SELECT count(*) FROM api_tokens WHERE token_hash = convert_to($1, 'UTF8')", token); n != 0 {
		t.Error("the token is stored in clear")
	}
	u, err := st.Authenticate(ctx, token)
	if err != nil || u.ID != "fin1" || u.Role != sales.RoleFinance {
		t.Errorf("Authenticate = %+v, %v; want fin1 of finance", u, err)
	}
	_, other, err := st.CreateToken(ctx, "fin1", "phone", expires)
	if err != nil || other == token {
		t.Errorf("second CreateToken = %q, %v; want another token", other, err)
	}
}

func TestAuthenticateRefusesUnknownRevokedAndExpiredTokens(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	_, err := st.Authenticate(ctx, "osb_nobody")
	wantCode(t, err, sales.ErrUnauthorized)
	_, err = st.Authenticate(ctx, "")
	wantCode(t, err, sales.ErrUnauthorized)

	revoked, token, err := st.CreateToken(ctx, "log1", "", inDays(1))
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	if _, err := st.RevokeToken(ctx, revoked.ID, time.Now()); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	_, err = st.Authenticate(ctx, token)
	wantCode(t, err, sales.ErrUnauthorized)

	expired, token, err := st.CreateToken(ctx, "log1", "", inDays(1))
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	scalar[int](t, url, `WITH r AS (UPDATE api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second'
		WHERE id = $1 RETURNING 1) SELECT count(*) FROM r`, expired.ID)
	_, err = st.Authenticate(ctx, token)
	wantCode(t, err, sales.ErrUnauthorized)

	_, _, err = st.CreateToken(ctx, "log1", "", time.Now().Add(-time.Hour))
	wantCode(t, err, sales.ErrInvalid)
}

func TestTokensAreListedWithoutSecretsAndRevokedOnce(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	a, tokA, err := st.CreateToken(ctx, "fin1", "laptop", inDays(90))
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := st.CreateToken(ctx, "log1", "scanner", inDays(30))
	if err != nil {
		t.Fatal(err)
	}
	all, err := st.Tokens(ctx, "")
	if err != nil || len(all) != 2 || all[0].ID != a.ID || all[1].ID != b.ID {
		t.Fatalf("Tokens() = %+v, %v; want fin1's then log1's", all, err)
	}
	if all[0].LastUsedAt != nil {
		t.Errorf("an unused token has a last use: %+v", all[0])
	}
	if _, err := st.Authenticate(ctx, tokA); err != nil {
		t.Fatal(err)
	}
	fin, err := st.Tokens(ctx, "fin1")
	if err != nil || len(fin) != 1 || fin[0].LastUsedAt == nil {
		t.Fatalf("Tokens(fin1) = %+v, %v; want one, used", fin, err)
	}

	first := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	got, err := st.RevokeToken(ctx, b.ID, first)
	if err != nil || got.RevokedAt == nil || !got.RevokedAt.Equal(first) || got.Active(time.Now()) {
		t.Fatalf("RevokeToken = %+v, %v", got, err)
	}
	again, err := st.RevokeToken(ctx, b.ID, first.Add(time.Hour))
	if err != nil || !again.RevokedAt.Equal(first) {
		t.Errorf("revoked again: %+v, %v; want the first revocation kept", again, err)
	}
	_, err = st.RevokeToken(ctx, 999_999, first)
	wantCode(t, err, sales.ErrNotFound)
}

func TestSaveTokenIsIdempotentAndKeepsTokensApart(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	for id, token := range demo.Tokens() {
		for _, days := range []int{1, 90} {
			if err := st.SaveToken(ctx, id, "demo", token, inDays(days)); err != nil {
				t.Fatalf("SaveToken(%s): %v", id, err)
			}
		}
	}
	if n := scalar[int](t, url, "SELECT count(*) FROM api_tokens"); n != len(demo.Tokens()) {
		t.Errorf("%d tokens stored, want %d", n, len(demo.Tokens()))
	}
	if n := scalar[int](t, url, "SELECT count(*) FROM api_tokens WHERE expires_at < now() + interval '80 days'"); n != 0 {
		t.Errorf("%d tokens kept their first expiry; saving again moves it", n)
	}
	u, err := st.Authenticate(ctx, "demo-sd")
	if err != nil || u.ID != "sd" || u.Role != sales.RoleSLT {
		t.Errorf("Authenticate(demo-sd) = %+v, %v; want the sales director", u, err)
	}
	wantCode(t, st.SaveToken(ctx, "gm", "stolen", "demo-sd", inDays(1)), sales.ErrConflict)
	wantCode(t, st.SaveToken(ctx, "nobody", "", "demo-nobody", inDays(1)), sales.ErrInvalid)
	_, _, err = st.CreateToken(ctx, "nobody", "", inDays(1))
	wantCode(t, err, sales.ErrInvalid)
}

// Migration 14 gives the tokens issued before it an id and 90 days, and
// marks as demo users exactly those holding their public demo token.
func TestMigration14ExpiresOldTokensAndFindsTheDemoUsers(t *testing.T) {
	url := pgtest.NewEmptyDatabase(t)
	ctx := testContext(t)
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDB(*cfg)
	p, err := goose.NewProvider(goose.DialectPostgres, db, schema.FS, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.UpTo(ctx, 13); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `
		INSERT INTO users (id, name, role, title) VALUES ('sd', 'demo', 'slt', 'director'), ('boss', 'real', 'slt', 'director');
		INSERT INTO api_tokens (token_hash, user_id, label) VALUES
			(sha256('demo-sd'), 'sd', 'demo'), (sha256('osb_secret'), 'boss', 'demo'), (sha256('demo-sd2'), 'boss', '')`); err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 14); err != nil {
		t.Fatal(err)
	}
	if got := scalar[string](t, url, "SELECT string_agg(id, ',' ORDER BY id) FROM users WHERE demo"); got != "sd" {
		t.Errorf("demo users %q, want sd only", got)
	}
	if n := scalar[int](t, url, `SELECT count(*) FROM api_tokens WHERE id IS NOT NULL
		AND expires_at BETWEEN now() + interval '89 days' AND now() + interval '91 days'`); n != 3 {
		t.Errorf("%d of 3 old tokens have an id and 90 days", n)
	}
	if _, err := p.DownTo(ctx, 13); err != nil {
		t.Errorf("migration 14 does not go down: %v", err)
	}
}
