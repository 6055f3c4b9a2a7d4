package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// The quota and POP page: a period's quota allocations per market and per
// customer with what was consumed, the markets' POP budgets for that month,
// the POP items, and for those who set them the forms to allocate, budget,
// keep the items and request POP material. Reads and writes go through the
// JSON API as the viewer (con.call): the API's permissions, scope and
// validation decide.

// quotaData is what the quota page shows.
type quotaData struct {
	Period, Market, Customer string
	PeriodError              string
	Markets                  []string
	Customers                []sales.Customer
	Report                   sales.QuotaReport
	Budgets                  []sales.POPBudget
	Items                    []sales.POPItem
	Forms                    map[string]*form
	Done                     string
}

// Form is the form of action name (nil when the viewer may not take it).
func (d quotaData) Form(name string) *form { return d.Forms[name] }

// CustomerName names a customer the viewer may see (its id otherwise).
func (d quotaData) CustomerName(id string) string {
	for _, c := range d.Customers {
		if c.ID == id {
			return c.Name
		}
	}
	return id
}

// quotaActions are the forms of the quota page with the permission each needs.
var quotaActions = map[string]sales.Permission{
	"market":   sales.PermSetQuota,
	"customer": sales.PermSetQuota,
	"budget":   sales.PermSetPOPBudget,
	"item":     sales.PermSavePOPItem,
	"pop":      sales.PermRequestPOP,
}

// quotaPage shows the quota and POP of a period (?period=2026-11; the
// current month by default), filtered by market and customer.
func (con *console) quotaPage(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	q := r.URL.Query()
	d := quotaData{Period: strings.TrimSpace(q.Get("period")), Market: strings.TrimSpace(q.Get("market")),
		Customer: strings.TrimSpace(q.Get("customer")), Done: q.Get("done")}
	status := http.StatusOK
	if d.Period != "" && !sales.ValidPeriod(d.Period) {
		d.PeriodError = langOf(r).text("quota.bad_period")
		status = http.StatusUnprocessableEntity
	}
	con.showQuota(w, r, v, status, d, nil)
}

// showQuota reads and renders the quota page with status; f is a refused
// form to show as typed (nil: none).
func (con *console) showQuota(w http.ResponseWriter, r *http.Request, v Viewer, status int, d quotaData, f *form) {
	if d.Period == "" || d.PeriodError != "" {
		d.Period = sales.PeriodOf(con.now())
	}
	if _, ok := quotaActions[d.Done]; !ok {
		d.Done = ""
	}
	d.Forms = map[string]*form{}
	for name, perm := range quotaActions {
		if v.User.May(perm) {
			d.Forms[name] = &form{Action: name}
		}
	}
	if f != nil {
		d.Forms[f.Action] = f
	}
	var err error
	if d.Customers, err = con.store.Customers(r.Context(), v.Scope); err != nil {
		con.failWith(w, r, err)
		return
	}
	firstOf := map[string]string{} // a customer of each market, to read its POP budget by
	for _, c := range d.Customers {
		if _, ok := firstOf[c.Market]; !ok {
			firstOf[c.Market] = c.ID
			d.Markets = append(d.Markets, c.Market)
		}
	}
	slices.Sort(d.Markets)
	if err := con.call(r, http.MethodGet, "/v1/quota/"+url.PathEscape(d.Period), nil, &d.Report); err != nil {
		con.failWith(w, r, err)
		return
	}
	d.Report.Markets = slices.DeleteFunc(d.Report.Markets, func(m sales.MarketQuota) bool {
		return (d.Market != "" && m.Market != d.Market) || !slices.Contains(d.Markets, m.Market)
	})
	d.Report.Customers = slices.DeleteFunc(d.Report.Customers, func(c sales.CustomerQuota) bool {
		return (d.Market != "" && c.Market != d.Market) || (d.Customer != "" && c.CustomerID != d.Customer)
	})
	for _, m := range d.Markets {
		if d.Market != "" && m != d.Market {
			continue
		}
		var usage sales.POPUsageReport
		query := url.Values{"customer_id": {firstOf[m]}, "month": {d.Period}}
		if err := con.call(r, http.MethodGet, "/v1/pop/usage?"+query.Encode(), nil, &usage); err != nil {
			con.failWith(w, r, err)
			return
		}
		d.Budgets = append(d.Budgets, usage.Budgets...)
	}
	if err := con.call(r, http.MethodGet, "/v1/pop/items", nil, &d.Items); err != nil {
		con.failWith(w, r, err)
		return
	}
	con.render(w, r, status, "quota", langOf(r).text("quota.title"), d)
}

// quotaAct runs a form of the quota page through the API.
func (con *console) quotaAct(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	action := chi.URLParam(r, "action")
	if _, ok := quotaActions[action]; !ok {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	pf := r.PostForm
	f := &form{Action: action, Values: pf}
	period := strings.TrimSpace(pf.Get("period"))
	d := quotaData{Period: period}
	if !sales.ValidPeriod(period) {
		d.Period = ""
	}
	method, path, body, problems := quotaCall(action, period, pf)
	if len(problems) > 0 {
		f.Errors = map[string]string{}
		for _, p := range problems {
			f.Errors[p.Field] = langOf(r).text(p.Message)
		}
		con.showQuota(w, r, v, http.StatusUnprocessableEntity, d, f)
		return
	}
	if err := con.call(r, method, path, body, nil); err != nil {
		status := con.refusal(err, f)
		switch {
		case status >= 500:
			con.failWith(w, r, err)
			return
		case status == http.StatusForbidden && !v.User.May(quotaActions[action]):
			con.fail(w, r, status, "error.forbidden") // a form the page never offered
			return
		}
		f.Errors = quotaFields(f.Errors)
		if status == http.StatusNotFound {
			status = http.StatusUnprocessableEntity // a market or customer typed that is not there
		}
		con.showQuota(w, r, v, status, d, f)
		return
	}
	back := url.Values{"done": {action}}
	if d.Period != "" {
		back.Set("period", d.Period)
	}
	http.Redirect(w, r, "/quota?"+back.Encode(), http.StatusSeeOther)
}

// quotaCall turns a posted form into its API call. Problems are the form's
// own (a number that is not one): their messages are catalogue keys.
func quotaCall(action, period string, f url.Values) (method, path string, body any, p sales.Problems) {
	seg := url.PathEscape
	switch action {
	case "market", "customer":
		qty, ok := wholeNumber(f.Get("quantity"))
		if !ok {
			p.Add("quantity", "quota.bad_quantity")
		}
		// PUT /v1/quota/{period}/markets/{market} or …/customers/{customer}
		path = "/v1/quota/" + seg(period) + "/" + action + "s/" + seg(strings.TrimSpace(f.Get(action)))
		body = sales.QuotaAllocations{Allocations: []sales.QuotaAllocation{{SKU: strings.TrimSpace(f.Get("sku")), Quantity: qty}}}
		return http.MethodPut, path, body, p
	case "budget":
		amount, ok := parseYuan(f.Get("budget"))
		if !ok {
			p.Add("budget", "quota.bad_amount")
		}
		path = "/v1/pop/budgets/" + seg(period) + "/" + seg(strings.TrimSpace(f.Get("market")))
		return http.MethodPut, path, map[string]any{"budget_fen": amount}, p
	case "item":
		cost, ok := parseYuan(f.Get("unit_cost"))
		if !ok {
			p.Add("unit_cost", "quota.bad_amount")
		}
		item := sales.POPItem{Code: f.Get("code"), Name: f.Get("name"), Unit: f.Get("unit"), UnitCost: cost, Active: f.Get("active") == "on"}
		return http.MethodPost, "/v1/pop/items", item, p
	}
	// pop: a stand-alone request
	qty, ok := wholeNumber(f.Get("quantity"))
	if !ok {
		p.Add("quantity", "quota.bad_quantity")
	}
	req := sales.POPStandalone{CustomerID: f.Get("customer"), Month: period, Note: f.Get("note"),
		Items: []sales.POPRequest{{Item: strings.TrimSpace(f.Get("item")), Quantity: qty}}}
	return http.MethodPost, "/v1/pop/requests", req, p
}

// wholeNumber reads a whole number, 0 or more.
func wholeNumber(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil && n >= 0
}

// quotaFields renames the API's fields of a refusal to the quota forms'.
func quotaFields(errs map[string]string) map[string]string {
	out := make(map[string]string, len(errs))
	for api, msg := range errs {
		field := api
		switch {
		case strings.HasSuffix(api, ".sku"):
			field = "sku"
		case strings.HasSuffix(api, ".quantity"):
			field = "quantity"
		case strings.HasSuffix(api, ".item"), api == "items":
			field = "item"
		case api == "allocations":
			field = "sku"
		case api == "budget_fen":
			field = "budget"
		case api == "unit_cost_fen":
			field = "unit_cost"
		case api == "customer_id":
			field = "customer"
		case api == "month":
			field = "period"
		}
		out[field] = msg
	}
	return out
}
