package console

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"osb/documents"
	"osb/postgres"
	"osb/sales"
	"osb/starter"
	"osb/workflows"
)

// storeCash is cash application on the fixture's store without Temporal:
// what the ApplyReceipt and Refund workflows do, at once, except telling the
// orders (the fixture's orders have no workflows).
type storeCash struct {
	s   *postgres.Store
	now func() time.Time
}

func (c storeCash) Policy() sales.CashPolicy { return sales.DefaultCashPolicy() }

func (c storeCash) RecordReceipt(ctx context.Context, in sales.ReceiptInput, source string, by sales.Actor) (sales.BankReceipt, error) {
	r, _, err := c.RecordNewReceipt(ctx, in, source, by)
	return r, err
}

func (c storeCash) RecordNewReceipt(ctx context.Context, in sales.ReceiptInput, source string, by sales.Actor) (sales.BankReceipt, bool, error) {
	in = sales.NormalizeReceipt(in)
	if err := in.Validate(c.now()).Err("the receipt is invalid"); err != nil {
		return sales.BankReceipt{}, false, err
	}
	r, created, err := c.s.RecordReceipt(ctx, in, source, by.UserID, c.now())
	if err != nil || !created {
		return r, created, err
	}
	apps, err := c.plan(ctx, sales.ReceiptKey(r.ID), r.ID, r.CustomerID, r.Amount, r.Currency, r.ValueDate, in.Invoices, in.OnlyNamed, by)
	if err != nil {
		return r, true, err
	}
	r, err = c.s.SettleReceipt(ctx, r.ID, apps, c.now())
	return r, true, err
}

// plan divides amount among the customer's open invoices as the workflow
// does, every invoice taking its share.
func (c storeCash) plan(ctx context.Context, key string, receipt int64, customer string, amount sales.Fen, cur sales.Currency,
	valueDate string, named []string, onlyNamed bool, by sales.Actor) ([]sales.CashApplication, error) {
	open, err := c.s.OpenInvoices(ctx, customer, cur)
	if err != nil {
		return nil, err
	}
	shares, _ := sales.PlanApplication(open, amount, named, onlyNamed)
	var apps []sales.CashApplication
	for _, s := range shares {
		apps = append(apps, sales.CashApplication{Key: key + "/" + s.InvoiceNo, ReceiptID: receipt, CustomerID: customer, OrderNo: s.OrderNo,
			InvoiceNo: s.InvoiceNo, Amount: s.Amount, Currency: cur, ValueDate: valueDate, At: c.now(), By: by.UserID})
	}
	return apps, nil
}

func (c storeCash) Receipt(ctx context.Context, id int64) (sales.BankReceipt, error) {
	return c.s.Receipt(ctx, id)
}
func (c storeCash) ReceiptByReference(ctx context.Context, account, ref string) (sales.BankReceipt, error) {
	return c.s.ReceiptByReference(ctx, account, ref)
}
func (c storeCash) ListReceipts(ctx context.Context, f sales.ReceiptFilter) ([]sales.BankReceipt, error) {
	return c.s.ListReceipts(ctx, f)
}
func (c storeCash) UnappliedCash(ctx context.Context, customer string, limit int) (sales.UnappliedCash, error) {
	return c.s.UnappliedCash(ctx, customer, limit)
}
func (c storeCash) ListRefunds(ctx context.Context, f sales.RefundFilter) ([]sales.Refund, error) {
	return c.s.ListRefunds(ctx, f)
}

func (c storeCash) ApplyUnapplied(ctx context.Context, req sales.UnappliedRequest, by sales.Actor) (sales.UnappliedApplication, error) {
	if err := req.Validate().Err("the application is invalid"); err != nil {
		return sales.UnappliedApplication{}, err
	}
	id, err := c.s.NextUnappliedID(ctx)
	if err != nil {
		return sales.UnappliedApplication{}, err
	}
	a, err := c.s.RecordUnappliedApplication(ctx, sales.UnappliedApplication{ID: id, CustomerID: req.CustomerID, Amount: req.Amount,
		Invoices: req.Invoices, ValueDate: sales.DateOf(c.now()).Format(time.DateOnly), RequestedBy: by.UserID, RequestedAt: c.now()})
	if err != nil {
		return a, err
	}
	apps, err := c.plan(ctx, a.Key(), 0, a.CustomerID, a.Amount, a.Currency, a.ValueDate, a.Invoices, true, by)
	if err != nil {
		return a, err
	}
	return c.s.SettleUnappliedApplication(ctx, id, apps, c.now())
}

func (c storeCash) RequestRefund(ctx context.Context, req sales.RefundRequest, by sales.Actor) (sales.Refund, error) {
	if err := req.Validate().Err("the refund is invalid"); err != nil {
		return sales.Refund{}, err
	}
	id, err := c.s.NextRefundID(ctx)
	if err != nil {
		return sales.Refund{}, err
	}
	f, err := c.s.RecordRefund(ctx, sales.Refund{ID: id, CustomerID: req.CustomerID, Amount: req.Amount, BankAccount: req.BankAccount,
		Reason: req.Reason, NeedsDecision: c.Policy().NeedsDecision(req.Amount), RequestedBy: by.UserID, RequestedAt: c.now()}, nil)
	if err != nil || f.NeedsDecision {
		return f, err
	}
	return c.s.DecideRefund(ctx, sales.RefundDecision{ID: id, Approve: true, At: c.now()}, nil)
}

func (c storeCash) DecideRefund(ctx context.Context, id int64, in workflows.RefundDecisionInput) (sales.Refund, error) {
	if !in.Actor.Is(sales.RoleSLT) {
		return sales.Refund{}, sales.Errorf(sales.ErrForbidden, "only an SLT member may decide a refund")
	}
	return c.s.DecideRefund(ctx, sales.RefundDecision{ID: id, Approve: in.Decision == workflows.DecisionApprove, By: in.Actor.UserID,
		Note: in.Note, At: c.now()}, nil)
}

// withCash serves the fixture's console on an API with cash application
// on the fixture's store.
func (f *fixture) withCash() {
	f.t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.api = starter.New(starter.Config{Store: f.store, Orders: f.orders, Policy: sales.DefaultPolicy(), Quota: f.store,
		Credit: starter.NewTemporalCredit(nil, f.store, sales.DefaultCreditPolicy()), Reports: starter.NewReports(f.store, nil),
		Documents: starter.NewDocuments(f.store, documents.NewPDF("")), Invoices: f.store,
		Cash: storeCash{s: f.store, now: f.clock.now}, Logger: quiet, Now: f.clock.now})
	f.srv = httptest.NewServer(New(Config{Store: f.store, API: f.api, Logger: quiet, Now: f.clock.now}))
	f.t.Cleanup(f.srv.Close)
}

var receiptLink = regexp.MustCompile(`^/receipts/(\d+)\?done=recorded$`)

// record posts the record form as typed and returns where it went (or the
// page refused).
func (b *browser) record(fields url.Values) page {
	b.f.t.Helper()
	page := b.get("/receipts")
	fields.Set("csrf", page.csrf(b.f.t))
	return b.post("/receipts", fields)
}

func TestCashPages(t *testing.T) {
	f := newFixture(t, false)
	f.withCash()
	today := sales.DateOf(f.clock.now()).Format(time.DateOnly)
	transfer := func(customer, ref, amount string) url.Values {
		return url.Values{"customer_id": {customer}, "bank_account": {"ICBC-01"}, "reference": {ref}, "value_date": {today},
			"amount": {amount}, "payer_name": {"南京恒瑞商贸有限公司"}}
	}

	var receipt string
	t.Run("Finance records a transfer typed in yuan and sees what it paid", func(t *testing.T) {
		b := f.browser()
		b.signIn("fin1")
		list := b.get("/receipts")
		for _, want := range []string{`id="act-record-receipt"`, `id="rec-amount"`, `href="/receipts" aria-current="page"`, `value="` + today + `"`} {
			if !list.has(want) {
				t.Errorf("the receipts page lacks %q", want)
			}
		}
		p := b.record(transfer("C003", "B-20261201-1", "5,000.50"))
		m := receiptLink.FindStringSubmatch(p.header.Get("Location"))
		if p.status != http.StatusSeeOther || m == nil {
			t.Fatalf("recorded: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
		}
		receipt = m[1]
		p = b.get(p.header.Get("Location"))
		for _, want := range []string{"回款已登记", "B-20261201-1", "¥5,000.50", "INV-2026-000003-1", `href="/orders/` + overdueOrder + `"`,
			"¥4,680.00", "¥320.50", `href="/customers/C003/cash"`} {
			if !p.has(want) {
				t.Errorf("the receipt's page lacks %q", want)
			}
		}
		stored, err := f.store.Receipt(context.Background(), 1)
		if err != nil || stored.Amount != 500050 || stored.Unapplied != 32050 {
			t.Errorf("stored %+v, %v: the yuan typed is not the fen stored", stored, err)
		}
		if p := b.get("/receipts?customer=C003"); !p.has("B-20261201-1") || !p.has("已核销") {
			t.Errorf("the list lacks the receipt:\n%s", p.body)
		}
	})

	t.Run("the same reference again is refused beside the field; a bad amount too", func(t *testing.T) {
		b := f.browser()
		b.signIn("fin1")
		p := b.record(transfer("C003", "B-20261201-1", "10"))
		if p.status != http.StatusConflict || !p.has(`id="rec-reference-error"`) || !p.has("B-20261201-1") {
			t.Errorf("the same reference: %d\n%s", p.status, p.body)
		}
		p = b.record(transfer("C003", "B-20261201-2", "12.345"))
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="rec-amount-error"`) || !p.has(`value="B-20261201-2"`) {
			t.Errorf("a bad amount: %d\n%s", p.status, p.body)
		}
		p = b.record(transfer("", "B-20261201-3", "10"))
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="rec-customer-error"`) {
			t.Errorf("no customer: %d\n%s", p.status, p.body)
		}
	})

	t.Run("the customer's unapplied cash is refunded at once within the limit", func(t *testing.T) {
		b := f.browser()
		b.signIn("fin1")
		p := b.get("/customers/C003/cash")
		for _, want := range []string{"¥320.50", "receipt/" + receipt, `action="/customers/C003/cash/act/refund"`, "¥50,000.00"} {
			if !p.has(want) {
				t.Errorf("the cash page lacks %q", want)
			}
		}
		p = b.post("/customers/C003/cash/act/refund", url.Values{"csrf": {p.csrf(t)}, "amount": {"100"}, "bank_account": {"6222-01"}, "reason": {"多付"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("refund: %d\n%s", p.status, p.body)
		}
		p = b.get(p.header.Get("Location"))
		if !p.has("退款已提交") || !p.has("¥220.50") || !p.has("已退款") {
			t.Errorf("after the refund:\n%s", p.body)
		}
		p = b.post("/customers/C003/cash/act/refund", url.Values{"csrf": {p.csrf(t)}, "amount": {"221"}, "bank_account": {"6222-01"}, "reason": {"多付"}})
		if p.status != http.StatusConflict || !p.has(`id="refund-amount-error"`) {
			t.Errorf("more than the balance: %d\n%s", p.status, p.body)
		}
	})

	t.Run("a refund above the limit waits for the SLT in My work", func(t *testing.T) {
		fin := f.browser()
		fin.signIn("fin1")
		if p := fin.record(transfer("C002", "B-20261201-9", "80000")); p.status != http.StatusSeeOther {
			t.Fatalf("recorded: %d\n%s", p.status, p.body)
		}
		p := fin.get("/customers/C002/cash")
		p = fin.post("/customers/C002/cash/act/refund", url.Values{"csrf": {p.csrf(t)}, "amount": {"60000"}, "bank_account": {"6222-02"}, "reason": {"客户要求退回"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("refund: %d\n%s", p.status, p.body)
		}
		waiting, err := f.store.ListRefunds(context.Background(), sales.RefundFilter{Status: sales.RefundRequested, Scope: sales.Scope{All: true}})
		if err != nil || len(waiting) != 1 {
			t.Fatalf("waiting %+v, %v", waiting, err)
		}
		id := waiting[0].ID

		slt := f.browser()
		home := slt.signIn("dsd")
		link := refundLink(id)
		if !home.has(`href="`+link+`"`) || !home.has("审批退款") {
			t.Errorf("My work of the SLT lacks the refund:\n%s", home.body)
		}
		p = slt.get("/refunds")
		anchor := strings.TrimPrefix(link, "/refunds#")
		if !p.has(`id="`+anchor+`"`) || !p.has("¥60,000.00") {
			t.Fatalf("the refunds page lacks the decision form %s:\n%s", anchor, p.body)
		}
		if fp := fin.get("/refunds"); fp.has(`id="`+anchor+`"`) || !fp.has("¥60,000.00") {
			t.Errorf("Finance sees the refund without a decision form: %v", fp.has(`id="`+anchor+`"`))
		}
		p = slt.post("/refunds/act/decide", url.Values{"csrf": {p.csrf(t)}, "target": {strconv.FormatInt(id, 10)}, "decision": {"approve"}, "note": {"已核实"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("decide: %d\n%s", p.status, p.body)
		}
		p = slt.get("/refunds?status=refunded")
		if !p.has("已记录您的决定") && !p.has("¥60,000.00") {
			t.Errorf("after the decision:\n%s", p.body)
		}
		if got, _ := f.store.Refund(context.Background(), id); got.Status != sales.RefundRefunded || got.DecidedBy != "dsd" {
			t.Errorf("decided %+v", got)
		}
		if home := slt.get("/"); home.has(`href="` + link + `"`) {
			t.Error("My work still lists the decided refund")
		}
	})

	t.Run("the FSF sees their customers' receipts only, Logistics none", func(t *testing.T) {
		kam := f.browser()
		kam.signIn("kam-huadong-1") // C002's KAM, not C003's
		p := kam.get("/receipts")
		if p.status != http.StatusOK || !p.has("B-20261201-9") || p.has("B-20261201-1") || p.has(`id="act-record-receipt"`) {
			t.Errorf("the KAM's receipts: %d\n%s", p.status, p.body)
		}
		if p := kam.get("/receipts/" + receipt); p.status != http.StatusNotFound {
			t.Errorf("another KAM's customer's receipt: %d", p.status)
		}
		if p := kam.get("/customers/C003/cash"); p.status != http.StatusNotFound {
			t.Errorf("another KAM's customer's cash: %d", p.status)
		}
		log := f.browser()
		log.signIn("log1")
		if p := log.get("/receipts"); p.status != http.StatusForbidden {
			t.Errorf("Logistics: %d", p.status)
		}
		if p := log.get("/"); p.has(`href="/receipts"`) {
			t.Error("Logistics' navigation offers the receipts")
		}
	})

	t.Run("a receipt still applying is Finance's work", func(t *testing.T) {
		r, _, err := f.store.RecordReceipt(context.Background(), sales.ReceiptInput{CustomerID: "C001", BankAccount: "ICBC-01", Reference: "B-SLOW",
			ValueDate: today, Amount: 100, Currency: sales.CNY}, "manual", "fin1", f.clock.now().Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		b := f.browser()
		home := b.signIn("fin1")
		if !home.has(`href="/receipts/`+strconv.FormatInt(r.ID, 10)+`"`) || !home.has("回款 B-SLOW 尚未核销完毕") {
			t.Errorf("My work lacks the receipt still applying:\n%s", home.body)
		}
		if p := b.get("/receipts/" + strconv.FormatInt(r.ID, 10)); !p.has("部分订单尚未确认其份额") {
			t.Errorf("the receipt's page does not say it is applying:\n%s", p.body)
		}
	})
}
