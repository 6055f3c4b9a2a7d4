package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"

	"osb/sales"
	"osb/workflows"
)

// BankLineStore is what applying an imported statement reads and writes.
type BankLineStore interface {
	PendingBankLines(ctx context.Context, importID int64, after, limit int) ([]sales.BankLine, error)
	SettleBankLine(ctx context.Context, id int64, from []sales.LineStatus, o sales.LineOutcome) (sales.BankLine, error)
	TransactionReceipt(ctx context.Context, bankAccount, reference string) (sales.BankReceipt, error)
}

// ReceiptRecorder records a customer's bank receipt and applies it to its
// invoices through the order workflows (the cash application); a bank
// transaction recorded before is a conflict.
type ReceiptRecorder interface {
	RecordReceipt(ctx context.Context, in sales.ReceiptInput, source string, by sales.Actor) (sales.BankReceipt, error)
}

// BankStatements holds the dependencies of the statement activities.
type BankStatements struct {
	Store    BankLineStore
	Receipts ReceiptRecorder
	Now      func() time.Time // default time.Now
}

func (b *BankStatements) register(r worker.ActivityRegistry) {
	workflows.ApplyStatementLines.Register(r, b.ApplyStatementLines)
}

// ApplyStatementLines records the next matched lines of an import as
// receipts and marks each line with what became of it: applied, a duplicate
// (recorded before from elsewhere), or queued again for Finance when the
// cash application refuses it (an invoice no longer open, a customer gone).
// A line marked is not pending any more, so a batch tried again goes on
// where it stopped; a line recorded but not marked is found by its source.
func (b *BankStatements) ApplyStatementLines(ctx context.Context, in workflows.ApplyLinesInput) (workflows.ApplyLinesResult, error) {
	var res workflows.ApplyLinesResult
	if b == nil || b.Store == nil || b.Receipts == nil {
		return res, fmt.Errorf("apply statement %d: the worker has no cash application configured", in.ImportID)
	}
	now := b.Now
	if now == nil {
		now = time.Now
	}
	lines, err := b.Store.PendingBankLines(ctx, in.ImportID, in.After, in.Limit)
	if err != nil {
		return res, fmt.Errorf("apply statement %d: %w", in.ImportID, err)
	}
	for _, l := range lines {
		activity.RecordHeartbeat(ctx, l.LineNo)
		o, err := sales.ApplyBankLine(ctx, l, l.CustomerID, l.Invoices, sales.LineApplied, in.By, b.Receipts.RecordReceipt, b.Store.TransactionReceipt)
		switch sales.ErrorCode(err) {
		case "":
		case sales.ErrInvalid, sales.ErrNotFound, sales.ErrForbidden:
			o = sales.LineOutcome{Status: sales.LineQueued, Note: "the cash application refused it: " + sales.ErrorMessage(err)}
		default:
			return res, fmt.Errorf("apply statement %d line %d: %w", in.ImportID, l.LineNo, err)
		}
		o.At = now()
		if _, err := b.Store.SettleBankLine(ctx, l.ID, []sales.LineStatus{sales.LineMatched}, o); err != nil && sales.ErrorCode(err) != sales.ErrConflict {
			return res, fmt.Errorf("apply statement %d line %d: %w", in.ImportID, l.LineNo, err)
		}
		switch o.Status {
		case sales.LineApplied:
			res.Applied++
		case sales.LineDuplicate:
			res.Duplicates++
		case sales.LineQueued:
			res.Queued++
		}
		res.Lines++
		res.Last = l.LineNo
	}
	return res, nil
}
