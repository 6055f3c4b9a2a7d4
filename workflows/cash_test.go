package workflows

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// recordedAt is when the test receipts are recorded: 10 March 2026, 10:00 in Beijing.
var recordedAt = time.Date(2026, 3, 10, 10, 0, 0, 0, sales.Beijing)

// cashWorld is a fake store and the order workflows behind a cash
// application: the customer's open invoices, and what each order takes.
type cashWorld struct {
	mu       sync.Mutex
	open     []sales.OpenInvoice
	status   string                                      // the recorded receipt's status
	recorded []RecordReceiptInput                        // every record asked
	sent     []ApplyToOrderInput                         // every share sent (retries too)
	take     map[string]func(sales.Allocation) sales.Fen // what an order's invoice takes of a share; nil: all
	gone     map[string]bool                             // orders whose workflow has ended
	failures map[string]int                              // orders that fail so many times before answering
	settled  []SettleInput
	recErr   error
}

func newCashWorld() *cashWorld {
	due := func(d int) time.Time { return time.Date(2026, 2, d, 0, 0, 0, 0, sales.Beijing) }
	return &cashWorld{
		status: sales.ReceiptApplying,
		open: []sales.OpenInvoice{
			{OrderNo: "SO-2026-000001", InvoiceNo: "IV-2026-000001-1", DueAt: due(1), Outstanding: sales.Yuan(1_000), Currency: sales.CNY},
			{OrderNo: "SO-2026-000002", InvoiceNo: "IV-2026-000002-1", DueAt: due(5), Outstanding: sales.Yuan(2_000), Currency: sales.CNY},
			{OrderNo: "SO-2026-000001", InvoiceNo: "IV-2026-000001-2", DueAt: due(9), Outstanding: sales.Yuan(3_000), Currency: sales.CNY},
			{OrderNo: "SO-2026-000003", InvoiceNo: "IV-2026-000003-1", DueAt: due(2), Outstanding: sales.Yuan(500), Currency: sales.CNY, Disputed: true},
		},
		take: map[string]func(sales.Allocation) sales.Fen{}, gone: map[string]bool{}, failures: map[string]int{},
	}
}

func (w *cashWorld) record(_ context.Context, in RecordReceiptInput) (sales.BankReceipt, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.recorded = append(w.recorded, in)
	if w.recErr != nil {
		return sales.BankReceipt{}, w.recErr
	}
	r := in.Receipt
	return sales.BankReceipt{ID: 7, CustomerID: r.CustomerID, BankAccount: r.BankAccount, Reference: r.Reference, ValueDate: r.ValueDate,
		Amount: r.Amount, Currency: r.Currency, Source: in.Source, Status: w.status, RecordedBy: in.By, RecordedAt: in.At}, nil
}

func (w *cashWorld) recordUnapplied(_ context.Context, a sales.UnappliedApplication) (sales.UnappliedApplication, error) {
	a.Status, a.Currency = sales.ReceiptApplying, sales.CNY
	return a, nil
}

func (w *cashWorld) openInvoices(_ context.Context, in OpenInvoicesInput) ([]sales.OpenInvoice, error) {
	if in.CustomerID != "C001" || in.Currency != sales.CNY {
		return nil, nil
	}
	return w.open, nil
}

func (w *cashWorld) apply(_ context.Context, in ApplyToOrderInput) (OrderShare, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sent = append(w.sent, in)
	out := OrderShare{OrderNo: in.OrderNo, Offered: in.Payment.Shares}
	if w.failures[in.OrderNo] > 0 {
		w.failures[in.OrderNo]--
		return out, errors.New("the order's worker does not answer")
	}
	if w.gone[in.OrderNo] {
		out.Refused = "order " + in.OrderNo + " not found"
		return out, nil
	}
	for _, s := range in.Payment.Shares {
		took := s.Amount
		if f := w.take[s.InvoiceNo]; f != nil {
			took = f(s)
		}
		if took > 0 {
			out.Applied = append(out.Applied, sales.Allocation{InvoiceNo: s.InvoiceNo, Amount: took})
		}
	}
	out.Progress = &Progress{OrderNo: in.OrderNo, Status: sales.StatusBilled}
	return out, nil
}

func (w *cashWorld) settle(_ context.Context, in SettleInput) (sales.BankReceipt, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.settled = append(w.settled, in)
	var total sales.Fen
	for _, a := range in.Applications {
		total += a.Amount
	}
	return sales.BankReceipt{ID: in.ID, Amount: sales.Yuan(7_000), Status: sales.ReceiptApplied, Applications: in.Applications,
		Unapplied: sales.Yuan(7_000) - total}, nil
}

func (w *cashWorld) settleUnapplied(_ context.Context, in SettleInput) (sales.UnappliedApplication, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.settled = append(w.settled, in)
	var total sales.Fen
	for _, a := range in.Applications {
		total += a.Amount
	}
	return sales.UnappliedApplication{ID: in.ID, Status: sales.ReceiptApplied, Applied: total, Applications: in.Applications}, nil
}

func runCash(t *testing.T, w *cashWorld, in ApplyReceiptInput) (CashApplicationView, error) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(ApplyReceipt, workflow.RegisterOptions{Name: ApplyReceiptWorkflowName})
	RecordReceipt.Register(env, w.record)
	RecordUnappliedApplication.Register(env, w.recordUnapplied)
	CustomerOpenInvoices.Register(env, w.openInvoices)
	ApplyToOrder.Register(env, w.apply)
	SettleReceipt.Register(env, w.settle)
	SettleUnappliedApplication.Register(env, w.settleUnapplied)
	env.SetStartTime(recordedAt)
	env.ExecuteWorkflow(ApplyReceiptWorkflowName, in)
	if !env.IsWorkflowCompleted() {
		t.Fatal("the cash application did not complete")
	}
	var v CashApplicationView
	if err := env.GetWorkflowError(); err != nil {
		return v, err
	}
	if err := env.GetWorkflowResult(&v); err != nil {
		t.Fatal(err)
	}
	return v, nil
}

var finance1 = sales.Actor{UserID: "fin1", Role: sales.RoleFinance}

func receiptOf(amount sales.Fen, named ...string) ApplyReceiptInput {
	return ApplyReceiptInput{Actor: finance1, Receipt: &RecordReceiptInput{Source: "manual", By: "fin1", At: recordedAt,
		Receipt: sales.ReceiptInput{CustomerID: "C001", BankAccount: "ICBC-01", Reference: "B-1", ValueDate: "2026-03-09",
			Amount: amount, Currency: sales.CNY, Invoices: named}}}
}

// settledApps names the applications settled: invoice=amount.
func settledApps(w *cashWorld) []string {
	var out []string
	for _, a := range w.settled[len(w.settled)-1].Applications {
		out = append(out, a.InvoiceNo+"="+a.Amount.String())
	}
	return out
}

func TestOneReceiptPaysThreeInvoicesOfTwoOrdersOldestDueFirst(t *testing.T) {
	w := newCashWorld()
	v, err := runCash(t, w, receiptOf(sales.Yuan(7_000)))
	if err != nil {
		t.Fatal(err)
	}
	// The disputed invoice is skipped; the rest oldest due first.
	want := []string{"IV-2026-000001-1=1000.00", "IV-2026-000001-2=3000.00", "IV-2026-000002-1=2000.00"}
	if got := settledApps(w); !slices.Equal(got, want) {
		t.Errorf("settled %v, want %v", got, want)
	}
	// The orders are sent their shares at once, in no particular order.
	slices.SortFunc(w.sent, func(a, b ApplyToOrderInput) int { return strings.Compare(a.OrderNo, b.OrderNo) })
	if len(w.sent) != 2 || w.sent[0].OrderNo != "SO-2026-000001" || w.sent[0].UpdateID != "apply/receipt/7/SO-2026-000001" ||
		len(w.sent[0].Payment.Shares) != 2 || w.sent[1].UpdateID != "apply/receipt/7/SO-2026-000002" {
		t.Fatalf("sent %+v, want one update per order, keyed by receipt and order", w.sent)
	}
	p := w.sent[0].Payment
	if p.Key != "receipt/7" || p.Reference != "B-1" || p.ValueDate != "2026-03-09" || p.Actor != finance1 || p.Currency != sales.CNY {
		t.Errorf("payment %+v", p)
	}
	s := w.settled[0]
	if s.ID != 7 || !s.At.Equal(recordedAt) || s.Applications[0].Key != "receipt/7/IV-2026-000001-1" || s.Applications[0].ReceiptID != 7 ||
		s.Applications[0].OrderNo != "SO-2026-000001" || s.Applications[0].ValueDate != "2026-03-09" || s.Applications[0].By != "fin1" {
		t.Errorf("settlement %+v", s)
	}
	if !v.Done || v.Receipt.Status != sales.ReceiptApplied || v.Receipt.Unapplied != sales.Yuan(1_000) || len(v.Orders) != 2 ||
		v.Orders[1].Progress == nil {
		t.Errorf("view %+v", v)
	}
}

func TestWhatOrdersDoNotTakeIsUnappliedCash(t *testing.T) {
	w := newCashWorld()
	w.gone["SO-2026-000002"] = true // remitted meanwhile: its workflow has ended
	w.take["IV-2026-000001-2"] = func(s sales.Allocation) sales.Fen { return s.Amount - sales.Yuan(400) }
	w.failures["SO-2026-000001"] = 3 // its worker is away for a while: retried
	v, err := runCash(t, w, receiptOf(sales.Yuan(7_000)))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"IV-2026-000001-1=1000.00", "IV-2026-000001-2=2600.00"}
	if got := settledApps(w); !slices.Equal(got, want) {
		t.Errorf("settled %v, want %v", got, want)
	}
	if v.Receipt.Unapplied != sales.Yuan(3_400) || !strings.Contains(v.Orders[1].Refused, "not found") {
		t.Errorf("view %+v", v)
	}
	if n := len(w.sent); n != 5 {
		t.Errorf("%d sends, want 4 to the first order (3 failures) and 1 to the second", n)
	}
	for _, s := range w.sent {
		if s.OrderNo == "SO-2026-000001" && s.UpdateID != "apply/receipt/7/SO-2026-000001" {
			t.Errorf("a retry changed the update id: %s", s.UpdateID)
		}
	}
}

func TestNamedInvoicesComeFirstAndOnlyNamedLeavesTheRest(t *testing.T) {
	w := newCashWorld()
	if _, err := runCash(t, w, receiptOf(sales.Yuan(4_000), "IV-2026-000003-1", "IV-2026-000001-2")); err != nil {
		t.Fatal(err)
	}
	want := []string{"IV-2026-000003-1=500.00", "IV-2026-000001-2=3000.00", "IV-2026-000001-1=500.00"}
	if got := settledApps(w); !slices.Equal(got, want) {
		t.Errorf("settled %v, want the named (a disputed one too) first, then oldest due: %v", got, want)
	}

	w = newCashWorld()
	in := receiptOf(sales.Yuan(4_000), "IV-2026-000002-1")
	in.Receipt.Receipt.OnlyNamed = true
	v, err := runCash(t, w, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := settledApps(w); !slices.Equal(got, []string{"IV-2026-000002-1=2000.00"}) || v.Receipt.Unapplied != sales.Yuan(5_000) {
		t.Errorf("only named: settled %v, view %+v", got, v.Receipt)
	}
}

func TestAReceiptAppliedBeforeIsNotAppliedAgain(t *testing.T) {
	w := newCashWorld()
	w.status = sales.ReceiptApplied
	v, err := runCash(t, w, receiptOf(sales.Yuan(7_000)))
	if err != nil || !v.Done || len(w.sent) != 0 || len(w.settled) != 0 {
		t.Errorf("view %+v, %v; sent %d, settled %d", v, err, len(w.sent), len(w.settled))
	}
}

func TestAReferenceTakenByAnotherTransferFailsTheRun(t *testing.T) {
	w := newCashWorld()
	w.recErr = temporal.NewNonRetryableApplicationError("bank reference B-1 was recorded already", sales.ErrConflict, nil)
	_, err := runCash(t, w, receiptOf(sales.Yuan(7_000)))
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != sales.ErrConflict || len(w.recorded) != 1 || len(w.sent) != 0 {
		t.Errorf("error %v, recorded %d times, sent %d", err, len(w.recorded), len(w.sent))
	}
}

func TestUnappliedCashIsAppliedOnlyToTheNamedInvoices(t *testing.T) {
	w := newCashWorld()
	a := sales.UnappliedApplication{ID: 3, CustomerID: "C001", Amount: sales.Yuan(2_500), Invoices: []string{"IV-2026-000002-1", "IV-2026-000001-1"},
		ValueDate: "2026-03-10", RequestedBy: "fin1", RequestedAt: recordedAt}
	v, err := runCash(t, w, ApplyReceiptInput{Actor: finance1, Unapplied: &a})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"IV-2026-000002-1=2000.00", "IV-2026-000001-1=500.00"}
	if got := settledApps(w); !slices.Equal(got, want) {
		t.Errorf("settled %v, want %v", got, want)
	}
	slices.SortFunc(w.sent, func(a, b ApplyToOrderInput) int { return strings.Compare(b.OrderNo, a.OrderNo) })
	if w.sent[0].Payment.Key != "unapplied/3" || w.sent[0].UpdateID != "apply/unapplied/3/SO-2026-000002" ||
		w.settled[0].Applications[0].Key != "unapplied/3/IV-2026-000002-1" || w.settled[0].Applications[0].ReceiptID != 0 {
		t.Errorf("sent %+v, settled %+v", w.sent[0], w.settled[0])
	}
	if v.Unapplied == nil || v.Unapplied.Applied != sales.Yuan(2_500) || v.Receipt != nil {
		t.Errorf("view %+v", v)
	}
}

func TestReceiptWorkflowIDsCannotCollide(t *testing.T) {
	if a, b := ReceiptWorkflowID("a/b", "c"), ReceiptWorkflowID("a", "b/c"); a == b {
		t.Errorf("%s and %s are the same id", a, b)
	}
	if got := ReceiptWorkflowID("ICBC-01", "2026 03/1"); got != "receipt/ICBC-01/2026%2003%2F1" {
		t.Errorf("id %s", got)
	}
}
