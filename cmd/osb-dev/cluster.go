package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"osb/cluster"
	"osb/internal/app"
)

const clusterUsage = "[-workers 2] [-apis 2] [-osb BINARY] [-demo=true]"

// runCluster runs OSB in its production shape on this machine: Temporal on
// PostgreSQL, `osb setup`, two `osb worker` and two `osb api` processes of
// the production binary, until Ctrl-C.
func runCluster(ctx context.Context, cfg app.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("cluster", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	workers := fs.Int("workers", 2, "osb worker processes")
	apis := fs.Int("apis", 2, "osb api processes")
	bin := fs.String("osb", "", "the production binary; empty builds ./cmd/osb")
	demo := fs.Bool("demo", true, "load the demo organisation and tokens (development only)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("usage: osb-dev cluster %s: %w", clusterUsage, err)
	}
	if *workers < 1 || *apis < 1 {
		return fmt.Errorf("usage: osb-dev cluster %s: at least one worker and one API process", clusterUsage)
	}
	env := []string(nil)
	if !cfg.CookieSecureSet {
		env = append(env, "OSB_COOKIE_SECURE=false") // the console over http on 127.0.0.1
	}
	o := cluster.Options{
		Dir:          filepath.Join(cfg.DataDir, "cluster"),
		PGDir:        filepath.Join(cfg.DataDir, "postgres"),
		PGPort:       cfg.PGPort,
		Workers:      *workers,
		APIs:         *apis,
		Binary:       *bin,
		Namespace:    cfg.TemporalNS,
		Demo:         *demo,
		TemporalPort: cfg.TemporalPort, UIPort: cfg.UIPort,
		Env: env,
		Log: log,
	}
	c, err := cluster.Start(ctx, o)
	if err != nil {
		return err
	}
	defer c.Stop()
	c.Describe(os.Stdout)
	<-ctx.Done()
	fmt.Println("\nstopping the processes, Temporal and PostgreSQL …")
	return nil
}
