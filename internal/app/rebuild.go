package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"

	"osb/postgres"
	"osb/projection"
)

// runRebuild rewrites the store's record of every order Temporal has
// (running, or closed within retention) from its workflow, idempotently,
// and prints what it changed as JSON: after PostgreSQL was restored from a
// backup. Without OSB_TEMPORAL_ADDRESS it asks the development server on
// this host (osb-dev dev).
func runRebuild(ctx context.Context, cfg Config, log *slog.Logger) error {
	store, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer store.Close()
	addr := cfg.TemporalAddress
	if addr == "" {
		addr = fmt.Sprintf("127.0.0.1:%d", cfg.TemporalPort)
	}
	c, err := DialTemporal(ctx, cfg, addr, log)
	if err != nil {
		return err
	}
	defer c.Close()
	rep, err := projection.Rebuild(ctx, projection.Temporal{Client: c, Namespace: cfg.TemporalNS}, store, log)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return err
	}
	if len(rep.Failed) > 0 {
		return fmt.Errorf("%d of %d orders could not be rebuilt (listed under failed)", len(rep.Failed), rep.Orders)
	}
	return nil
}
