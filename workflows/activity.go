package workflows

import (
	"context"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// Activity is an activity as workflow code calls it and a worker registers
// it: its registered name and, by its type, what it takes and answers. An
// implementation of another shape does not compile where it is registered
// (Register), nor a call with another input or result where it is made.
type Activity[In, Out any] struct{ Name string }

// Register registers fn as the activity.
func (a Activity[In, Out]) Register(r worker.ActivityRegistry, fn func(context.Context, In) (Out, error)) {
	r.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: a.Name})
}

// Run runs the activity with ctx's activity options and waits for its result.
func (a Activity[In, Out]) Run(ctx workflow.Context, in In) (Out, error) {
	var out Out
	err := workflow.ExecuteActivity(ctx, a.Name, in).Get(ctx, &out)
	return out, err
}

// local runs the activity as a local activity of an order's run until it
// answers (orderRun.local).
func (a Activity[In, Out]) local(r *orderRun, ctx workflow.Context, in In) (Out, error) {
	var out Out
	err := r.local(ctx, a.Name, in, &out)
	return out, err
}

// try runs the activity as a local activity of an order's run and returns
// its error once its retries are spent (orderRun.try).
func (a Activity[In, Out]) try(r *orderRun, ctx workflow.Context, in In) (Out, error) {
	var out Out
	err := r.try(ctx, a.Name, in, &out)
	return out, err
}

// Action is an Activity that answers nothing but its error.
type Action[In any] struct{ Name string }

// Register registers fn as the activity.
func (a Action[In]) Register(r worker.ActivityRegistry, fn func(context.Context, In) error) {
	r.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: a.Name})
}

// Run runs the activity with ctx's activity options and waits for it.
func (a Action[In]) Run(ctx workflow.Context, in In) error {
	return workflow.ExecuteActivity(ctx, a.Name, in).Get(ctx, nil)
}

// try runs the activity as a local activity of an order's run and returns
// its error once its retries are spent (orderRun.try).
func (a Action[In]) try(r *orderRun, ctx workflow.Context, in In) error {
	return r.try(ctx, a.Name, in, nil)
}

// The order workflow's activities, all local (run in the workflow task:
// reads and writes of the store that must not cost a round trip each).
var (
	// PrepareOrder reads what OP1 registers and OP2 validates against.
	PrepareOrder = Activity[sales.OrderRequest, PrepareResult]{"PrepareOrder"}
	// CheckCredit is OP4 and SP2: the customer's position with the order.
	CheckCredit = Activity[CreditInput, sales.CreditPosition]{"CheckCredit"}
	// SyncOrder writes the order's changes to the store (flush.go).
	SyncOrder = Action[sales.OrderChanges]{"SyncOrder"}
	// TakeQuota is OP3: the quota-controlled lines checked and consumed at
	// once, under a lock of the customer's allocations.
	TakeQuota = Activity[TakeQuotaInput, TakeQuotaResult]{"TakeQuota"}
	// TakeQuotaWithin is the SLT's within_quota: what is left, taken now.
	TakeQuotaWithin = Activity[TakeQuotaInput, []sales.QuotaMove]{"TakeQuotaWithin"}
	// ReservePOP is OP6 for the POP material ordered with the goods.
	ReservePOP = Activity[POPInput, sales.POPReservation]{"ReservePOP"}
	// ReportStoreLag files the OSB problem of an order whose writes to the
	// store keep failing (flush.go).
	ReportStoreLag = Action[sales.ProblemFiling]{"ReportStoreLag"}
	// LoadCalendar reads the working calendar of the years an order's
	// deadlines need (release 1.2).
	LoadCalendar = Activity[CalendarYears, sales.Calendar]{"LoadCalendar"}
)

// The activities of the credit review, credit adjustment and meeting pack
// workflows.
var (
	StartCreditReview        = Activity[StartCreditReviewInput, StartCreditReviewResult]{"StartCreditReview"}
	ReviewCreditBatch        = Activity[CreditBatchInput, CreditBatchResult]{"ReviewCreditBatch"}
	FinishCreditReview       = Action[FinishCreditReviewInput]{"FinishCreditReview"}
	RecordCreditAdjustment   = Activity[sales.CreditAdjustment, RecordAdjustmentResult]{"RecordCreditAdjustment"}
	EscalateCreditAdjustment = Action[EscalateAdjustmentInput]{"EscalateCreditAdjustment"}
	DecideCreditAdjustment   = Activity[DecideAdjustmentInput, AdjustmentOutcome]{"DecideCreditAdjustment"}
	EndCreditAdjustment      = Activity[EndAdjustmentInput, AdjustmentOutcome]{"EndCreditAdjustment"}
	GenerateMeetingPack      = Activity[GeneratePackInput, sales.PackRecord]{"GenerateMeetingPack"}
)
