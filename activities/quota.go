package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/worker"

	"osb/sales"
	"osb/workflows"
)

// QuotaStore is what the quota and POP activities read and write.
type QuotaStore interface {
	TakeQuota(ctx context.Context, customerID, period string, moves []sales.QuotaMove) (left map[string]int64, taken bool, err error)
	TakeQuotaUpTo(ctx context.Context, customerID, period string, moves []sales.QuotaMove) ([]sales.QuotaMove, error)
	POPItems(ctx context.Context, codes []string) (map[string]sales.POPItem, error)
	ReservePOP(ctx context.Context, orderNo, customerID, month string, items []sales.POPRequest, at time.Time) (sales.POPReservation, error)
}

func (a *Activities) registerQuota(r worker.ActivityRegistry) {
	workflows.TakeQuota.Register(r, a.TakeQuota)
	workflows.TakeQuotaWithin.Register(r, a.TakeQuotaWithin)
	workflows.ReservePOP.Register(r, a.ReservePOP)
}

// TakeQuota checks an order's quota-controlled lines against what the
// customer has left and, when all fit, consumes them in the same
// transaction (OP3).
func (a *Activities) TakeQuota(ctx context.Context, in workflows.TakeQuotaInput) (workflows.TakeQuotaResult, error) {
	left, taken, err := a.Store.TakeQuota(ctx, in.CustomerID, in.Period, in.Moves)
	if err != nil {
		return workflows.TakeQuotaResult{}, business(fmt.Errorf("take quota of %s for %s: %w", in.CustomerID, in.OrderNo, err))
	}
	return workflows.TakeQuotaResult{Left: left, Taken: taken}, nil
}

// TakeQuotaWithin consumes of an order's quota-controlled lines what the
// customer has left (the SLT's within_quota) and returns
// what was taken.
func (a *Activities) TakeQuotaWithin(ctx context.Context, in workflows.TakeQuotaInput) ([]sales.QuotaMove, error) {
	taken, err := a.Store.TakeQuotaUpTo(ctx, in.CustomerID, in.Period, in.Moves)
	if err != nil {
		return nil, business(fmt.Errorf("take quota within what is left of %s for %s: %w", in.CustomerID, in.OrderNo, err))
	}
	return taken, nil
}

// ReservePOP reserves an order's POP material against its market's budget
// (OP6), once per order: over budget is an answer, not an error.
func (a *Activities) ReservePOP(ctx context.Context, in workflows.POPInput) (sales.POPReservation, error) {
	res, err := a.Store.ReservePOP(ctx, in.OrderNo, in.CustomerID, in.Month, in.Items, in.At)
	if err != nil {
		return res, business(fmt.Errorf("reserve POP material of %s: %w", in.OrderNo, err))
	}
	return res, nil
}

// popItems reads the POP items an order names, for validation (OP2).
func (a *Activities) popItems(ctx context.Context, req sales.OrderRequest) (map[string]sales.POPItem, error) {
	if len(req.POP) == 0 {
		return nil, nil
	}
	codes := make([]string, 0, len(req.POP))
	for _, p := range req.POP {
		codes = append(codes, p.Item)
	}
	return a.Store.POPItems(ctx, codes)
}
