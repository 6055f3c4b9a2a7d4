package app

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"osb/demo"
	"osb/postgres"
	"osb/sales"
)

// RefuseDemoInProduction refuses to serve a database marked production while
// demo tokens work in it, or a user's console password is still the demo's:
// both secrets are published (demo.Tokens, demo.Password), so anyone could
// act as the demo's users.
func RefuseDemoInProduction(ctx context.Context, store *postgres.Store) error {
	env, err := store.Environment(ctx)
	if err != nil || env != postgres.EnvProduction {
		return err
	}
	tokens, err := demoTokens(ctx, store)
	if err != nil {
		return err
	}
	if len(tokens) > 0 {
		var ids []string
		for _, t := range tokens[:min(len(tokens), 5)] {
			ids = append(ids, strconv.FormatInt(t.ID, 10))
		}
		if len(tokens) > len(ids) {
			ids = append(ids, "…")
		}
		return fmt.Errorf("the database is marked production and %d demo token(s) work in it (ids %s), whose secrets are public: revoke them with `osb token revoke demo` (or one by one: `osb token revoke ID`), then start again",
			len(tokens), strings.Join(ids, ", "))
	}
	users, err := store.DemoPasswordUsers(ctx)
	if err != nil || len(users) == 0 {
		return err
	}
	named := users[:min(len(users), 5)]
	more := ""
	if len(users) > len(named) {
		more = ", …"
	}
	return fmt.Errorf("the database is marked production and %d user(s) still sign in to the console with the demo password, which is public (%s%s): give each their own with `osb user passwd USER`, then start again",
		len(users), strings.Join(named, ", "), more)
}

// demoTokens returns the tokens of the demo that work in the database.
func demoTokens(ctx context.Context, store *postgres.Store) ([]sales.Token, error) {
	return store.DemoTokens(ctx, slices.Collect(maps.Values(demo.Tokens())))
}

// runMarkProduction marks the database at OSB_DATABASE_URL as production
// (migrating it first): from then on the demo is never loaded into it, and
// osb api and osb worker refuse to start while demo tokens or the demo
// console password work in it.
func runMarkProduction(ctx context.Context, cfg Config, log *slog.Logger) error {
	dbURL, _, err := Database(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	store, err := postgres.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer store.Close()
	by := "osb mark-production"
	if u := os.Getenv("USER"); u != "" {
		by += " by " + u
	}
	if err := store.MarkProduction(ctx, by); err != nil {
		return err
	}
	fmt.Printf("database %s is marked production: the demo is never loaded into it, and osb api and osb worker refuse to start while demo tokens or the demo console password work in it\n", Redact(dbURL))
	if err := RefuseDemoInProduction(ctx, store); err != nil {
		fmt.Println("warning: " + err.Error())
	}
	return nil
}
