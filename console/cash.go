package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// The cash pages (回款): Finance's bank receipts and the form to record one,
// a receipt with what it paid, a customer's unapplied cash with the forms to
// apply it to invoices and to refund it, and the refunds with the SLT's
// decision form. Reads and writes go through the JSON API as the viewer
// (con.call): its permissions, FSF scope and validation decide.

func init() {
	pageNames = append(pageNames, "receipts", "receipt", "cash", "refunds")
}

// cashRoutes mounts the cash pages in the signed-in group.
func (con *console) cashRoutes(r chi.Router) {
	r.Get("/receipts", con.receiptList)
	r.Post("/receipts", con.recordReceipt)
	r.Get("/receipts/{receiptID}", con.receiptPage)
	r.Get("/customers/{customerID}/cash", con.cashPage)
	r.Post("/customers/{customerID}/cash/act/{action}", con.cashAct)
	r.Get("/refunds", con.refundList)
	r.Post("/refunds/act/decide", con.decideRefund)
}

// receiptsData is what the receipt list shows.
type receiptsData struct {
	Customer, From, To, Status string
	Refused                    string // why the API refused the filters
	Receipts                   []sales.BankReceipt
	Customers                  []sales.Customer // the viewer's, for the filter and the form
	Form                       *form            // recording a receipt; nil when the viewer may not
	Today                      string
}

// CustomerName names a customer the viewer may see (its id otherwise).
func (d receiptsData) CustomerName(id string) string { return nameOf(d.Customers, id) }

func nameOf(list []sales.Customer, id string) string {
	for _, c := range list {
		if c.ID == id {
			return c.Name
		}
	}
	return id
}

// mayReadCash refuses the cash pages to those who may not read receipts.
func (con *console) mayReadCash(w http.ResponseWriter, r *http.Request) (Viewer, bool) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return v, false
	}
	if !v.User.May(sales.PermReadReceipts) {
		con.fail(w, r, http.StatusForbidden, "error.forbidden")
		return v, false
	}
	return v, true
}

// receiptList lists the receipts the viewer may see (?customer, ?from, ?to,
// ?status), with Finance's form to record one.
func (con *console) receiptList(w http.ResponseWriter, r *http.Request) {
	v, ok := con.mayReadCash(w, r)
	if !ok {
		return
	}
	con.showReceipts(w, r, v, http.StatusOK, nil)
}

// showReceipts renders the receipt list with status; f is a refused form
// to show as typed (nil: a fresh one).
func (con *console) showReceipts(w http.ResponseWriter, r *http.Request, v Viewer, status int, f *form) {
	q := r.URL.Query()
	d := receiptsData{Customer: strings.TrimSpace(q.Get("customer")), From: q.Get("from"), To: q.Get("to"), Status: q.Get("status"),
		Today: sales.DateOf(con.now()).Format(time.DateOnly)}
	if v.User.May(sales.PermRecordReceipt) {
		d.Form = f
		if d.Form == nil {
			d.Form = &form{Action: "record-receipt"}
		}
	}
	var err error
	if d.Customers, err = con.store.Customers(r.Context(), v.Scope); err != nil {
		con.failWith(w, r, err)
		return
	}
	filter := url.Values{"limit": {"200"}}
	for name, val := range map[string]string{"customer_id": d.Customer, "from": d.From, "to": d.To, "status": d.Status} {
		if val != "" {
			filter.Set(name, val)
		}
	}
	if err := con.call(r, http.MethodGet, "/v1/receipts?"+filter.Encode(), nil, &d.Receipts); err != nil {
		if refusalStatus(err) >= 500 {
			con.failWith(w, r, err)
			return
		}
		d.Refused, status = err.Error(), refusalStatus(err)
	}
	con.render(w, r, status, "receipts", langOf(r).text("cash.receipts_title"), d)
}

// splitList reads a list typed in one field: invoice numbers separated by
// commas, semicolons, spaces or new lines.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(c rune) bool {
		return c == ',' || c == '，' || c == ';' || c == '；' || c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '、'
	})
}

// recordReceipt records a receipt typed by Finance (the amount in yuan,
// converted exactly) and goes to its page; a refusal shows the form again.
func (con *console) recordReceipt(w http.ResponseWriter, r *http.Request) {
	v, ok := con.mayReadCash(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	pf := r.PostForm
	f := &form{Action: "record-receipt", Values: pf}
	amount, ok := parseYuan(pf.Get("amount"))
	if !ok {
		f.Errors = map[string]string{"amount": langOf(r).text("cash.bad_amount")}
		con.showReceipts(w, r, v, http.StatusUnprocessableEntity, f)
		return
	}
	body := sales.ReceiptInput{CustomerID: pf.Get("customer_id"), BankAccount: pf.Get("bank_account"), Reference: pf.Get("reference"),
		ValueDate: pf.Get("value_date"), Amount: amount, Currency: sales.CNY, PayerName: pf.Get("payer_name"),
		PayerAccount: pf.Get("payer_account"), Remittance: pf.Get("remittance"), Invoices: splitList(pf.Get("invoice_nos")),
		OnlyNamed: pf.Get("only_named") == "on"}
	if c, err := con.store.Customer(r.Context(), body.CustomerID); err == nil {
		body.Currency = c.Currency
	}
	var rec sales.BankReceipt
	if err := con.call(r, http.MethodPost, "/v1/receipts", body, &rec); err != nil {
		status := con.refusal(err, f)
		if status >= 500 {
			con.failWith(w, r, err)
			return
		}
		con.showReceipts(w, r, v, status, f)
		return
	}
	http.Redirect(w, r, "/receipts/"+strconv.FormatInt(rec.ID, 10)+"?done=recorded", http.StatusSeeOther)
}

// receiptData is what a receipt's page shows.
type receiptData struct {
	Receipt      sales.BankReceipt
	CustomerName string
	Applied      sales.Fen
	Done         string
}

// receiptPage shows a receipt, what it paid of which invoice and what was
// left as the customer's unapplied cash.
func (con *console) receiptPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := con.mayReadCash(w, r); !ok {
		return
	}
	id := chi.URLParam(r, "receiptID")
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	d := receiptData{Done: r.URL.Query().Get("done")}
	if err := con.call(r, http.MethodGet, "/v1/receipts/"+id, nil, &d.Receipt); err != nil {
		if code := sales.ErrorCode(err); code == sales.ErrForbidden || code == sales.ErrNotFound {
			con.fail(w, r, http.StatusNotFound, "error.not_found") // another KAM's customer: as if there were none
			return
		}
		con.failWith(w, r, err)
		return
	}
	if d.Done != "recorded" {
		d.Done = ""
	}
	for _, a := range d.Receipt.Applications {
		d.Applied += a.Amount
	}
	d.CustomerName = d.Receipt.CustomerID
	if c, err := con.store.Customer(r.Context(), d.Receipt.CustomerID); err == nil {
		d.CustomerName = c.Name
	}
	con.render(w, r, http.StatusOK, "receipt", langOf(r).text("cash.receipt_title", d.Receipt.Reference), d)
}

// cashData is what a customer's cash page shows.
type cashData struct {
	Customer    sales.Customer
	Cash        sales.UnappliedCash
	Invoices    []openInvoice
	Receipts    []sales.BankReceipt
	Refunds     []sales.Refund
	RefundLimit sales.Fen
	Forms       map[string]*form // the actions the viewer may take, by name
	Done        string
}

// Form is the form of action name (nil when the viewer may not take it).
func (d cashData) Form(name string) *form { return d.Forms[name] }

// Picked reports whether invoice no was ticked in the apply form refused.
func (d cashData) Picked(no string) bool {
	f := d.Forms["apply"]
	return f != nil && slices.Contains(f.Values["invoice"], no)
}

// cashActions are the forms of a customer's cash page with the permission
// each needs.
var cashActions = map[string]sales.Permission{
	"apply":  sales.PermApplyUnapplied,
	"refund": sales.PermRequestRefund,
}

// cashPage shows a customer's unapplied cash: the balance and its ledger,
// the open invoices it may pay, the latest receipts and the refunds.
func (con *console) cashPage(w http.ResponseWriter, r *http.Request) {
	v, ok := con.mayReadCash(w, r)
	if !ok {
		return
	}
	c, err := con.visibleCustomer(r, v, chi.URLParam(r, "customerID"))
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	con.showCash(w, r, v, c, http.StatusOK, nil)
}

func (con *console) showCash(w http.ResponseWriter, r *http.Request, v Viewer, c sales.Customer, status int, f *form) {
	d := cashData{Customer: c, RefundLimit: con.cash.RefundApprovalLimit, Forms: map[string]*form{}, Done: r.URL.Query().Get("done")}
	if _, ok := cashActions[d.Done]; !ok {
		d.Done = ""
	}
	for name, perm := range cashActions {
		if v.User.May(perm) {
			d.Forms[name] = &form{Action: name}
		}
	}
	if f != nil {
		d.Forms[f.Action] = f
	}
	byCustomer := url.Values{"customer_id": {c.ID}, "limit": {"50"}}.Encode()
	for path, out := range map[string]any{
		"/v1/customers/" + url.PathEscape(c.ID) + "/unapplied?limit=100": &d.Cash,
		"/v1/receipts?" + byCustomer:                                     &d.Receipts,
		"/v1/refunds?" + byCustomer:                                      &d.Refunds,
	} {
		if err := con.call(r, http.MethodGet, path, nil, out); err != nil {
			con.failWith(w, r, err)
			return
		}
	}
	open := customerData{Customer: c}
	if err := con.customerOrders(r, v, &open); err != nil {
		con.failWith(w, r, err)
		return
	}
	d.Invoices = open.Invoices
	con.render(w, r, status, "cash", langOf(r).text("cash.title", c.ID, c.Name), d)
}

// cashAct applies a customer's unapplied cash to the invoices ticked, or
// refunds some of it; success goes back to the page with a confirmation, a
// refusal shows the form again with its errors beside its fields.
func (con *console) cashAct(w http.ResponseWriter, r *http.Request) {
	v, ok := con.mayReadCash(w, r)
	if !ok {
		return
	}
	c, err := con.visibleCustomer(r, v, chi.URLParam(r, "customerID"))
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	action := chi.URLParam(r, "action")
	if _, ok := cashActions[action]; !ok {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	f := &form{Action: action, Values: r.PostForm}
	amount, ok := parseYuan(r.PostForm.Get("amount"))
	if !ok {
		f.Errors = map[string]string{"amount": langOf(r).text("cash.bad_amount")}
		con.showCash(w, r, v, c, http.StatusUnprocessableEntity, f)
		return
	}
	base := "/v1/customers/" + url.PathEscape(c.ID)
	path, body := base+"/unapplied/applications", any(map[string]any{"invoice_nos": nonNilStrings(r.PostForm["invoice"]), "amount_fen": amount})
	if action == "refund" {
		path, body = base+"/refunds", map[string]any{"amount_fen": amount, "bank_account": r.PostForm.Get("bank_account"), "reason": r.PostForm.Get("reason")}
	}
	if err := con.call(r, http.MethodPost, path, body, nil); err != nil {
		status := con.refusal(err, f)
		if f.Errors["invoice_nos"] != "" {
			f.Errors["invoice"] = f.Errors["invoice_nos"]
		}
		switch {
		case status >= 500:
			con.failWith(w, r, err)
		case status == http.StatusForbidden && !v.User.May(cashActions[action]):
			con.fail(w, r, status, "error.forbidden") // a form the page never offered
		default:
			con.showCash(w, r, v, c, status, f)
		}
		return
	}
	http.Redirect(w, r, "/customers/"+url.PathEscape(c.ID)+"/cash?done="+action+"#top", http.StatusSeeOther)
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// refundsData is what the refund list shows.
type refundsData struct {
	Status    string
	Refunds   []sales.Refund
	Customers []sales.Customer
	Decide    *form // the refused decision form, shown again as typed
	CanDecide bool
	Done      bool
}

// CustomerName names a customer the viewer may see (its id otherwise).
func (d refundsData) CustomerName(id string) string { return nameOf(d.Customers, id) }

// DecideForm is the SLT's decision form for refund f: the one just refused
// when it was this one's, else a fresh one; nil when the viewer may not
// decide it (no permission, not waiting, or their own request).
func (d refundsData) DecideForm(f sales.Refund, viewer string) *form {
	if !d.CanDecide || f.Status != sales.RefundRequested || f.RequestedBy == viewer {
		return nil
	}
	target := strconv.FormatInt(f.ID, 10)
	if d.Decide != nil && d.Decide.Target == target {
		return d.Decide
	}
	return &form{Action: "decide-refund", Target: target}
}

// refundList lists refunds (?status=; those waiting for the SLT by default,
// "all" for every one), with the SLT's decision forms.
func (con *console) refundList(w http.ResponseWriter, r *http.Request) {
	v, ok := con.mayReadCash(w, r)
	if !ok {
		return
	}
	con.showRefunds(w, r, v, http.StatusOK, nil)
}

func (con *console) showRefunds(w http.ResponseWriter, r *http.Request, v Viewer, status int, f *form) {
	d := refundsData{Status: r.URL.Query().Get("status"), Decide: f, CanDecide: v.User.May(sales.PermDecideRefund),
		Done: r.URL.Query().Get("done") == "decide" && f == nil}
	if d.Status == "" {
		d.Status = string(sales.RefundRequested)
	}
	query := url.Values{"limit": {"200"}}
	if d.Status != "all" {
		if !sales.RefundStatus(d.Status).Valid() {
			d.Status = string(sales.RefundRequested)
		}
		query.Set("status", d.Status)
	}
	var err error
	if d.Customers, err = con.store.Customers(r.Context(), v.Scope); err != nil {
		con.failWith(w, r, err)
		return
	}
	if err := con.call(r, http.MethodGet, "/v1/refunds?"+query.Encode(), nil, &d.Refunds); err != nil {
		con.failWith(w, r, err)
		return
	}
	con.render(w, r, status, "refunds", langOf(r).text("cash.refunds_title"), d)
}

// decideRefund sends the SLT's decision on a refund.
func (con *console) decideRefund(w http.ResponseWriter, r *http.Request) {
	v, ok := con.mayReadCash(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	f := &form{Action: "decide-refund", Target: r.PostForm.Get("target"), Values: r.PostForm}
	if _, err := strconv.ParseInt(f.Target, 10, 64); err != nil {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	err := con.call(r, http.MethodPost, "/v1/refunds/"+f.Target+"/decision",
		map[string]any{"decision": r.PostForm.Get("decision"), "note": r.PostForm.Get("note")}, nil)
	if err != nil {
		status := con.refusal(err, f)
		switch {
		case status >= 500:
			con.failWith(w, r, err)
		case status == http.StatusForbidden && !v.User.May(sales.PermDecideRefund):
			con.fail(w, r, status, "error.forbidden")
		default:
			con.showRefunds(w, r, v, status, f)
		}
		return
	}
	http.Redirect(w, r, "/refunds?done=decide", http.StatusSeeOther)
}

// RefundStatus names a refund's status.
func (v view) RefundStatus(s sales.RefundStatus) string {
	return v.lang.text("cash.refund." + string(s))
}

// ReceiptStatus names a receipt's status.
func (v view) ReceiptStatus(s string) string { return v.lang.text("cash.status." + s) }
