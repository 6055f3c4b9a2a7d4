// Package devserver runs an embedded Temporal server (SQLite) and its Web UI for development and tests.
package devserver

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/server/temporal"
)

// DefaultRetention keeps closed workflows for 30 days: a remitted order's
// completed workflow stays in the Web UI through its return window (the
// server's own default is a day).
const DefaultRetention = 30 * 24 * time.Hour

// startTimeout bounds how long Start waits for the server when ctx has no deadline.
const startTimeout = time.Minute

// Options configures an embedded Temporal server.
type Options struct {
	IP               string                            // default "127.0.0.1"
	FrontendPort     int                               // 0 = pick a free port
	UIPort           int                               // 0 = no Web UI
	Namespace        string                            // default "default"
	DatabaseFile     string                            // "" = in-memory SQLite; otherwise a file, created with schema on first start, reused after
	SearchAttributes map[string]enums.IndexedValueType // custom search attributes to register in the namespace
	// Postgres, when set, keeps persistence and visibility in PostgreSQL
	// instead of SQLite (DatabaseFile, SearchAttributes and Retention are
	// then unused): the server starts without a namespace, which `osb setup`
	// creates through it, as on a production cluster.
	Postgres *Postgres
	// Retention is how long the namespace keeps a closed workflow (default
	// DefaultRetention); a namespace from an earlier run that keeps less is
	// raised to it.
	Retention time.Duration
	Logger    *slog.Logger // server logs go here at LogLevel; default slog.Default()
	// LogLevel is the minimum level of server logs. The zero value (slog.LevelInfo)
	// means slog.LevelWarn, because the server is too chatty at Info to be useful;
	// use slog.LevelDebug to see everything.
	LogLevel slog.Level

	// pragmas replaces the SQLite pragmas of file mode; nil means filePragmas.
	// The benchmark uses it to compare settings.
	pragmas map[string]string
}

// Server is a running embedded Temporal server, with its Web UI if asked for.
type Server struct {
	server      temporal.Server
	ui          *uiserver.Server
	frontend    string
	uiAddress   string
	namespace   string
	log         *slog.Logger   // the caller's logger at LogLevel
	serverLevel *slog.LevelVar // the level of the server's own logs, by phase
	runLevel    slog.Level
	stopOnce    sync.Once
	// namespaceLater: the server starts without its namespace (Postgres),
	// so start waits for the frontend only.
	namespaceLater bool
}

// Start starts the server and returns once its frontend answers for the namespace.
func Start(ctx context.Context, o Options) (*Server, error) {
	o = o.withDefaults()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, startTimeout)
		defer cancel()
	}
	p, err := choosePorts(o)
	if err != nil {
		return nil, err
	}
	var db databases
	if o.Postgres != nil {
		db, err = preparePostgres(*o.Postgres, slog.New(minLevelHandler{Handler: o.Logger.Handler(), min: o.LogLevel}))
	} else {
		db, err = prepareDatabase(o)
	}
	if err != nil {
		return nil, err
	}
	s := &Server{
		frontend:       hostPort(o.IP, p.frontend),
		namespace:      o.Namespace,
		namespaceLater: o.Postgres != nil,
		log:            slog.New(minLevelHandler{Handler: o.Logger.Handler(), min: o.LogLevel}),
		serverLevel:    new(slog.LevelVar),
		runLevel:       o.LogLevel,
	}
	starting, _ := serverLogLevel(o.LogLevel)
	s.serverLevel.Set(starting)
	serverLog := slog.New(minLevelHandler{Handler: o.Logger.Handler(), min: s.serverLevel})
	if s.server, err = newTemporalServer(o, p, db, serverLog); err != nil {
		return nil, err
	}
	if err := s.server.Start(); err != nil {
		return nil, fmt.Errorf("start temporal server: %w", err)
	}
	if err := s.start(ctx, o); err != nil {
		s.Stop()
		return nil, err
	}
	s.serverLevel.Set(s.runLevel)
	return s, nil
}

// start waits for the frontend, registers search attributes and starts the UI.
func (s *Server) start(ctx context.Context, o Options) error {
	if err := s.ready(ctx, o.SearchAttributes, o.Retention); err != nil {
		return err
	}
	if o.UIPort == 0 {
		return nil
	}
	return s.startUI(ctx, o.IP, o.UIPort)
}

// FrontendAddress returns the host:port to pass to client.Dial.
func (s *Server) FrontendAddress() string { return s.frontend }

// UIAddress returns the Web UI's URL, or "" when the server runs without it.
func (s *Server) UIAddress() string { return s.uiAddress }

// Namespace returns the namespace the server was started with.
func (s *Server) Namespace() string { return s.namespace }

// Stop stops the Web UI and the server; calling it again does nothing.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		_, stopping := serverLogLevel(s.runLevel)
		s.serverLevel.Set(stopping)
		if s.ui != nil {
			s.ui.Stop()
		}
		if err := s.server.Stop(); err != nil {
			s.log.Warn("stop temporal server", "error", err)
		}
	})
}

func (o Options) withDefaults() Options {
	if o.IP == "" {
		o.IP = "127.0.0.1"
	}
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.LogLevel == slog.LevelInfo {
		o.LogLevel = slog.LevelWarn
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}
