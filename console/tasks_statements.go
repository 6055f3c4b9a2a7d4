package console

import (
	"context"
	"strconv"
	"time"

	"osb/sales"
)

// BankLineLister lists statement lines.
type BankLineLister interface {
	BankLines(ctx context.Context, f sales.BankLineFilter) ([]sales.BankLine, error)
}

// QueuedStatementLines are the bank statement lines waiting in the queue,
// for whoever assigns or rejects them: Finance. One task per line, the
// oldest value date first; the task leads to the line's forms.
type QueuedStatementLines struct{ Store BankLineLister }

// Tasks lists the queued lines.
func (s QueuedStatementLines) Tasks(ctx context.Context, v Viewer, _ time.Time) ([]Task, error) {
	if !v.User.May(sales.PermDecideStatementLine) {
		return nil, nil
	}
	lines, err := s.Store.BankLines(ctx, sales.BankLineFilter{Status: sales.LineQueued, Limit: taskLimit})
	if err != nil {
		return nil, err
	}
	tasks := make([]Task, 0, len(lines))
	for _, l := range lines {
		payer := l.PayerName
		if payer == "" {
			payer = l.PayerAccount
		}
		tasks = append(tasks, Task{Kind: "statement", What: "mywork.task.statement_line", Args: []any{payer, l.Reference},
			CustomerID: l.CustomerID, Amount: l.Amount, Currency: l.Currency,
			Link: "/statements/queue#act-assign-" + strconv.FormatInt(l.ID, 10)})
	}
	return tasks, nil
}
