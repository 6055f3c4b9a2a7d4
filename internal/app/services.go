package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"go.temporal.io/sdk/client"

	"osb/activities"
	"osb/codec"
	"osb/documents"
	"osb/metrics"
	"osb/postgres"
	"osb/sales"
	"osb/starter"
	"osb/tracing"
	"osb/worker"
)

// Services are the long-running parts of OSB on one Temporal client and one
// store: the worker with the notification outbox, the HTTP API, or both.
type Services struct {
	Client   client.Client
	Store    *postgres.Store
	Listener net.Listener // where the API serves; nil = no API
	Worker   bool         // run the worker and the outbox dispatcher
	Ops      net.Listener // the worker's operations port (/metrics, /livez, /readyz); nil = none
}

// outbox is the dispatcher that delivers the notification outbox to
// OSB_WEBHOOK_URL, each request signed with OSB_WEBHOOK_SECRET.
func outbox(cfg Config, store activities.OutboxStore, log *slog.Logger) *activities.Dispatcher {
	return &activities.Dispatcher{Store: store, URL: cfg.WebhookURL, SigningSecret: cfg.WebhookSecret, Logger: log.With("component", "outbox")}
}

// Serve starts the services and blocks until ctx ends, then stops them in
// order: API first (no new work), then the worker (in-flight tasks finish).
func Serve(ctx context.Context, cfg Config, log *slog.Logger, s Services) error {
	errc := make(chan error, 3)
	pol, err := cfg.policies()
	if err != nil {
		return err
	}
	if s.Worker {
		statements := &activities.BankStatements{Store: s.Store, Receipts: starter.NewTemporalCash(s.Client, s.Store, pol.Cash, nil)}
		w := worker.New(s.Client, &activities.Activities{Store: s.Store, Logger: log, CreditPolicy: &pol.Credit,
			Orders: starter.NewTemporalOrders(s.Client), Statements: statements}, worker.Options{})
		if err := w.Start(); err != nil {
			return fmt.Errorf("starting the worker failed: %w", err)
		}
		defer w.Stop()
		if s.Ops != nil {
			stop := serveOps(cfg, s, log, errc)
			defer stop()
		}
		if err := worker.EnsureSchedules(ctx, s.Client, worker.Schedules()); err != nil {
			return fmt.Errorf("creating the schedules (quarterly credit review, meeting packs) failed: %w", err)
		}
		go outbox(cfg, s.Store, log).Run(ctx)
	}
	if s.Listener != nil {
		var httpMetrics func(http.Handler) http.Handler
		if cfg.Registry != nil {
			httpMetrics = cfg.Registry.HTTP
			cfg.Registry.Business(s.Store, log)
		}
		if cfg.Tracing != nil { // the span takes the route's name inside the router
			httpMetrics = inRouter(httpMetrics, tracing.Route)
		}
		statements := starter.NewTemporalStatements(s.Client, s.Store, starter.NewTemporalCash(s.Client, s.Store, pol.Cash, nil))
		api := starter.New(starter.Config{Store: s.Store, Orders: starter.NewTemporalOrders(s.Client), Policy: pol.Policy, Quota: s.Store,
			Credit: starter.NewTemporalCredit(s.Client, s.Store, pol.Credit), Reports: starter.NewReports(s.Store, s.Client), Logger: log, Statements: statements,
			Calendar: s.Store, Visits: s.Store, VisitPolicy: pol.Visits,
			MasterData: s.Store, RefreshLadders: starter.NewLadderRefresher(s.Client).RefreshLadders,
			Cash:      starter.NewTemporalCash(s.Client, s.Store, pol.Cash, nil),
			Documents: starter.NewDocuments(s.Store, documents.NewPDF(os.Getenv(documents.FontEnv))), // "": documents.DefaultFont
			Invoices:  s.Store,
			Metrics:   httpMetrics})
		var codecAPI http.Handler
		if cfg.Codec != nil {
			codecAPI = codec.Handler(cfg.Codec, s.Store, cfg.CodecCORSOrigin, log.With("component", "codec"))
		}
		scrapers := starter.Guard(s.Store, sales.PermReadMetrics, log)
		srv := &http.Server{Handler: metrics.Front(cfg.Registry, scrapers, frontDoor(api, newConsole(cfg, pol, s.Store, api, log), codecAPI),
			readiness(s, false)...)}
		if cfg.Tracing != nil {
			srv.Handler = cfg.Tracing.HTTP(srv.Handler)
		}
		limitServer(srv)
		go func() {
			if err := srv.Serve(s.Listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
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
		log.Info("shutting down")
		return nil
	case err := <-errc:
		return err
	}
}

// inRouter chains the API's in-router middleware: outer (nil: none), then
// inner.
func inRouter(outer, inner func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	if outer == nil {
		return inner
	}
	return func(next http.Handler) http.Handler { return outer(inner(next)) }
}

// readiness are the checks of /readyz: the store (for the API) and Temporal
// answer.
func readiness(s Services, workerOnly bool) []metrics.Check {
	temporal := metrics.Check{Name: "temporal", Run: func(ctx context.Context) error {
		_, err := s.Client.CheckHealth(ctx, &client.CheckHealthRequest{})
		return err
	}}
	if workerOnly {
		return []metrics.Check{temporal}
	}
	return []metrics.Check{{Name: "store", Run: s.Store.Ping}, temporal}
}

// serveOps serves the worker's operations port on s.Ops, once the worker
// has started: /metrics, /livez, and /readyz while Temporal answers.
func serveOps(cfg Config, s Services, log *slog.Logger, errc chan<- error) (stop func()) {
	reg := cfg.Registry
	if reg == nil {
		reg = metrics.New(log) // metrics off: an empty /metrics, health still answers
	}
	srv := &http.Server{Handler: reg.Ops(readiness(s, true)...)}
	limitServer(srv)
	go func() {
		if err := srv.Serve(s.Ops); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("the operations port stopped: %w", err)
		}
	}()
	log.Info("operations port", "addr", s.Ops.Addr().String())
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}
}
