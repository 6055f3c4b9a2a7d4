package activities

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"osb/sales"
	"osb/workflows"
)

// bankWorld is a fake store of statement lines and a fake cash application.
type bankWorld struct {
	mu       sync.Mutex
	lines    []sales.BankLine
	receipts map[string]sales.BankReceipt // by reference
	recorded []string                     // sources, in order
	refuse   map[string]error             // by reference: what RecordReceipt answers
	lost     map[string]bool              // by reference: recorded, but the answer is lost once
	settle   error                        // SettleBankLine fails with it once
}

func (w *bankWorld) PendingBankLines(_ context.Context, importID int64, after, limit int) ([]sales.BankLine, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []sales.BankLine
	for _, l := range w.lines {
		if l.ImportID == importID && l.Status == sales.LineMatched && l.LineNo > after && len(out) < limit {
			out = append(out, l)
		}
	}
	return out, nil
}

func (w *bankWorld) SettleBankLine(_ context.Context, id int64, from []sales.LineStatus, o sales.LineOutcome) (sales.BankLine, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.settle; err != nil {
		w.settle = nil
		return sales.BankLine{}, err
	}
	for i := range w.lines {
		l := &w.lines[i]
		if l.ID != id {
			continue
		}
		if !slices.Contains(from, l.Status) {
			return *l, sales.Errorf(sales.ErrConflict, "line %d is %s", id, l.Status)
		}
		l.Status, l.ReceiptID, l.Note = o.Status, o.ReceiptID, o.Note
		return *l, nil
	}
	return sales.BankLine{}, sales.Errorf(sales.ErrNotFound, "no line %d", id)
}

func (w *bankWorld) TransactionReceipt(_ context.Context, _, reference string) (sales.BankReceipt, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r, ok := w.receipts[reference]
	if !ok {
		return r, sales.Errorf(sales.ErrNotFound, "no receipt %s", reference)
	}
	return r, nil
}

func (w *bankWorld) RecordReceipt(_ context.Context, in sales.ReceiptInput, source string, _ sales.Actor) (sales.BankReceipt, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.refuse[in.Reference]; err != nil {
		return sales.BankReceipt{}, err
	}
	if _, ok := w.receipts[in.Reference]; ok {
		return sales.BankReceipt{}, sales.Errorf(sales.ErrConflict, "reference %s was recorded", in.Reference)
	}
	r := sales.BankReceipt{ID: int64(len(w.receipts) + 100), Reference: in.Reference, Source: source, CustomerID: in.CustomerID}
	w.receipts[in.Reference] = r
	w.recorded = append(w.recorded, source)
	if w.lost[in.Reference] {
		delete(w.lost, in.Reference)
		return sales.BankReceipt{}, errors.New("the connection broke")
	}
	return r, nil
}

func TestApplyStatementLinesMarksEachLineWithWhatBecameOfIt(t *testing.T) {
	line := func(no int, ref string) sales.BankLine {
		return sales.BankLine{ID: int64(no), ImportID: 3, LineNo: no, BankAccount: "ACC", Reference: ref, Status: sales.LineMatched,
			CustomerID: "C001", Invoices: []string{"IV-1"}, Amount: 100, Currency: sales.CNY, ValueDate: "2026-11-03"}
	}
	w := &bankWorld{
		lines:    []sales.BankLine{line(1, "R1"), line(2, "R2"), line(3, "R3"), line(4, "R4"), line(5, "R5")},
		receipts: map[string]sales.BankReceipt{"R2": {ID: 1, Reference: "R2", Source: "manual"}},
		refuse:   map[string]error{"R3": sales.Errorf(sales.ErrInvalid, "invoice IV-1 is paid")},
		lost:     map[string]bool{"R4": true},
	}
	acts := &BankStatements{Store: w, Receipts: w, Now: func() time.Time { return time.Date(2026, 11, 4, 9, 0, 0, 0, sales.Beijing) }}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts.ApplyStatementLines)
	in := workflows.ApplyLinesInput{ImportID: 3, By: sales.Actor{UserID: "fin1", Role: sales.RoleFinance}, Limit: 10}

	// R4 is recorded but its answer lost: the batch fails after R1–R3.
	if _, err := env.ExecuteActivity(acts.ApplyStatementLines, in); err == nil {
		t.Fatal("a lost answer is not an error")
	}
	// Tried again, R4 is found by its source and applied, not a duplicate.
	v, err := env.ExecuteActivity(acts.ApplyStatementLines, in)
	if err != nil {
		t.Fatalf("ApplyStatementLines: %v", err)
	}
	var res workflows.ApplyLinesResult
	if err := v.Get(&res); err != nil {
		t.Fatal(err)
	}
	if res != (workflows.ApplyLinesResult{Lines: 2, Last: 5, Applied: 2}) {
		t.Errorf("second try %+v", res)
	}
	want := map[string]sales.LineStatus{"R1": sales.LineApplied, "R2": sales.LineDuplicate, "R3": sales.LineQueued, "R4": sales.LineApplied, "R5": sales.LineApplied}
	for _, l := range w.lines {
		if l.Status != want[l.Reference] {
			t.Errorf("line %s is %s, want %s (%s)", l.Reference, l.Status, want[l.Reference], l.Note)
		}
		if l.Status == sales.LineApplied && w.receipts[l.Reference].ID != l.ReceiptID {
			t.Errorf("line %s: receipt %d", l.Reference, l.ReceiptID)
		}
	}
	if w.lines[1].ReceiptID != 1 || w.lines[1].Note == "" || w.lines[2].Note == "" {
		t.Errorf("the duplicate and the queued line say nothing: %q, %q", w.lines[1].Note, w.lines[2].Note)
	}
	if !slices.Equal(w.recorded, []string{"import:3/1", "import:3/4", "import:3/5"}) {
		t.Errorf("recorded %v", w.recorded)
	}
	// A store that fails to mark a line fails the batch, to be tried again.
	w.lines = append(w.lines, line(6, "R6"))
	w.settle = errors.New("the store does not answer")
	if _, err := env.ExecuteActivity(acts.ApplyStatementLines, in); err == nil {
		t.Error("a failing store is not an error")
	}
	if _, err := env.ExecuteActivity(acts.ApplyStatementLines, in); err != nil || w.lines[5].Status != sales.LineApplied {
		t.Errorf("tried again: %v, line %+v", err, w.lines[5])
	}
	// Without a cash application the worker refuses, and retries.
	bare := suite.NewTestActivityEnvironment()
	bare.RegisterActivity((&BankStatements{}).ApplyStatementLines)
	if _, err := bare.ExecuteActivity((&BankStatements{}).ApplyStatementLines, in); err == nil {
		t.Error("no cash application is not an error")
	}
}
