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

// The catalogue and its prices: the SKUs (edited by the SSG), the price
// list's entries with their effective dates, customers' own prices, and
// the price changes below the discount authority waiting for the SLT, who
// approve or reject them here.

// catalogueData is what the catalogue page shows.
type catalogueData struct {
	mdPage
	SKUs           []sales.SKU
	Edit           *sales.SKU // the SKU chosen (?sku=), with its audit trail
	Audit          []auditRow
	Prices         []sales.PriceEntry
	CustomerPrices []sales.PriceEntry
	Pending        []sales.PriceChange
	Decided        []sales.PriceChange // the latest decisions
	Forms          map[string]*form
	CanApprove     bool
	Viewer         string
	Done           string
}

// Form is the form of action name (nil: not offered).
func (d catalogueData) Form(name string) *form { return d.Forms[name] }

// DecideForm is the SLT's form for a pending change: the one just refused
// when it was this one's, else a fresh one; nil for the change's own maker.
func (d catalogueData) DecideForm(c sales.PriceChange) *form {
	if !d.CanApprove || c.RequestedBy == d.Viewer {
		return nil
	}
	if f := d.Forms["decide"]; f != nil && f.Target == strconv.FormatInt(c.ID, 10) {
		return f
	}
	return &form{Action: "decide", Target: strconv.FormatInt(c.ID, 10)}
}

// decidedShown bounds the decided price changes the page lists.
const decidedShown = 20

// catalogueActions are the catalogue's forms and the permission each needs.
var catalogueActions = map[string]sales.Permission{
	"sku": sales.PermManageCatalogue, "price": sales.PermManageCatalogue, "customer-price": sales.PermManageCatalogue,
	"decide": sales.PermApprovePrice,
}

func (con *console) cataloguePage(w http.ResponseWriter, r *http.Request) {
	con.showCatalogue(w, r, http.StatusOK, nil)
}

func (con *console) showCatalogue(w http.ResponseWriter, r *http.Request, status int, f *form) {
	if !con.mayRead(w, r, sales.PermReadMasterData) {
		return
	}
	u := sessionOf(r).User
	d := catalogueData{mdPage: "catalogue", Forms: map[string]*form{}, CanApprove: u.May(sales.PermApprovePrice), Viewer: u.ID,
		Done: doneOf(r, "sku", "price", "customer-price", "pending", "approved", "rejected", "unchanged")}
	for name, perm := range catalogueActions {
		if u.May(perm) && name != "decide" {
			d.Forms[name] = &form{Action: name}
		}
	}
	if f != nil {
		d.Forms[f.Action] = f
	}
	var changes []sales.PriceChange
	for _, call := range []struct {
		path string
		out  any
	}{
		{"/v1/master/skus", &d.SKUs},
		{"/v1/master/prices", &d.Prices},
		{"/v1/master/customer-prices", &d.CustomerPrices},
		{"/v1/master/price-changes", &changes},
	} {
		if err := con.call(r, http.MethodGet, call.path, nil, call.out); err != nil {
			con.failWith(w, r, err)
			return
		}
	}
	for _, c := range changes {
		if c.Status == sales.PricePending {
			d.Pending = append(d.Pending, c)
		} else if len(d.Decided) < decidedShown {
			d.Decided = append(d.Decided, c)
		}
	}
	code := r.URL.Query().Get("sku")
	if f != nil && f.Action == "sku" {
		code = f.Values.Get("code")
	}
	if i := slices.IndexFunc(d.SKUs, func(k sales.SKU) bool { return k.Code == code }); i >= 0 {
		d.Edit = &d.SKUs[i]
		records := [][2]string{{sales.EntitySKU, code}}
		for _, e := range d.Prices {
			if e.SKU == code {
				records = append(records, [2]string{sales.EntityPrice, e.SKU + "/" + e.EffectiveFrom})
			}
		}
		audit, err := con.auditTrail(r, records...)
		if err != nil {
			con.failWith(w, r, err)
			return
		}
		d.Audit = audit
	}
	con.render(w, r, status, "masterdata", langOf(r).text("md.catalogue_title"), d)
}

// catalogueAct runs a form of the catalogue through the API: a SKU saved, a
// price saved (in force, or waiting for the SLT), a price change decided.
func (con *console) catalogueAct(w http.ResponseWriter, r *http.Request) {
	action := chi.URLParam(r, "action")
	perm, ok := catalogueActions[action]
	if !ok {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	pf := r.PostForm
	f := &form{Action: action, Values: pf, Target: pf.Get("target")}
	show := func(status int) { con.showCatalogue(w, r, status, f) }
	bad := func(field, key string) {
		f.Errors = map[string]string{field: langOf(r).text(key)}
		show(http.StatusUnprocessableEntity)
	}
	done := action
	switch action {
	case "sku":
		price, ok := parseYuan(pf.Get("list_price"))
		if !ok {
			bad("list_price", "md.bad_amount")
			return
		}
		tax, err := strconv.Atoi(strings.TrimSpace(pf.Get("tax_rate_bp")))
		if err != nil {
			bad("tax_rate_bp", "md.bad_number")
			return
		}
		k := sales.SKU{Code: strings.TrimSpace(pf.Get("code")), Name: strings.TrimSpace(pf.Get("name")), Unit: strings.TrimSpace(pf.Get("unit")),
			ListPrice: price, Currency: sales.Currency(strings.TrimSpace(pf.Get("currency"))), TaxRate: sales.TaxRate(tax),
			Quota: pf.Get("quota_controlled") == "yes", Active: pf.Get("active") == "yes"}
		method, path := http.MethodPut, "/v1/master/skus/"+url.PathEscape(k.Code)
		if pf.Get("create") == "yes" {
			method, path = http.MethodPost, "/v1/master/skus"
		}
		if k.Code == "" {
			bad("code", "md.required")
			return
		}
		if err := con.call(r, method, path, k, nil); err != nil {
			con.mdRefused(w, r, err, f, perm, show)
			return
		}
		http.Redirect(w, r, "/master/catalogue?done=sku&sku="+url.QueryEscape(k.Code)+"#sku-edit", http.StatusSeeOther)
		return
	case "price", "customer-price":
		price, ok := parseYuan(pf.Get("price"))
		if !ok {
			bad("price", "md.bad_amount")
			return
		}
		e := sales.PriceEntry{SKU: strings.TrimSpace(pf.Get("sku")), Price: price, Currency: sales.Currency(strings.TrimSpace(pf.Get("currency"))),
			EffectiveFrom: strings.TrimSpace(pf.Get("effective_from")), EffectiveTo: strings.TrimSpace(pf.Get("effective_to"))}
		path := "/v1/master/prices"
		if action == "customer-price" {
			e.CustomerID, path = strings.TrimSpace(pf.Get("customer_id")), "/v1/master/customer-prices"
		}
		var saved sales.PriceSaved
		if err := con.call(r, http.MethodPost, path, e, &saved); err != nil {
			con.mdRefused(w, r, err, f, perm, show)
			return
		}
		switch {
		case saved.Pending != nil:
			done = "pending"
		case !saved.Changed:
			done = "unchanged"
		}
	case "decide":
		id, err := strconv.ParseInt(f.Target, 10, 64)
		if err != nil {
			con.fail(w, r, http.StatusNotFound, "error.not_found")
			return
		}
		d := sales.PriceDecision{Approve: pf.Get("decision") == "approve", Reason: strings.TrimSpace(pf.Get("reason"))}
		if err := con.call(r, http.MethodPost, "/v1/master/price-changes/"+strconv.FormatInt(id, 10)+"/decision", d, nil); err != nil {
			con.mdRefused(w, r, err, f, perm, show)
			return
		}
		done = "rejected"
		if d.Approve {
			done = "approved"
		}
	}
	http.Redirect(w, r, "/master/catalogue?done="+done+"#top", http.StatusSeeOther)
}

// TaxPct writes a tax rate in basis points as a percentage.
func (d catalogueData) TaxPct(t sales.TaxRate) string { return bp(int64(t)) }
