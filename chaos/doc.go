// Package chaos is OSB's fault suite. Orders are placed and driven through
// the HTTP API, as the demo users, to random points of their cycle while
// faults happen: the production `osb worker` (built from cmd/osb, a process
// of its own) is killed with SIGKILL and started again, the embedded
// Temporal server (on a SQLite file) restarts, and PostgreSQL (a cluster
// of the suite's own) stops for a while and people keep acting. Then every
// order is driven to its end and checked: it reached the status its plan
// ends in, no order workflow failed or was terminated, no shipment,
// invoice, receipt, escalation or notification is there twice, the store
// holds what each workflow's record holds, and the outbox delivered every
// notification to a webhook. A summary table says what was done and found;
// anything found fails the test.
//
// The short form (20 orders, PostgreSQL down 20 s, about a minute and a
// half) runs in `make test`; `make chaos` runs the full one (200 orders,
// PostgreSQL down three minutes, six to nine minutes):
//
//	go test -count=1 -v -run '^TestChaos$' -timeout 60m ./chaos/ -chaos.full
//
// Flags after the package: -chaos.orders N, -chaos.pgstop 30s, -chaos.seed N
// (the orders' plans; every run prints its seed), -chaos.keep (keep the
// working folder with the logs and databases; the logs and Temporal's
// database are kept when the suite fails). With make:
//
//	make chaos CHAOS='-chaos.seed=42 -chaos.orders=50'
package chaos
