package postgres_test

import (
	"strings"
	"testing"

	"osb/demo"
	"osb/sales"
)

func TestCreatedTokenAuthenticatesItsUser(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	token, err := st.CreateToken(ctx, "fin1", "laptop")
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	if !strings.HasPrefix(token, "osb_") || len(token) < 40 {
		t.Errorf("token %q is not osb_ followed by 32 random bytes", token)
	}
	if n := scalar[int](t, url, "SELECT count(*) FROM api_tokens WHERE token_hash = convert_to($1, 'UTF8')", token); n != 0 {
		t.Error("the token is stored in clear")
	}
	u, err := st.Authenticate(ctx, token)
	if err != nil || u.ID != "fin1" || u.Role != sales.RoleFinance {
		t.Errorf("Authenticate = %+v, %v; want fin1 of finance", u, err)
	}
	other, err := st.CreateToken(ctx, "fin1", "phone")
	if err != nil || other == token {
		t.Errorf("second CreateToken = %q, %v; want another token", other, err)
	}
}

func TestAuthenticateRefusesUnknownAndRevokedTokens(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	_, err := st.Authenticate(ctx, "osb_nobody")
	wantCode(t, err, sales.ErrUnauthorized)
	_, err = st.Authenticate(ctx, "")
	wantCode(t, err, sales.ErrUnauthorized)

	token, err := st.CreateToken(ctx, "log1", "")
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	scalar[int](t, url, "WITH r AS (UPDATE api_tokens SET revoked_at = now() WHERE user_id = 'log1' RETURNING 1) SELECT count(*) FROM r")
	_, err = st.Authenticate(ctx, token)
	wantCode(t, err, sales.ErrUnauthorized)
}

func TestSaveTokenIsIdempotentAndKeepsTokensApart(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	for id, token := range demo.Tokens() {
		for range 2 {
			if err := st.SaveToken(ctx, id, "demo", token); err != nil {
				t.Fatalf("SaveToken(%s): %v", id, err)
			}
		}
	}
	if n := scalar[int](t, url, "SELECT count(*) FROM api_tokens"); n != len(demo.Tokens()) {
		t.Errorf("%d tokens stored, want %d", n, len(demo.Tokens()))
	}
	u, err := st.Authenticate(ctx, "demo-sd")
	if err != nil || u.ID != "sd" || u.Role != sales.RoleSLT {
		t.Errorf("Authenticate(demo-sd) = %+v, %v; want the sales director", u, err)
	}
	wantCode(t, st.SaveToken(ctx, "gm", "stolen", "demo-sd"), sales.ErrConflict)
	wantCode(t, st.SaveToken(ctx, "nobody", "", "demo-nobody"), sales.ErrInvalid)
	_, err = st.CreateToken(ctx, "nobody", "")
	wantCode(t, err, sales.ErrInvalid)
}
