package workflows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// accountStatementWorld is a fake statements activity over customers with
// activity: it keeps the first statement of each customer and month, and
// fails a number of times first.
type accountStatementWorld struct {
	mu        sync.Mutex
	customers []string
	kept      map[string]time.Time // customer/month → generated at
	failures  int
	calls     []CustomerStatementBatch
}

func (w *accountStatementWorld) generate(_ context.Context, in CustomerStatementBatch) (CustomerStatementBatchResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, in)
	if w.failures > 0 {
		w.failures--
		return CustomerStatementBatchResult{}, errors.New("connection refused")
	}
	var out CustomerStatementBatchResult
	for _, c := range w.customers {
		if c <= in.After || len(out.Customers) == in.Limit {
			continue
		}
		out.Customers = append(out.Customers, c)
		key := c + "/" + in.Month
		if _, ok := w.kept[key]; ok {
			out.KeptFirst++
			continue
		}
		w.kept[key] = in.At
		out.Generated++
	}
	out.More = len(out.Customers) == in.Limit
	return out, nil
}

func accountStatementEnv(t *testing.T, w *accountStatementWorld, start time.Time) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(MonthlyStatements, workflow.RegisterOptions{Name: MonthlyStatementsWorkflowName})
	GenerateCustomerStatements.Register(env, w.generate)
	env.SetStartTime(start)
	return env
}

func runAccountStatements(t *testing.T, env *testsuite.TestWorkflowEnvironment, in MonthlyStatementsInput) MonthlyStatementsResult {
	t.Helper()
	env.ExecuteWorkflow(MonthlyStatementsWorkflowName, in)
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("workflow: %v", env.GetWorkflowError())
	}
	var res MonthlyStatementsResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

func TestMonthlyStatementsCoverEveryCustomerInBatchesOnce(t *testing.T) {
	w := &accountStatementWorld{customers: []string{"C1", "C2", "C3", "C4", "C5", "C6", "C7"}, kept: map[string]time.Time{}, failures: 2}
	// 00:30 on 1 December in Beijing is still 30 November in UTC: the month
	// before is Beijing's November.
	start := time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC)
	res := runAccountStatements(t, accountStatementEnv(t, w, start), MonthlyStatementsInput{BatchOf: 3})
	if want := (MonthlyStatementsResult{Month: "2026-11", Customers: 7, Generated: 7}); res != want {
		t.Fatalf("result %+v, want %+v", res, want)
	}
	var afters []string
	for _, c := range w.calls[2:] { // two failed attempts first, retried
		afters = append(afters, c.After)
		if c.Month != "2026-11" || c.Limit != 3 || !c.At.Equal(start) {
			t.Errorf("batch %+v", c)
		}
	}
	if want := []string{"", "C3", "C6"}; !slices.Equal(afters, want) {
		t.Errorf("batches after %v, want %v", afters, want)
	}
	if len(w.kept) != 7 {
		t.Errorf("kept %d statements, want 7", len(w.kept))
	}

	// The same month again (a second run of the schedule, or on demand)
	// generates nothing: every statement stays as first kept.
	again := runAccountStatements(t, accountStatementEnv(t, w, start.Add(time.Hour)), MonthlyStatementsInput{Month: "2026-11"})
	if want := (MonthlyStatementsResult{Month: "2026-11", Customers: 7, KeptFirst: 7}); again != want {
		t.Errorf("again %+v, want %+v", again, want)
	}
	for k, at := range w.kept {
		if !at.Equal(start) {
			t.Errorf("%s was generated again at %s", k, at)
		}
	}
}

func TestMonthlyStatementsRefuseABadMonth(t *testing.T) {
	w := &accountStatementWorld{kept: map[string]time.Time{}}
	env := accountStatementEnv(t, w, time.Date(2026, 12, 1, 0, 0, 0, 0, sales.Beijing))
	env.ExecuteWorkflow(MonthlyStatementsWorkflowName, MonthlyStatementsInput{Month: "2026-13"})
	if err := env.GetWorkflowError(); err == nil || len(w.calls) != 0 {
		t.Fatalf("a bad month: %v, %d batches", err, len(w.calls))
	}
}

func TestMonthlyStatementsContinueAsNewWithTheirTotals(t *testing.T) {
	w := &accountStatementWorld{kept: map[string]time.Time{}}
	for i := 1; i <= statementBatchesPerRun+5; i++ {
		w.customers = append(w.customers, fmt.Sprintf("C%04d", i))
	}
	in := MonthlyStatementsInput{Month: "2026-11", BatchOf: 1}
	for runs := 1; ; runs++ {
		env := accountStatementEnv(t, w, time.Date(2026, 12, 1, 0, 30, 0, 0, sales.Beijing))
		env.ExecuteWorkflow(MonthlyStatementsWorkflowName, in)
		var can *workflow.ContinueAsNewError
		if err := env.GetWorkflowError(); errors.As(err, &can) {
			in = MonthlyStatementsInput{}
			if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &in); err != nil {
				t.Fatal(err)
			}
			if runs != 1 || in.After != fmt.Sprintf("C%04d", statementBatchesPerRun) || in.Done.Generated != statementBatchesPerRun || in.BatchOf != 1 {
				t.Fatalf("run %d continued as new with %+v", runs, in)
			}
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		var res MonthlyStatementsResult
		if err := env.GetWorkflowResult(&res); err != nil {
			t.Fatal(err)
		}
		if runs != 2 || res.Generated != statementBatchesPerRun+5 || res.Customers != statementBatchesPerRun+5 || len(w.kept) != statementBatchesPerRun+5 {
			t.Fatalf("after %d runs %+v, %d kept", runs, res, len(w.kept))
		}
		return
	}
}
