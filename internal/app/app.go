// Package app is the wiring both OSB commands share: it reads the
// configuration from the environment, connects the store and Temporal, and
// runs the worker, the notification outbox and the HTTP API.
//
// cmd/osb, the production binary, runs it as it is; cmd/osb-dev adds the dev
// command (embedded Temporal server and Web UI) and a private PostgreSQL
// cluster for when no database answers. This package imports neither, so the
// production binary links no server.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"osb/metrics"
	"osb/tracing"
)

// Program is one OSB binary: its name, the commands it adds to the production
// ones, and how it gets a database when none answers.
type Program struct {
	Name string // in messages: "osb", "osb-dev"
	// Private starts a private PostgreSQL when none answers at the default
	// URL; nil (the production binary) never starts one.
	Private PrivateDatabase
	Extra   []Command // commands beside the production ones, listed first in the usage
}

// Command is a subcommand of a Program.
type Command struct {
	Name  string
	Usage string // the arguments after the name, e.g. "[status]"
	Run   func(ctx context.Context, cfg Config, log *slog.Logger, args []string) error
}

// Main runs the program with the process's arguments and exits with status 1
// and a one-line message when it fails.
func (p Program) Main() {
	if err := p.Run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", p.Name, err)
		os.Exit(1)
	}
}

// Run reads the configuration and runs the command args name until it ends,
// or until SIGINT or SIGTERM stops it cleanly.
func (p Program) Run(args []string) error {
	cmds := p.commands()
	if len(args) == 0 {
		return p.usage(cmds)
	}
	i := commandIndex(cmds, args[0])
	if i < 0 {
		return p.usage(cmds)
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	if cfg.Metrics {
		cfg.Registry = metrics.New(log)
		defer cfg.Registry.Close()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.Tracing, err = startTracing(ctx, cfg, p.serviceName(args[0]), log); err != nil {
		return err
	}
	if cfg.Tracing != nil {
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := cfg.Tracing.Shutdown(sctx); err != nil {
				log.Warn("the last spans were not exported", "err", err)
			}
		}()
	}
	return cmds[i].Run(ctx, cfg, log, args[1:])
}

// startTracing starts the export of spans when cfg names an OTLP endpoint;
// nil (tracing off, nothing added anywhere) when it does not.
func startTracing(ctx context.Context, cfg Config, service string, log *slog.Logger) (*tracing.Tracing, error) {
	if cfg.TracingEndpoint == "" {
		return nil, nil
	}
	t, err := tracing.Start(ctx, service)
	if err != nil {
		return nil, err
	}
	log.Info("tracing on", "endpoint", cfg.TracingEndpoint, "service", service)
	return t, nil
}

// serviceName names the process in its spans: osb-worker, osb-api, or the
// program's name (osb-dev for dev).
func (p Program) serviceName(command string) string {
	switch command {
	case "worker":
		return tracing.ServiceWorker
	case "api":
		return tracing.ServiceAPI
	}
	return p.Name
}

// commands are the program's extra commands followed by the production ones.
func (p Program) commands() []Command {
	return append(append([]Command(nil), p.Extra...),
		Command{"worker", "", func(ctx context.Context, cfg Config, log *slog.Logger, _ []string) error {
			return runProcess(ctx, cfg, log, false, true)
		}},
		Command{"api", "", func(ctx context.Context, cfg Config, log *slog.Logger, _ []string) error {
			return runProcess(ctx, cfg, log, true, false)
		}},
		Command{"setup", setupUsage, func(ctx context.Context, cfg Config, log *slog.Logger, args []string) error {
			return runSetup(ctx, cfg, log, args)
		}},
		Command{"migrate", "[status]", func(ctx context.Context, cfg Config, log *slog.Logger, args []string) error {
			return runMigrate(ctx, cfg, log, p.Private, args)
		}},
		Command{"token", tokenUsage, func(ctx context.Context, cfg Config, _ *slog.Logger, args []string) error {
			return runToken(ctx, cfg, args)
		}},
		Command{"user", userUsage, func(ctx context.Context, cfg Config, _ *slog.Logger, args []string) error {
			return runUser(ctx, cfg, args, os.Stdin)
		}},
		Command{"demo", "", func(ctx context.Context, cfg Config, log *slog.Logger, _ []string) error {
			return runDemo(ctx, cfg, log, p.Private)
		}},
		Command{"mark-production", "", func(ctx context.Context, cfg Config, log *slog.Logger, _ []string) error {
			return runMarkProduction(ctx, cfg, log)
		}},
		Command{"rebuild", "", func(ctx context.Context, cfg Config, log *slog.Logger, _ []string) error {
			return runRebuild(ctx, cfg, log)
		}},
		Command{"config", "", func(context.Context, Config, *slog.Logger, []string) error {
			printConfig()
			return nil
		}},
	)
}

func commandIndex(cmds []Command, name string) int {
	for i, c := range cmds {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// usage is the error for a missing or unknown command, e.g.
// "usage: osb worker | api | migrate [status] | token USER [LABEL] | demo | config".
func (p Program) usage(cmds []Command) error {
	forms := make([]string, len(cmds))
	for i, c := range cmds {
		forms[i] = strings.TrimSpace(c.Name + " " + c.Usage)
	}
	return errors.New("usage: " + p.Name + " " + strings.Join(forms, " | "))
}

func printConfig() {
	fmt.Println("| Variable | Default | What |")
	fmt.Println("|---|---|---|")
	for _, s := range settings {
		def := "" // an empty default is an empty cell, as in the README
		if s.def != "" {
			def = "`" + s.def + "` "
		}
		fmt.Printf("| `%s` | %s| %s |\n", s.name, def, s.doc)
	}
}
