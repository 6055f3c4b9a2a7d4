package workflows

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// packWorld is a fake pack activity: it fails a number of times first, then
// records what it was asked and when.
type packWorld struct {
	mu       sync.Mutex
	now      func() time.Time // the test environment's clock
	failures int
	calls    []GeneratePackInput
	at       []time.Time
}

func (p *packWorld) generate(_ context.Context, in GeneratePackInput) (sales.PackRecord, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.at = append(p.at, p.now())
	if p.failures > 0 {
		p.failures--
		return sales.PackRecord{}, errors.New("connection refused")
	}
	p.calls = append(p.calls, in)
	return sales.PackRecord{ID: 7, Kind: in.Kind, Month: in.Month, GeneratedAt: in.GeneratedAt,
		WorkflowID: in.WorkflowID, RunID: in.RunID}, nil
}

func packEnv(t *testing.T, w *packWorld, start time.Time) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(MeetingPack, workflow.RegisterOptions{Name: MeetingPackWorkflowName})
	GenerateMeetingPack.Register(env, w.generate)
	env.SetStartTime(start)
	w.now = env.Now
	return env
}

func TestAScheduledPackIsForTheMonthBefore(t *testing.T) {
	w := &packWorld{}
	// 09:00 on 5 April in Beijing is still 4 April in UTC: the month is Beijing's.
	env := packEnv(t, w, time.Date(2026, 4, 5, 1, 0, 0, 0, time.UTC))
	env.ExecuteWorkflow(MeetingPackWorkflowName, MeetingPackInput{Kind: sales.PackSLT})
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("workflow: %v", env.GetWorkflowError())
	}
	var rec sales.PackRecord
	if err := env.GetWorkflowResult(&rec); err != nil {
		t.Fatal(err)
	}
	if len(w.calls) != 1 || w.calls[0].Month != "2026-03" || w.calls[0].Kind != sales.PackSLT ||
		w.calls[0].OverdueAfterDays != sales.DefaultProblemOverdueDays || rec.Month != "2026-03" || w.calls[0].WorkflowID == "" {
		t.Errorf("generated %+v, result %+v", w.calls, rec)
	}
}

func TestAPackLateOnItsScheduleIsStillForTheScheduledMonth(t *testing.T) {
	w := &packWorld{}
	// The server was down over the 1st: the run of 8 January starts on 2 February.
	env := packEnv(t, w, time.Date(2026, 2, 2, 3, 0, 0, 0, time.UTC))
	env.SetTypedSearchAttributesOnStart(temporal.NewSearchAttributes(
		scheduledStart.ValueSet(time.Date(2026, 1, 8, 1, 0, 0, 0, time.UTC))))
	env.ExecuteWorkflow(MeetingPackWorkflowName, MeetingPackInput{Kind: sales.PackSSG})
	if env.GetWorkflowError() != nil {
		t.Fatal(env.GetWorkflowError())
	}
	if len(w.calls) != 1 || w.calls[0].Month != "2025-12" {
		t.Errorf("generated %+v, want December 2025", w.calls)
	}
}

func TestAFailingPackIsRetriedWithBackoffUntilItIsStored(t *testing.T) {
	w := &packWorld{failures: 3}
	start := time.Date(2026, 6, 5, 1, 0, 0, 0, time.UTC)
	env := packEnv(t, w, start)
	env.ExecuteWorkflow(MeetingPackWorkflowName, MeetingPackInput{Kind: sales.PackSLT, Month: "2026-05", OverdueAfterDays: 30, RequestedBy: "gm"})
	if env.GetWorkflowError() != nil {
		t.Fatal(env.GetWorkflowError())
	}
	if len(w.at) != 4 || len(w.calls) != 1 || w.calls[0].Month != "2026-05" || w.calls[0].OverdueAfterDays != 30 {
		t.Fatalf("attempts at %v, calls %+v", w.at, w.calls)
	}
	// One, two and four minutes between the attempts, skipped in the test.
	for i, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		if got := w.at[i+1].Sub(w.at[i]); got < want {
			t.Errorf("attempt %d came %s after the one before, want at least %s", i+2, got, want)
		}
	}
	if !w.calls[0].GeneratedAt.Equal(start) {
		t.Errorf("generated at %s, want the run's start %s", w.calls[0].GeneratedAt, start)
	}
}

func TestThePacksMemoNamesKindAndMonth(t *testing.T) {
	w := &packWorld{}
	env := packEnv(t, w, time.Date(2026, 9, 8, 1, 0, 0, 0, time.UTC))
	env.OnUpsertMemo(map[string]any{"kind": "ssg", "month": "2026-08", "requested_by": "schedule"}).Return(nil).Once()
	env.ExecuteWorkflow(MeetingPackWorkflowName, MeetingPackInput{Kind: sales.PackSSG})
	if env.GetWorkflowError() != nil {
		t.Fatal(env.GetWorkflowError())
	}
	env.AssertExpectations(t)
}

func TestABadPackRequestFailsAtOnce(t *testing.T) {
	w := &packWorld{}
	env := packEnv(t, w, time.Date(2026, 9, 8, 1, 0, 0, 0, time.UTC))
	env.ExecuteWorkflow(MeetingPackWorkflowName, MeetingPackInput{Kind: "board", Month: "2026-13"})
	var app *temporal.ApplicationError
	if err := env.GetWorkflowError(); !errors.As(err, &app) || app.Type() != sales.ErrInvalid || !app.NonRetryable() {
		t.Fatalf("workflow error %v, want a non-retryable invalid error", err)
	}
	if len(w.at) != 0 {
		t.Errorf("the activity ran %d times", len(w.at))
	}
}
