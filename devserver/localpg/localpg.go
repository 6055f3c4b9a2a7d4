// Package localpg starts a private PostgreSQL cluster from the installed server binaries when no database answers.
//
// The cluster lives in a data folder of the project (or, when the PostgreSQL system user
// cannot reach that folder, in /var/tmp), listens on 127.0.0.1 only with trust
// authentication, and keeps running after the process that started it exits, so later
// runs and parallel test binaries share it.
package localpg

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultPort is the port of the private cluster when Options.Port is zero.
const DefaultPort = 55432

// Timeouts of the steps that wait for the server.
const (
	answerTimeout = 2 * time.Second  // one connection attempt in Answers
	startTimeout  = 60 * time.Second // server start, when ctx has no earlier deadline
)

// Options says where the private cluster lives and how it is reached.
type Options struct {
	DataDir string       // e.g. "<project>/.data/postgres"
	Port    int          // default DefaultPort
	Logger  *slog.Logger // default slog.Default()
}

func (o Options) withDefaults() (Options, error) {
	if o.DataDir == "" {
		return o, errors.New("localpg: Options.DataDir is empty: give the folder that holds the cluster")
	}
	dir, err := filepath.Abs(o.DataDir)
	if err != nil {
		return o, fmt.Errorf("localpg: resolve data folder %q: %w", o.DataDir, err)
	}
	o.DataDir = dir
	if o.Port == 0 {
		o.Port = DefaultPort
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o, nil
}

// adminURL is the URL of the postgres superuser on the cluster's port.
func (o Options) adminURL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", o.Port)
}

// Ensure returns an admin URL of a running cluster, initialising and starting one in
// o.DataDir when nothing answers on o.Port.
func Ensure(ctx context.Context, o Options) (adminURL string, err error) {
	o, err = o.withDefaults()
	if err != nil {
		return "", err
	}
	url := o.adminURL()
	if Answers(ctx, url) {
		o.Logger.Debug("PostgreSQL already answers", "port", o.Port)
		return url, nil
	}
	unlock, err := lockFolder(ctx, o.DataDir)
	if err != nil {
		return "", err
	}
	defer unlock()
	// Another process may have started the cluster while we waited for the lock.
	if Answers(ctx, url) {
		return url, nil
	}
	c, err := newCluster(ctx, o)
	if err != nil {
		return "", err
	}
	if err := c.ensureRunning(ctx); err != nil {
		return "", err
	}
	return url, nil
}

// Stop stops a cluster started in o.DataDir; it does nothing when none runs there.
func Stop(ctx context.Context, o Options) error {
	o, err := o.withDefaults()
	if err != nil {
		return err
	}
	unlock, err := lockFolder(ctx, o.DataDir)
	if err != nil {
		return err
	}
	defer unlock()
	c, err := newCluster(ctx, o)
	if err != nil {
		return err
	}
	return c.stop(ctx)
}

// Answers reports whether a PostgreSQL server accepts a connection at url within a short timeout.
func Answers(ctx context.Context, url string) bool {
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return false
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return conn.Ping(ctx) == nil
}
