package workflows

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// statementWorld is a fake import of matched lines behind ApplyStatementLines:
// a line applied is not pending any more; the first call fails, as a store
// that does not answer would.
type statementWorld struct {
	mu      sync.Mutex
	pending []int // matched line numbers, in order
	applied map[int]int
	calls   []ApplyLinesInput
	failed  bool
}

func (w *statementWorld) apply(_ context.Context, in ApplyLinesInput) (ApplyLinesResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, in)
	if !w.failed {
		w.failed = true
		return ApplyLinesResult{}, errors.New("the store does not answer")
	}
	var res ApplyLinesResult
	var left []int
	for _, no := range w.pending {
		if no <= in.After || res.Lines == in.Limit {
			left = append(left, no)
			continue
		}
		w.applied[no]++
		res.Lines++
		res.Last = no
		if no%10 == 0 {
			res.Duplicates++
		} else {
			res.Applied++
		}
	}
	w.pending = left
	return res, nil
}

func TestApplyStatementAppliesEveryMatchedLineOnceInBatchesAcrossRuns(t *testing.T) {
	w := &statementWorld{applied: map[int]int{}}
	for no := 2; no <= 2*230; no += 2 { // 230 lines, every other row of the file
		w.pending = append(w.pending, no)
	}
	by := sales.Actor{UserID: "fin1", Role: sales.RoleFinance}
	in := ApplyStatementInput{ImportID: 7, By: by, BatchSize: 20, BatchesPerRun: 4}
	var p StatementProgress
	runs := 0
	for ; runs < 50; runs++ {
		var suite testsuite.WorkflowTestSuite
		env := suite.NewTestWorkflowEnvironment()
		env.RegisterWorkflowWithOptions(ApplyStatement, workflow.RegisterOptions{Name: ApplyStatementWorkflowName})
		ApplyStatementLines.Register(env, w.apply)
		env.ExecuteWorkflow(ApplyStatementWorkflowName, in)
		if !env.IsWorkflowCompleted() {
			t.Fatal("the workflow did not complete")
		}
		err := env.GetWorkflowError()
		var can *workflow.ContinueAsNewError
		if errors.As(err, &can) {
			in = ApplyStatementInput{}
			if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &in); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("the workflow failed: %v", err)
		}
		if err := env.GetWorkflowResult(&p); err != nil {
			t.Fatal(err)
		}
		break
	}
	if !p.Done || p.Applied != 184 || p.Duplicates != 46 || p.After != 460 || p.Runs != 3 {
		t.Errorf("progress %+v", p)
	}
	if len(w.pending) != 0 || len(w.applied) != 230 {
		t.Errorf("%d lines pending, %d applied", len(w.pending), len(w.applied))
	}
	for no, n := range w.applied {
		if n != 1 {
			t.Errorf("line %d applied %d times", no, n)
		}
	}
	var afters []int
	for _, c := range w.calls {
		if c.ImportID != 7 || c.By != by || c.Limit != 20 {
			t.Errorf("call %+v", c)
		}
		afters = append(afters, c.After)
	}
	// The failed first call is tried again from the same line.
	if !slices.Equal(afters[:3], []int{0, 0, 40}) || afters[len(afters)-1] != 440 {
		t.Errorf("cursors %v", afters)
	}
	if StatementWorkflowID(7) != "statement/7" {
		t.Errorf("workflow id %q", StatementWorkflowID(7))
	}
}
