package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"

	"osb/postgres"
)

// runProcess runs a worker or an API process (or both) against an external
// Temporal: production scales these out.
func runProcess(ctx context.Context, cfg Config, log *slog.Logger, api, work bool) error {
	if cfg.TemporalAddress == "" {
		return errors.New("OSB_TEMPORAL_ADDRESS is not set: point it at your Temporal cluster (or run `make run`, osb-dev dev, for the embedded one)")
	}
	s := Services{Worker: work}
	if api {
		l, err := Listen(cfg.HTTPAddr)
		if err != nil {
			return err
		}
		defer l.Close()
		s.Listener = l
	}
	dbURL, _, err := Database(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	if s.Store, err = OpenStore(ctx, cfg, dbURL); err != nil {
		return err
	}
	defer s.Store.Close()
	if err := RefuseDemoInProduction(ctx, s.Store); err != nil {
		return err
	}
	if s.Client, err = DialTemporal(ctx, cfg, cfg.TemporalAddress, log); err != nil {
		return err
	}
	defer s.Client.Close()
	// The namespace is prepared once by `osb setup`, not by every process:
	// one that is not refuses to start, with an error naming the command.
	if err := CheckNamespace(ctx, s.Client, cfg.TemporalNS); err != nil {
		return err
	}
	if work && !api && cfg.OpsAddr != "" {
		// A busy port costs the operations port, not the worker: the worker
		// runs on, and the error says what to change.
		if ops, err := net.Listen("tcp", cfg.OpsAddr); err != nil {
			log.Error("no operations port (/metrics, /livez, /readyz): choose another OSB_OPS_ADDR, or set it empty", "addr", cfg.OpsAddr, "err", err)
		} else {
			defer ops.Close()
			s.Ops = ops
		}
	}
	log.Info("osb started", "api", api, "worker", work, "temporal", cfg.TemporalAddress, "namespace", cfg.TemporalNS)
	return Serve(ctx, cfg, log, s)
}

func runMigrate(ctx context.Context, cfg Config, log *slog.Logger, private PrivateDatabase, args []string) error {
	if len(args) > 0 && args[0] == "status" {
		cur, pending, err := postgres.MigrationStatus(ctx, cfg.DatabaseURL)
		if err != nil {
			return fmt.Errorf("reading migration status failed: %w", err)
		}
		fmt.Printf("schema version %d, %d pending\n", cur, pending)
		return nil
	}
	dbURL, _, err := Database(ctx, cfg, log, private)
	if err != nil {
		return err
	}
	cur, _, err := postgres.MigrationStatus(ctx, dbURL)
	if err != nil {
		return err
	}
	fmt.Printf("database migrated to version %d\n", cur)
	return nil
}

func runDemo(ctx context.Context, cfg Config, log *slog.Logger, private PrivateDatabase) error {
	dbURL, _, err := Database(ctx, cfg, log, private)
	if err != nil {
		return err
	}
	store, err := postgres.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := SeedDemo(ctx, store); err != nil {
		return err
	}
	fmt.Println("demo organisation, customers, SKUs and tokens loaded")
	return nil
}
