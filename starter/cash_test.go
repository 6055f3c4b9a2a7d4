package starter

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"osb/sales"
	"osb/workflows"
)

// recorded is one receipt the API asked the cash service to record.
type recorded struct {
	in     sales.ReceiptInput
	source string
	by     sales.Actor
}

// fakeCash is an in-memory cash application: a receipt is applied at once
// to the open invoices it is given (sales.PlanApplication), unless applying
// is set; refunds above the policy's limit wait for a decision.
type fakeCash struct {
	mu        sync.Mutex
	store     *fakeStore
	open      []sales.OpenInvoice
	applying  bool // receipts stay applying (their orders are slow)
	receipts  []sales.BankReceipt
	records   []recorded
	balance   map[string]sales.Fen
	unapplied []sales.UnappliedApplication
	refunds   []sales.Refund
	decisions []workflows.RefundDecisionInput
	filter    *sales.ReceiptFilter
	refundsOf *sales.RefundFilter
}

func newFakeCash(store *fakeStore) *fakeCash {
	return &fakeCash{store: store, balance: map[string]sales.Fen{}}
}

func (c *fakeCash) Policy() sales.CashPolicy { return sales.DefaultCashPolicy() }

func (c *fakeCash) RecordReceipt(ctx context.Context, in sales.ReceiptInput, source string, by sales.Actor) (sales.BankReceipt, error) {
	r, _, err := c.RecordNewReceipt(ctx, in, source, by)
	return r, err
}

func (c *fakeCash) RecordNewReceipt(_ context.Context, in sales.ReceiptInput, source string, by sales.Actor) (sales.BankReceipt, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	in = sales.NormalizeReceipt(in)
	if err := in.Validate(now).Err("the receipt is invalid"); err != nil {
		return sales.BankReceipt{}, false, err
	}
	if _, ok := c.store.customers[in.CustomerID]; !ok {
		return sales.BankReceipt{}, false, sales.Errorf(sales.ErrInvalid, "no customer %q", in.CustomerID)
	}
	c.records = append(c.records, recorded{in, source, by})
	for _, r := range c.receipts {
		if r.BankAccount == in.BankAccount && r.Reference == in.Reference {
			if !sales.SameTransfer(r, in) {
				return r, false, sales.ReferenceTaken(r)
			}
			return r, false, nil
		}
	}
	r := sales.BankReceipt{ID: int64(len(c.receipts) + 1), CustomerID: in.CustomerID, BankAccount: in.BankAccount, Reference: in.Reference,
		ValueDate: in.ValueDate, Amount: in.Amount, Currency: in.Currency, Source: source, Status: sales.ReceiptApplying,
		Applications: []sales.CashApplication{}, RecordedBy: by.UserID, RecordedAt: now}
	if !c.applying {
		shares, left := sales.PlanApplication(c.open, in.Amount, in.Invoices, in.OnlyNamed)
		for _, s := range shares {
			r.Applications = append(r.Applications, sales.CashApplication{Key: sales.ReceiptKey(r.ID) + "/" + s.InvoiceNo, ReceiptID: r.ID,
				CustomerID: in.CustomerID, OrderNo: s.OrderNo, InvoiceNo: s.InvoiceNo, Amount: s.Amount, Currency: in.Currency, ValueDate: in.ValueDate})
		}
		r.Status, r.Unapplied = sales.ReceiptApplied, left
		c.balance[in.CustomerID] += left
	}
	c.receipts = append(c.receipts, r)
	return r, true, nil
}

func (c *fakeCash) Receipt(_ context.Context, id int64) (sales.BankReceipt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if id < 1 || int(id) > len(c.receipts) {
		return sales.BankReceipt{}, notFound("receipt")
	}
	return c.receipts[id-1], nil
}

func (c *fakeCash) ReceiptByReference(_ context.Context, account, ref string) (sales.BankReceipt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.receipts {
		if r.BankAccount == account && r.Reference == ref {
			return r, nil
		}
	}
	return sales.BankReceipt{}, notFound("receipt")
}

func (c *fakeCash) visible(scope sales.Scope, customer string) bool {
	return scope.Allows(c.store.customers[customer].KAMID)
}

func (c *fakeCash) ListReceipts(_ context.Context, f sales.ReceiptFilter) ([]sales.BankReceipt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.filter = &f
	var out []sales.BankReceipt
	for _, r := range c.receipts {
		if c.visible(f.Scope, r.CustomerID) && (f.CustomerID == "" || f.CustomerID == r.CustomerID) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (c *fakeCash) UnappliedCash(_ context.Context, customerID string, _ int) (sales.UnappliedCash, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return sales.UnappliedCash{CustomerID: customerID, Currency: sales.CNY, Balance: c.balance[customerID]}, nil
}

func (c *fakeCash) spend(customer string, amount sales.Fen) error {
	if amount > c.balance[customer] {
		return &sales.Error{Code: sales.ErrConflict, Message: "not enough unapplied cash", Fields: []sales.FieldError{{Field: "amount_fen", Message: "too much"}}}
	}
	c.balance[customer] -= amount
	return nil
}

func (c *fakeCash) ApplyUnapplied(_ context.Context, req sales.UnappliedRequest, by sales.Actor) (sales.UnappliedApplication, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := req.Validate().Err("the application is invalid"); err != nil {
		return sales.UnappliedApplication{}, err
	}
	if err := c.spend(req.CustomerID, req.Amount); err != nil {
		return sales.UnappliedApplication{}, err
	}
	a := sales.UnappliedApplication{ID: int64(len(c.unapplied) + 1), CustomerID: req.CustomerID, Amount: req.Amount, Invoices: req.Invoices,
		Status: sales.ReceiptApplied, Applied: req.Amount, RequestedBy: by.UserID, RequestedAt: now}
	c.unapplied = append(c.unapplied, a)
	return a, nil
}

func (c *fakeCash) RequestRefund(_ context.Context, req sales.RefundRequest, by sales.Actor) (sales.Refund, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := req.Validate().Err("the refund is invalid"); err != nil {
		return sales.Refund{}, err
	}
	if err := c.spend(req.CustomerID, req.Amount); err != nil {
		return sales.Refund{}, err
	}
	f := sales.Refund{ID: int64(len(c.refunds) + 1), CustomerID: req.CustomerID, Amount: req.Amount, Currency: sales.CNY,
		BankAccount: req.BankAccount, Reason: req.Reason, Status: sales.RefundRefunded, RequestedBy: by.UserID, RequestedAt: now}
	if c.Policy().NeedsDecision(req.Amount) {
		f.Status, f.NeedsDecision = sales.RefundRequested, true
	}
	c.refunds = append(c.refunds, f)
	return f, nil
}

func (c *fakeCash) ListRefunds(_ context.Context, f sales.RefundFilter) ([]sales.Refund, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refundsOf = &f
	var out []sales.Refund
	for _, r := range c.refunds {
		if c.visible(f.Scope, r.CustomerID) && (f.Status == "" || f.Status == r.Status) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (c *fakeCash) DecideRefund(_ context.Context, id int64, in workflows.RefundDecisionInput) (sales.Refund, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.decisions = append(c.decisions, in)
	if id < 1 || int(id) > len(c.refunds) {
		return sales.Refund{}, notFound("refund")
	}
	f := &c.refunds[id-1]
	if f.Status != sales.RefundRequested {
		return *f, sales.Errorf(sales.ErrConflict, "refund %d is %s already", id, f.Status)
	}
	f.Status, f.DecidedBy = sales.RefundRefunded, in.Actor.UserID
	if in.Decision == workflows.DecisionReject {
		f.Status = sales.RefundRejected
		c.balance[f.CustomerID] += f.Amount
	}
	return *f, nil
}

const transferJSON = `{"customer_id":"C-001","bank_account":"ICBC-01","reference":"B-20260309-7","value_date":"2026-03-09","amount_fen":700000,"currency":"CNY"}`

// openOf is an open invoice (of whichever customer the receipt is for).
func openOf(order, invoice string, dueDay int, yuan int64) sales.OpenInvoice {
	return sales.OpenInvoice{OrderNo: order, InvoiceNo: invoice, DueAt: now.AddDate(0, 0, dueDay-10), Outstanding: sales.Yuan(yuan), Currency: sales.CNY}
}

func TestARecordedReceiptAnswersWithWhatItPaid(t *testing.T) {
	f := newFixture(t)
	f.cash.open = []sales.OpenInvoice{openOf("SO-1", "IV-1", 1, 1_000), openOf("SO-2", "IV-2", 2, 2_000), openOf("SO-1", "IV-3", 3, 3_000)}
	rec := f.do(t, "POST", "/v1/receipts", "t-fin", transferJSON)
	wantStatus(t, rec, http.StatusCreated)
	r := decodeAs[sales.BankReceipt](t, rec)
	if r.Status != sales.ReceiptApplied || len(r.Applications) != 3 || r.Unapplied != sales.Yuan(1_000) || rec.Header().Get("Location") != "/v1/receipts/1" {
		t.Errorf("receipt %+v at %s", r, rec.Header().Get("Location"))
	}
	if c := f.cash.records[0]; c.source != "manual" || c.by != (sales.Actor{UserID: "u-fin", Role: sales.RoleFinance}) {
		t.Errorf("recorded %+v", c)
	}
}

func TestTheSameBankReferenceAgainIsRefusedNamingIt(t *testing.T) {
	f := newFixture(t)
	wantStatus(t, f.do(t, "POST", "/v1/receipts", "t-fin", transferJSON), http.StatusCreated)

	e := wantError(t, f.do(t, "POST", "/v1/receipts", "t-fin", transferJSON), http.StatusConflict, sales.ErrConflict)
	if len(e.Fields) != 1 || e.Fields[0].Field != "reference" || !strings.Contains(e.Message, "B-20260309-7") {
		t.Errorf("refusal %+v", e)
	}
	// A retry of the same transfer, as a retry: the receipt as it stands.
	rec := f.do(t, "POST", "/v1/receipts", "t-fin", transferJSON, "Idempotency-Key", "form-1")
	wantStatus(t, rec, http.StatusOK)
	if r := decodeAs[sales.BankReceipt](t, rec); r.ID != 1 {
		t.Errorf("retry answered %+v", r)
	}
	other := strings.Replace(transferJSON, "700000", "700001", 1)
	wantError(t, f.do(t, "POST", "/v1/receipts", "t-fin", other, "Idempotency-Key", "form-2"), http.StatusConflict, sales.ErrConflict)
	if n := len(f.cash.receipts); n != 1 {
		t.Errorf("%d receipts, want 1", n)
	}
}

func TestAReceiptStillApplyingAnswers202(t *testing.T) {
	f := newFixture(t)
	f.cash.applying = true
	rec := f.do(t, "POST", "/v1/receipts", "t-fin", transferJSON)
	wantStatus(t, rec, http.StatusAccepted)
	if r := decodeAs[sales.BankReceipt](t, rec); r.Status != sales.ReceiptApplying {
		t.Errorf("answered %+v", r)
	}
}

func TestAnInvalidReceiptNamesEveryField(t *testing.T) {
	f := newFixture(t)
	e := wantError(t, f.do(t, "POST", "/v1/receipts", "t-fin", `{"customer_id":"C-001","value_date":"2026-03-11","amount_fen":0,"currency":"cny"}`),
		http.StatusUnprocessableEntity, sales.ErrInvalid)
	var fields []string
	for _, fe := range e.Fields {
		fields = append(fields, fe.Field)
	}
	for _, want := range []string{"bank_account", "reference", "value_date", "amount_fen", "currency"} {
		if !slices.Contains(fields, want) {
			t.Errorf("fields %v lack %s", fields, want)
		}
	}
	wantError(t, f.do(t, "POST", "/v1/receipts", "t-fin", `{"customer_id":"C-001","bogus":1}`), http.StatusBadRequest, sales.ErrInvalid)
	wantError(t, f.do(t, "POST", "/v1/receipts", "t-ssg", transferJSON), http.StatusForbidden, sales.ErrForbidden)
}

func TestReceiptsAreListedInTheUsersScope(t *testing.T) {
	f := newFixture(t)
	wantStatus(t, f.do(t, "POST", "/v1/receipts", "t-fin", transferJSON), http.StatusCreated)
	wantStatus(t, f.do(t, "POST", "/v1/receipts", "t-fin", strings.NewReplacer(`"C-001"`, `"C-002"`, "B-20260309-7", "B-20260309-8").Replace(transferJSON)), http.StatusCreated)
	count := func(token, query string) int {
		t.Helper()
		rec := f.do(t, "GET", "/v1/receipts"+query, token, nil)
		wantStatus(t, rec, http.StatusOK)
		return len(decodeAs[[]sales.BankReceipt](t, rec))
	}
	if n := count("t-fin", ""); n != 2 {
		t.Errorf("finance sees %d", n)
	}
	if n := count("t-kam2", ""); n != 1 {
		t.Errorf("the other KAM sees %d, want their customer's one", n)
	}
	if n := count("t-slt", "?customer_id=C-001&from=2026-03-01&to=2026-03-31&status=applied&limit=10"); n != 1 ||
		f.cash.filter.From != "2026-03-01" || f.cash.filter.To != "2026-03-31" || f.cash.filter.Limit != 10 {
		t.Errorf("filtered: %d, %+v", n, f.cash.filter)
	}
	e := wantError(t, f.do(t, "GET", "/v1/receipts?from=1.3.2026&status=done", "t-fin", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
	if len(e.Fields) != 2 {
		t.Errorf("fields %+v, want from and status", e.Fields)
	}
	wantStatus(t, f.do(t, "GET", "/v1/receipts/1", "t-kam1", nil), http.StatusOK)
	wantError(t, f.do(t, "GET", "/v1/receipts/1", "t-kam2", nil), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "GET", "/v1/receipts/99", "t-fin", nil), http.StatusNotFound, sales.ErrNotFound)
	wantError(t, f.do(t, "GET", "/v1/receipts/x", "t-fin", nil), http.StatusNotFound, sales.ErrNotFound)
	wantError(t, f.do(t, "GET", "/v1/receipts", "t-log", nil), http.StatusForbidden, sales.ErrForbidden)
}

func TestUnappliedCashIsAppliedOrRefundedWithinTheBalance(t *testing.T) {
	f := newFixture(t)
	f.cash.balance["C-001"] = sales.Yuan(80_000)
	rec := f.do(t, "GET", "/v1/customers/C-001/unapplied", "t-kam1", nil)
	wantStatus(t, rec, http.StatusOK)
	if u := decodeAs[sales.UnappliedCash](t, rec); u.Balance != sales.Yuan(80_000) || u.Entries == nil {
		t.Errorf("unapplied %+v", u)
	}
	wantError(t, f.do(t, "GET", "/v1/customers/C-001/unapplied", "t-kam2", nil), http.StatusForbidden, sales.ErrForbidden)

	rec = f.do(t, "POST", "/v1/customers/C-001/unapplied/applications", "t-fin", `{"invoice_nos":["IV-1"],"amount_fen":1000000}`)
	wantStatus(t, rec, http.StatusCreated)
	if a := decodeAs[sales.UnappliedApplication](t, rec); a.CustomerID != "C-001" || a.RequestedBy != "u-fin" || a.Invoices[0] != "IV-1" {
		t.Errorf("application %+v", a)
	}
	e := wantError(t, f.do(t, "POST", "/v1/customers/C-001/unapplied/applications", "t-fin", `{"invoice_nos":["IV-1"],"amount_fen":8000000}`),
		http.StatusConflict, sales.ErrConflict)
	if e.Fields[0].Field != "amount_fen" {
		t.Errorf("refusal %+v", e)
	}
	wantError(t, f.do(t, "POST", "/v1/customers/C-001/unapplied/applications", "t-fin", `{"invoice_nos":[],"amount_fen":1}`),
		http.StatusUnprocessableEntity, sales.ErrInvalid)

	// ¥70,000 left: ¥10,000 refunded at once, ¥60,000 waits for the SLT.
	rec = f.do(t, "POST", "/v1/customers/C-001/refunds", "t-fin", `{"amount_fen":1000000,"bank_account":"6222-01","reason":"overpaid"}`)
	wantStatus(t, rec, http.StatusCreated)
	if r := decodeAs[sales.Refund](t, rec); r.Status != sales.RefundRefunded {
		t.Errorf("small refund %+v", r)
	}
	rec = f.do(t, "POST", "/v1/customers/C-001/refunds", "t-fin", `{"amount_fen":6000000,"bank_account":"6222-01","reason":"overpaid"}`)
	wantStatus(t, rec, http.StatusCreated)
	if r := decodeAs[sales.Refund](t, rec); r.Status != sales.RefundRequested || !r.NeedsDecision {
		t.Errorf("large refund %+v", r)
	}
	wantError(t, f.do(t, "POST", "/v1/customers/C-001/refunds", "t-fin", `{"amount_fen":1,"bank_account":"","reason":""}`),
		http.StatusUnprocessableEntity, sales.ErrInvalid)

	rec = f.do(t, "GET", "/v1/refunds?status=requested", "t-slt", nil)
	wantStatus(t, rec, http.StatusOK)
	if list := decodeAs[[]sales.Refund](t, rec); len(list) != 1 || list[0].ID != 2 || f.cash.refundsOf.Status != sales.RefundRequested {
		t.Errorf("waiting %+v", list)
	}
	wantError(t, f.do(t, "GET", "/v1/refunds?status=maybe", "t-slt", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantError(t, f.do(t, "POST", "/v1/refunds/2/decision", "t-fin", `{"decision":"approve"}`), http.StatusForbidden, sales.ErrForbidden)
	rec = f.do(t, "POST", "/v1/refunds/2/decision", "t-slt", `{"decision":"reject","note":" pay the next invoice "}`)
	wantStatus(t, rec, http.StatusOK)
	if r := decodeAs[sales.Refund](t, rec); r.Status != sales.RefundRejected || f.cash.decisions[0].Note != "pay the next invoice" ||
		f.cash.decisions[0].Actor.UserID != "u-sd" {
		t.Errorf("decided %+v, sent %+v", r, f.cash.decisions)
	}
	wantError(t, f.do(t, "POST", "/v1/refunds/2/decision", "t-slt", `{"decision":"approve"}`), http.StatusConflict, sales.ErrConflict)
	wantError(t, f.do(t, "POST", "/v1/refunds/0/decision", "t-slt", `{"decision":"approve"}`), http.StatusNotFound, sales.ErrNotFound)
}

// billedOrder starts an order of C-001 whose live view has two open
// invoices, and gives the fake cash application the same.
func (f *fixture) billedOrder(t *testing.T) string {
	t.Helper()
	no := f.startOrder(t, "C-001")
	v := f.orders.views[no]
	v.Invoices = []sales.Invoice{{No: "IV-A", Amount: sales.Yuan(500), Currency: sales.CNY},
		{No: "IV-B", Amount: sales.Yuan(500), Currency: sales.CNY}, {No: "IV-C", Amount: sales.Yuan(100), Paid: sales.Yuan(100), Currency: sales.CNY}}
	v.Outstanding = sales.Yuan(1_000)
	f.orders.views[no] = v
	f.cash.open = []sales.OpenInvoice{openOf(no, "IV-A", 1, 500), openOf(no, "IV-B", 2, 500), openOf("SO-OTHER", "IV-OLD", 0, 900)}
	return no
}

func TestReceiptIsCountedOncePerReference(t *testing.T) {
	f := newFixture(t)
	no := f.billedOrder(t)
	receipt := `{"reference":"BANK-20260310-1","amount_fen":120000,"currency":"CNY","invoice_no":"IV-B"}`

	rec := f.do(t, "POST", "/v1/orders/"+no+"/receipts", "t-fin", receipt)
	wantStatus(t, rec, http.StatusCreated)
	first := decodeAs[workflows.ConfirmPaymentResult](t, rec)
	if first.Duplicate || first.Receipt.Reference != "BANK-20260310-1" || first.Receipt.Excess != sales.Yuan(200) || first.Outstanding != sales.Yuan(1_000) ||
		len(first.Receipt.Allocations) != 2 || first.Receipt.Allocations[0].InvoiceNo != "IV-B" {
		t.Errorf("first answer %+v", first)
	}
	// Only this order's open invoices, the named one first; the default
	// account and today in Beijing.
	c := f.cash.records[0]
	if c.source != "order:"+no || !c.in.OnlyNamed || strings.Join(c.in.Invoices, ",") != "IV-B,IV-A" || c.in.BankAccount != "default" ||
		c.in.ValueDate != "2026-03-10" || c.in.CustomerID != "C-001" {
		t.Errorf("recorded %+v", c)
	}

	rec = f.do(t, "POST", "/v1/orders/"+no+"/receipts", "t-fin", receipt, "Idempotency-Key", "ignored")
	wantStatus(t, rec, http.StatusOK)
	if again := decodeAs[workflows.ConfirmPaymentResult](t, rec); !again.Duplicate || again.Receipt.Key != first.Receipt.Key {
		t.Errorf("the duplicate is %+v", again)
	}
	other := strings.Replace(receipt, "120000", "120001", 1)
	wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/receipts", "t-fin", other), http.StatusConflict, sales.ErrConflict)
	// The same reference recorded by hand for the customer is not this order's.
	wantStatus(t, f.do(t, "POST", "/v1/receipts", "t-fin", strings.Replace(transferJSON, "ICBC-01", "default", 1)), http.StatusCreated)
	wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/receipts", "t-fin",
		`{"reference":"B-20260309-7","amount_fen":700000,"currency":"CNY"}`), http.StatusConflict, sales.ErrConflict)
	if len(f.orders.updates) != 0 {
		t.Errorf("the order workflow was sent %+v: the cash application sends the shares", f.orders.updates)
	}
}

func TestAnOrderReceiptNamesTheAccountAndDateOrRefusesWhatTheOrderLacks(t *testing.T) {
	f := newFixture(t)
	no := f.billedOrder(t)
	rec := f.do(t, "POST", "/v1/orders/"+no+"/receipts", "t-fin",
		`{"reference":"B-2","amount_fen":100,"currency":"CNY","bank_account":"CCB-9","value_date":"2026-03-02"}`)
	wantStatus(t, rec, http.StatusCreated)
	if c := f.cash.records[0]; c.in.BankAccount != "CCB-9" || c.in.ValueDate != "2026-03-02" {
		t.Errorf("recorded %+v", c.in)
	}
	e := wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/receipts", "t-fin", `{"reference":"B-3","amount_fen":100,"currency":"CNY","invoice_no":"IV-OLD"}`),
		http.StatusUnprocessableEntity, sales.ErrInvalid)
	if e.Fields[0].Field != "invoice_no" {
		t.Errorf("refusal %+v", e)
	}
	unbilled := f.startOrder(t, "C-001")
	wantError(t, f.do(t, "POST", "/v1/orders/"+unbilled+"/receipts", "t-fin", `{"reference":"B-4","amount_fen":100,"currency":"CNY"}`),
		http.StatusConflict, sales.ErrConflict)
	wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/receipts", "t-fin", `{"reference":"B-5","amount_fen":100,"currency":"CNY","value_date":"2026-03-11"}`),
		http.StatusUnprocessableEntity, sales.ErrInvalid)
}

func TestWithoutCashApplicationTheOrderReceiptIsTheOrdersOwnUpdate(t *testing.T) {
	f := newFixture(t)
	f.handler = New(Config{Store: f.store, Orders: f.orders, Policy: f.policy, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }})
	no := f.startOrder(t, "C-001")
	f.orders.updateResult = workflows.ConfirmPaymentResult{Receipt: sales.Receipt{Reference: "BANK-1", Amount: 50000}, Outstanding: 45000}
	wantStatus(t, f.do(t, "POST", "/v1/orders/"+no+"/receipts", "t-fin", `{"reference":"BANK-1","amount_fen":50000,"currency":"CNY"}`), http.StatusCreated)
	if len(f.orders.updates) != 1 || f.orders.updates[0].id != "receipt/BANK-1" || f.orders.updates[0].name != workflows.UpdateConfirmPay {
		t.Errorf("updates %+v", f.orders.updates)
	}
	wantError(t, f.do(t, "GET", "/v1/receipts", "t-fin", nil), http.StatusNotFound, sales.ErrNotFound)
}
