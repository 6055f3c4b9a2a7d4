package main

import (
	"net"
	"strings"
	"testing"

	"osb/devserver/localpg"
	"osb/internal/app"
)

// runErr runs osb-dev with env and returns its error, which must be one line
// a person can act on.
func runErr(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	t.Setenv("OSB_DATA_DIR", t.TempDir())
	for k, v := range env {
		t.Setenv(k, v)
	}
	err := program.Run(args)
	if err == nil {
		t.Fatalf("osb-dev %v succeeded, want an error", args)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || strings.Contains(msg, "goroutine") {
		t.Errorf("error is not one line: %q", msg)
	}
	return msg
}

func TestDevWithUnreachableDatabaseURLSaysWhatToDo(t *testing.T) {
	msg := runErr(t, map[string]string{
		"OSB_DATABASE_URL": "postgres://osb:secret@127.0.0.1:1/osb?sslmode=disable",
		"OSB_HTTP_ADDR":    "127.0.0.1:0",
	}, "dev")
	if !strings.Contains(msg, "does not answer at OSB_DATABASE_URL") || strings.Contains(msg, "secret") {
		t.Errorf("message %q", msg)
	}
}

func TestDevWithPortInUseSaysWhatToDo(t *testing.T) {
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

func TestUsageNamesDevAndTheProductionCommands(t *testing.T) {
	if msg := runErr(t, nil); msg != "usage: osb-dev dev | cluster [-workers 2] [-apis 2] [-osb BINARY] [-demo=true] | worker | api | setup [-retention 30d] | migrate [status] | token USER [LABEL] | token list [USER] | token revoke ID|demo | user passwd USER | demo | mark-production | rebuild | config" {
		t.Errorf("message %q", msg)
	}
}

func TestDefaultDatabaseIsThePrivateCluster(t *testing.T) {
	if app.DefaultPGPort != localpg.DefaultPort {
		t.Errorf("the default database URL's port %d is not the private cluster's %d", app.DefaultPGPort, localpg.DefaultPort)
	}
}

func TestClusterRefusesBadFlagsBeforeStartingAnything(t *testing.T) {
	for _, args := range [][]string{{"cluster", "-workers", "0"}, {"cluster", "-apis", "-1"}, {"cluster", "-nodes", "3"}} {
		if msg := runErr(t, nil, args...); !strings.HasPrefix(msg, "usage: osb-dev cluster [-workers 2] [-apis 2]") {
			t.Errorf("osb-dev %v: %q", args, msg)
		}
	}
}
