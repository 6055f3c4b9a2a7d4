package starter

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"osb/sales"
	"osb/workflows"
)

// CashStore is what cash application reads in the store directly: the
// receipts, the unapplied cash and the refunds as recorded, and new ids.
type CashStore interface {
	Customer(ctx context.Context, id string) (sales.Customer, error)
	Receipt(ctx context.Context, id int64) (sales.BankReceipt, error)
	ReceiptByReference(ctx context.Context, bankAccount, reference string) (sales.BankReceipt, error)
	ListReceipts(ctx context.Context, f sales.ReceiptFilter) ([]sales.BankReceipt, error)
	UnappliedCash(ctx context.Context, customerID string, limit int) (sales.UnappliedCash, error)
	NextUnappliedID(ctx context.Context) (int64, error)
	UnappliedApplication(ctx context.Context, id int64) (sales.UnappliedApplication, error)
	NextRefundID(ctx context.Context) (int64, error)
	Refund(ctx context.Context, id int64) (sales.Refund, error)
	ListRefunds(ctx context.Context, f sales.RefundFilter) ([]sales.Refund, error)
}

// DefaultCashWait is how long a request waits for the orders to take their
// shares of a receipt before it answers 202 with the receipt applying.
const DefaultCashWait = 20 * time.Second

// temporalCash is CashService over the store and a Temporal client: every
// application of cash is an ApplyReceipt workflow, every refund a Refund
// workflow; reads are the store's.
type temporalCash struct {
	CashStore
	c      client.Client
	policy sales.CashPolicy
	now    func() time.Time
	wait   time.Duration
}

// NewTemporalCash returns cash application over store and c, with policy's
// default bank account and refund limit; now is the clock (nil: time.Now).
func NewTemporalCash(c client.Client, store CashStore, policy sales.CashPolicy, now func() time.Time) CashService {
	if now == nil {
		now = time.Now
	}
	return temporalCash{CashStore: store, c: c, policy: policy, now: now, wait: DefaultCashWait}
}

func (t temporalCash) Policy() sales.CashPolicy { return t.policy }

// RecordReceipt is RecordNewReceipt without saying whether it was new: what
// a statement import calls for every matched line.
func (t temporalCash) RecordReceipt(ctx context.Context, in sales.ReceiptInput, source string, by sales.Actor) (sales.BankReceipt, error) {
	rec, _, err := t.RecordNewReceipt(ctx, in, source, by)
	return rec, err
}

// RecordNewReceipt checks the receipt, refuses a reference recorded for
// another transfer, and starts the receipt's workflow (receipt/<account>/
// <reference>: one per reference for ever), waiting up to DefaultCashWait
// for it to apply the receipt.
func (t temporalCash) RecordNewReceipt(ctx context.Context, in sales.ReceiptInput, source string, by sales.Actor) (sales.BankReceipt, bool, error) {
	in = sales.NormalizeReceipt(in)
	if err := in.Validate(t.now()).Err("the receipt is invalid"); err != nil {
		return sales.BankReceipt{}, false, err
	}
	c, err := t.customer(ctx, in.CustomerID)
	if err != nil {
		return sales.BankReceipt{}, false, err
	}
	if in.Currency != c.Currency {
		var p sales.Problems
		p.Add("currency", "must be the customer's currency %s", c.Currency)
		return sales.BankReceipt{}, false, p.Err("the receipt is invalid")
	}
	id := workflows.ReceiptWorkflowID(in.BankAccount, in.Reference)
	old, err := t.ReceiptByReference(ctx, in.BankAccount, in.Reference)
	switch {
	case err == nil:
		if !sales.SameTransfer(old, in) {
			return old, false, sales.ReferenceTaken(old)
		}
		rec, err := t.awaitReceipt(ctx, id, old)
		return rec, false, err
	case sales.ErrorCode(err) != sales.ErrNotFound:
		return old, false, err
	}
	_, err = t.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes:    customerAttributes(c),
		Memo:                     map[string]any{"customer_name": c.Name, "amount_fen": int64(in.Amount), "source": source},
	}, workflows.ApplyReceiptWorkflowName, workflows.ApplyReceiptInput{Actor: by,
		Receipt: &workflows.RecordReceiptInput{Receipt: in, Source: source, By: by.UserID, At: t.now()}})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) { // recorded at this moment by another request
		var v workflows.CashApplicationView
		if err := t.query(ctx, id, &v); err != nil {
			return sales.BankReceipt{}, false, err
		}
		if r := v.Input.Receipt; r == nil || !sameInput(r.Receipt, in) {
			return sales.BankReceipt{}, false, sales.ReferenceTaken(pending(in, v))
		}
		rec, err := t.awaitReceipt(ctx, id, pending(in, v))
		return rec, false, err
	}
	if err != nil {
		return sales.BankReceipt{}, false, cashError(id, err)
	}
	rec, err := t.awaitReceipt(ctx, id, pending(in, workflows.CashApplicationView{}))
	return rec, true, err
}

// sameInput is sales.SameTransfer for two inputs.
func sameInput(a, b sales.ReceiptInput) bool {
	return sales.SameTransfer(sales.BankReceipt{CustomerID: a.CustomerID, ValueDate: a.ValueDate, Amount: a.Amount, Currency: a.Currency}, b)
}

// pending is the receipt as far as its workflow got: recorded, or only asked for.
func pending(in sales.ReceiptInput, v workflows.CashApplicationView) sales.BankReceipt {
	if v.Receipt != nil {
		return *v.Receipt
	}
	return sales.BankReceipt{CustomerID: in.CustomerID, BankAccount: in.BankAccount, Reference: in.Reference, ValueDate: in.ValueDate,
		Amount: in.Amount, Currency: in.Currency, PayerName: in.PayerName, PayerAccount: in.PayerAccount, Remittance: in.Remittance,
		Status: sales.ReceiptApplying, Applications: []sales.CashApplication{}}
}

// customer reads the customer a request names: one that does not exist is
// invalid input.
func (t temporalCash) customer(ctx context.Context, id string) (sales.Customer, error) {
	c, err := t.Customer(ctx, id)
	if sales.ErrorCode(err) == sales.ErrNotFound {
		var p sales.Problems
		p.Add("customer_id", "no customer %q", id)
		return c, p.Err("unknown customer")
	}
	return c, err
}

func customerAttributes(c sales.Customer) temporal.SearchAttributes {
	return temporal.NewSearchAttributes(workflows.SACustomerID.ValueSet(c.ID), workflows.SAMarket.ValueSet(c.Market), workflows.SAKAM.ValueSet(c.KAMID))
}

// awaitReceipt waits up to t.wait for the receipt's workflow; still
// running, the receipt is answered as far as it got (applying).
func (t temporalCash) awaitReceipt(ctx context.Context, id string, sofar sales.BankReceipt) (sales.BankReceipt, error) {
	if sofar.Status == sales.ReceiptApplied {
		return sofar, nil
	}
	v, _, err := t.await(ctx, id)
	if err != nil {
		return sofar, err
	}
	if v.Receipt != nil {
		return *v.Receipt, nil
	}
	return sofar, nil
}

// await waits up to t.wait for a cash application's result; done is false
// when it still runs (v is then what its query answers, if anything).
func (t temporalCash) await(ctx context.Context, id string) (v workflows.CashApplicationView, done bool, err error) {
	wctx, cancel := context.WithTimeout(ctx, t.wait)
	defer cancel()
	err = t.c.GetWorkflow(wctx, id, "").Get(wctx, &v)
	if err == nil {
		return v, true, nil
	}
	if ctx.Err() == nil && wctx.Err() != nil { // still running: answer what it has done
		_ = t.query(ctx, id, &v)
		return v, false, nil
	}
	return v, false, cashError(id, err)
}

// query asks a cash application's workflow where it stands.
func (t temporalCash) query(ctx context.Context, id string, v *workflows.CashApplicationView) error {
	val, err := t.c.QueryWorkflow(ctx, id, "", workflows.QueryCashApplication)
	if err != nil {
		return cashError(id, err)
	}
	return val.Get(v)
}

// checkBalance refuses to spend more than a customer's unapplied cash
// before anything starts (the workflow checks again, under the customer's
// lock).
func (t temporalCash) checkBalance(ctx context.Context, customerID string, amount sales.Fen) error {
	u, err := t.UnappliedCash(ctx, customerID, 1)
	if err != nil {
		return err
	}
	if amount > u.Balance {
		msg := fmt.Sprintf("the unapplied cash of %s is %s %s, less than %s", customerID, u.Balance, u.Currency, amount)
		return &sales.Error{Code: sales.ErrConflict, Message: msg, Fields: []sales.FieldError{{Field: "amount_fen", Message: msg}}}
	}
	return nil
}

// ApplyUnapplied starts the application of unapplied cash (unapplied/<id>)
// and waits up to DefaultCashWait for it.
func (t temporalCash) ApplyUnapplied(ctx context.Context, req sales.UnappliedRequest, by sales.Actor) (sales.UnappliedApplication, error) {
	if err := req.Validate().Err("the application is invalid"); err != nil {
		return sales.UnappliedApplication{}, err
	}
	c, err := t.customer(ctx, req.CustomerID)
	if err != nil {
		return sales.UnappliedApplication{}, err
	}
	if err := t.checkBalance(ctx, c.ID, req.Amount); err != nil {
		return sales.UnappliedApplication{}, err
	}
	n, err := t.NextUnappliedID(ctx)
	if err != nil {
		return sales.UnappliedApplication{}, err
	}
	now := t.now()
	a := sales.UnappliedApplication{ID: n, CustomerID: c.ID, Amount: req.Amount, Currency: c.Currency, Invoices: req.Invoices,
		ValueDate: sales.DateOf(now).Format(time.DateOnly), Status: sales.ReceiptApplying, Applications: []sales.CashApplication{},
		RequestedBy: by.UserID, RequestedAt: now}
	id := workflows.UnappliedWorkflowID(n)
	_, err = t.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes:    customerAttributes(c),
		Memo:                     map[string]any{"customer_name": c.Name, "amount_fen": int64(a.Amount)},
	}, workflows.ApplyReceiptWorkflowName, workflows.ApplyReceiptInput{Actor: by, Unapplied: &a})
	if err != nil {
		return a, cashError(id, err)
	}
	v, _, err := t.await(ctx, id)
	if err != nil {
		return a, err
	}
	if v.Unapplied != nil {
		return *v.Unapplied, nil
	}
	return a, nil
}

// RequestRefund numbers the refund and starts its workflow with an update
// that answers once it is recorded (its amount reserved) and, within the
// limit, refunded.
func (t temporalCash) RequestRefund(ctx context.Context, req sales.RefundRequest, by sales.Actor) (sales.Refund, error) {
	if err := req.Validate().Err("the refund is invalid"); err != nil {
		return sales.Refund{}, err
	}
	c, err := t.customer(ctx, req.CustomerID)
	if err != nil {
		return sales.Refund{}, err
	}
	if err := t.checkBalance(ctx, c.ID, req.Amount); err != nil {
		return sales.Refund{}, err
	}
	n, err := t.NextRefundID(ctx)
	if err != nil {
		return sales.Refund{}, err
	}
	f := sales.Refund{ID: n, CustomerID: c.ID, Amount: req.Amount, Currency: c.Currency, BankAccount: req.BankAccount, Reason: req.Reason,
		Status: sales.RefundRequested, NeedsDecision: t.policy.NeedsDecision(req.Amount), RequestedBy: by.UserID, RequestedAt: t.now()}
	id := workflows.RefundWorkflowID(n)
	opts := client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes:    customerAttributes(c),
		Memo:                     map[string]any{"customer_name": c.Name, "amount_fen": int64(f.Amount), "requested_by": by.UserID},
	}
	h, err := t.c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: t.c.NewWithStartWorkflowOperation(opts, workflows.RefundWorkflowName, workflows.RefundInput{Refund: f, Policy: t.policy}),
		UpdateOptions:          updateOptions(workflows.UpdateRefundRecorded, ""),
	})
	var v workflows.RefundView
	if err == nil {
		err = h.Get(ctx, &v)
	}
	if err != nil {
		return f, cashError(id, err)
	}
	return v.Refund, nil
}

// DecideRefund sends the decision as an update and waits until it is
// written; a refund whose workflow has ended was decided already.
func (t temporalCash) DecideRefund(ctx context.Context, id int64, in workflows.RefundDecisionInput) (sales.Refund, error) {
	wid := workflows.RefundWorkflowID(id)
	var v workflows.RefundView
	h, err := t.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   wid,
		UpdateName:   workflows.UpdateDecideRefund,
		Args:         []any{in},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, &v)
	}
	err = cashError(wid, err)
	if sales.ErrorCode(err) == sales.ErrNotFound {
		if f, ferr := t.Refund(ctx, id); ferr == nil {
			return f, sales.Errorf(sales.ErrConflict, "refund %d is %s already", id, f.Status)
		}
	}
	return v.Refund, err
}

// cashError is translateError for cash workflows: a missing workflow is
// not_found with what was asked for.
func cashError(what string, err error) error {
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return sales.Errorf(sales.ErrNotFound, "%s not found", what)
	}
	return translateError(what, err)
}
