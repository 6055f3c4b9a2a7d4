package starter

import (
	"net/http"
	"testing"
	"time"

	"osb/sales"
)

func TestAuthCacheTrustsATokenForItsTTLOnly(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := newAuthCache(10*time.Second, func() time.Time { return now })
	u := sales.User{ID: "u-log", Role: sales.RoleLogistics}
	if _, ok := c.get("tok"); ok {
		t.Fatal("an unknown token was found")
	}
	c.put("tok", u)
	now = now.Add(9 * time.Second)
	if got, ok := c.get("tok"); !ok || got != u {
		t.Fatalf("within the TTL: %+v %v", got, ok)
	}
	now = now.Add(time.Second)
	if _, ok := c.get("tok"); ok {
		t.Fatal("trusted after its TTL: a revoked token would still work")
	}
	off := newAuthCache(-1, time.Now)
	off.put("tok", u)
	if _, ok := off.get("tok"); ok {
		t.Fatal("a disabled cache remembered a token")
	}
}

// The API asks the store once per token and TTL; a revoked token stops
// working when the TTL is over, and a refused token is asked again at once.
func TestAuthenticationAsksTheStoreOncePerTTL(t *testing.T) {
	f := newFixture(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f.handler = New(Config{Store: f.store, Orders: f.orders, Policy: f.policy, Now: func() time.Time { return now }})
	if rec := f.do(t, "GET", "/v1/me", "t-admin", nil); rec.Code != http.StatusOK {
		t.Fatalf("first: %d", rec.Code)
	}
	admin := f.store.tokens["t-admin"]
	delete(f.store.tokens, "t-admin") // revoked
	if rec := f.do(t, "GET", "/v1/me", "t-admin", nil); rec.Code != http.StatusOK {
		t.Fatalf("within the TTL: %d", rec.Code)
	}
	now = now.Add(DefaultAuthCacheTTL)
	if rec := f.do(t, "GET", "/v1/me", "t-admin", nil); rec.Code != http.StatusUnauthorized {
		t.Fatalf("after the TTL a revoked token got %d", rec.Code)
	}
	f.store.tokens["t-admin"] = admin // issued again: works at once
	if rec := f.do(t, "GET", "/v1/me", "t-admin", nil); rec.Code != http.StatusOK {
		t.Fatalf("a refusal was remembered: %d", rec.Code)
	}
}
