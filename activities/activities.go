// Package activities is everything the order workflow does to the world:
// reading the organisation and credit, writing each step to the store, and
// delivering notifications. Every activity is idempotent.
package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"osb/sales"
	"osb/workflows"
)

// Store is what the activities read and write.
type Store interface {
	Customer(ctx context.Context, id string) (sales.Customer, error)
	SKUs(ctx context.Context, codes []string) (map[string]sales.SKU, error)
	PricedSKUs(ctx context.Context, customerID string, day time.Time, codes []string) (map[string]sales.SKU, error)
	Ladder(ctx context.Context, customerID string) (sales.Ladder, error)
	ReserveCredit(ctx context.Context, customerID, orderNo string, amount sales.Fen) (sales.CreditPosition, error)
	ApplyOrderChanges(ctx context.Context, c sales.OrderChanges) error
	FileProblem(ctx context.Context, f sales.ProblemFiling) (sales.Problem, error)
	QuotaStore
	ReportStore
	CreditStore
	CashStore
	AccountStatementStore
	LadderStore
}

// Activities holds the dependencies of the order workflow's activities.
type Activities struct {
	Store  Store
	Logger *slog.Logger
	// CreditPolicy is the credit reviews' configuration; nil = the defaults.
	CreditPolicy *sales.CreditPolicy
	// Orders sends a customer's receipts to the order workflows (cash
	// application); nil: the cash application waits until a worker has it.
	Orders OrderUpdater
	// Statements applies imported bank statements; nil refuses to.
	Statements *BankStatements
}

// Register registers every activity under the name the workflow uses.
func (a *Activities) Register(r worker.ActivityRegistry) {
	workflows.PrepareOrder.Register(r, a.PrepareOrder)
	workflows.CheckCredit.Register(r, a.CheckCredit)
	workflows.SyncOrder.Register(r, a.SyncOrder)
	workflows.ReportStoreLag.Register(r, a.ReportStoreLag)
	a.registerQuota(r)
	a.registerReports(r)
	a.registerCredit(r)
	a.registerCash(r)
	a.registerStatements(r)
	a.registerLadders(r)
	a.Statements.register(r)
}

// PrepareOrder reads what OP1/OP2 need: the customer, the SKUs and POP items
// the order names and the customer's escalation ladder. An unknown customer
// is not an error: validation rejects the order with that reason.
func (a *Activities) PrepareOrder(ctx context.Context, req sales.OrderRequest) (workflows.PrepareResult, error) {
	var out workflows.PrepareResult
	var err error
	if out.POPItems, err = a.popItems(ctx, req); err != nil {
		return out, business(fmt.Errorf("prepare order: POP items: %w", err))
	}
	c, err := a.Store.Customer(ctx, req.CustomerID)
	switch {
	case sales.ErrorCode(err) == sales.ErrNotFound:
		return out, nil
	case err != nil:
		return out, business(fmt.Errorf("prepare order: customer %s: %w", req.CustomerID, err))
	}
	out.Customer = &c
	codes := make([]string, 0, len(req.Lines))
	for _, l := range req.Lines {
		codes = append(codes, l.SKU)
	}
	if out.SKUs, err = a.Store.PricedSKUs(ctx, c.ID, orderDay(ctx), codes); err != nil {
		return out, business(fmt.Errorf("prepare order: skus: %w", err))
	}
	if out.Ladder, err = a.Store.Ladder(ctx, c.ID); err != nil {
		return out, business(fmt.Errorf("prepare order: ladder of %s: %w", c.ID, err))
	}
	year := time.Now().In(sales.Beijing).Year()
	cal, err := a.Store.Calendar(ctx, year, year+1)
	if err != nil {
		return out, business(fmt.Errorf("prepare order: working calendar: %w", err))
	}
	out.Calendar = &cal
	return out, nil
}

// orderDay is when the order is registered: when its preparation started
// (now outside an activity). Its Beijing date picks the prices in force.
func orderDay(ctx context.Context) time.Time {
	if activity.IsActivity(ctx) {
		return activity.GetInfo(ctx).StartedTime
	}
	return time.Now()
}

// CheckCredit returns the customer's credit position with the order's amount
// and, when the order passes, reserves that amount for it under the
// customer's lock, so that another order checked at the same time counts it.
// Checking the same order again reserves once.
func (a *Activities) CheckCredit(ctx context.Context, in workflows.CreditInput) (sales.CreditPosition, error) {
	p, err := a.Store.ReserveCredit(ctx, in.CustomerID, in.OrderNo, in.Amount)
	if err != nil {
		return p, business(fmt.Errorf("check credit of %s: %w", in.CustomerID, err))
	}
	return p, nil
}

// SyncOrder writes an order's changes to the store in one transaction.
// Writing the same changes twice changes nothing.
func (a *Activities) SyncOrder(ctx context.Context, c sales.OrderChanges) error {
	if err := a.Store.ApplyOrderChanges(ctx, c); err != nil {
		no := ""
		if c.Order != nil {
			no = c.Order.OrderNo
		}
		return business(fmt.Errorf("sync order %s: %w", no, err))
	}
	return nil
}

// ReportStoreLag files the problem of an order whose writes keep failing,
// once (the filing's key). An order whose first write failed is not in the
// store yet: its problem names it in the title only.
func (a *Activities) ReportStoreLag(ctx context.Context, f sales.ProblemFiling) error {
	_, err := a.Store.FileProblem(ctx, f)
	if code := sales.ErrorCode(err); f.OrderNo != "" && (code == sales.ErrNotFound || code == sales.ErrInvalid) {
		f.OrderNo, f.CustomerID = "", ""
		_, err = a.Store.FileProblem(ctx, f)
	}
	if err != nil {
		return fmt.Errorf("report the store lag of %s: %w", f.Key, err)
	}
	return nil
}

// business makes domain errors that retrying cannot fix non-retryable, typed
// with their stable code; anything else stays retryable.
func business(err error) error {
	var e *sales.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code {
	case sales.ErrInvalid, sales.ErrNotFound, sales.ErrConflict, sales.ErrForbidden:
		return temporal.NewNonRetryableApplicationError(err.Error(), e.Code, err)
	}
	return err
}
