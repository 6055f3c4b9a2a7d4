package activities

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/worker"

	"osb/sales"
	"osb/workflows"
)

// AccountStatementStore is what the monthly customer statements read and
// keep.
type AccountStatementStore interface {
	StatementCustomers(ctx context.Context, month, after string, limit int) ([]string, error)
	AccountStatementInput(ctx context.Context, customerID, month string) (sales.AccountStatementInput, error)
	SaveAccountStatement(ctx context.Context, s sales.AccountStatement, at time.Time) (sales.StatementRecord, bool, error)
}

func (a *Activities) registerStatements(r worker.ActivityRegistry) {
	workflows.GenerateCustomerStatements.Register(r, a.GenerateCustomerStatements)
}

// GenerateCustomerStatements computes and keeps the statements of a batch of
// customers with activity in the month; a statement kept before for a
// customer and month stays as it was, so a retried batch changes nothing.
func (a *Activities) GenerateCustomerStatements(ctx context.Context, in workflows.CustomerStatementBatch) (workflows.CustomerStatementBatchResult, error) {
	var out workflows.CustomerStatementBatchResult
	ids, err := a.Store.StatementCustomers(ctx, in.Month, in.After, in.Limit)
	if err != nil {
		return out, business(fmt.Errorf("statements of %s: customers after %q: %w", in.Month, in.After, err))
	}
	for _, id := range ids {
		src, err := a.Store.AccountStatementInput(ctx, id, in.Month)
		if err != nil {
			return out, business(fmt.Errorf("statement of %s for %s: %w", id, in.Month, err))
		}
		s, err := sales.ComputeAccountStatement(src)
		if err != nil {
			return out, business(fmt.Errorf("statement of %s for %s: %w", id, in.Month, err))
		}
		_, created, err := a.Store.SaveAccountStatement(ctx, s, in.At)
		if err != nil {
			return out, business(fmt.Errorf("keep the statement of %s for %s: %w", id, in.Month, err))
		}
		if created {
			out.Generated++
		} else {
			out.KeptFirst++
		}
		out.Customers = append(out.Customers, id)
	}
	out.More = in.Limit > 0 && len(ids) == in.Limit
	a.statementLog().InfoContext(ctx, "customer statements", "month", in.Month, "after", in.After,
		"customers", len(ids), "generated", out.Generated, "kept_before", out.KeptFirst)
	return out, nil
}

func (a *Activities) statementLog() *slog.Logger {
	if a.Logger == nil {
		return slog.Default()
	}
	return a.Logger
}
