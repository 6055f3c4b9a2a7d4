package devserver

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// BenchmarkVersioningCost measures what each way of guarding a workflow
// change costs a run (docs/design.md, "Versioning"): the same small
// order-like workflow (two local activities, a signal, a third local
// activity) plain, with one patch (workflow.GetVersion) where it changed,
// and with a code version in its input. It reports workflows/s (run it
// alone: the server's CPU is what limits it on this machine) and, from one
// run's history, its events, search-attribute upserts and version markers.
func BenchmarkVersioningCost(b *testing.B) {
	for _, kind := range []string{"plain", "patched", "input-version"} {
		b.Run(kind, func(b *testing.B) {
			s := startServer(b, Options{DatabaseFile: b.TempDir() + "/t.db"})
			c, _ := connect(b, s)
			w := worker.New(c, testTaskQueue, worker.Options{MaxConcurrentWorkflowTaskPollers: 8})
			w.RegisterWorkflowWithOptions(versionedOrder, workflow.RegisterOptions{Name: "VersionedOrder"})
			if err := w.Start(); err != nil {
				b.Fatal(err)
			}
			defer w.Stop()
			in := versionedInput{Kind: kind}
			if kind == "input-version" {
				in.Code = 1
			}
			// One run first, to count its history.
			if err := runVersioned(b.Context(), c, b.Name()+"/probe", in); err != nil {
				b.Fatal(err)
			}
			events, upserts, markers := countHistory(b, c, b.Name()+"/probe")

			b.ResetTimer()
			start := time.Now()
			sem := make(chan struct{}, benchInFlight)
			errs := make(chan error, b.N)
			var wg sync.WaitGroup
			for i := range b.N {
				sem <- struct{}{}
				wg.Go(func() {
					defer func() { <-sem }()
					errs <- runVersioned(b.Context(), c, fmt.Sprintf("%s/%d", b.Name(), i), in)
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					b.Fatal(err)
				}
			}
			elapsed := time.Since(start)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "workflows/s")
			b.ReportMetric(float64(events), "events/run")
			b.ReportMetric(float64(upserts), "upserts/run")
			b.ReportMetric(float64(markers), "markers/run")
		})
	}
}

type versionedInput struct {
	Kind string `json:"kind"`
	Code int    `json:"code,omitempty"`
}

// versionedOrder takes the changed path after the signal: guarded by a
// patch, by the input's code version, or not at all.
func versionedOrder(ctx workflow.Context, in versionedInput) error {
	ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second})
	step := func() error { return workflow.ExecuteLocalActivity(ctx, noop).Get(ctx, nil) }
	if err := step(); err != nil {
		return err
	}
	workflow.GetSignalChannel(ctx, "go").Receive(ctx, nil)
	changed := true
	switch in.Kind {
	case "patched":
		changed = workflow.GetVersion(ctx, "bench-change", workflow.DefaultVersion, 1) == 1
	case "input-version":
		changed = in.Code >= 1
	}
	if err := step(); err != nil {
		return err
	}
	if changed {
		return step()
	}
	return nil
}

func runVersioned(ctx context.Context, c client.Client, id string, in versionedInput) error {
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: testTaskQueue}, "VersionedOrder", in)
	if err != nil {
		return fmt.Errorf("start %s: %w", id, err)
	}
	if err := c.SignalWorkflow(ctx, id, run.GetRunID(), "go", nil); err != nil {
		return fmt.Errorf("signal %s: %w", id, err)
	}
	return run.Get(ctx, nil)
}

// countHistory counts a run's events, its search-attribute upserts and its
// version markers (local activities record markers of their own).
func countHistory(b *testing.B, c client.Client, id string) (events, upserts, versionMarkers int) {
	b.Helper()
	iter := c.GetWorkflowHistory(b.Context(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		e, err := iter.Next()
		if err != nil {
			b.Fatal(err)
		}
		events++
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
			upserts++
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			if e.GetMarkerRecordedEventAttributes().GetMarkerName() == "Version" {
				versionMarkers++
			}
		}
	}
	return events, upserts, versionMarkers
}
