package devserver

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// benchInFlight bounds how many workflows the benchmark runs at once.
const benchInFlight = 50

// BenchmarkWorkflowThroughput completes b.N small order-like workflows against
// each storage mode and reports completed workflows per second.
func BenchmarkWorkflowThroughput(b *testing.B) {
	modes := []struct {
		name string
		opts func(dir string) Options
	}{
		{"memory", func(string) Options { return Options{} }},
		{"file", func(dir string) Options {
			return Options{DatabaseFile: filepath.Join(dir, "t.db")}
		}},
		{"file-default-pragmas", func(dir string) Options {
			return Options{DatabaseFile: filepath.Join(dir, "t.db"), pragmas: map[string]string{}}
		}},
		{"file-wal-full", func(dir string) Options {
			return Options{DatabaseFile: filepath.Join(dir, "t.db"),
				pragmas: map[string]string{"journal_mode": "wal", "synchronous": "full"}}
		}},
	}
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			s := startServer(b, m.opts(b.TempDir()))
			c, _ := connect(b, s)
			// With the SDK's default of 2 pollers per task type the worker, not
			// the server, limits throughput.
			w := worker.New(c, testTaskQueue, worker.Options{
				MaxConcurrentWorkflowTaskPollers: 8,
				MaxConcurrentActivityTaskPollers: 8,
			})
			w.RegisterWorkflow(benchOrder)
			w.RegisterActivity(noop)
			if err := w.Start(); err != nil {
				b.Fatal(err)
			}
			defer w.Stop()

			b.ResetTimer()
			start := time.Now()
			if err := runOrders(b.Context(), c, b.Name(), b.N); err != nil {
				b.Fatal(err)
			}
			elapsed := time.Since(start)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "workflows/s")
		})
	}
}

// benchOrder runs an activity, waits for the "go" signal, runs another activity.
func benchOrder(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	if err := workflow.ExecuteActivity(ctx, noop).Get(ctx, nil); err != nil {
		return err
	}
	workflow.GetSignalChannel(ctx, "go").Receive(ctx, nil)
	return workflow.ExecuteActivity(ctx, noop).Get(ctx, nil)
}

func noop(context.Context) error { return nil }

// runOrders starts, signals and awaits n benchOrder workflows, benchInFlight at a time.
func runOrders(ctx context.Context, c client.Client, prefix string, n int) error {
	sem := make(chan struct{}, benchInFlight)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs <- runOrder(ctx, c, fmt.Sprintf("%s/%d", prefix, i))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func runOrder(ctx context.Context, c client.Client, id string) error {
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: testTaskQueue}, benchOrder)
	if err != nil {
		return fmt.Errorf("start %s: %w", id, err)
	}
	if err := c.SignalWorkflow(ctx, id, run.GetRunID(), "go", nil); err != nil {
		return fmt.Errorf("signal %s: %w", id, err)
	}
	if err := run.Get(ctx, nil); err != nil {
		return fmt.Errorf("await %s: %w", id, err)
	}
	return nil
}
