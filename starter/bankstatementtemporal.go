package starter

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"osb/bankfile"
	"osb/sales"
	"osb/workflows"
)

// ReceiptRecorder records a customer's bank receipt and applies it to its
// invoices (the cash application); a bank transaction recorded before is a
// conflict.
type ReceiptRecorder interface {
	RecordReceipt(ctx context.Context, in sales.ReceiptInput, source string, by sales.Actor) (sales.BankReceipt, error)
}

// StatementStore is the part of the statement import the store answers.
type StatementStore interface {
	StatementMatchData(ctx context.Context) ([]sales.Customer, []sales.KnownPayer, []sales.CustomerInvoice, error)
	SaveBankImport(ctx context.Context, imp sales.BankImport, role sales.Role, lines []sales.BankLine) (sales.BankImport, bool, error)
	BankImport(ctx context.Context, id int64, withLines bool) (sales.BankImport, error)
	BankImports(ctx context.Context, limit int) ([]sales.BankImport, error)
	BankLines(ctx context.Context, f sales.BankLineFilter) ([]sales.BankLine, error)
	BankLine(ctx context.Context, id int64) (sales.BankLine, error)
	SettleBankLine(ctx context.Context, id int64, from []sales.LineStatus, o sales.LineOutcome) (sales.BankLine, error)
	TransactionReceipt(ctx context.Context, bankAccount, reference string) (sales.BankReceipt, error)
}

// Statements is the bank statement import: the store's lines, the cash
// application that records them as receipts, and the ApplyStatement
// workflows that apply an import's matched lines after it answered.
type Statements struct {
	Store    StatementStore
	Receipts ReceiptRecorder
	// Apply starts (or finds running) the workflow that applies an
	// import's matched lines.
	Apply func(ctx context.Context, in workflows.ApplyStatementInput) error
	Now   func() time.Time // default time.Now
}

// NewTemporalStatements is the statement import on a Temporal client.
func NewTemporalStatements(c client.Client, store StatementStore, receipts ReceiptRecorder) *Statements {
	return &Statements{Store: store, Receipts: receipts, Apply: func(ctx context.Context, in workflows.ApplyStatementInput) error {
		_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID:                       workflows.StatementWorkflowID(in.ImportID),
			TaskQueue:                workflows.TaskQueue,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			Memo:                     map[string]any{"uploaded_by": in.By.UserID},
		}, workflows.ApplyStatementWorkflowName, in)
		if err != nil {
			return fmt.Errorf("starting the application of statement import %d: %w", in.ImportID, err)
		}
		return nil
	}}
}

func (s *Statements) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ImportStatement reads a statement file, matches its lines and stores them
// in one transaction, then starts the workflow that applies the matched
// lines; it answers before they are applied. The same file again answers
// the earlier import, created false, and changes nothing (but starts its
// workflow again when lines still wait to be applied, in case the first
// start failed).
func (s *Statements) ImportStatement(ctx context.Context, up StatementUpload, by sales.Actor) (sales.BankImport, bool, error) {
	st, err := bankfile.Parse(up.FileName, up.Content, up.Columns)
	if err != nil {
		return sales.BankImport{}, false, err
	}
	account, err := up.account(st.BankAccount)
	if err != nil {
		return sales.BankImport{}, false, err
	}
	customers, payers, open, err := s.Store.StatementMatchData(ctx)
	if err != nil {
		return sales.BankImport{}, false, err
	}
	lines := MatchStatement(sales.NewMatchBook(customers, payers, open), st, account)
	sum := sha256.Sum256(up.Content)
	imp := sales.BankImport{SHA256: hex.EncodeToString(sum[:]), BankAccount: account, FileName: up.FileName, UploadedBy: by.UserID, UploadedAt: s.now()}
	imp, created, err := s.Store.SaveBankImport(ctx, imp, by.Role, lines)
	if err != nil {
		return imp, created, err
	}
	if imp.Counts.Matched > 0 {
		if err := s.Apply(ctx, workflows.ApplyStatementInput{ImportID: imp.ID, By: by}); err != nil {
			return imp, created, err
		}
	}
	return imp, created, nil
}

// MatchStatement turns a statement's lines into the lines of an import to
// our account: debits skipped, credits matched against the book.
func MatchStatement(book *sales.MatchBook, st bankfile.Statement, account string) []sales.BankLine {
	lines := make([]sales.BankLine, len(st.Lines))
	for i, l := range st.Lines {
		bl := sales.BankLine{LineNo: l.Row, BankAccount: account, ValueDate: l.ValueDate, Amount: l.Amount, Currency: l.Currency,
			PayerName: l.PayerName, PayerAccount: l.PayerAccount, Remittance: l.Remittance, Reference: l.Reference}
		if l.Debit {
			bl.Status, bl.Note = sales.LineSkipped, "a debit: money that went out"
		} else {
			m := book.Match(l.PayerName, l.PayerAccount, l.Remittance, l.Currency)
			bl.Status, bl.MatchedBy, bl.CustomerID, bl.Invoices, bl.Note = m.Status, m.MatchedBy, m.CustomerID, m.Invoices, m.Note
		}
		lines[i] = bl
	}
	return lines
}

// BankImports lists the latest imports.
func (s *Statements) BankImports(ctx context.Context, limit int) ([]sales.BankImport, error) {
	return s.Store.BankImports(ctx, limit)
}

// BankImport returns an import, with its lines when withLines.
func (s *Statements) BankImport(ctx context.Context, id int64, withLines bool) (sales.BankImport, error) {
	return s.Store.BankImport(ctx, id, withLines)
}

// BankLines lists statement lines.
func (s *Statements) BankLines(ctx context.Context, f sales.BankLineFilter) ([]sales.BankLine, error) {
	return s.Store.BankLines(ctx, f)
}

// queuedLine returns a line that waits for Finance; a line decided before
// is a conflict.
func (s *Statements) queuedLine(ctx context.Context, id int64) (sales.BankLine, error) {
	l, err := s.Store.BankLine(ctx, id)
	if err != nil {
		return l, err
	}
	if l.Status != sales.LineQueued {
		return l, sales.Errorf(sales.ErrConflict, "statement line %d is %s, not waiting in the queue", id, l.Status)
	}
	return l, nil
}

// AssignBankLine records a queued line as a receipt of the customer Finance
// names, applied to the named invoices first. A bank transaction recorded
// before from elsewhere makes the line a duplicate.
func (s *Statements) AssignBankLine(ctx context.Context, id int64, a sales.LineAssignment, by sales.Actor) (sales.BankLine, error) {
	l, err := s.queuedLine(ctx, id)
	if err != nil {
		return l, err
	}
	o, err := sales.ApplyBankLine(ctx, l, a.CustomerID, a.Invoices, sales.LineAssigned, by, s.Receipts.RecordReceipt, s.Store.TransactionReceipt)
	if err != nil {
		return l, err
	}
	o.By, o.At = by.UserID, s.now()
	if o.Invoices == nil {
		o.Invoices = []string{}
	}
	return s.Store.SettleBankLine(ctx, id, []sales.LineStatus{sales.LineQueued}, o)
}

// RejectBankLine takes a queued line out of the queue: it is no customer's
// payment.
func (s *Statements) RejectBankLine(ctx context.Context, id int64, r sales.LineRejection, by sales.Actor) (sales.BankLine, error) {
	if _, err := s.queuedLine(ctx, id); err != nil {
		return sales.BankLine{}, err
	}
	return s.Store.SettleBankLine(ctx, id, []sales.LineStatus{sales.LineQueued},
		sales.LineOutcome{Status: sales.LineRejected, Note: r.Reason, By: by.UserID, At: s.now()})
}
