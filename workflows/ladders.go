package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// RefreshLadderInput is a customer's escalation ladder resolved again after
// a change of the organisation (a new KAM): the signal refresh-ladder.
type RefreshLadderInput struct {
	Ladder   sales.Ladder `json:"ladder"`
	ChangeID string       `json:"change_id"`
}

// drainLadders applies the refreshed ladders that arrived, in order.
func (r *orderRun) drainLadders() {
	var in RefreshLadderInput
	for r.ladders.ReceiveAsync(&in) {
		if workflow.GetVersion(r.ctx, PatchRefreshLadder, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
			continue
		}
		r.refreshLadder(in)
	}
}

// refreshLadder makes in's ladder the order's: the escalations from now on,
// the order's KAM in the store and the KAM search attribute follow it, and a
// new KAM is told of the order. The same ladder again changes nothing.
func (r *orderRun) refreshLadder(in RefreshLadderInput) {
	s := r.s
	if s.Status.Final() || in.Ladder.KAM == "" || s.Ladder.Equal(in.Ladder) {
		return
	}
	r.now = workflow.Now(r.ctx)
	r.actorID = sales.System.UserID
	old := s.Ladder.KAM
	s.Ladder = in.Ladder
	r.event("ladder_refreshed", map[string]string{"kam": in.Ladder.KAM, "previous_kam": old, "change": in.ChangeID})
	if old != in.Ladder.KAM {
		r.b.SA.Identity = false // the identity attributes, the KAM's among them, are written again
		r.notify(in.Ladder.KAM, "order_assigned", fmt.Sprintf("%s of %s is now yours", s.OrderNo, s.CustomerName),
			fmt.Sprintf("The customer's KAM changed from %s to you; the order is at %s.", old, s.Step), s.Step)
	}
}

// RefreshLaddersWorkflowName is the registered name of the workflow that
// refreshes the ladders of a customer's open orders.
const RefreshLaddersWorkflowName = "RefreshLadders"

// RefreshLaddersOptions registers RefreshLadders under its stable name.
func RefreshLaddersOptions() workflow.RegisterOptions {
	return workflow.RegisterOptions{Name: RefreshLaddersWorkflowName}
}

// RefreshLaddersWorkflowID is the id of the refresh for one change of a
// customer: sent twice, it is one run.
func RefreshLaddersWorkflowID(customerID, changeID string) string {
	return "ladders/" + customerID + "/" + changeID
}

// RefreshLaddersInput names the customer whose organisation changed and the
// change (an audit id, or the time of the change).
type RefreshLaddersInput struct {
	CustomerID string `json:"customer_id"`
	ChangeID   string `json:"change_id"`
}

// RefreshLaddersResult says which open orders were sent the new ladder and
// which had finished meanwhile.
type RefreshLaddersResult struct {
	Ladder   sales.Ladder `json:"ladder"`
	Sent     []string     `json:"sent"`
	Finished []string     `json:"finished,omitempty"`
}

// The activities of RefreshLadders.
var (
	// CustomerOpenOrders lists the order numbers of a customer's open orders.
	CustomerOpenOrders = Activity[string, []string]{"CustomerOpenOrders"}
	// ResolveLadder resolves a customer's ladder from the organisation now.
	ResolveLadder = Activity[string, sales.Ladder]{"ResolveLadder"}
)

// RefreshLadders resolves a customer's ladder once more and sends it to
// each of the customer's open orders (refresh-ladder). An order that
// finished meanwhile is skipped; a failing store is retried.
func RefreshLadders(ctx workflow.Context, in RefreshLaddersInput) (RefreshLaddersResult, error) {
	if in.CustomerID == "" {
		return RefreshLaddersResult{}, invalid(sales.Problems{{Field: "customer_id", Message: "is required"}}, "invalid ladder refresh")
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute,
			NonRetryableErrorTypes: []string{sales.ErrInvalid, sales.ErrNotFound, sales.ErrForbidden},
		},
	})
	var res RefreshLaddersResult
	orders, err := CustomerOpenOrders.Run(ctx, in.CustomerID)
	if err != nil {
		return res, err
	}
	if res.Ladder, err = ResolveLadder.Run(ctx, in.CustomerID); err != nil {
		return res, err
	}
	sig := RefreshLadderInput{Ladder: res.Ladder, ChangeID: in.ChangeID}
	for _, no := range orders {
		err := workflow.SignalExternalWorkflow(ctx, WorkflowID(no), "", SignalRefreshLadder, sig).Get(ctx, nil)
		var finished *temporal.UnknownExternalWorkflowExecutionError
		switch {
		case err == nil:
			res.Sent = append(res.Sent, no)
		case errors.As(err, &finished):
			res.Finished = append(res.Finished, no)
		default:
			return res, fmt.Errorf("refresh the ladder of %s: %w", no, err)
		}
	}
	return res, nil
}
