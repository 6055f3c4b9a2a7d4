package starter

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/sales"
	"osb/workflows"
)

// CashService is what the API needs for cash application (回款) and
// refunds: customers' bank receipts applied to their invoices, their
// unapplied cash, and refunds of it. Errors are *sales.Error where the cause
// is known.
type CashService interface {
	// RecordReceipt records a customer's bank receipt once for its bank
	// account and reference and applies it, waiting a while for the orders
	// to take their shares (the answer's status says whether they did).
	// The same transfer again (sales.SameTransfer) answers the receipt as it
	// stands; the reference recorded for another transfer is a conflict
	// naming reference. source says where it came from: "manual",
	// "order:<no>", "import:<importID>/<lineNo>".
	RecordReceipt(ctx context.Context, in sales.ReceiptInput, source string, by sales.Actor) (sales.BankReceipt, error)
	// RecordNewReceipt is RecordReceipt that also says whether this call
	// recorded the receipt (false: it was there before).
	RecordNewReceipt(ctx context.Context, in sales.ReceiptInput, source string, by sales.Actor) (sales.BankReceipt, bool, error)
	Receipt(ctx context.Context, id int64) (sales.BankReceipt, error)
	ReceiptByReference(ctx context.Context, bankAccount, reference string) (sales.BankReceipt, error)
	ListReceipts(ctx context.Context, f sales.ReceiptFilter) ([]sales.BankReceipt, error)
	// UnappliedCash is a customer's unapplied cash and the latest entries of
	// its ledger.
	UnappliedCash(ctx context.Context, customerID string, limit int) (sales.UnappliedCash, error)
	// ApplyUnapplied applies some of a customer's unapplied cash to named
	// invoices, waiting a while for the orders like RecordReceipt.
	ApplyUnapplied(ctx context.Context, req sales.UnappliedRequest, by sales.Actor) (sales.UnappliedApplication, error)
	// RequestRefund refunds some of a customer's unapplied cash: at once
	// within the policy's limit, else once the SLT approves.
	RequestRefund(ctx context.Context, req sales.RefundRequest, by sales.Actor) (sales.Refund, error)
	ListRefunds(ctx context.Context, f sales.RefundFilter) ([]sales.Refund, error)
	// DecideRefund sends an SLT decision and waits until it is written.
	DecideRefund(ctx context.Context, id int64, in workflows.RefundDecisionInput) (sales.Refund, error)
	// Policy is the cash policy in force (the default bank account, the
	// refund limit).
	Policy() sales.CashPolicy
}

// cashRoutes mounts the routes of cash application and refunds.
func (a *api) cashRoutes(r chi.Router) {
	r.With(a.allow(sales.PermRecordReceipt)).Post("/receipts", a.recordReceipt)
	r.With(a.allow(sales.PermReadReceipts)).Get("/receipts", a.listReceipts)
	r.With(a.allow(sales.PermReadReceipts)).Get("/receipts/{receiptID}", a.getReceipt)
	r.With(a.allow(sales.PermReadReceipts)).Get("/customers/{customerID}/unapplied", a.unappliedCash)
	r.With(a.allow(sales.PermApplyUnapplied)).Post("/customers/{customerID}/unapplied/applications", a.applyUnapplied)
	r.With(a.allow(sales.PermRequestRefund)).Post("/customers/{customerID}/refunds", a.requestRefund)
	r.With(a.allow(sales.PermReadReceipts)).Get("/refunds", a.listRefunds)
	r.With(a.allow(sales.PermDecideRefund)).Post("/refunds/{refundID}/decision", a.decideRefund)
}

// Request bodies of cash application.
type (
	unappliedRequest struct {
		Invoices []string  `json:"invoice_nos"`
		Amount   sales.Fen `json:"amount_fen"`
	}
	refundRequest struct {
		Amount      sales.Fen `json:"amount_fen"`
		BankAccount string    `json:"bank_account"`
		Reason      string    `json:"reason"`
	}
	// orderReceiptRequest is the old per-order receipt with the account and
	// value date it may now name.
	orderReceiptRequest struct {
		receiptRequest
		BankAccount string `json:"bank_account,omitempty"`
		ValueDate   string `json:"value_date,omitempty"`
	}
)

func (b orderReceiptRequest) problems() (p sales.Problems) {
	p = b.receiptRequest.problems()
	p.Text("bank_account", b.BankAccount, sales.MaxReference, false)
	return p
}

// answerReceipt writes a receipt: 201 once applied, 202 while its orders
// are still taking their shares.
func answerReceipt(w http.ResponseWriter, rec sales.BankReceipt, created bool) {
	status := http.StatusOK
	switch {
	case rec.Status != sales.ReceiptApplied:
		status = http.StatusAccepted
	case created:
		status = http.StatusCreated
	}
	if rec.ID > 0 {
		w.Header().Set("Location", "/v1/receipts/"+strconv.FormatInt(rec.ID, 10))
	}
	writeJSON(w, status, rec)
}

// recordReceipt records a customer's bank receipt and applies it. A bank
// reference recorded before is refused (409, naming reference), except for
// a retry of the same transfer with an Idempotency-Key, which answers the
// receipt as it stands.
func (a *api) recordReceipt(w http.ResponseWriter, r *http.Request) {
	var in sales.ReceiptInput
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	key, err := idempotencyKey(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rec, created, err := a.cash.RecordNewReceipt(r.Context(), in, "manual", actorOf(r))
	if err == nil && !created && key == "" {
		err = sales.ReferenceTaken(rec)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	answerReceipt(w, rec, created)
}

// cashDate reads a Beijing date of the query.
func (q *params) cashDate(name string) string {
	s := q.text(name)
	if _, err := time.ParseInLocation(time.DateOnly, s, sales.Beijing); s != "" && err != nil {
		q.p.Add(name, "must be a date like 2026-12-31")
		return ""
	}
	return s
}

// receiptStatuses are the statuses a receipt list can be filtered by.
var receiptStatuses = []string{sales.ReceiptApplying, sales.ReceiptApplied}

// listReceipts lists the receipts of the customers the user may see.
func (a *api) listReceipts(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "customer_id", "from", "to", "status", "limit")
	f := sales.ReceiptFilter{CustomerID: q.text("customer_id"), From: q.cashDate("from"), To: q.cashDate("to"), Status: q.text("status"), Limit: q.limit("limit")}
	if f.Status != "" && !slices.Contains(receiptStatuses, f.Status) {
		q.p.Add("status", "must be applying or applied")
	}
	list, ok := listInScope(a, w, r, q, &f.Scope, func(ctx context.Context) ([]sales.BankReceipt, error) { return a.cash.ListReceipts(ctx, f) })
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

// cashID reads a numeric id of the path; anything else is not found.
func cashID(r *http.Request, name, what string) (int64, error) {
	s := chi.URLParam(r, name)
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, sales.Errorf(sales.ErrNotFound, "%q is not a %s id like 42", s, what)
	}
	return id, nil
}

// getReceipt shows a receipt with what it paid.
func (a *api) getReceipt(w http.ResponseWriter, r *http.Request) {
	id, err := cashID(r, "receiptID", "receipt")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rec, err := a.cash.Receipt(r.Context(), id)
	if err == nil {
		err = a.mayRead(r, rec.CustomerID, "receipt "+strconv.FormatInt(id, 10))
	}
	a.reply(w, r, http.StatusOK, rec, err)
}

// mayRead refuses what is about a customer the user may not see.
func (a *api) mayRead(r *http.Request, customerID, what string) error {
	scope, err := a.scopeOf(r)
	if err != nil {
		return err
	}
	ok, err := sales.CustomerVisible(r.Context(), a.store, scope, customerID)
	if err == nil && !ok {
		err = sales.Errorf(sales.ErrForbidden, "%s is not for one of your customers", what)
	}
	return err
}

// unappliedCash shows a customer's unapplied cash and its ledger.
func (a *api) unappliedCash(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "limit")
	limit := q.limit("limit")
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.visibleCustomer(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	u, err := a.cash.UnappliedCash(r.Context(), c.ID, limit)
	if err == nil {
		u.Entries = nonNil(u.Entries)
	}
	a.reply(w, r, http.StatusOK, u, err)
}

// applyUnapplied applies some of a customer's unapplied cash to named
// invoices: 201 once applied, 202 while the orders are still taking it.
func (a *api) applyUnapplied(w http.ResponseWriter, r *http.Request) {
	var b unappliedRequest
	if err := decode(r, &b); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.visibleCustomer(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	u, err := a.cash.ApplyUnapplied(r.Context(), sales.UnappliedRequest{CustomerID: c.ID, Invoices: b.Invoices, Amount: b.Amount}, actorOf(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if u.Status != sales.ReceiptApplied {
		status = http.StatusAccepted
	}
	writeJSON(w, status, u)
}

// requestRefund refunds some of a customer's unapplied cash: the answer is
// the refund refunded (within the limit) or requested, waiting for the SLT.
func (a *api) requestRefund(w http.ResponseWriter, r *http.Request) {
	var b refundRequest
	if err := decode(r, &b); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.visibleCustomer(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := a.cash.RequestRefund(r.Context(), sales.RefundRequest{CustomerID: c.ID, Amount: b.Amount,
		BankAccount: strings.TrimSpace(b.BankAccount), Reason: strings.TrimSpace(b.Reason)}, actorOf(r))
	a.reply(w, r, http.StatusCreated, f, err)
}

// listRefunds lists the refunds of the customers the user may see.
func (a *api) listRefunds(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "status", "customer_id", "limit")
	f := sales.RefundFilter{Status: sales.RefundStatus(q.text("status")), CustomerID: q.text("customer_id"), Limit: q.limit("limit")}
	if f.Status != "" && !f.Status.Valid() {
		q.p.Add("status", "must be one of requested, refunded, rejected")
	}
	list, ok := listInScope(a, w, r, q, &f.Scope, func(ctx context.Context) ([]sales.Refund, error) { return a.cash.ListRefunds(ctx, f) })
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

// decideRefund sends an SLT member's decision on a refund above the limit.
func (a *api) decideRefund(w http.ResponseWriter, r *http.Request) {
	id, err := cashID(r, "refundID", "refund")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var b adjustmentDecisionRequest
	if err := decode(r, &b); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := b.problems().Err("invalid decision"); err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := a.cash.DecideRefund(r.Context(), id, workflows.RefundDecisionInput{
		Actor: actorOf(r), Decision: strings.TrimSpace(b.Decision), Note: strings.TrimSpace(b.Note)})
	a.reply(w, r, http.StatusOK, f, err)
}

// orderReceipt is the per-order receipt of release 1.0 as a shortcut of
// cash application: a receipt of the order's customer applied only to this
// order's open invoices (invoice_no first); what they do not take is the
// customer's unapplied cash. The same reference and amount for the same
// order again answers 200 with duplicate true; the reference recorded for
// anything else is a conflict.
func (a *api) orderReceipt(w http.ResponseWriter, r *http.Request) {
	var b orderReceiptRequest
	if err := decode(r, &b); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := b.problems().Err("the request is invalid"); err != nil {
		a.fail(w, r, err)
		return
	}
	o, err := a.visibleOrder(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ctx := r.Context()
	source := "order:" + o.no()
	account := strings.TrimSpace(b.BankAccount)
	if account == "" {
		account = a.cash.Policy().DefaultBankAccount
	}
	rec, err := a.cash.ReceiptByReference(ctx, account, strings.TrimSpace(b.Reference))
	switch {
	case err == nil: // recorded before: this request again, or another transfer
		if rec.CustomerID != o.customerID() || rec.Amount != b.Amount || rec.Currency != b.Currency || rec.Source != source {
			a.fail(w, r, sales.ReferenceTaken(rec))
			return
		}
		a.answerOrderReceipt(w, r, o.no(), rec, true)
		return
	case sales.ErrorCode(err) != sales.ErrNotFound:
		a.fail(w, r, err)
		return
	}
	in, err := a.orderReceiptInput(o, b, account)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rec, created, err := a.cash.RecordNewReceipt(ctx, in, source, actorOf(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.answerOrderReceipt(w, r, o.no(), rec, !created)
}

// orderReceiptInput is the receipt of an order's shortcut: its customer,
// into account, today unless named, only its open invoices.
func (a *api) orderReceiptInput(o order, b orderReceiptRequest, account string) (sales.ReceiptInput, error) {
	in := sales.ReceiptInput{CustomerID: o.customerID(), BankAccount: account, Reference: strings.TrimSpace(b.Reference),
		ValueDate: strings.TrimSpace(b.ValueDate), Amount: b.Amount, Currency: b.Currency, OnlyNamed: true}
	if in.ValueDate == "" {
		in.ValueDate = sales.DateOf(a.now()).Format(time.DateOnly)
	}
	if b.InvoiceNo != "" {
		if !o.hasInvoice(b.InvoiceNo) {
			var p sales.Problems
			p.Add("invoice_no", "order %s has no invoice %q", o.no(), b.InvoiceNo)
			return in, p.Err("the request is invalid")
		}
		in.Invoices = append(in.Invoices, b.InvoiceNo)
	}
	for _, inv := range orderInvoices(o) {
		if inv.Open() && inv.No != b.InvoiceNo {
			in.Invoices = append(in.Invoices, inv.No)
		}
	}
	if len(in.Invoices) == 0 {
		return in, sales.Errorf(sales.ErrConflict, "order %s has no open invoice to pay", o.no())
	}
	return in, nil
}

func orderInvoices(o order) []sales.Invoice {
	if o.live != nil {
		return o.live.Invoices
	}
	return o.snap.Invoices
}

// answerOrderReceipt answers the shortcut as release 1.0 did: the receipt
// as this order took it (its excess is the receipt's unapplied cash), and
// what the order still owes.
func (a *api) answerOrderReceipt(w http.ResponseWriter, r *http.Request, orderNo string, rec sales.BankReceipt, duplicate bool) {
	res := workflows.ConfirmPaymentResult{Duplicate: duplicate, Receipt: sales.Receipt{Key: sales.ReceiptKey(rec.ID), Reference: rec.Reference,
		ValueDate: rec.ValueDate, Amount: rec.Amount, Currency: rec.Currency, ReceivedAt: rec.RecordedAt, ConfirmedBy: rec.RecordedBy,
		Allocations: []sales.Allocation{}, Excess: rec.Unapplied}}
	for _, app := range rec.Applications {
		if app.OrderNo == orderNo {
			res.Receipt.Allocations = append(res.Receipt.Allocations, sales.Allocation{InvoiceNo: app.InvoiceNo, Amount: app.Amount})
		}
	}
	o, err := a.findOrder(r.Context(), orderNo)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if o.live != nil {
		res.Outstanding = o.live.Outstanding
	} else {
		res.Outstanding = o.snap.Outstanding
	}
	status := http.StatusCreated
	switch {
	case duplicate:
		status = http.StatusOK
	case rec.Status != sales.ReceiptApplied:
		status = http.StatusAccepted
	}
	if rec.ID > 0 {
		w.Header().Set("Location", "/v1/receipts/"+strconv.FormatInt(rec.ID, 10))
	}
	writeJSON(w, status, res)
}
