package app

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"osb/demo"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
)

func TestTokenCommandIssuesListsAndRevokesWithoutShowingSecretsAgain(t *testing.T) {
	ctx := context.Background()
	store, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.SaveOrganisation(ctx, demo.Organisation()); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	expires := now.Add(30 * sales.Day)
	run := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := tokenCommand(ctx, store, 30*sales.Day, now, &out, args); err != nil {
			t.Fatalf("osb token %v: %v", args, err)
		}
		return out.String()
	}

	issued := run("fin1", "laptop")
	lines := strings.Split(strings.TrimSpace(issued), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "osb_") || !strings.Contains(lines[0], "works until "+when(&expires)) {
		t.Fatalf("issued:\n%s", issued)
	}
	secret := lines[1]
	if _, err := store.Authenticate(ctx, secret); err != nil {
		t.Fatalf("the issued token does not work: %v", err)
	}
	list, err := store.Tokens(ctx, "fin1")
	if err != nil || len(list) != 1 {
		t.Fatalf("tokens %+v, %v", list, err)
	}
	id := strconv.FormatInt(list[0].ID, 10)

	for _, args := range [][]string{{"list"}, {"list", "fin1"}} {
		out := run(args...)
		if strings.Contains(out, secret) || strings.Contains(out, secret[4:12]) {
			t.Errorf("osb token %v shows the secret:\n%s", args, out)
		}
		for _, want := range []string{"ID", "LAST USED", "REVOKED", id, "fin1", "laptop", when(&expires), "yes"} {
			if !strings.Contains(out, want) {
				t.Errorf("osb token %v lacks %q:\n%s", args, want, out)
			}
		}
	}
	if out := run("list", "log1"); strings.Contains(out, "fin1") {
		t.Errorf("log1's list shows fin1's token:\n%s", out)
	}

	if out := run("revoke", id); !strings.Contains(out, "token "+id+" of fin1 (laptop) revoked") {
		t.Errorf("revoke said %q", out)
	}
	if _, err := store.Authenticate(ctx, secret); sales.ErrorCode(err) != sales.ErrUnauthorized {
		t.Errorf("a revoked token still works: %v", err)
	}
	if out := run("list"); !strings.Contains(out, "no: revoked") {
		t.Errorf("the list does not say the token is revoked:\n%s", out)
	}
	for _, args := range [][]string{{"revoke", "x"}, {"revoke"}, {"revoke", "999999"}, {"nobody"}} {
		if err := tokenCommand(ctx, store, sales.Day, now, &bytes.Buffer{}, args); err == nil {
			t.Errorf("osb token %v succeeded", args)
		}
	}
}

func TestTokenTTLIsDaysOrADuration(t *testing.T) {
	for v, want := range map[string]time.Duration{"": sales.DefaultTokenTTL, "30d": 30 * sales.Day, "12h": 12 * time.Hour, " 7d ": 7 * sales.Day} {
		t.Setenv("OSB_TOKEN_TTL", v)
		cfg, err := loadConfig()
		if err != nil || cfg.TokenTTL != want {
			t.Errorf("OSB_TOKEN_TTL=%q: %s, %v; want %s", v, cfg.TokenTTL, err, want)
		}
	}
	for _, v := range []string{"forever", "0d", "-1d", "30s", "1000d", "d"} {
		t.Setenv("OSB_TOKEN_TTL", v)
		if _, err := loadConfig(); err == nil || !strings.Contains(err.Error(), "OSB_TOKEN_TTL") {
			t.Errorf("OSB_TOKEN_TTL=%q: %v, want it named", v, err)
		}
	}
}
