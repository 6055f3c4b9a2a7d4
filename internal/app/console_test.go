package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"osb/console"
	"osb/demo"
	"osb/postgres"
	"osb/postgres/pgtest"
)

func TestFrontDoorSendsTheAPIsPathsToTheAPIAndTheRestToTheConsole(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("api")) })
	con := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("console")) })
	cod := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("codec")) })
	h := frontDoor(api, con, cod)
	for path, want := range map[string]string{
		"/v1/orders": "api", "/v1": "api", "/healthz": "api", "/openapi.json": "api",
		"/": "console", "/orders/SO-2026-000001": "console", "/signin": "console", "/v1x": "console", "/static/console.css": "console",
		"/codec/decode": "codec", "/codec/encode": "codec", "/codecx": "console",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Body.String() != want {
			t.Errorf("%s went to the %s", path, rec.Body.String())
		}
	}
	rec := httptest.NewRecorder()
	frontDoor(api, con, nil).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/codec/decode", nil))
	if rec.Body.String() != "console" {
		t.Errorf("without keys /codec/decode went to the %s", rec.Body.String())
	}
}

func TestDevCookiesAreSecureUnlessOnLoopbackOrChosen(t *testing.T) {
	for _, c := range []struct {
		addr string
		set  bool
		want bool
	}{
		{"127.0.0.1:8080", false, false}, {"localhost:8080", false, false}, {"[::1]:8080", false, false},
		{"0.0.0.0:8080", false, true}, {"10.1.2.3:8080", false, true}, {"127.0.0.1:8080", true, true},
	} {
		cfg := Config{HTTPAddr: c.addr, CookieSecure: true, CookieSecureSet: c.set}
		cfg.DevCookies()
		if cfg.CookieSecure != c.want {
			t.Errorf("%s (set %v): secure %v", c.addr, c.set, cfg.CookieSecure)
		}
	}
}

func TestUserPasswdSetsAPasswordFromStandardInput(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(t)
	store, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := SeedDemo(ctx, store); err != nil {
		t.Fatal(err)
	}
	_, hash, err := store.PasswordHash(ctx, "fin1")
	if err != nil || !console.CheckPassword(hash, demo.Password) {
		t.Fatalf("the demo password does not open fin1: %v", err)
	}
	cfg := Config{DatabaseURL: dbURL}
	if err := runUser(ctx, cfg, []string{"passwd", "fin1"}, strings.NewReader("a new secret\n")); err != nil {
		t.Fatal(err)
	}
	_, hash, err = store.PasswordHash(ctx, "fin1")
	if err != nil || !console.CheckPassword(hash, "a new secret") || console.CheckPassword(hash, demo.Password) {
		t.Errorf("the new password does not work, or the old one still does: %v", err)
	}
	if err := SeedDemo(ctx, store); err != nil {
		t.Fatal(err)
	}
	if _, hash, _ = store.PasswordHash(ctx, "fin1"); !console.CheckPassword(hash, "a new secret") {
		t.Error("loading the demo again replaced a password someone set")
	}
	for _, c := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"passwd", "fin1"}, "short\n", "at least 8 characters"},
		{[]string{"passwd", "nobody"}, "long enough\n", `no user "nobody"`},
		{[]string{"passwd"}, "", "usage: osb user passwd USER"},
	} {
		err := runUser(ctx, cfg, c.args, strings.NewReader(c.stdin))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
}
