package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"osb/sales"
)

// ordersPageSize is how many orders a page of the list shows.
const ordersPageSize = 50

// orderListData is what the order list shows: the filters as given, their
// problems beside them, the choices, a page of orders and the links to the
// first and the next page.
type orderListData struct {
	Filter    orderForm
	Errors    map[string]string // by form field
	Customers []sales.Customer
	Markets   []string
	KAMs      []string
	Statuses  []sales.OrderStatus
	Steps     []sales.StepInfo
	Levels    []sales.Level
	Orders    []sales.OrderSummary
	Next      string // links; empty when there is none
	First     string
	// The page's stamp and where to ask for it again: the list reloads
	// itself when an order on it moves (live.js).
	Stamp, StampURL string
}

// orderForm is the list's filter form as typed, one field per query
// parameter of the page (GET /orders?number=…&from=2026-03-01…).
type orderForm struct {
	Number, Ref, Customer, Market, KAM, Status, Step, Level, From, To, SKU, Invoice, Waybill string
}

// orderFormFields names the form's fields by the sales.OrderFilter field
// (its JSON name) that Validate reports.
var orderFormFields = map[string]string{"order_no": "number", "client_ref": "ref", "created_from": "from",
	"created_to": "to", "sku": "sku", "invoice_no": "invoice", "waybill": "waybill"}

var statuses = []sales.OrderStatus{sales.StatusOpen, sales.StatusHeld, sales.StatusReleased, sales.StatusShipping,
	sales.StatusBilled, sales.StatusRemitted, sales.StatusRejected, sales.StatusCancelled}

// escalationLevels are the "at least" choices of the escalation filter.
var escalationLevels = []sales.Level{sales.LevelKAM, sales.LevelUM, sales.LevelMM, sales.LevelSLT, sales.LevelGM}

// orderList lists the orders the viewer may see, newest first, filtered by
// the form (number or its beginning, client reference, customer, market,
// KAM, status, step, escalation level, creation dates, SKU, invoice,
// waybill), a page at a time; the filters stay on every page.
func (con *console) orderList(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	q := r.URL.Query()
	get := func(name string) string { return strings.TrimSpace(q.Get(name)) }
	d := orderListData{Filter: orderForm{Number: strings.ToUpper(get("number")), Ref: get("ref"), Customer: get("customer"),
		Market: get("market"), KAM: get("kam"), Status: get("status"), Step: get("step"), Level: get("level"),
		From: get("from"), To: get("to"), SKU: strings.ToUpper(get("sku")), Invoice: get("invoice"), Waybill: get("waybill")},
		Errors: map[string]string{}, Statuses: statuses, Steps: sales.Steps, Levels: escalationLevels}
	if d.Customers, err = con.store.Customers(r.Context(), v.Scope); err != nil {
		con.failWith(w, r, err)
		return
	}
	for _, c := range d.Customers {
		if !slices.Contains(d.KAMs, c.KAMID) {
			d.KAMs = append(d.KAMs, c.KAMID)
		}
		if !slices.Contains(d.Markets, c.Market) {
			d.Markets = append(d.Markets, c.Market)
		}
	}
	slices.Sort(d.KAMs)
	slices.Sort(d.Markets)
	f, ok := d.filter(langOf(r))
	if !ok {
		con.render(w, r, http.StatusUnprocessableEntity, "orders", langOf(r).text("orders.title"), d)
		return
	}
	f.Scope, f.Limit = v.Scope, ordersPageSize
	if before := q.Get("before"); sales.ValidOrderNo(before) {
		f.Before = before
	}
	if d.Orders, err = con.store.ListOrders(r.Context(), f); err != nil {
		con.failWith(w, r, err)
		return
	}
	page := func(before string) string {
		u := url.Values{}
		for k, vs := range q {
			if k != "lang" && k != "before" && strings.TrimSpace(vs[0]) != "" {
				u[k] = vs[:1]
			}
		}
		if before != "" {
			u.Set("before", before)
		}
		return "/orders?" + u.Encode()
	}
	if r.URL.Path == "/orders/stamp" {
		writeStamp(w, listStamp(d.Orders))
		return
	}
	d.Stamp, d.StampURL = listStamp(d.Orders), "/orders/stamp?"+r.URL.RawQuery
	if n := len(d.Orders); n >= ordersPageSize {
		d.Next = page(d.Orders[n-1].OrderNo)
	}
	if f.Before != "" {
		d.First = page("")
	}
	con.render(w, r, http.StatusOK, "orders", langOf(r).text("orders.title"), d)
}

// filter is the store's filter for the form; false, with d.Errors beside
// each field, when a choice is not on offer or a field cannot be searched.
func (d *orderListData) filter(l lang) (sales.OrderFilter, bool) {
	in := d.Filter
	choose := func(field, value string, ok bool) {
		if value != "" && !ok {
			d.Errors[field] = l.text("filter.bad_choice")
		}
	}
	choose("customer", in.Customer, slices.ContainsFunc(d.Customers, func(c sales.Customer) bool { return c.ID == in.Customer }))
	choose("market", in.Market, slices.Contains(d.Markets, in.Market))
	choose("kam", in.KAM, slices.Contains(d.KAMs, in.KAM))
	choose("status", in.Status, slices.Contains(statuses, sales.OrderStatus(in.Status)))
	_, stepOK := sales.Step(in.Step).Info()
	choose("step", in.Step, stepOK)
	level, err := strconv.Atoi(in.Level)
	choose("level", in.Level, err == nil && slices.Contains(escalationLevels, sales.Level(level)))
	f := sales.OrderFilter{OrderNo: in.Number, ClientRef: in.Ref, CustomerID: in.Customer, Market: in.Market,
		KAMID: in.KAM, Status: sales.OrderStatus(in.Status), Step: sales.Step(in.Step), MinLevel: sales.Level(level),
		CreatedFrom: in.From, CreatedTo: in.To, SKU: in.SKU, InvoiceNo: in.Invoice, Waybill: in.Waybill}
	for _, p := range f.Validate() {
		field := orderFormFields[p.Field]
		if _, taken := d.Errors[field]; taken {
			continue
		}
		switch {
		case field == "number":
			d.Errors[field] = l.text("orderlist.bad_number")
		case field == "to" && isDay(in.To):
			d.Errors[field] = l.text("orderlist.bad_range")
		case field == "from" || field == "to":
			d.Errors[field] = l.text("orderlist.bad_date")
		default:
			d.Errors[field] = l.text("orderlist.bad_text")
		}
	}
	return f, len(d.Errors) == 0
}

// isDay reports whether s is a date like 2026-03-01.
func isDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// visibleOrder reads an order the viewer may see; one they may not is not
// found, exactly like one that does not exist (as in the API).
func (con *console) visibleOrder(r *http.Request, v Viewer, no string) (sales.OrderSnapshot, error) {
	notFound := sales.Errorf(sales.ErrNotFound, "order %s not found", no)
	if !sales.ValidOrderNo(no) {
		return sales.OrderSnapshot{}, notFound
	}
	o, err := con.store.Order(r.Context(), no)
	if err != nil {
		return sales.OrderSnapshot{}, err
	}
	ok, err := sales.CustomerVisible(r.Context(), con.store, v.Scope, o.CustomerID)
	if err != nil {
		return sales.OrderSnapshot{}, err
	}
	if !ok {
		return sales.OrderSnapshot{}, notFound
	}
	return o, nil
}
