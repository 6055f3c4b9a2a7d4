// Command osb runs OSB, the sales department's Order–Shipment–Billing
// process engine.
//
//	osb dev                  everything in one process: embedded Temporal + Web UI,
//	                         PostgreSQL (private cluster if none answers), migrations,
//	                         demo data, worker, API
//	osb worker               a worker process (workflows, activities, notification outbox)
//	osb api                  an HTTP API process
//	osb migrate [status]     apply or show database migrations
//	osb token USER [LABEL]   create a bearer token for a user
//	osb demo                 load the demo organisation and tokens
//	osb config               print the configuration variables and their defaults
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "osb:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage: osb dev | worker | api | migrate [status] | token USER [LABEL] | demo | config")

func run(args []string) error {
	if len(args) == 0 {
		return errUsage
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "dev":
		return runDev(ctx, cfg, log)
	case "worker":
		return runWorker(ctx, cfg, log)
	case "api":
		return runAPI(ctx, cfg, log)
	case "migrate":
		return runMigrate(ctx, cfg, log, args[1:])
	case "token":
		return runToken(ctx, cfg, args[1:])
	case "demo":
		return runDemo(ctx, cfg, log)
	case "config":
		printConfig()
		return nil
	}
	return errUsage
}

func printConfig() {
	fmt.Println("| Variable | Default | What |")
	fmt.Println("|---|---|---|")
	for _, s := range settings {
		fmt.Printf("| `%s` | `%s` | %s |\n", s.name, s.def, s.doc)
	}
}
