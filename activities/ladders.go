package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/worker"

	"osb/sales"
	"osb/workflows"
)

// LadderStore is what the ladder refresh and the working calendar read.
type LadderStore interface {
	ListOrders(ctx context.Context, f sales.OrderFilter) ([]sales.OrderSummary, error)
	Calendar(ctx context.Context, fromYear, toYear int) (sales.Calendar, error)
}

func (a *Activities) registerLadders(r worker.ActivityRegistry) {
	workflows.CustomerOpenOrders.Register(r, a.CustomerOpenOrders)
	workflows.ResolveLadder.Register(r, a.ResolveLadder)
	workflows.LoadCalendar.Register(r, a.LoadCalendar)
}

// openOrdersPage is how many orders one read of CustomerOpenOrders lists.
const openOrdersPage = 500

// CustomerOpenOrders lists the order numbers of a customer's orders that
// are not final, newest first.
func (a *Activities) CustomerOpenOrders(ctx context.Context, customerID string) ([]string, error) {
	var out []string
	f := sales.OrderFilter{CustomerID: customerID, Open: true, Scope: sales.Scope{All: true}, Limit: openOrdersPage}
	for {
		page, err := a.Store.ListOrders(ctx, f)
		if err != nil {
			return nil, business(fmt.Errorf("open orders of %s: %w", customerID, err))
		}
		for _, o := range page {
			out = append(out, o.OrderNo)
		}
		if len(page) < openOrdersPage {
			return out, nil
		}
		f.Before = page[len(page)-1].OrderNo
	}
}

// ResolveLadder resolves a customer's ladder from the organisation as it is
// now.
func (a *Activities) ResolveLadder(ctx context.Context, customerID string) (sales.Ladder, error) {
	l, err := a.Store.Ladder(ctx, customerID)
	if err != nil {
		return l, business(fmt.Errorf("ladder of %s: %w", customerID, err))
	}
	return l, nil
}

// LoadCalendar reads the working calendar of the years an order needs.
func (a *Activities) LoadCalendar(ctx context.Context, in workflows.CalendarYears) (sales.Calendar, error) {
	c, err := a.Store.Calendar(ctx, in.From, in.To)
	if err != nil {
		return c, business(fmt.Errorf("working calendar %d–%d: %w", in.From, in.To, err))
	}
	return c, nil
}
