package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"osb/demo"
	"osb/devserver"
	"osb/devserver/localpg"
	"osb/internal/app"
	"osb/workflows"
)

// runDev brings up the whole system in one process and prints where to look.
func runDev(ctx context.Context, cfg app.Config, log *slog.Logger, _ []string) error {
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("cannot create the data folder %s (OSB_DATA_DIR): %w", cfg.DataDir, err)
	}
	listener, err := app.Listen(cfg.HTTPAddr)
	if err != nil {
		return err
	}
	defer listener.Close()

	dbURL, started, err := app.Database(ctx, cfg, log, privateDatabase)
	if err != nil {
		return err
	}
	if started {
		defer func() {
			if err := localpg.Stop(context.Background(), pgOptions(cfg, log)); err != nil {
				log.Warn("stopping the private PostgreSQL failed", "error", err)
			}
		}()
	}
	store, err := app.OpenStore(ctx, cfg, dbURL)
	if err != nil {
		return err
	}
	defer store.Close()
	if cfg.Demo {
		if err := app.SeedDemo(ctx, store); err != nil {
			return err
		}
	}
	if err := app.RefuseDemoInProduction(ctx, store); err != nil {
		return err
	}

	hostPort, uiURL := cfg.TemporalAddress, ""
	if hostPort == "" {
		srv, err := devserver.Start(ctx, devserver.Options{
			FrontendPort: cfg.TemporalPort, UIPort: cfg.UIPort, Namespace: cfg.TemporalNS,
			DatabaseFile:     filepath.Join(cfg.DataDir, "temporal.db"),
			SearchAttributes: workflows.SearchAttributes(),
			Logger:           log.With("component", "temporal"),
		})
		if err != nil {
			return err
		}
		defer srv.Stop()
		hostPort, uiURL = srv.FrontendAddress(), srv.UIAddress()
	}
	c, err := app.DialTemporal(ctx, cfg, hostPort, log)
	if err != nil {
		return err
	}
	defer c.Close()
	// The same step as `osb setup`: the embedded server has the namespace
	// and its attributes already, an external one may not.
	if err := app.Setup(ctx, c, app.SetupOptions{Namespace: cfg.TemporalNS, Retention: app.DefaultRetention, Cloud: cfg.TemporalCloud()}, log); err != nil {
		return err
	}

	if cfg.TemporalUIURL == "" {
		cfg.TemporalUIURL = uiURL // the console links orders to the embedded Web UI
	}
	cfg.DevCookies()
	printWelcome(cfg, hostPort, uiURL, app.Redact(dbURL), listener.Addr().String())
	return app.Serve(ctx, cfg, log, app.Services{Client: c, Store: store, Listener: listener, Worker: true})
}

func printWelcome(cfg app.Config, temporal, ui, db, api string) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nOSB is running. Ctrl-C stops everything; the next run resumes with all data.\n\n")
	fmt.Fprintf(&b, "  Console        http://%s/", api)
	if cfg.Demo {
		fmt.Fprintf(&b, "   (sign in as ssg-lead, dsd, log1, fin1, kam-huadong-1, … with the demo password %s)", demo.Password)
	}
	fmt.Fprintf(&b, "\n  API            http://%s/v1   (OpenAPI: http://%s/openapi.json, health: /healthz)\n", api, api)
	if ui != "" {
		fmt.Fprintf(&b, "  Temporal Web UI %s/namespaces/%s/workflows\n", ui, cfg.TemporalNS)
	}
	fmt.Fprintf(&b, "  Temporal       %s (namespace %s)\n", temporal, cfg.TemporalNS)
	fmt.Fprintf(&b, "  PostgreSQL     %s\n", db)
	fmt.Fprintf(&b, "  Data folder    %s\n", cfg.DataDir)
	if cfg.Demo {
		fmt.Fprintf(&b, "\nDemo tokens (dev only; every demo user has one, e.g. demo-kam-huadong-2):\n")
		tokens := demo.Tokens()
		for _, u := range []struct{ id, what string }{
			{"ssg-lead", "SSG leader: places orders, follows everything"},
			{"kam-huadong-1", "KAM of 华东 (FSF): sees only their customers"},
			{"log1", "Logistics: acknowledge, goods issue, delivery"},
			{"fin1", "Finance: receipts"},
			{"dsd", "Deputy Sales Director (SLT): holds, extensions"},
			{"gm", "General Manager (SLT)"},
			{"admin", "administrator"},
		} {
			fmt.Fprintf(&b, "  %-32s %s\n", tokens[u.id], u.what)
		}
		fmt.Fprintf(&b, "\nPlace an order as the SSG:\n  curl -s -H 'Authorization: Bearer %s' -d '{\"customer_id\":\"C001\",\"lines\":[{\"sku\":\"SKU-1001\",\"quantity\":10,\"unit_price_fen\":%d}]}' http://%s/v1/orders\n",
			tokens["ssg-lead"], demoPrice("SKU-1001"), api)
	} else {
		fmt.Fprintf(&b, "\nNo demo data was loaded: OSB_DEMO=true (what `make run` sets) or `osb-dev demo` loads it.\n")
	}
	fmt.Println(b.String())
}

func demoPrice(code string) int64 {
	for _, s := range demo.Organisation().SKUs {
		if s.Code == code {
			return int64(s.ListPrice)
		}
	}
	return 0
}
