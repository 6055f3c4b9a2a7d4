package starter

import (
	"context"
	"errors"
	"fmt"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"osb/sales"
	"osb/workflows"
)

// LadderRefresher refreshes the escalation ladders of a customer's open
// orders after the organisation changed (a new KAM, a new manager): call
// RefreshLadders once the change is written to the store. changeID names
// the change (its audit id): the same change sent twice refreshes once. It
// returns once the refresh has started; the refresh itself (workflow
// RefreshLadders) resolves the ladder again and sends it to every open
// order, retrying while the store is down.
type LadderRefresher interface {
	RefreshLadders(ctx context.Context, customerID, changeID string) error
}

// NewLadderRefresher returns the ladder refresh of a Temporal client.
func NewLadderRefresher(c client.Client) LadderRefresher { return temporalOrders{c: c} }

// RefreshLadders starts the refresh of the customer's open orders' ladders
// for one change.
func (t temporalOrders) RefreshLadders(ctx context.Context, customerID, changeID string) error {
	var p sales.Problems
	if strings.TrimSpace(customerID) == "" {
		p.Add("customer_id", "is required")
	}
	if strings.TrimSpace(changeID) == "" {
		p.Add("change_id", "is required: it names the change, so that it is refreshed once")
	}
	if err := p.Err("invalid ladder refresh"); err != nil {
		return err
	}
	_, err := t.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.RefreshLaddersWorkflowID(customerID, changeID),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.RefreshLaddersWorkflowName, workflows.RefreshLaddersInput{CustomerID: customerID, ChangeID: changeID})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil // this change was refreshed already
	}
	if err != nil {
		return fmt.Errorf("refresh the ladders of %s: %w", customerID, err)
	}
	return nil
}

// calendarReader is a store that knows the working calendar (the
// PostgreSQL store): the order's workflow starts with it. Without it the
// workflow reads it itself (workflows.LoadCalendar).
type calendarReader interface {
	Calendar(ctx context.Context, fromYear, toYear int) (sales.Calendar, error)
}
