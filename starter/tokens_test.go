package starter

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"osb/sales"
)

// The fixture's store lists no tokens; tokenStore keeps them with their
// expiry and revocation.

func (s *fakeStore) Tokens(context.Context, string) ([]sales.Token, error) { return nil, nil }

func (s *fakeStore) RevokeToken(_ context.Context, id int64, _ time.Time) (sales.Token, error) {
	return sales.Token{}, sales.Errorf(sales.ErrNotFound, "no token %d", id)
}

// tokenStore is the fixture's store whose tokens expire and can be revoked,
// judged at the clock of the test.
type tokenStore struct {
	*fakeStore
	now    *time.Time
	listed []sales.Token
	secret map[int64]string // token id → the secret, as the fixture's tokens
	asked  string           // the user_id of the last list
}

func (s *tokenStore) Authenticate(ctx context.Context, token string) (sales.User, error) {
	for _, t := range s.listed {
		if s.secret[t.ID] == token && !t.Active(*s.now) {
			return sales.User{}, sales.Errorf(sales.ErrUnauthorized, "expired or revoked token")
		}
	}
	return s.fakeStore.Authenticate(ctx, token)
}

func (s *tokenStore) Tokens(_ context.Context, userID string) ([]sales.Token, error) {
	s.asked = userID
	var out []sales.Token
	for _, t := range s.listed {
		if userID == "" || t.UserID == userID {
			out = append(out, t)
		}
	}
	return out, nil
}

func (s *tokenStore) RevokeToken(_ context.Context, id int64, at time.Time) (sales.Token, error) {
	for i, t := range s.listed {
		if t.ID == id {
			if t.RevokedAt == nil {
				s.listed[i].RevokedAt = &at
			}
			return s.listed[i], nil
		}
	}
	return sales.Token{}, sales.Errorf(sales.ErrNotFound, "no token %d", id)
}

// tokenFixture is the fixture with two listed tokens: Logistics' (id 1,
// t-log) working for 90 days and Finance's (id 2, t-fin) expiring in five
// seconds. The clock is *now of the store.
func tokenFixture(t *testing.T) (*fixture, *tokenStore) {
	t.Helper()
	f := newFixture(t)
	clock := now
	store := &tokenStore{fakeStore: f.store, now: &clock, secret: map[int64]string{1: "t-log", 2: "t-fin"}, listed: []sales.Token{
		{ID: 1, UserID: "u-log", Label: "scanner", CreatedAt: now.Add(-sales.Day), ExpiresAt: now.Add(89 * sales.Day)},
		{ID: 2, UserID: "u-fin", Label: "laptop", CreatedAt: now.Add(-90 * sales.Day), ExpiresAt: now.Add(5 * time.Second)},
	}}
	f.handler = New(Config{Store: store, Orders: f.orders, Policy: f.policy, Quota: f.quota, Reports: f.reports, Credit: f.credit,
		Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return *store.now }})
	return f, store
}

func TestTokensAreListedAndRevokedByAdminsOnly(t *testing.T) {
	f, store := tokenFixture(t)
	rec := f.do(t, "GET", "/v1/tokens?user_id=u-log", "t-admin", nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decodeAs[[]sales.Token](t, rec); len(got) != 1 || got[0].ID != 1 || store.asked != "u-log" {
		t.Errorf("listed %+v for %q", got, store.asked)
	}
	if got := decodeAs[[]sales.Token](t, f.do(t, "GET", "/v1/tokens", "t-admin", nil)); len(got) != 2 {
		t.Errorf("listed %d tokens, want 2", len(got))
	}
	for _, tok := range []string{"t-ssg", "t-kam1", "t-um", "t-slt", "t-log", "t-fin"} {
		wantError(t, f.do(t, "GET", "/v1/tokens", tok, nil), http.StatusForbidden, sales.ErrForbidden)
		wantError(t, f.do(t, "DELETE", "/v1/tokens/1", tok, nil), http.StatusForbidden, sales.ErrForbidden)
	}
	wantError(t, f.do(t, "DELETE", "/v1/tokens/7", "t-admin", nil), http.StatusNotFound, sales.ErrNotFound)
	wantError(t, f.do(t, "DELETE", "/v1/tokens/x", "t-admin", nil), http.StatusNotFound, sales.ErrNotFound)
	wantError(t, f.do(t, "GET", "/v1/tokens?user=u-log", "t-admin", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
}

// A revoked token, and an expired one, stop working once the API's trust in
// them (DefaultAuthCacheTTL) is over: in this process and in any other.
func TestARevokedOrExpiredTokenStopsWorkingWithinTheCacheTime(t *testing.T) {
	f, store := tokenFixture(t)
	start := *store.now
	wantStatus(t, f.do(t, "GET", "/v1/me", "t-log", nil), http.StatusOK)
	wantStatus(t, f.do(t, "GET", "/v1/me", "t-fin", nil), http.StatusOK) // trusted from now on

	rec := f.do(t, "DELETE", "/v1/tokens/1", "t-admin", nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decodeAs[sales.Token](t, rec); got.RevokedAt == nil || !got.RevokedAt.Equal(start) {
		t.Errorf("revoked %+v, want revoked now", got)
	}

	*store.now = start.Add(DefaultAuthCacheTTL - time.Second) // Finance's token expired 4 s ago
	wantStatus(t, f.do(t, "GET", "/v1/me", "t-log", nil), http.StatusOK)
	wantStatus(t, f.do(t, "GET", "/v1/me", "t-fin", nil), http.StatusOK)

	*store.now = start.Add(DefaultAuthCacheTTL)
	for _, tok := range []string{"t-log", "t-fin"} {
		e := wantError(t, f.do(t, "GET", "/v1/me", tok, nil), http.StatusUnauthorized, sales.ErrUnauthorized)
		if e.Message != "the bearer token is invalid or expired" {
			t.Errorf("%s: message %q", tok, e.Message)
		}
	}
	wantStatus(t, f.do(t, "GET", "/v1/me", "t-slt", nil), http.StatusOK)

	// A new process trusts nothing: it refuses both at once.
	g, other := tokenFixture(t)
	other.listed = store.listed
	*other.now = start.Add(6 * time.Second)
	wantError(t, g.do(t, "GET", "/v1/me", "t-log", nil), http.StatusUnauthorized, sales.ErrUnauthorized)
	wantError(t, g.do(t, "GET", "/v1/me", "t-fin", nil), http.StatusUnauthorized, sales.ErrUnauthorized)
}
