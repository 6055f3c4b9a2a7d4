package app

import (
	"context"
	"log/slog"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"osb/sales"
)

// runErr runs the production command with env and returns its error, which
// must be one line a person can act on.
func runErr(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	t.Setenv("OSB_DATA_DIR", t.TempDir())
	for k, v := range env {
		t.Setenv(k, v)
	}
	err := Program{Name: "osb"}.Run(args)
	if err == nil {
		t.Fatalf("osb %v succeeded, want an error", args)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || strings.Contains(msg, "goroutine") {
		t.Errorf("error is not one line: %q", msg)
	}
	return msg
}

func TestUnreachableDatabaseURLSaysWhatToDo(t *testing.T) {
	msg := runErr(t, map[string]string{
		"OSB_DATABASE_URL": "postgres://osb:secret@127.0.0.1:1/osb?sslmode=disable",
	}, "migrate")
	if !strings.Contains(msg, "does not answer at OSB_DATABASE_URL") || strings.Contains(msg, "secret") {
		t.Errorf("message %q", msg)
	}
}

func TestProductionStartsNoPrivateDatabase(t *testing.T) {
	for _, cmd := range []string{"migrate", "demo"} {
		msg := runErr(t, map[string]string{"OSB_DATABASE_URL": "", "OSB_PG_PORT": "1"}, cmd)
		if !strings.Contains(msg, "does not answer at postgres://postgres@127.0.0.1:1/osb") || !strings.Contains(msg, "OSB_DATABASE_URL") || !strings.Contains(msg, "make run") {
			t.Errorf("osb %s: message %q", cmd, msg)
		}
	}
}

func TestPortInUseSaysWhatToDo(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	msg := runErr(t, map[string]string{"OSB_HTTP_ADDR": l.Addr().String(), "OSB_TEMPORAL_ADDRESS": "127.0.0.1:1"}, "api")
	if !strings.Contains(msg, "cannot listen on "+l.Addr().String()) || !strings.Contains(msg, "OSB_HTTP_ADDR") {
		t.Errorf("message %q", msg)
	}
}

func TestBadSettingsAreNamed(t *testing.T) {
	msg := runErr(t, map[string]string{"OSB_PG_PORT": "abc", "OSB_LOG_LEVEL": "loud"}, "worker")
	for _, want := range []string{"OSB_PG_PORT", "OSB_LOG_LEVEL"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not name %s", msg, want)
		}
	}
}

func TestWorkerWithoutTemporalAddressSaysWhatToDo(t *testing.T) {
	msg := runErr(t, map[string]string{"OSB_TEMPORAL_ADDRESS": ""}, "worker")
	if !strings.Contains(msg, "OSB_TEMPORAL_ADDRESS") {
		t.Errorf("message %q", msg)
	}
}

func TestUnknownCommandShowsUsage(t *testing.T) {
	msg := runErr(t, nil, "fly")
	if msg != "usage: osb worker | api | setup [-retention 30d] | migrate [status] | token USER [LABEL] | token list [USER] | token revoke ID|demo | user passwd USER | demo | mark-production | rebuild | config" {
		t.Errorf("message %q", msg)
	}
}

func TestExtraCommandRunsWithItsArgumentsAndIsInTheUsage(t *testing.T) {
	t.Setenv("OSB_DATA_DIR", t.TempDir())
	var got []string
	p := Program{Name: "osb-dev", Extra: []Command{{Name: "dev", Usage: "[FLAGS]", Run: func(_ context.Context, _ Config, _ *slog.Logger, args []string) error {
		got = args
		return nil
	}}}}
	if err := p.Run([]string{"dev", "a", "b"}); err != nil || !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("dev ran with %q: %v", got, err)
	}
	if err := p.Run(nil); err == nil || !strings.HasPrefix(err.Error(), "usage: osb-dev dev [FLAGS] | worker | api |") {
		t.Errorf("usage %v", err)
	}
}

func TestConfigTableMatchesTheREADME(t *testing.T) {
	readme := mustRead(t, "../../README.md")
	for _, s := range settings {
		if !strings.Contains(readme, "| `"+s.name+"` |") {
			t.Errorf("README's configuration table lacks %s", s.name)
		}
	}
}

func TestPolicyFileOverridesOrderAndCreditDefaults(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/policy.json"
	if err := os.WriteFile(file, []byte(`{"hold_decision":"6h","credit":{"round_to_fen":500000}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	pol, err := Config{PolicyFile: file}.policies()
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(pol.HoldDecision) != 6*time.Hour || pol.Credit.RoundTo != 500000 {
		t.Errorf("overrides not applied: hold %s, round to %d", time.Duration(pol.HoldDecision), pol.Credit.RoundTo)
	}
	if pol.EscalateEvery != sales.DefaultPolicy().EscalateEvery || pol.Credit.OnTimeDays != sales.DefaultCreditPolicy().OnTimeDays {
		t.Error("defaults not kept for what the file leaves out")
	}
	if err := os.WriteFile(file, []byte(`{"escalate_every":"-1h"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := (Config{PolicyFile: file}).policies(); err == nil || !strings.Contains(err.Error(), "escalate_every") {
		t.Errorf("a bad policy was accepted: %v", err)
	}
}
