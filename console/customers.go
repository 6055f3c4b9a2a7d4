package console

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// The customer pages: the list of the customers a viewer may see with their
// credit, and one customer's credit (history, inputs, adjustments), open
// invoices by age, shipments, quota and POP use, and returns. What needs a
// service the console store lacks (credit, reports, quota, POP) is read
// through the JSON API as the viewer (con.call), so the API's scope decides
// there too; a customer the viewer may not see is not found, like a missing one.

// customerRow is one customer of the list: the organisation's record and
// its credit as the credit rating table has it.
type customerRow struct {
	sales.Customer
	Credit sales.CreditRatingRow
}

// UsePct is the credit use as a percentage ("—" without a limit).
func (c customerRow) UsePct() string { return pctOf(c.Credit.UsePct) }

// customerListData is what the customer list shows.
type customerListData struct {
	Market, Query string
	Markets       []string
	KAM           string
	KAMs          []string // the KAMs of the customers the viewer may see
	Customers     []customerRow
}

// customerList lists the customers the viewer may see, filtered by market
// and by a piece of their id or name.
func (con *console) customerList(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	q := r.URL.Query()
	d := customerListData{Market: strings.TrimSpace(q.Get("market")), Query: strings.TrimSpace(q.Get("q")), KAM: strings.TrimSpace(q.Get("kam"))}
	all, err := con.store.Customers(r.Context(), v.Scope)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	var credit []sales.CreditRatingRow
	if err := con.call(r, http.MethodGet, "/v1/reports/credit-ratings", nil, &credit); err != nil {
		con.failWith(w, r, err)
		return
	}
	byID := make(map[string]sales.CreditRatingRow, len(credit))
	for _, c := range credit {
		byID[c.CustomerID] = c
	}
	needle := strings.ToLower(d.Query)
	for _, c := range all {
		if !slices.Contains(d.Markets, c.Market) {
			d.Markets = append(d.Markets, c.Market)
		}
		if !slices.Contains(d.KAMs, c.KAMID) {
			d.KAMs = append(d.KAMs, c.KAMID)
		}
		if (d.Market != "" && c.Market != d.Market) || (d.KAM != "" && c.KAMID != d.KAM) {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(c.ID), needle) && !strings.Contains(strings.ToLower(c.Name), needle) {
			continue
		}
		row := customerRow{Customer: c, Credit: byID[c.ID]}
		if _, ok := byID[c.ID]; !ok {
			row.Credit = sales.CreditRatingRow{Limit: c.CreditLimit, Rating: c.Rating, Currency: c.Currency, Frozen: c.Frozen}
		}
		d.Customers = append(d.Customers, row)
	}
	slices.Sort(d.Markets)
	slices.Sort(d.KAMs)
	con.render(w, r, http.StatusOK, "customers", langOf(r).text("cust.list_title"), d)
}

// openInvoice is an invoice still owed, with how late it is.
type openInvoice struct {
	sales.Invoice
	OrderNo     string
	DaysOverdue int
	Band        sales.AgeBucket
}

// customerData is what a customer page shows.
type customerData struct {
	Customer    sales.Customer
	Credit      sales.CreditView
	Adjustments []sales.CreditAdjustment // every one, newest first
	Ageing      sales.Ageing
	Invoices    []openInvoice
	Shipping    sales.ShipmentInfoRow
	Period      string
	Quota       []sales.CustomerQuota
	POP         sales.POPUsageReport
	Returns     []orderReturn
	OrdersLink  string
	Forms       map[string]*form // the actions the viewer may take, by name
	Done        string           // the action just taken
	Statements  []docLink        // the monthly statements: this month's draft, the kept ones
}

// orderReturn is a return with its order.
type orderReturn struct {
	sales.Return
	OrderNo  string
	Currency sales.Currency
}

// UsePct is the credit use as a percentage ("—" without a limit).
func (d customerData) UsePct() string {
	if d.Credit.UseBasisPoints == nil {
		return "—"
	}
	return bp(*d.Credit.UseBasisPoints)
}

// BP writes basis points as a percentage: 1250 is 12.50%.
func (d customerData) BP(n int64) string { return bp(n) }

// Form is the form of action name.
func (d customerData) Form(name string) *form { return d.Forms[name] }

// DecideForm is the SLT's decision form for the proposal a waits with: the
// one just refused when it was this one's, else a fresh one; nil when the
// viewer may not decide it (no permission, or their own proposal).
func (d customerData) DecideForm(a sales.CreditAdjustment, viewer string) *form {
	f := d.Forms["decide-adjustment"]
	if f == nil || a.Status != sales.AdjustmentProposed || a.ProposedBy == viewer {
		return nil
	}
	if f.Target == a.ID {
		return f
	}
	return &form{Action: "decide-adjustment", Target: a.ID, Idem: newIdem()}
}

// bp writes basis points as a percentage with two decimals.
func bp(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%02d%%", sign, n/100, n%100)
}

// pctOf writes a percentage with one decimal ("—" for none).
func pctOf(p *float64) string {
	if p == nil {
		return "—"
	}
	return strconv.FormatFloat(*p, 'f', 1, 64) + "%"
}

// customerActions are the forms a customer page offers, with the
// permission each needs.
var customerActions = map[string]sales.Permission{
	"adjust":            sales.PermProposeAdjustment,
	"freeze":            sales.PermFreezeCustomer,
	"unfreeze":          sales.PermFreezeCustomer,
	"decide-adjustment": sales.PermDecideAdjustment, // one form per proposal waiting, for the SLT
}

// customerReturnsFrom are the statuses of orders that may have returns.
var customerReturnsFrom = []sales.OrderStatus{sales.StatusShipping, sales.StatusBilled, sales.StatusRemitted}

// customerOrderLimit bounds the orders a customer page reads invoices and
// returns from (the newest).
const customerOrderLimit = 200

// visibleCustomer reads a customer the viewer may see; one they may not is
// not found, exactly like one that does not exist.
func (con *console) visibleCustomer(r *http.Request, v Viewer, id string) (sales.Customer, error) {
	notFound := sales.Errorf(sales.ErrNotFound, "customer %s not found", id)
	if id == "" || len(id) > sales.MaxCode {
		return sales.Customer{}, notFound
	}
	ok, err := sales.CustomerVisible(r.Context(), con.store, v.Scope, id)
	if err != nil {
		return sales.Customer{}, err
	}
	if !ok {
		return sales.Customer{}, notFound
	}
	return con.store.Customer(r.Context(), id)
}

// customerPage shows one customer.
func (con *console) customerPage(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	c, err := con.visibleCustomer(r, v, chi.URLParam(r, "customerID"))
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	con.showCustomer(w, r, v, c, http.StatusOK, nil)
}

// showCustomer renders a customer's page with status; f is a refused form
// to show as typed (nil: none).
func (con *console) showCustomer(w http.ResponseWriter, r *http.Request, v Viewer, c sales.Customer, status int, f *form) {
	d, err := con.customerData(r, v, c)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	d.Done = r.URL.Query().Get("done")
	if _, ok := customerActions[d.Done]; !ok {
		d.Done = ""
	}
	if f != nil {
		d.Forms[f.Action] = f
	}
	con.render(w, r, status, "customer", langOf(r).text("cust.title", c.ID, c.Name), d)
}

// customerData reads everything a customer page shows.
func (con *console) customerData(r *http.Request, v Viewer, c sales.Customer) (customerData, error) {
	now := con.now()
	d := customerData{Customer: c, Period: sales.PeriodOf(now), Forms: map[string]*form{},
		OrdersLink: "/orders?" + url.Values{"customer": {c.ID}}.Encode()}
	for name, perm := range customerActions {
		if v.User.May(perm) {
			d.Forms[name] = &form{Action: name}
		}
	}
	id := url.PathEscape(c.ID)
	byCustomer := url.Values{"customer_id": {c.ID}}
	if err := con.call(r, http.MethodGet, "/v1/customers/"+id+"/credit", nil, &d.Credit); err != nil {
		return d, err
	}
	adjQuery := url.Values{"customer_id": {c.ID}, "limit": {"50"}}
	if err := con.call(r, http.MethodGet, "/v1/credit/adjustments?"+adjQuery.Encode(), nil, &d.Adjustments); err != nil {
		return d, err
	}
	var ageing []sales.AgeingRow
	ageQuery := url.Values{"customer_id": {c.ID}, "group_by": {"customer"}}
	if err := con.call(r, http.MethodGet, "/v1/reports/ageing?"+ageQuery.Encode(), nil, &ageing); err != nil {
		return d, err
	}
	for _, a := range ageing {
		if a.Key == c.ID {
			d.Ageing = a.Ageing
		}
	}
	var shipping []sales.ShipmentInfoRow
	if err := con.call(r, http.MethodGet, "/v1/reports/shipment-info?"+byCustomer.Encode(), nil, &shipping); err != nil {
		return d, err
	}
	if len(shipping) > 0 {
		d.Shipping = shipping[0]
	}
	var quota sales.QuotaReport
	if err := con.call(r, http.MethodGet, "/v1/quota/"+d.Period, nil, &quota); err != nil {
		return d, err
	}
	for _, q := range quota.Customers {
		if q.CustomerID == c.ID {
			d.Quota = append(d.Quota, q)
		}
	}
	var kept []sales.StatementRecord
	switch err := con.call(r, http.MethodGet, "/v1/customers/"+id+"/statements", nil, &kept); sales.ErrorCode(err) {
	case "":
		d.Statements = statementLinks(c.ID, kept, now)
	case sales.ErrNotFound: // an API without documents
	default:
		return d, err
	}
	popQuery := url.Values{"customer_id": {c.ID}, "month": {d.Period}}
	if err := con.call(r, http.MethodGet, "/v1/pop/usage?"+popQuery.Encode(), nil, &d.POP); err != nil {
		return d, err
	}
	return d, con.customerOrders(r, v, &d)
}

// customerOrders reads the open invoices and the returns of the customer's
// orders.
func (con *console) customerOrders(r *http.Request, v Viewer, d *customerData) error {
	ctx := r.Context()
	orders, err := con.store.ListOrders(ctx, sales.OrderFilter{CustomerID: d.Customer.ID, Scope: v.Scope, Limit: customerOrderLimit})
	if err != nil {
		return err
	}
	at := con.now()
	for _, o := range orders {
		if o.Outstanding > 0 {
			snap, err := con.store.Order(ctx, o.OrderNo)
			if err != nil {
				return err
			}
			for _, inv := range snap.Invoices {
				if !inv.Open() {
					continue
				}
				late := 0
				if at.After(inv.DueAt) {
					late = sales.DaysBetween(inv.DueAt, at)
				}
				d.Invoices = append(d.Invoices, openInvoice{Invoice: inv, OrderNo: o.OrderNo, DaysOverdue: late, Band: sales.BucketOf(late)})
			}
		}
		if slices.Contains(customerReturnsFrom, o.Status) {
			rets, err := con.store.Returns(ctx, o.OrderNo)
			if err != nil {
				return err
			}
			for _, ret := range rets {
				d.Returns = append(d.Returns, orderReturn{Return: ret, OrderNo: o.OrderNo, Currency: o.Currency})
			}
		}
	}
	slices.SortFunc(d.Invoices, func(a, b openInvoice) int { return a.DueAt.Compare(b.DueAt) })
	return nil
}

// customerAct runs a form posted from a customer page through the API: a
// credit adjustment proposed, a freeze or its lifting. Success goes back to
// the page with a confirmation; a refusal shows the form again as typed,
// its errors beside its fields.
func (con *console) customerAct(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	c, err := con.visibleCustomer(r, v, chi.URLParam(r, "customerID"))
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	action := chi.URLParam(r, "action")
	if _, ok := customerActions[action]; !ok {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	f := &form{Action: action, Values: r.PostForm}
	base := "/v1/customers/" + url.PathEscape(c.ID)
	var path string
	var body any
	switch action {
	case "adjust":
		amount, ok := parseSignedYuan(r.PostForm.Get("amount"))
		if !ok {
			f.Errors = map[string]string{"amount": langOf(r).text("cust.bad_amount")}
			con.showCustomer(w, r, v, c, http.StatusUnprocessableEntity, f)
			return
		}
		path = base + "/credit/adjustments"
		body = map[string]any{"amount_fen": amount, "reason": r.PostForm.Get("reason"), "expires_on": r.PostForm.Get("expires_on")}
	case "decide-adjustment":
		f.Target = r.PostForm.Get("target")
		path = "/v1/credit/adjustments/" + url.PathEscape(f.Target) + "/decision"
		body = map[string]any{"decision": r.PostForm.Get("decision"), "note": r.PostForm.Get("note")}
	default: // freeze, unfreeze
		path, body = base+"/"+action, map[string]any{"reason": r.PostForm.Get("reason")}
	}
	if err := con.call(r, http.MethodPost, path, body, nil); err != nil {
		status := con.refusal(err, f)
		switch {
		case status >= 500:
			con.failWith(w, r, err)
		case status == http.StatusForbidden && !v.User.May(customerActions[action]):
			con.fail(w, r, status, "error.forbidden") // a form the page never offered
		default:
			con.showCustomer(w, r, v, c, status, f)
		}
		return
	}
	http.Redirect(w, r, "/customers/"+url.PathEscape(c.ID)+"?done="+action+"#top", http.StatusSeeOther)
}

// parseSignedYuan reads an amount in yuan that may be negative ("-5,000").
func parseSignedYuan(s string) (sales.Fen, bool) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "−")
	f, ok := parseYuan(s)
	if neg {
		f = -f
	}
	return f, ok
}

// ChangeKind names a kind of credit change.
func (v view) ChangeKind(kind string) string { return v.lang.text("cust.change." + kind) }

// FrozenBy names who froze a customer.
func (v view) FrozenBy(by string) string {
	if by == "" {
		return ""
	}
	return v.lang.text("cust.frozen_by." + by)
}

// Band names an ageing band.
func (v view) Band(b sales.AgeBucket) string { return v.lang.text("cust.band." + strconv.Itoa(int(b))) }
