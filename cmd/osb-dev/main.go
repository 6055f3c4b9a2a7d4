// Command osb-dev is OSB for development: the production commands of cmd/osb
// plus dev, which runs the whole system in one process — an embedded
// Temporal server and Web UI, PostgreSQL (a private cluster under the data
// folder when none answers), migrations, demo data, worker and API — and
// prints where to look. Its migrate and demo commands, too, start the private
// cluster when no database answers.
//
//	osb-dev dev                  everything in one process (what `make run` runs)
//	osb-dev cluster              production-shaped: Temporal on PostgreSQL, osb setup, 2 osb worker and 2 osb api processes
//	osb-dev worker | api         a worker or API process against OSB_TEMPORAL_ADDRESS
//	osb-dev setup                prepare the namespace at OSB_TEMPORAL_ADDRESS (once)
//	osb-dev migrate [status]     apply or show database migrations
//	osb-dev token USER [LABEL]   issue a bearer token for a user (printed once)
//	osb-dev token list [USER]    list tokens: id, user, label, created, expires, last used, revoked
//	osb-dev token revoke ID|demo  revoke a token, or every token of the demo
//	osb-dev demo                 load the demo organisation and tokens (development only)
//	osb-dev mark-production      mark the database as production
//	osb-dev config               print the configuration variables and their defaults
//
// It links the Temporal server and its Web UI, which makes it several times
// the size of osb; production runs cmd/osb.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"osb/devserver/localpg"
	"osb/internal/app"
)

// program is osb-dev: the production commands, dev, and the private cluster.
var program = app.Program{
	Name:    "osb-dev",
	Private: privateDatabase,
	Extra: []app.Command{
		{Name: "dev", Run: runDev},
		{Name: "cluster", Usage: clusterUsage, Run: runCluster},
	},
}

func main() { program.Main() }

// privateDatabase starts the private cluster under the data folder, or uses
// the one already running on OSB_PG_PORT (a test run's, or one left by a
// crash, which started then reports false so it is not stopped by us), and
// returns the URL of its osb database.
func privateDatabase(ctx context.Context, cfg app.Config, log *slog.Logger) (dbURL string, started bool, err error) {
	wasRunning := localpg.Answers(ctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", cfg.PGPort))
	admin, err := localpg.Ensure(ctx, pgOptions(cfg, log))
	if err != nil {
		return "", false, err
	}
	if dbURL, err = localpg.CreateDatabase(ctx, admin, "osb"); err != nil {
		return "", false, err
	}
	return dbURL, !wasRunning, nil
}

// pgOptions places the private cluster in the data folder.
func pgOptions(cfg app.Config, log *slog.Logger) localpg.Options {
	return localpg.Options{DataDir: filepath.Join(cfg.DataDir, "postgres"), Port: cfg.PGPort, Logger: log}
}
