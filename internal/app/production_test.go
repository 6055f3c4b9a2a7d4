package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"osb/console"
	"osb/demo"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
)

// demoDatabase is a migrated database with the demo loaded.
func demoDatabase(t *testing.T) (*postgres.Store, string) {
	t.Helper()
	url := pgtest.NewDatabase(t)
	store, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	if err := SeedDemo(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	return store, url
}

// osb api and osb worker refuse a database marked production while demo
// tokens work in it, before they reach for Temporal; revoked, they are no
// reason to refuse.
func TestAPIAndWorkerRefuseAProductionDatabaseWithDemoTokens(t *testing.T) {
	ctx := context.Background()
	store, url := demoDatabase(t)
	if err := RefuseDemoInProduction(ctx, store); err != nil {
		t.Fatalf("an unmarked development database was refused: %v", err)
	}
	// A database that does not answer is never marked. (Not the default URL:
	// after make run, the development database answers there, and this test
	// must not mark it.)
	t.Setenv("OSB_DATABASE_URL", "postgres://postgres@127.0.0.1:1/osb?sslmode=disable")
	if err := (Program{Name: "osb"}).Run([]string{"mark-production"}); err == nil {
		t.Fatal("mark-production ran without a database that answers")
	}
	t.Setenv("OSB_DATABASE_URL", url)
	t.Setenv("OSB_DATA_DIR", t.TempDir())
	if err := (Program{Name: "osb"}).Run([]string{"mark-production"}); err != nil {
		t.Fatalf("mark-production: %v", err)
	}
	if env, err := store.Environment(ctx); err != nil || env != postgres.EnvProduction {
		t.Fatalf("environment %q, %v", env, err)
	}
	for _, cmd := range []string{"worker", "api"} {
		msg := runErr(t, map[string]string{"OSB_DATABASE_URL": url, "OSB_TEMPORAL_ADDRESS": "127.0.0.1:1", "OSB_HTTP_ADDR": "127.0.0.1:0"}, cmd)
		for _, want := range []string{"marked production", fmt.Sprintf("%d demo token(s)", len(demo.Tokens())), "ids 1, 2, 3, 4, 5, …", "osb token revoke demo"} {
			if !strings.Contains(msg, want) {
				t.Errorf("osb %s: %q does not say %q", cmd, msg, want)
			}
		}
	}
	wantErrCode(t, SeedDemo(ctx, store), sales.ErrConflict)

	var out strings.Builder
	if err := tokenCommand(ctx, store, sales.Day, time.Now(), &out, []string{"revoke", "demo"}); err != nil || out.String() != fmt.Sprintf("%d demo token(s) revoked; API processes refuse them within 10 seconds\n", len(demo.Tokens())) {
		t.Fatalf("osb token revoke demo: %q, %v", out.String(), err)
	}
	// The demo's console password is public too: while a user still has
	// it the database is refused, until each has their own.
	users, err := store.DemoPasswordUsers(ctx)
	if err != nil || len(users) == 0 {
		t.Fatalf("the demo gave no user its password: %v %v", users, err)
	}
	err = RefuseDemoInProduction(ctx, store)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%d user(s) still sign in to the console with the demo password", len(users))) ||
		!strings.Contains(err.Error(), "osb user passwd USER") {
		t.Errorf("demo passwords in production: %v", err)
	}
	hash, err := console.HashPassword("their own secret")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if err := store.SetPassword(ctx, u, hash, "osb user passwd"); err != nil {
			t.Fatal(err)
		}
	}
	if err := RefuseDemoInProduction(ctx, store); err != nil {
		t.Errorf("with their own passwords and the demo tokens revoked the database is still refused: %v", err)
	}
}

func TestTheDemoIsNeverLoadedOverRealUsers(t *testing.T) {
	ctx := context.Background()
	store, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	real := sales.User{ID: "gm", Name: "真总经理", Role: sales.RoleSLT, Title: sales.TitleGM}
	if err := store.SaveOrganisation(ctx, sales.Organisation{Users: []sales.User{real}}); err != nil {
		t.Fatal(err)
	}
	wantErrCode(t, SeedDemo(ctx, store), sales.ErrConflict)
	if u, err := store.User(ctx, "gm"); err != nil || u != real {
		t.Errorf("the real GM is now %+v, %v", u, err)
	}
	if list, err := store.Tokens(ctx, ""); err != nil || len(list) != 0 {
		t.Errorf("a refused demo load saved %d tokens, %v", len(list), err)
	}
}

func TestDemoIsLoadedOnlyWhenAskedFor(t *testing.T) {
	for v, want := range map[string]bool{"": false, "false": false, "true": true} {
		t.Setenv("OSB_DEMO", v)
		if cfg, err := loadConfig(); err != nil || cfg.Demo != want {
			t.Errorf("OSB_DEMO=%q: demo %v, %v; want %v", v, cfg.Demo, err, want)
		}
	}
	t.Setenv("OSB_DEMO", "yes please")
	if _, err := loadConfig(); err == nil || !strings.Contains(err.Error(), "OSB_DEMO") {
		t.Errorf("a bad OSB_DEMO was accepted: %v", err)
	}
}

func wantErrCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := sales.ErrorCode(err); got != code {
		t.Errorf("error %v has code %q, want %q", err, got, code)
	}
}
