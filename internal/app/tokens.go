package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"osb/postgres"
	"osb/sales"
)

// tokenUsage is the usage of the token command after its name.
const tokenUsage = "USER [LABEL] | token list [USER] | token revoke ID|demo"

// runToken issues, lists or revokes bearer tokens in the database at
// OSB_DATABASE_URL.
func runToken(ctx context.Context, cfg Config, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: osb token " + tokenUsage)
	}
	store, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer store.Close()
	return tokenCommand(ctx, store, cfg.TokenTTL, time.Now(), os.Stdout, args)
}

// tokenCommand runs `osb token` with args at now, writing to out. A token's
// secret is printed once, when it is issued, and never again.
func tokenCommand(ctx context.Context, store *postgres.Store, ttl time.Duration, now time.Time, out io.Writer, args []string) error {
	switch args[0] {
	case "list":
		if len(args) > 2 {
			return errors.New("usage: osb token list [USER]")
		}
		user := ""
		if len(args) == 2 {
			user = args[1]
		}
		list, err := store.Tokens(ctx, user)
		if err != nil {
			return err
		}
		printTokens(out, list, now)
		return nil
	case "revoke":
		if len(args) != 2 {
			return errors.New("usage: osb token revoke ID (the id that osb token list shows), or osb token revoke demo")
		}
		if args[1] == "demo" {
			return revokeDemoTokens(ctx, store, now, out)
		}
		id, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("%q is not a token id: osb token list shows them", args[1])
		}
		t, err := store.RevokeToken(ctx, id, now)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "token %d of %s (%s) revoked at %s; API processes refuse it within 10 seconds\n",
			t.ID, t.UserID, t.Label, when(t.RevokedAt))
		return nil
	}
	if len(args) > 2 {
		return errors.New("usage: osb token " + tokenUsage)
	}
	label := "cli"
	if len(args) > 1 {
		label = args[1]
	}
	u, err := store.User(ctx, args[0])
	if err != nil {
		return fmt.Errorf("no user %q: %w", args[0], err)
	}
	t, secret, err := store.CreateToken(ctx, u.ID, label, now.Add(ttl))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "token %d for %s (%s, %s), label %s, works until %s (Beijing time; OSB_TOKEN_TTL):\n%s\n"+
		"Keep it now: it is never shown again (only its hash is stored).\n",
		t.ID, u.ID, u.Name, u.Role, t.Label, when(&t.ExpiresAt), secret)
	return nil
}

// revokeDemoTokens revokes every token of the demo that works: those of
// demo users and those whose secret is published in package demo.
func revokeDemoTokens(ctx context.Context, store *postgres.Store, now time.Time, out io.Writer) error {
	tokens, err := demoTokens(ctx, store)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		if _, err := store.RevokeToken(ctx, t.ID, now); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "%d demo token(s) revoked; API processes refuse them within 10 seconds\n", len(tokens))
	return nil
}

// printTokens writes tokens as a table: never a secret, which is not kept.
func printTokens(out io.Writer, list []sales.Token, now time.Time) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tUSER\tLABEL\tCREATED\tEXPIRES\tLAST USED\tREVOKED\tWORKS")
	for _, t := range list {
		works := "yes"
		switch {
		case t.RevokedAt != nil:
			works = "no: revoked"
		case !now.Before(t.ExpiresAt):
			works = "no: expired"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.UserID, t.Label, when(&t.CreatedAt), when(&t.ExpiresAt),
			when(t.LastUsedAt), when(t.RevokedAt), works)
	}
	w.Flush()
}

// when shows a time to people: Beijing time to the minute, "-" for none.
func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.In(sales.Beijing).Format("2006-01-02 15:04")
}
