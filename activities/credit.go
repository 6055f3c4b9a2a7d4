package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/worker"

	"osb/sales"
	"osb/workflows"
)

// CreditStore is what the credit activities (quarterly review, manual
// adjustments) read and write.
type CreditStore interface {
	StartCreditReview(ctx context.Context, r sales.CreditReview) (sales.CreditReview, error)
	FinishCreditReview(ctx context.Context, id string, at time.Time) (sales.CreditReview, error)
	CreditCustomerIDs(ctx context.Context, after string, limit int) ([]string, error)
	CreditInputs(ctx context.Context, ids []string, asOf time.Time, p sales.CreditPolicy) ([]sales.CreditInputs, error)
	ApplyCreditReview(ctx context.Context, reviewID, actor string, results []sales.CreditResult) (int, error)
	RecordAdjustment(ctx context.Context, a sales.CreditAdjustment, notes []sales.Notification) (sales.CreditAdjustment, error)
	EscalateAdjustment(ctx context.Context, id string, level sales.Level, notes []sales.Notification, esc *sales.Escalation) error
	DecideAdjustment(ctx context.Context, d sales.AdjustmentDecision, notes []sales.Notification) (sales.CreditAdjustment, sales.Fen, error)
	EndAdjustment(ctx context.Context, id string, at time.Time, notes []sales.Notification) (sales.CreditAdjustment, sales.Fen, error)
}

func (a *Activities) registerCredit(r worker.ActivityRegistry) {
	workflows.StartCreditReview.Register(r, a.StartCreditReview)
	workflows.ReviewCreditBatch.Register(r, a.ReviewCreditBatch)
	workflows.FinishCreditReview.Register(r, a.FinishCreditReview)
	workflows.RecordCreditAdjustment.Register(r, a.RecordCreditAdjustment)
	workflows.EscalateCreditAdjustment.Register(r, a.EscalateCreditAdjustment)
	workflows.DecideCreditAdjustment.Register(r, a.DecideCreditAdjustment)
	workflows.EndCreditAdjustment.Register(r, a.EndCreditAdjustment)
}

// creditPolicy is the configured credit policy, or the defaults.
func (a *Activities) creditPolicy() sales.CreditPolicy {
	if a.CreditPolicy != nil {
		return *a.CreditPolicy
	}
	return sales.DefaultCreditPolicy()
}

// StartCreditReview records a review's start (once) and returns it as
// stored with the policy it runs with: the given one, else the worker's.
func (a *Activities) StartCreditReview(ctx context.Context, in workflows.StartCreditReviewInput) (workflows.StartCreditReviewResult, error) {
	p := a.creditPolicy()
	if in.Policy != nil {
		p = *in.Policy
	}
	if err := p.Validate(); err != nil {
		return workflows.StartCreditReviewResult{}, business(fmt.Errorf("start credit review %s: %w", in.Review.ID, err))
	}
	r, err := a.Store.StartCreditReview(ctx, in.Review)
	if err != nil {
		return workflows.StartCreditReviewResult{}, business(fmt.Errorf("start credit review %s: %w", in.Review.ID, err))
	}
	return workflows.StartCreditReviewResult{Review: r, Policy: p}, nil
}

// ReviewCreditBatch recomputes the next page of customers after in.After:
// inputs from the store, the limit formula, and one write of every new
// rating and limit with its inputs. Running it again for the same page
// changes nothing.
func (a *Activities) ReviewCreditBatch(ctx context.Context, in workflows.CreditBatchInput) (workflows.CreditBatchResult, error) {
	op := fmt.Sprintf("credit review %s after %q", in.ReviewID, in.After)
	ids, err := a.Store.CreditCustomerIDs(ctx, in.After, in.Limit)
	if err != nil || len(ids) == 0 {
		return workflows.CreditBatchResult{}, business(wrap(op, err))
	}
	inputs, err := a.Store.CreditInputs(ctx, ids, in.AsOf, in.Policy)
	if err != nil {
		return workflows.CreditBatchResult{}, business(wrap(op, err))
	}
	results := make([]sales.CreditResult, len(inputs))
	for i, x := range inputs {
		results[i] = sales.ComputeCreditLimit(x, in.Policy)
	}
	changed, err := a.Store.ApplyCreditReview(ctx, in.ReviewID, in.Actor, results)
	if err != nil {
		return workflows.CreditBatchResult{}, business(wrap(op, err))
	}
	return workflows.CreditBatchResult{Customers: len(ids), Changed: changed, Last: ids[len(ids)-1]}, nil
}

// FinishCreditReview records that a review went through every customer.
func (a *Activities) FinishCreditReview(ctx context.Context, in workflows.FinishCreditReviewInput) error {
	_, err := a.Store.FinishCreditReview(ctx, in.ReviewID, in.At)
	return business(wrap("finish credit review "+in.ReviewID, err))
}

// RecordCreditAdjustment stores a proposed adjustment (once) and returns it
// with the customer's name and escalation ladder.
func (a *Activities) RecordCreditAdjustment(ctx context.Context, adj sales.CreditAdjustment) (workflows.RecordAdjustmentResult, error) {
	op := "record credit adjustment " + adj.ID
	c, err := a.Store.Customer(ctx, adj.CustomerID)
	if err != nil {
		return workflows.RecordAdjustmentResult{}, business(wrap(op, err))
	}
	ladder, err := a.Store.Ladder(ctx, adj.CustomerID)
	if err != nil {
		return workflows.RecordAdjustmentResult{}, business(wrap(op, err))
	}
	stored, err := a.Store.RecordAdjustment(ctx, adj, nil)
	if err != nil {
		return workflows.RecordAdjustmentResult{}, business(wrap(op, err))
	}
	return workflows.RecordAdjustmentResult{Adjustment: stored, CustomerName: c.Name, Ladder: ladder}, nil
}

// EscalateCreditAdjustment records the rung a waiting proposal reached and
// tells its holder.
func (a *Activities) EscalateCreditAdjustment(ctx context.Context, in workflows.EscalateAdjustmentInput) error {
	return business(wrap("escalate credit adjustment "+in.ID, a.Store.EscalateAdjustment(ctx, in.ID, in.Level, in.Notifications, in.Escalation)))
}

// DecideCreditAdjustment writes the SLT's decision; an approval changes the
// customer's limit at once.
func (a *Activities) DecideCreditAdjustment(ctx context.Context, in workflows.DecideAdjustmentInput) (workflows.AdjustmentOutcome, error) {
	adj, limit, err := a.Store.DecideAdjustment(ctx, in.Decision, in.Notifications)
	if err != nil {
		return workflows.AdjustmentOutcome{}, business(wrap("decide credit adjustment "+in.Decision.ID, err))
	}
	return workflows.AdjustmentOutcome{Adjustment: adj, Limit: limit}, nil
}

// EndCreditAdjustment ends an adjustment: a proposal lapses, an approved one
// stops counting and the customer's limit is recomputed.
func (a *Activities) EndCreditAdjustment(ctx context.Context, in workflows.EndAdjustmentInput) (workflows.AdjustmentOutcome, error) {
	adj, limit, err := a.Store.EndAdjustment(ctx, in.ID, in.At, in.Notifications)
	if err != nil {
		return workflows.AdjustmentOutcome{}, business(wrap("end credit adjustment "+in.ID, err))
	}
	return workflows.AdjustmentOutcome{Adjustment: adj, Limit: limit}, nil
}

// wrap adds op to err, keeping nil nil.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}
