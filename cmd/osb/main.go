// Command osb is OSB, the sales department's Order–Shipment–Billing process
// engine, as it runs in production: against a Temporal cluster or Temporal
// Cloud and a PostgreSQL that are already there. It embeds no server; for the
// whole system in one process (embedded Temporal + Web UI, private
// PostgreSQL) use cmd/osb-dev.
//
//	osb worker               a worker process (workflows, activities, notification outbox)
//	osb api                  an HTTP API process
//	osb setup [-retention 30d]  prepare the Temporal namespace once: create it
//	                         (self-hosted) and register its search attributes;
//	                         worker and api refuse to start until it has run
//	osb migrate [status]     apply or show database migrations
//	osb token USER [LABEL]   issue a bearer token for a user (printed once)
//	osb token list [USER]    list tokens: id, user, label, created, expires, last used, revoked
//	osb token revoke ID|demo  revoke a token, or every token of the demo
//	osb demo                 load the demo organisation and tokens (development only)
//	osb mark-production      mark the database as production
//	osb config               print the configuration variables and their defaults
package main

import "osb/internal/app"

func main() {
	app.Program{Name: "osb"}.Main()
}
