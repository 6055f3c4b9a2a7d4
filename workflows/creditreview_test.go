package workflows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// reviewStart is when the scheduled review of 2026-Q2 fires: 1 April, 02:00
// in Beijing.
var reviewStart = time.Date(2026, 4, 1, 2, 0, 0, 0, sales.Beijing)

// reviewWorld is a fake store of n customers behind the review's activities.
type reviewWorld struct {
	mu        sync.Mutex
	customers []string
	policy    sales.CreditPolicy // the worker's configuration
	starts    []StartCreditReviewInput
	batches   []CreditBatchInput
	finished  []FinishCreditReviewInput
	done      map[string]int // customer → times recomputed
}

func newReviewWorld(n int) *reviewWorld {
	w := &reviewWorld{policy: sales.DefaultCreditPolicy(), done: map[string]int{}}
	for i := 1; i <= n; i++ {
		w.customers = append(w.customers, fmt.Sprintf("C%05d", i))
	}
	return w
}

func (w *reviewWorld) start(_ context.Context, in StartCreditReviewInput) (StartCreditReviewResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.starts = append(w.starts, in)
	p := w.policy
	if in.Policy != nil {
		p = *in.Policy
	}
	return StartCreditReviewResult{Review: in.Review, Policy: p}, nil
}

// batch pages the customers by key; every third one changes.
func (w *reviewWorld) batch(_ context.Context, in CreditBatchInput) (CreditBatchResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.batches = append(w.batches, in)
	i, _ := slices.BinarySearch(w.customers, in.After)
	if i < len(w.customers) && w.customers[i] == in.After {
		i++
	}
	page := w.customers[i:min(i+in.Limit, len(w.customers))]
	var res CreditBatchResult
	for j, id := range page {
		w.done[id]++
		if (i+j)%3 == 0 {
			res.Changed++
		}
		res.Last = id
	}
	res.Customers = len(page)
	return res, nil
}

func (w *reviewWorld) finish(_ context.Context, in FinishCreditReviewInput) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.finished = append(w.finished, in)
	return nil
}

// runReview runs the review to its end, one test environment per workflow
// run (the test environment does not follow continue-as-new), and returns
// the result, the number of runs and every memo the review wrote.
func runReview(t *testing.T, w *reviewWorld, in CreditReviewInput) (CreditReviewProgress, int, []map[string]any) {
	t.Helper()
	var memos []map[string]any
	for runs := 1; runs <= 100; runs++ {
		var suite testsuite.WorkflowTestSuite
		env := suite.NewTestWorkflowEnvironment()
		env.RegisterWorkflowWithOptions(CreditReview, workflow.RegisterOptions{Name: CreditReviewWorkflowName})
		StartCreditReview.Register(env, w.start)
		ReviewCreditBatch.Register(env, w.batch)
		FinishCreditReview.Register(env, w.finish)
		env.SetStartTime(reviewStart.Add(time.Duration(runs-1) * time.Minute))
		env.OnUpsertMemo(mock.Anything).Run(func(args mock.Arguments) {
			memos = append(memos, args.Get(0).(map[string]any))
		}).Return(nil)
		env.ExecuteWorkflow(CreditReviewWorkflowName, in)
		if !env.IsWorkflowCompleted() {
			t.Fatal("review did not complete")
		}
		err := env.GetWorkflowError()
		var can *workflow.ContinueAsNewError
		if errors.As(err, &can) {
			in = CreditReviewInput{}
			if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &in); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("review failed: %v", err)
		}
		var p CreditReviewProgress
		if err := env.GetWorkflowResult(&p); err != nil {
			t.Fatal(err)
		}
		return p, runs, memos
	}
	t.Fatal("review did not end after 100 runs")
	return CreditReviewProgress{}, 0, nil
}

func TestCreditReviewRecomputesEveryCustomerInBatches(t *testing.T) {
	w := newReviewWorld(450)
	p, runs, memos := runReview(t, w, CreditReviewInput{})

	if runs != 1 || !p.Done || p.Processed != 450 || p.Changed != 150 || p.Batches != 3 || p.After != "C00450" {
		t.Fatalf("progress %+v after %d runs", p, runs)
	}
	var afters []string
	for _, b := range w.batches {
		afters = append(afters, b.After)
		if b.Limit != DefaultReviewBatchSize || !b.AsOf.Equal(reviewStart) || b.Actor != ReviewStartedBySchedule {
			t.Errorf("batch %+v", b)
		}
	}
	if !slices.Equal(afters, []string{"", "C00200", "C00400"}) {
		t.Errorf("batches started after %q, want keyset pages", afters)
	}
	for _, id := range w.customers {
		if w.done[id] != 1 {
			t.Fatalf("customer %s recomputed %d times", id, w.done[id])
		}
	}
	if len(w.starts) != 1 || len(w.finished) != 1 {
		t.Fatalf("started %d, finished %d times", len(w.starts), len(w.finished))
	}
	r := w.starts[0].Review
	if r.ID != "default-test-workflow-id" || r.Quarter != "2026-Q2" || r.StartedBy != ReviewStartedBySchedule || w.starts[0].Policy != nil {
		t.Errorf("a scheduled review starts as %+v, policy %v", r, w.starts[0].Policy)
	}
	var processed []any
	for _, m := range memos {
		processed = append(processed, m["processed"])
	}
	if fmt.Sprint(processed) != "[200 400 450 450]" || memos[len(memos)-1]["done"] != true {
		t.Errorf("progress shown in the memo: %v, last %v", processed, memos[len(memos)-1])
	}
}

func TestCreditReviewContinuesAsNewWithItsCursor(t *testing.T) {
	w := newReviewWorld(1050)
	p, runs, _ := runReview(t, w, CreditReviewInput{ReviewID: "credit-review/2026-Q2/3", StartedBy: "sd", BatchSize: 100, BatchesPerRun: 3})

	if runs != 4 || p.Runs != 4 || p.Batches != 11 || p.Processed != 1050 || !p.Done {
		t.Fatalf("progress %+v after %d runs, want 11 batches over 4 runs", p, runs)
	}
	for _, id := range w.customers {
		if w.done[id] != 1 {
			t.Fatalf("customer %s recomputed %d times across runs", id, w.done[id])
		}
	}
	if len(w.starts) != 1 || len(w.finished) != 1 {
		t.Fatalf("started %d, finished %d times: continue-as-new must carry the review", len(w.starts), len(w.finished))
	}
	for _, b := range w.batches {
		if b.ReviewID != "credit-review/2026-Q2/3" || !b.AsOf.Equal(reviewStart) || b.Actor != "sd" {
			t.Fatalf("batch %+v: every run keeps the first run's review and as-of time", b)
		}
	}
}

func TestCreditReviewRunsWithTheGivenOrTheWorkersPolicy(t *testing.T) {
	w := newReviewWorld(5)
	w.policy.RoundTo = sales.Yuan(1)
	runReview(t, w, CreditReviewInput{})
	if got := w.batches[0].Policy.RoundTo; got != sales.Yuan(1) {
		t.Errorf("without a policy the batches ran with RoundTo %s, want the worker's", got)
	}

	w = newReviewWorld(5)
	given := sales.DefaultCreditPolicy()
	given.RoundTo = sales.Yuan(5_000)
	runReview(t, w, CreditReviewInput{Policy: &given})
	if got := w.batches[0].Policy.RoundTo; got != sales.Yuan(5_000) {
		t.Errorf("with a policy the batches ran with RoundTo %s, want the given one", got)
	}
}

func TestCreditReviewOfNoCustomersFinishes(t *testing.T) {
	w := newReviewWorld(0)
	p, _, _ := runReview(t, w, CreditReviewInput{})
	if !p.Done || p.Processed != 0 || len(w.batches) != 1 || len(w.finished) != 1 {
		t.Errorf("progress %+v, %d batches, %d finished", p, len(w.batches), len(w.finished))
	}
}
