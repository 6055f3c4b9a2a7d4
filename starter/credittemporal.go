package starter

import (
	"context"
	"errors"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"osb/sales"
	"osb/workflows"
)

// CreditStore is what credit management reads and writes in the store
// directly: views, lists, ids and the SLT's freezes.
type CreditStore interface {
	Customer(ctx context.Context, id string) (sales.Customer, error)
	CustomerCredit(ctx context.Context, customerID string, now time.Time) (sales.CreditView, error)
	CreditReviews(ctx context.Context, limit int) ([]sales.CreditReview, error)
	CreditReviewCount(ctx context.Context, quarter string) (int, error)
	NextAdjustmentID(ctx context.Context, year int) (string, error)
	Adjustment(ctx context.Context, id string) (sales.CreditAdjustment, error)
	ListAdjustments(ctx context.Context, f sales.AdjustmentFilter) ([]sales.CreditAdjustment, error)
	FreezeCustomer(ctx context.Context, customerID, by, reason string, at time.Time) error
	UnfreezeCustomer(ctx context.Context, customerID, by, reason string, at time.Time) error
}

// temporalCredit is CreditService over the store and a Temporal client:
// reviews and adjustments are workflows, the rest is the store.
type temporalCredit struct {
	CreditStore
	c      client.Client
	policy sales.CreditPolicy
}

// NewTemporalCredit returns credit management over store and c; policy goes
// into every review and adjustment started through the API.
func NewTemporalCredit(c client.Client, store CreditStore, policy sales.CreditPolicy) CreditService {
	return temporalCredit{CreditStore: store, c: c, policy: policy}
}

// reviewStartAttempts bounds the search for a free review number when
// several reviews start at once.
const reviewStartAttempts = 5

// StartReview starts review credit-review/<quarter>/<n>, n one more than the
// reviews the quarter had; two starts at once take the next free number.
func (t temporalCredit) StartReview(ctx context.Context, by sales.Actor, now time.Time) (sales.CreditReview, error) {
	quarter := sales.QuarterOf(now)
	n, err := t.CreditReviewCount(ctx, quarter)
	if err != nil {
		return sales.CreditReview{}, err
	}
	policy := t.policy
	for try := 1; try <= reviewStartAttempts; try++ {
		id := sales.ReviewWorkflowID(quarter, n+try)
		_, err := t.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID:                       id,
			TaskQueue:                workflows.TaskQueue,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
			TypedSearchAttributes: temporal.NewSearchAttributes(
				workflows.SAReviewQuarter.ValueSet(quarter), workflows.SAReviewProcessed.ValueSet(0)),
			Memo: map[string]any{"started_by": by.UserID},
		}, workflows.CreditReviewWorkflowName, workflows.CreditReviewInput{ReviewID: id, StartedBy: by.UserID, Policy: &policy})
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		if errors.As(err, &started) {
			continue
		}
		if err != nil {
			return sales.CreditReview{}, creditError(id, err)
		}
		return sales.CreditReview{ID: id, Quarter: quarter, AsOf: now, StartedBy: by.UserID, StartedAt: now}, nil
	}
	return sales.CreditReview{}, sales.Errorf(sales.ErrConflict, "reviews %d to %d of %s are all running: try again", n+1, n+reviewStartAttempts, quarter)
}

// ProposeAdjustment validates the proposal, numbers it and starts its
// maker–checker workflow, which records it and asks the SLT.
func (t temporalCredit) ProposeAdjustment(ctx context.Context, p sales.AdjustmentProposal, by sales.Actor, now time.Time) (sales.CreditAdjustment, error) {
	expires, problems := p.Validate(now, t.policy)
	if err := problems.Err("the credit adjustment is invalid"); err != nil {
		return sales.CreditAdjustment{}, err
	}
	c, err := t.Customer(ctx, p.CustomerID)
	if err != nil {
		return sales.CreditAdjustment{}, err
	}
	id, err := t.NextAdjustmentID(ctx, now.In(sales.Beijing).Year())
	if err != nil {
		return sales.CreditAdjustment{}, err
	}
	adj := sales.CreditAdjustment{ID: id, CustomerID: c.ID, Amount: p.Amount, Currency: c.Currency, Reason: p.Reason,
		ProposedBy: by.UserID, ProposedAt: now, ExpiresAt: expires, Status: sales.AdjustmentProposed}
	_, err = t.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.AdjustmentWorkflowID(id),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.SACustomerID.ValueSet(c.ID), workflows.SAMarket.ValueSet(c.Market), workflows.SAKAM.ValueSet(c.KAMID)),
		Memo: map[string]any{"customer_name": c.Name, "amount_fen": int64(p.Amount), "proposed_by": by.UserID},
	}, workflows.CreditAdjustmentWorkflowName, workflows.CreditAdjustmentInput{Adjustment: adj, Policy: t.policy})
	if err != nil {
		return sales.CreditAdjustment{}, creditError(id, err)
	}
	return adj, nil
}

// DecideAdjustment sends the decision as an update and waits until the
// workflow wrote it (and, on approval, the new limit).
func (t temporalCredit) DecideAdjustment(ctx context.Context, id string, in workflows.AdjustmentDecisionInput) (workflows.AdjustmentView, error) {
	var v workflows.AdjustmentView
	h, err := t.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   workflows.AdjustmentWorkflowID(id),
		UpdateName:   workflows.UpdateDecideAdjustment,
		Args:         []any{in},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, &v)
	}
	err = creditError(id, err)
	if sales.ErrorCode(err) == sales.ErrNotFound {
		// The workflow of a rejected or lapsed adjustment has ended.
		if a, aerr := t.CreditStore.Adjustment(ctx, id); aerr == nil {
			return v, sales.Errorf(sales.ErrConflict, "credit adjustment %s is %s already", id, a.Status)
		}
	}
	return v, err
}

// Adjustment queries the adjustment's workflow; once Temporal no longer
// keeps it, the store's record answers.
func (t temporalCredit) Adjustment(ctx context.Context, id string) (workflows.AdjustmentView, error) {
	var v workflows.AdjustmentView
	val, err := t.c.QueryWorkflow(ctx, workflows.AdjustmentWorkflowID(id), "", workflows.QueryAdjustment)
	if err == nil {
		return v, val.Get(&v)
	}
	if sales.ErrorCode(creditError(id, err)) != sales.ErrNotFound {
		return v, creditError(id, err)
	}
	if v.Adjustment, err = t.CreditStore.Adjustment(ctx, id); err != nil {
		return v, err
	}
	c, err := t.Customer(ctx, v.Adjustment.CustomerID)
	if err != nil {
		return v, err
	}
	v.CustomerName, v.Ladder.KAM = c.Name, c.KAMID
	return v, nil
}

// creditError is translateError for credit workflows: a missing workflow is
// not_found with what was asked for.
func creditError(what string, err error) error {
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return sales.Errorf(sales.ErrNotFound, "%s not found", what)
	}
	return translateError(what, err)
}
