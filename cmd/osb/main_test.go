package main

import (
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"osb/sales"
)

// runErr runs the command with env and returns its error, which must be one
// line a person can act on.
func runErr(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	t.Setenv("OSB_DATA_DIR", t.TempDir())
	for k, v := range env {
		t.Setenv(k, v)
	}
	err := run(args)
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
		"OSB_HTTP_ADDR":    "127.0.0.1:0",
	}, "dev")
	if !strings.Contains(msg, "does not answer at OSB_DATABASE_URL") || strings.Contains(msg, "secret") {
		t.Errorf("message %q", msg)
	}
}

func TestPortInUseSaysWhatToDo(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	msg := runErr(t, map[string]string{"OSB_HTTP_ADDR": l.Addr().String()}, "dev")
	if !strings.Contains(msg, "cannot listen on "+l.Addr().String()) || !strings.Contains(msg, "OSB_HTTP_ADDR") {
		t.Errorf("message %q", msg)
	}
}

func TestBadSettingsAreNamed(t *testing.T) {
	msg := runErr(t, map[string]string{"OSB_PG_PORT": "abc", "OSB_LOG_LEVEL": "loud"}, "dev")
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
	if msg := runErr(t, nil, "fly"); !strings.Contains(msg, "usage") {
		t.Errorf("message %q", msg)
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
	pol, err := config{PolicyFile: file}.policies()
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
	if _, err := (config{PolicyFile: file}).policies(); err == nil || !strings.Contains(err.Error(), "escalate_every") {
		t.Errorf("a bad policy was accepted: %v", err)
	}
}
