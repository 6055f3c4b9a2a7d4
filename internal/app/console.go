package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"

	"golang.org/x/term"

	"osb/console"
	"osb/demo"
	"osb/postgres"
)

// newConsole is the console on store, as the configuration sets it up.
func newConsole(cfg Config, pol policies, store *postgres.Store, api http.Handler, log *slog.Logger) http.Handler {
	policies := console.Policies{Order: pol.Policy, Credit: pol.Credit, Cash: pol.Cash}
	tasks := append(console.DefaultTasks(store, policies), console.QueuedStatementLines{Store: store}, console.PlanWork{Store: store})
	return console.New(console.Config{Store: store, API: api, SecureCookies: cfg.CookieSecure, Tasks: tasks,
		Policies:      policies,
		TemporalUIURL: cfg.TemporalUIURL, TemporalNamespace: cfg.TemporalNS, Logger: log.With("component", "console")})
}

// frontDoor sends the JSON API's paths (/v1, /healthz, /openapi.json) to
// api, untouched, /codec/ to the payload codec when there is one (nil: no
// keys), and every other path to the console. metrics.Front, in front of
// it, answers /metrics, /livez and /readyz.
func frontDoor(api, con, codecAPI http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "/v1" || strings.HasPrefix(p, "/v1/") || p == "/healthz" || p == "/openapi.json" {
			api.ServeHTTP(w, r)
			return
		}
		if codecAPI != nil && strings.HasPrefix(p, "/codec/") {
			codecAPI.ServeHTTP(w, r)
			return
		}
		con.ServeHTTP(w, r)
	})
}

// DevCookies turns the console's Secure cookies off for development on a
// loopback address over plain http, unless OSB_COOKIE_SECURE chose.
func (c *Config) DevCookies() {
	if c.CookieSecureSet {
		return
	}
	host, _, err := net.SplitHostPort(c.HTTPAddr)
	if err != nil {
		return
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		c.CookieSecure = false
	}
}

// userUsage is the usage of the user command after its name.
const userUsage = "passwd USER"

// runUser sets a user's console password, read from a prompt on a terminal
// (twice) or else from the first line of standard input.
func runUser(ctx context.Context, cfg Config, args []string, stdin io.Reader) error {
	if len(args) != 2 || args[0] != "passwd" {
		return errors.New("usage: osb user " + userUsage + " (the password is read from a prompt or standard input)")
	}
	store, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.User(ctx, args[1])
	if err != nil {
		return fmt.Errorf("no user %q: %w", args[1], err)
	}
	password, err := readPassword(stdin, u.ID)
	if err != nil {
		return err
	}
	hash, err := console.HashPassword(password)
	if err != nil {
		return err
	}
	if err := store.SetPassword(ctx, u.ID, hash, "osb user passwd"); err != nil {
		return err
	}
	fmt.Printf("password of %s (%s, %s) set; their console sessions ended\n", u.ID, u.Name, u.Role)
	return nil
}

// readPassword asks for a password twice on a terminal, or reads the first
// line of stdin.
func readPassword(stdin io.Reader, userID string) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(os.Stderr, "New password for %s: ", userID)
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(os.Stderr, "Again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", err
		}
		if string(first) != string(second) {
			return "", errors.New("the two passwords differ; nothing changed")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// seedDemoPasswords gives the demo users without a password the demo's
// (demo.Password), hashing it once for all of them.
func seedDemoPasswords(ctx context.Context, store *postgres.Store) error {
	var ids []string
	for _, u := range demo.Organisation().Users {
		ids = append(ids, u.ID)
	}
	missing, err := store.DemoUsersWithoutPassword(ctx, ids)
	if err != nil || len(missing) == 0 {
		return err
	}
	hash, err := console.HashPassword(demo.Password)
	if err != nil {
		return err
	}
	_, err = store.SeedDemoPasswords(ctx, missing, hash)
	return err
}
