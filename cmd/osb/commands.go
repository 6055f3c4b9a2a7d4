package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"osb/postgres"
)

// runWorker runs a worker process against an external Temporal: production
// scales these out.
func runWorker(ctx context.Context, cfg config, log *slog.Logger) error {
	return runProcess(ctx, cfg, log, false, true)
}

// runAPI runs an API process against an external Temporal.
func runAPI(ctx context.Context, cfg config, log *slog.Logger) error {
	return runProcess(ctx, cfg, log, true, false)
}

func runProcess(ctx context.Context, cfg config, log *slog.Logger, api, work bool) error {
	if cfg.TemporalAddress == "" {
		return errors.New("OSB_TEMPORAL_ADDRESS is not set: point it at your Temporal cluster (or use `osb dev` for the embedded one)")
	}
	s := services{cfg: cfg, log: log, worker: work}
	if api {
		l, err := listen(cfg.HTTPAddr)
		if err != nil {
			return err
		}
		defer l.Close()
		s.listener = l
	}
	dbURL, _, err := database(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	if s.store, err = postgres.Open(ctx, dbURL); err != nil {
		return err
	}
	defer s.store.Close()
	if s.client, err = dialTemporal(ctx, cfg, cfg.TemporalAddress, log); err != nil {
		return err
	}
	defer s.client.Close()
	if work {
		if err := ensureAttributes(ctx, s.client, cfg.TemporalNS); err != nil {
			return err
		}
	}
	log.Info("osb started", "api", api, "worker", work, "temporal", cfg.TemporalAddress, "namespace", cfg.TemporalNS)
	return s.run(ctx)
}

func runMigrate(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	if len(args) > 0 && args[0] == "status" {
		cur, pending, err := postgres.MigrationStatus(ctx, cfg.DatabaseURL)
		if err != nil {
			return fmt.Errorf("reading migration status failed: %w", err)
		}
		fmt.Printf("schema version %d, %d pending\n", cur, pending)
		return nil
	}
	if _, _, err := database(ctx, cfg, log, true); err != nil {
		return err
	}
	cur, _, err := postgres.MigrationStatus(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	fmt.Printf("database migrated to version %d\n", cur)
	return nil
}

func runToken(ctx context.Context, cfg config, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: osb token USER_ID [LABEL]")
	}
	label := "cli"
	if len(args) > 1 {
		label = args[1]
	}
	store, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.User(ctx, args[0])
	if err != nil {
		return fmt.Errorf("no user %q: %w", args[0], err)
	}
	tok, err := store.CreateToken(ctx, u.ID, label)
	if err != nil {
		return err
	}
	fmt.Printf("token for %s (%s, %s): %s\n", u.ID, u.Name, u.Role, tok)
	return nil
}

func runDemo(ctx context.Context, cfg config, log *slog.Logger) error {
	dbURL, _, err := database(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	store, err := postgres.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := seedDemo(ctx, store); err != nil {
		return err
	}
	fmt.Println("demo organisation, customers, SKUs and tokens loaded")
	return nil
}
