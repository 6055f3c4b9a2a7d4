package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// MonthlyStatementsWorkflowName is the registered name of the monthly
// customer statements run.
const MonthlyStatementsWorkflowName = "MonthlyStatements"

// MonthlyStatementsWorkflowID is the id of an on-demand run for month.
func MonthlyStatementsWorkflowID(month string) string { return "monthly-statements/" + month }

// CustomerStatementBatchSize is how many customers one activity generates.
const CustomerStatementBatchSize = 50

// statementBatchesPerRun bounds a run's history: after so many batches the
// run continues as new from the last customer done.
const statementBatchesPerRun = 200

// MonthlyStatementsInput asks for the statements of a month. The schedule
// leaves Month empty: the statements are then of the month before the one
// the run was scheduled in (Beijing time). After is the last customer done
// (continue-as-new); the totals so far travel with it.
type MonthlyStatementsInput struct {
	Month   string                  `json:"month,omitempty"`
	After   string                  `json:"after,omitempty"`
	Done    MonthlyStatementsResult `json:"done"`
	BatchOf int                     `json:"batch_of,omitempty"` // 0: CustomerStatementBatchSize
}

// MonthlyStatementsResult counts the statements of a month: generated now,
// and kept before (a run again generates nothing twice).
type MonthlyStatementsResult struct {
	Month     string `json:"month"`
	Customers int    `json:"customers"`
	Generated int    `json:"generated"`
	KeptFirst int    `json:"kept_before"`
}

// CustomerStatementBatch asks for the statements of month of at most Limit
// customers with activity after the customer After, generated at At.
type CustomerStatementBatch struct {
	Month string    `json:"month"`
	After string    `json:"after"`
	Limit int       `json:"limit"`
	At    time.Time `json:"at"`
}

// CustomerStatementBatchResult is what a batch did: the customers it covered (the
// last is where the next batch starts), how many statements it kept and how
// many were kept before; More is false once no customer is left.
type CustomerStatementBatchResult struct {
	Customers []string `json:"customers"`
	Generated int      `json:"generated"`
	KeptFirst int      `json:"kept_before"`
	More      bool     `json:"more"`
}

// GenerateCustomerStatements generates and keeps one batch of statements.
var GenerateCustomerStatements = Activity[CustomerStatementBatch, CustomerStatementBatchResult]{"GenerateCustomerStatements"}

// MonthlyStatements generates the statement (对账单) of the month before for
// every customer with activity in it — an invoice, credit note or receipt,
// or a balance brought forward — in batches, each kept once: a statement
// generated for a customer and month before stays as it was, so a run
// again, or a retried batch, changes nothing.
func MonthlyStatements(ctx workflow.Context, in MonthlyStatementsInput) (MonthlyStatementsResult, error) {
	now := workflow.Now(ctx)
	month := in.Month
	if month == "" {
		at := now
		if t, ok := workflow.GetTypedSearchAttributes(ctx).GetTime(scheduledStart); ok && !t.IsZero() {
			at = t
		}
		month = sales.AddMonths(sales.MonthOf(at), -1)
	}
	if !sales.ValidMonth(month) {
		var p sales.Problems
		p.Add("month", "must be a month like 2026-03")
		return MonthlyStatementsResult{}, invalid(p, "invalid statements request")
	}
	size := in.BatchOf
	if size <= 0 {
		size = CustomerStatementBatchSize
	}
	done := in.Done
	done.Month = month
	if err := workflow.UpsertMemo(ctx, map[string]any{"month": month}); err != nil {
		return done, err
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    10 * time.Minute,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy:            &packRetry,
	})
	after := in.After
	for batch := 0; ; batch++ {
		if batch == statementBatchesPerRun {
			return done, workflow.NewContinueAsNewError(ctx, MonthlyStatementsWorkflowName,
				MonthlyStatementsInput{Month: month, After: after, Done: done, BatchOf: in.BatchOf})
		}
		res, err := GenerateCustomerStatements.Run(actx, CustomerStatementBatch{Month: month, After: after, Limit: size, At: now})
		if err != nil {
			return done, err
		}
		done.Customers += len(res.Customers)
		done.Generated += res.Generated
		done.KeptFirst += res.KeptFirst
		if !res.More || len(res.Customers) == 0 {
			return done, nil
		}
		after = res.Customers[len(res.Customers)-1]
	}
}
