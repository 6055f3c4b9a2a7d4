package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"osb/activities"
	"osb/demo"
	"osb/devserver"
	"osb/devserver/localpg"
	"osb/postgres"
	"osb/sales"
	"osb/starter"
	"osb/worker"
	"osb/workflows"
)

// database returns a migrated database URL. When OSB_DATABASE_URL is not set
// and nothing answers at the default, a private cluster is started under the
// data folder (private reports that this call started it, so dev can stop it
// again).
func database(ctx context.Context, cfg config, log *slog.Logger, allowPrivate bool) (dbURL string, private bool, err error) {
	dbURL = cfg.DatabaseURL
	if !localpg.Answers(ctx, dbURL) {
		if cfg.DatabaseURLSet {
			return "", false, fmt.Errorf("PostgreSQL does not answer at OSB_DATABASE_URL (%s): start it, fix the URL, or unset it to let `osb dev` run a private cluster", redact(dbURL))
		}
		if !allowPrivate {
			return "", false, fmt.Errorf("PostgreSQL does not answer at %s: set OSB_DATABASE_URL, or run `osb dev` to start a private cluster", redact(dbURL))
		}
		// A cluster already running (a test run's, or one left by a crash) is
		// used but not stopped by us.
		wasRunning := localpg.Answers(ctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", cfg.PGPort))
		admin, err := localpg.Ensure(ctx, localpg.Options{DataDir: filepath.Join(cfg.DataDir, "postgres"), Port: cfg.PGPort, Logger: log})
		if err != nil {
			return "", false, err
		}
		if dbURL, err = localpg.CreateDatabase(ctx, admin, "osb"); err != nil {
			return "", false, err
		}
		private = !wasRunning
	}
	if err := postgres.Migrate(ctx, dbURL, log); err != nil {
		return "", private, fmt.Errorf("migrating the database failed: %w", err)
	}
	return dbURL, private, nil
}

// dialTemporal connects to a Temporal frontend with the TLS and API key of the
// configuration.
func dialTemporal(ctx context.Context, cfg config, hostPort string, log *slog.Logger) (client.Client, error) {
	opts := client.Options{
		HostPort:  hostPort,
		Namespace: cfg.TemporalNS,
		Logger:    sdklog.NewStructuredLogger(log.With("component", "temporal-client")),
	}
	tlsConf, err := cfg.temporalTLS()
	if err != nil {
		return nil, err
	}
	opts.ConnectionOptions.TLS = tlsConf
	opts.ConnectionOptions.GrpcCompression = devserver.ClientCompression(hostPort)
	if cfg.TemporalAPIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(cfg.TemporalAPIKey)
	}
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	c, err := client.DialContext(dctx, opts)
	if err != nil {
		return nil, fmt.Errorf("cannot reach Temporal at %s (namespace %s): check OSB_TEMPORAL_ADDRESS and its TLS/API key settings: %w", hostPort, cfg.TemporalNS, err)
	}
	return c, nil
}

func (c config) temporalTLS() (*tls.Config, error) {
	if c.TemporalTLSCert == "" && c.TemporalTLSCA == "" && c.TemporalAPIKey == "" {
		return nil, nil
	}
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.TemporalTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(c.TemporalTLSCert, c.TemporalTLSKey)
		if err != nil {
			return nil, fmt.Errorf("cannot load OSB_TEMPORAL_TLS_CERT/OSB_TEMPORAL_TLS_KEY: %w", err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	if c.TemporalTLSCA != "" {
		pem, err := os.ReadFile(c.TemporalTLSCA)
		if err != nil {
			return nil, fmt.Errorf("cannot read OSB_TEMPORAL_TLS_CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("OSB_TEMPORAL_TLS_CA %s holds no PEM certificate", c.TemporalTLSCA)
		}
		conf.RootCAs = pool
	}
	return conf, nil
}

// services are the long-running parts of OSB on one Temporal client and one
// store: any of worker, dispatcher and API.
type services struct {
	cfg      config
	log      *slog.Logger
	client   client.Client
	store    *postgres.Store
	listener net.Listener // nil = no API
	worker   bool
}

// run starts the services and blocks until ctx ends, then stops them in
// order: API first (no new work), then the worker (in-flight tasks finish).
func (s services) run(ctx context.Context) error {
	errc := make(chan error, 2)
	pol, err := s.cfg.policies()
	if err != nil {
		return err
	}
	if s.worker {
		w := worker.New(s.client, &activities.Activities{Store: s.store, Logger: s.log, CreditPolicy: &pol.Credit}, worker.Options{})
		if err := w.Start(); err != nil {
			return fmt.Errorf("starting the worker failed: %w", err)
		}
		defer w.Stop()
		if err := worker.EnsureSchedules(ctx, s.client, worker.Schedules()); err != nil {
			return fmt.Errorf("creating the schedules (quarterly credit review, meeting packs) failed: %w", err)
		}
		d := &activities.Dispatcher{Store: s.store, URL: s.cfg.WebhookURL, Logger: s.log.With("component", "outbox")}
		go d.Run(ctx)
	}
	if s.listener != nil {
		srv := &http.Server{
			Handler:           starter.New(starter.Config{Store: s.store, Orders: starter.NewTemporalOrders(s.client), Policy: pol.Policy, Quota: s.store, Credit: starter.NewTemporalCredit(s.client, s.store, pol.Credit), Reports: starter.NewReports(s.store, s.client), Logger: s.log}),
			ReadHeaderTimeout: 10 * time.Second,
		}
		go func() {
			if err := srv.Serve(s.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("the API stopped: %w", err)
			}
		}()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
	}
	select {
	case <-ctx.Done():
		s.log.Info("shutting down")
		return nil
	case err := <-errc:
		return err
	}
}

// listen opens the API's address early, so a port in use is reported before
// anything else starts.
func listen(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s (OSB_HTTP_ADDR): is another OSB running? stop it or choose another address: %w", addr, err)
	}
	return l, nil
}

// seedDemo loads the demo organisation, its tokens, and for this month and
// the next the quota allocations and POP budgets, so a newcomer's first order
// for a quota-controlled SKU is not held.
func seedDemo(ctx context.Context, store *postgres.Store) error {
	org := demo.Organisation()
	if err := store.SaveOrganisation(ctx, org); err != nil {
		return fmt.Errorf("loading demo data failed: %w", err)
	}
	for user, token := range demo.Tokens() {
		if err := store.SaveToken(ctx, user, "demo", token); err != nil {
			return fmt.Errorf("saving demo token of %s failed: %w", user, err)
		}
	}
	for _, item := range demo.POPItems() {
		if err := store.SavePOPItem(ctx, item); err != nil {
			return fmt.Errorf("saving demo POP item %s failed: %w", item.Code, err)
		}
	}
	now := time.Now()
	for _, month := range []string{sales.PeriodOf(now), sales.PeriodOf(now.AddDate(0, 1, 0))} {
		if err := seedMonth(ctx, store, org, month, now); err != nil {
			return fmt.Errorf("loading demo quota and POP budgets for %s failed: %w", month, err)
		}
	}
	return nil
}

func seedMonth(ctx context.Context, store *postgres.Store, org sales.Organisation, month string, now time.Time) error {
	alloc := func(qty int64) sales.QuotaAllocations {
		var q sales.QuotaAllocations
		for _, s := range org.SKUs {
			if s.Quota {
				q.Allocations = append(q.Allocations, sales.QuotaAllocation{SKU: s.Code, Quantity: qty})
			}
		}
		return q
	}
	for _, m := range org.Markets {
		if err := store.SetMarketQuota(ctx, month, m.Code, alloc(demo.MarketQuota), "admin", now); err != nil {
			return err
		}
		if _, err := store.SetPOPBudget(ctx, month, m.Code, demo.POPBudget, "admin", now); err != nil {
			return err
		}
	}
	for _, c := range org.Customers {
		if err := store.SetCustomerQuota(ctx, month, c.ID, alloc(demo.CustomerQuota), "admin", now); err != nil {
			return err
		}
	}
	return nil
}

func ensureAttributes(ctx context.Context, c client.Client, ns string) error {
	if err := worker.EnsureSearchAttributes(ctx, c, ns, workflows.SearchAttributes()); err != nil {
		return fmt.Errorf("registering search attributes in namespace %s failed: %w", ns, err)
	}
	return nil
}

// redact hides a password in a database URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}
