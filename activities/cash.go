package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"osb/sales"
	"osb/workflows"
)

// CashStore is what cash application and refunds read and write.
type CashStore interface {
	RecordReceipt(ctx context.Context, in sales.ReceiptInput, source, by string, at time.Time) (sales.BankReceipt, bool, error)
	OpenInvoices(ctx context.Context, customerID string, currency sales.Currency) ([]sales.OpenInvoice, error)
	SettleReceipt(ctx context.Context, id int64, apps []sales.CashApplication, at time.Time) (sales.BankReceipt, error)
	RecordUnappliedApplication(ctx context.Context, a sales.UnappliedApplication) (sales.UnappliedApplication, error)
	SettleUnappliedApplication(ctx context.Context, id int64, apps []sales.CashApplication, at time.Time) (sales.UnappliedApplication, error)
	RecordRefund(ctx context.Context, f sales.Refund, notes []sales.Notification) (sales.Refund, error)
	EscalateRefund(ctx context.Context, id int64, level sales.Level, notes []sales.Notification) error
	DecideRefund(ctx context.Context, d sales.RefundDecision, notes []sales.Notification) (sales.Refund, error)
}

// OrderUpdater sends an update to an order's workflow and waits for its
// result (starter.NewTemporalOrders has it). Errors are *sales.Error where
// the cause is known: a refusal keeps its code, an order whose workflow has
// ended is not_found.
type OrderUpdater interface {
	Update(ctx context.Context, orderNo, update, updateID string, arg, result any) error
}

func (a *Activities) registerCash(r worker.ActivityRegistry) {
	workflows.RecordReceipt.Register(r, a.RecordReceipt)
	workflows.RecordUnappliedApplication.Register(r, a.RecordUnappliedApplication)
	workflows.CustomerOpenInvoices.Register(r, a.CustomerOpenInvoices)
	workflows.ApplyToOrder.Register(r, a.ApplyToOrder)
	workflows.SettleReceipt.Register(r, a.SettleReceipt)
	workflows.SettleUnappliedApplication.Register(r, a.SettleUnappliedApplication)
	workflows.RecordRefund.Register(r, a.RecordRefund)
	workflows.EscalateRefund.Register(r, a.EscalateRefund)
	workflows.DecideRefund.Register(r, a.DecideRefund)
}

// RecordReceipt records a bank receipt once for its bank account and
// reference and returns it as stored; the reference recorded before for
// another transfer is a conflict.
func (a *Activities) RecordReceipt(ctx context.Context, in workflows.RecordReceiptInput) (sales.BankReceipt, error) {
	r, _, err := a.Store.RecordReceipt(ctx, in.Receipt, in.Source, in.By, in.At)
	return r, refused(wrap(fmt.Sprintf("record receipt %s/%s", in.Receipt.BankAccount, in.Receipt.Reference), err))
}

// RecordUnappliedApplication reserves the unapplied cash Finance applies.
func (a *Activities) RecordUnappliedApplication(ctx context.Context, u sales.UnappliedApplication) (sales.UnappliedApplication, error) {
	out, err := a.Store.RecordUnappliedApplication(ctx, u)
	return out, refused(wrap("record "+u.Key(), err))
}

// CustomerOpenInvoices reads what a customer's invoices still owe.
func (a *Activities) CustomerOpenInvoices(ctx context.Context, in workflows.OpenInvoicesInput) ([]sales.OpenInvoice, error) {
	out, err := a.Store.OpenInvoices(ctx, in.CustomerID, in.Currency)
	return out, business(wrap("open invoices of "+in.CustomerID, err))
}

// ApplyToOrder sends an order its share with the apply-payment update and
// returns what it took. An order whose workflow has ended, or that refuses
// the share, takes nothing: that part stays the customer's unapplied cash.
// Anything else (Temporal or the order's worker not answering) is retried.
func (a *Activities) ApplyToOrder(ctx context.Context, in workflows.ApplyToOrderInput) (workflows.OrderShare, error) {
	out := workflows.OrderShare{OrderNo: in.OrderNo, Offered: in.Payment.Shares}
	if a.Orders == nil {
		return out, errors.New("apply to order " + in.OrderNo + ": the worker has no client of the order workflows")
	}
	var res workflows.ApplyPaymentResult
	err := a.Orders.Update(ctx, in.OrderNo, workflows.UpdateApplyPayment, in.UpdateID, in.Payment, &res)
	switch sales.ErrorCode(err) {
	case "":
		out.Applied, out.Progress = res.Applied, &res.Progress
	case sales.ErrNotFound, sales.ErrInvalid, sales.ErrConflict, sales.ErrForbidden:
		out.Refused = sales.ErrorMessage(err)
		a.cashLog().WarnContext(ctx, "an order took nothing of a payment", "order", in.OrderNo, "key", in.Payment.Key, "err", err)
	default:
		return out, fmt.Errorf("apply %s to order %s: %w", in.Payment.Key, in.OrderNo, err)
	}
	return out, nil
}

// SettleReceipt writes what a receipt paid and keeps the rest as the
// customer's unapplied cash.
func (a *Activities) SettleReceipt(ctx context.Context, in workflows.SettleInput) (sales.BankReceipt, error) {
	r, err := a.Store.SettleReceipt(ctx, in.ID, in.Applications, in.At)
	return r, business(wrap(fmt.Sprintf("settle receipt %d", in.ID), err))
}

// SettleUnappliedApplication writes what unapplied cash paid and gives
// back the rest.
func (a *Activities) SettleUnappliedApplication(ctx context.Context, in workflows.SettleInput) (sales.UnappliedApplication, error) {
	u, err := a.Store.SettleUnappliedApplication(ctx, in.ID, in.Applications, in.At)
	return u, business(wrap(fmt.Sprintf("settle unapplied/%d", in.ID), err))
}

// RecordRefund records a refund, reserving its amount, and returns it with
// the customer's name and escalation ladder.
func (a *Activities) RecordRefund(ctx context.Context, in workflows.RecordRefundInput) (workflows.RecordRefundResult, error) {
	op := fmt.Sprintf("record refund %d", in.Refund.ID)
	c, err := a.Store.Customer(ctx, in.Refund.CustomerID)
	if err != nil {
		return workflows.RecordRefundResult{}, business(wrap(op, err))
	}
	ladder, err := a.Store.Ladder(ctx, c.ID)
	if err != nil {
		return workflows.RecordRefundResult{}, business(wrap(op, err))
	}
	f, err := a.Store.RecordRefund(ctx, in.Refund, nil)
	if err != nil {
		return workflows.RecordRefundResult{}, refused(wrap(op, err))
	}
	return workflows.RecordRefundResult{Refund: f, CustomerName: c.Name, Ladder: ladder}, nil
}

// EscalateRefund records the rung a waiting refund reached and tells its
// holder.
func (a *Activities) EscalateRefund(ctx context.Context, in workflows.EscalateRefundInput) error {
	return business(wrap(fmt.Sprintf("escalate refund %d", in.ID), a.Store.EscalateRefund(ctx, in.ID, in.Level, in.Notifications)))
}

// DecideRefund writes a decision on a refund.
func (a *Activities) DecideRefund(ctx context.Context, in workflows.DecideRefundInput) (sales.Refund, error) {
	f, err := a.Store.DecideRefund(ctx, in.Decision, in.Notifications)
	return f, business(wrap(fmt.Sprintf("decide refund %d", in.Decision.ID), err))
}

func (a *Activities) cashLog() *slog.Logger {
	if a.Logger == nil {
		return slog.Default()
	}
	return a.Logger
}

// refused is business keeping a refusal's field errors, so that whoever
// asked learns which field was refused (a bank reference taken, more than
// the unapplied cash).
func refused(err error) error {
	var e *sales.Error
	if errors.As(err, &e) && len(e.Fields) > 0 && e.Code != sales.ErrInternal {
		return temporal.NewNonRetryableApplicationError(e.Message, e.Code, err, e.Fields)
	}
	return business(err)
}
