package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// CreditReviewWorkflowName is the registered name of the quarterly credit
// review.
const CreditReviewWorkflowName = "CreditReview"

// QueryReviewProgress returns a review's CreditReviewProgress.
const QueryReviewProgress = "progress"

// ReviewStartedBySchedule is who started a scheduled review.
const ReviewStartedBySchedule = "schedule"

// Defaults of a review run.
const (
	DefaultReviewBatchSize = 200 // customers per activity call
	DefaultBatchesPerRun   = 50  // batches before the workflow continues as new
)

// Search attributes of a credit review, for the Web UI: which quarter, and
// how many customers it went through so far.
var (
	SAReviewQuarter   = temporal.NewSearchAttributeKeyKeyword("ReviewQuarter")
	SAReviewProcessed = temporal.NewSearchAttributeKeyInt64("ReviewProcessed")
)

// CreditReviewInput starts a review: on demand (the API names the review and
// who started it) or from the schedule (everything zero).
type CreditReviewInput struct {
	ReviewID      string              `json:"review_id,omitempty"`  // "" = the workflow id
	StartedBy     string              `json:"started_by,omitempty"` // "" = the schedule
	Policy        *sales.CreditPolicy `json:"policy,omitempty"`     // nil = the worker's configuration
	BatchSize     int                 `json:"batch_size,omitempty"`
	BatchesPerRun int                 `json:"batches_per_run,omitempty"`
	// Progress is set when the review continues as new.
	Progress *CreditReviewProgress `json:"progress,omitempty"`
}

// CreditReviewProgress is how far a review got: what its query returns and
// what continue-as-new carries over.
type CreditReviewProgress struct {
	Review    sales.CreditReview `json:"review"`
	Policy    sales.CreditPolicy `json:"policy"`
	After     string             `json:"after"` // the last customer id done: the keyset cursor
	Processed int                `json:"processed"`
	Changed   int                `json:"changed"`
	Batches   int                `json:"batches"`
	Runs      int                `json:"runs"` // workflow runs so far (continue-as-new)
	Done      bool               `json:"done"`
}

// StartCreditReviewInput records a review's start; the policy is the
// worker's when Policy is nil.
type StartCreditReviewInput struct {
	Review sales.CreditReview  `json:"review"`
	Policy *sales.CreditPolicy `json:"policy,omitempty"`
}

// StartCreditReviewResult is the review as stored (a restarted review keeps
// its first as-of time) and the policy it runs with.
type StartCreditReviewResult struct {
	Review sales.CreditReview `json:"review"`
	Policy sales.CreditPolicy `json:"policy"`
}

// CreditBatchInput asks for the next batch of customers after After to be
// recomputed and written.
type CreditBatchInput struct {
	ReviewID string             `json:"review_id"`
	Actor    string             `json:"actor"`
	AsOf     time.Time          `json:"as_of"`
	Policy   sales.CreditPolicy `json:"policy"`
	After    string             `json:"after"`
	Limit    int                `json:"limit"`
}

// CreditBatchResult says how many customers a batch recomputed, how many of
// them changed, and the last one (the next cursor).
type CreditBatchResult struct {
	Customers int    `json:"customers"`
	Changed   int    `json:"changed"`
	Last      string `json:"last"`
}

// FinishCreditReviewInput records the end of a review.
type FinishCreditReviewInput struct {
	ReviewID string    `json:"review_id"`
	At       time.Time `json:"at"`
}

// CreditReview is the quarterly credit review: it recomputes every
// customer's rating and limit in batches (keyset pages of customer ids, one
// activity each), shows its progress in the Web UI after each batch and
// continues as new every BatchesPerRun batches, so ten thousand customers
// make neither one giant activity nor one giant history.
func CreditReview(ctx workflow.Context, in CreditReviewInput) (CreditReviewProgress, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			NonRetryableErrorTypes: []string{sales.ErrInvalid, sales.ErrNotFound, sales.ErrConflict},
		},
	})
	p := in.Progress
	if p == nil {
		var err error
		if p, err = startReview(ctx, in); err != nil {
			return CreditReviewProgress{}, err
		}
	}
	p.Runs++
	if err := workflow.SetQueryHandler(ctx, QueryReviewProgress, func() (CreditReviewProgress, error) { return *p, nil }); err != nil {
		return *p, err
	}
	size, perRun := in.BatchSize, in.BatchesPerRun
	if size <= 0 {
		size = DefaultReviewBatchSize
	}
	if perRun <= 0 {
		perRun = DefaultBatchesPerRun
	}
	for batch := 0; ; batch++ {
		if batch >= perRun || (batch > 0 && workflow.GetInfo(ctx).GetContinueAsNewSuggested()) {
			next := in
			next.Progress = p
			return *p, workflow.NewContinueAsNewError(ctx, CreditReviewWorkflowName, next)
		}
		res, err := ReviewCreditBatch.Run(ctx, CreditBatchInput{
			ReviewID: p.Review.ID, Actor: p.Review.StartedBy, AsOf: p.Review.AsOf, Policy: p.Policy, After: p.After, Limit: size,
		})
		if err != nil {
			return *p, err
		}
		p.Processed += res.Customers
		p.Changed += res.Changed
		p.Batches++
		if res.Last != "" {
			p.After = res.Last
		}
		if err := showProgress(ctx, p); err != nil {
			return *p, err
		}
		if res.Customers < size {
			break
		}
	}
	err := FinishCreditReview.Run(ctx, FinishCreditReviewInput{ReviewID: p.Review.ID, At: workflow.Now(ctx)})
	if err != nil {
		return *p, err
	}
	p.Done = true
	return *p, showProgress(ctx, p)
}

// startReview names the review (the workflow id unless given), takes the
// workflow's start as its as-of time and records it.
func startReview(ctx workflow.Context, in CreditReviewInput) (*CreditReviewProgress, error) {
	now := workflow.Now(ctx)
	r := sales.CreditReview{ID: in.ReviewID, Quarter: sales.QuarterOf(now), AsOf: now, StartedBy: in.StartedBy, StartedAt: now}
	if r.ID == "" {
		r.ID = workflow.GetInfo(ctx).WorkflowExecution.ID
	}
	if r.StartedBy == "" {
		r.StartedBy = ReviewStartedBySchedule
	}
	started, err := StartCreditReview.Run(ctx, StartCreditReviewInput{Review: r, Policy: in.Policy})
	if err != nil {
		return nil, err
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, SAReviewQuarter.ValueSet(started.Review.Quarter)); err != nil {
		return nil, err
	}
	return &CreditReviewProgress{Review: started.Review, Policy: started.Policy}, nil
}

// showProgress mirrors the progress into a search attribute and the memo.
func showProgress(ctx workflow.Context, p *CreditReviewProgress) error {
	if err := workflow.UpsertTypedSearchAttributes(ctx, SAReviewProcessed.ValueSet(int64(p.Processed))); err != nil {
		return err
	}
	return workflow.UpsertMemo(ctx, map[string]any{
		"quarter": p.Review.Quarter, "processed": p.Processed, "changed": p.Changed,
		"last_customer": p.After, "done": p.Done,
	})
}
