package starter

import (
	"context"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"osb/sales"
	"osb/workflows"
)

// temporalOrders is Orders over a Temporal client.
type temporalOrders struct {
	c client.Client
}

// NewTemporalOrders returns the order workflows of a Temporal client.
func NewTemporalOrders(c client.Client) Orders { return temporalOrders{c: c} }

// Start starts the order's workflow with its search attributes as of OP1 and a
// memo for the Web UI, and waits in the same round trip (update-with-start)
// until OP1–OP7 ran, so the creator learns at once whether the order was
// released, held or rejected. Workflow ids are never reused, so an order
// number cannot start twice: existed is true when it was there already.
func (t temporalOrders) Start(ctx context.Context, in workflows.OrderInput, customer sales.Customer) (workflows.Progress, bool, error) {
	opts := client.StartWorkflowOptions{
		ID:                       workflows.WorkflowID(in.OrderNo),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes:    workflows.NewOrderAttributes(in.OrderNo, customer),
		Memo: workflows.OrderMemo{
			CustomerName: customer.Name,
			TotalFen:     int64(sales.Total(in.Request.OrderLines())),
			Currency:     string(in.Request.Currency),
		}.Fields(),
	}
	var p workflows.Progress
	h, err := t.c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: t.c.NewWithStartWorkflowOperation(opts, workflows.OrderWorkflowName, in),
		UpdateOptions:          updateOptions(workflows.UpdateOpened, ""),
	})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		v, err := t.Status(ctx, in.OrderNo)
		p = workflows.Progress{OrderNo: v.OrderNo, Status: v.Status, Step: v.Step, Reason: v.Reason}
		if v.Hold != nil {
			p.Hold = v.Hold.Reason
		}
		return p, true, err
	}
	err = outcome(ctx, in.OrderNo, h, err, &p)
	return p, false, err
}

// Status queries the order's live status; it answers for a completed workflow
// too, as long as Temporal keeps it.
func (t temporalOrders) Status(ctx context.Context, orderNo string) (workflows.OrderView, error) {
	var v workflows.OrderView
	val, err := t.c.QueryWorkflow(ctx, workflows.WorkflowID(orderNo), "", workflows.QueryStatus)
	if err != nil {
		return v, translateError(orderNo, err)
	}
	if err := val.Get(&v); err != nil {
		return v, fmt.Errorf("reading the status of %s: %w", orderNo, err)
	}
	return v, nil
}

// Update sends an update and waits until it completes. The same updateID
// sent again returns the first outcome instead of running twice.
func (t temporalOrders) Update(ctx context.Context, orderNo, update, updateID string, arg, result any) error {
	opts := updateOptions(update, updateID, arg)
	opts.WorkflowID = workflows.WorkflowID(orderNo)
	h, err := t.c.UpdateWorkflow(ctx, opts)
	return outcome(ctx, orderNo, h, err, result)
}

// Reopen sends an update to a new run of a remitted order's workflow,
// started from from (what the last run left in the store, whether or not
// Temporal still keeps that run). The id may be reused once the last run has
// closed; a run started meanwhile by another request takes the update
// instead (conflict policy "use existing"), so two requests at once meet in
// one run.
func (t temporalOrders) Reopen(ctx context.Context, orderNo string, from workflows.OrderInput, update, updateID string, arg, result any) error {
	if from.State == nil {
		return sales.Errorf(sales.ErrInvalid, "order %s: the input to start it again has no state", orderNo)
	}
	attrs, memo := workflows.ReopenAttributes(from)
	opts := client.StartWorkflowOptions{
		ID:                       workflows.WorkflowID(orderNo),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes:    attrs,
		Memo:                     memo,
	}
	h, err := t.c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: t.c.NewWithStartWorkflowOperation(opts, workflows.OrderWorkflowName, from),
		UpdateOptions:          updateOptions(update, updateID, arg),
	})
	return outcome(ctx, orderNo, h, err, result)
}

// updateOptions are those of an update of an order's workflow whose caller
// waits for its result (the workflow id is set by the caller when there is
// no start with it).
func updateOptions(update, updateID string, args ...any) client.UpdateWorkflowOptions {
	return client.UpdateWorkflowOptions{
		UpdateID:     updateID,
		UpdateName:   update,
		Args:         args,
		WaitForStage: client.WorkflowUpdateStageCompleted,
	}
}

// outcome reads the result of the update h sent (err is how sending it
// failed) into result, in the domain's vocabulary.
func outcome(ctx context.Context, orderNo string, h client.WorkflowUpdateHandle, err error, result any) error {
	if err != nil {
		return translateError(orderNo, err)
	}
	return translateError(orderNo, h.Get(ctx, result))
}

// Signal sends a signal to the order's workflow.
func (t temporalOrders) Signal(ctx context.Context, orderNo, signal string, arg any) error {
	return translateError(orderNo, t.c.SignalWorkflow(ctx, workflows.WorkflowID(orderNo), "", signal, arg))
}

// Healthy asks the Temporal frontend for its health.
func (t temporalOrders) Healthy(ctx context.Context) error {
	_, err := t.c.CheckHealth(ctx, &client.CheckHealthRequest{})
	return err
}

// translateError turns what Temporal says about an order into the domain's
// vocabulary: a refusal by the workflow keeps its code, message and field
// errors; a missing workflow is not_found; anything else stays internal.
func translateError(orderNo string, err error) error {
	if err == nil {
		return nil
	}
	var known *sales.Error
	if errors.As(err, &known) {
		return known
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		switch app.Type() {
		case sales.ErrInvalid, sales.ErrNotFound, sales.ErrConflict, sales.ErrForbidden, sales.ErrUnauthorized:
		default: // not a refusal: the workflow or an activity failed
			return fmt.Errorf("order %s: %w", orderNo, err)
		}
		e := &sales.Error{Code: app.Type(), Message: app.Message()}
		if app.HasDetails() {
			var fields []sales.FieldError
			if app.Details(&fields) == nil {
				e.Fields = fields
			}
		}
		return e
	}
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return sales.Errorf(sales.ErrNotFound, "order %s not found", orderNo)
	}
	return fmt.Errorf("order %s: %w", orderNo, err)
}
