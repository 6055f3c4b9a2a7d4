package console

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/go-chi/chi/v5"

	"osb/sales"
	"osb/workflows"
)

// ordersPageSize is how many orders a page of the list shows.
const ordersPageSize = 50

// orderListData is what the order list shows: the filters as given, their
// problems beside them, the choices, a page of orders and the link to the
// next page.
type orderListData struct {
	Number, Customer, Status, Step, KAM string
	Errors                              map[string]string // by field
	Customers                           []sales.Customer
	KAMs                                []string
	Statuses                            []sales.OrderStatus
	Steps                               []sales.StepInfo
	Orders                              []sales.OrderSummary
	Next, First                         string // links; empty when there is none
}

var statuses = []sales.OrderStatus{sales.StatusOpen, sales.StatusHeld, sales.StatusReleased, sales.StatusShipping,
	sales.StatusBilled, sales.StatusRemitted, sales.StatusRejected, sales.StatusCancelled}

// orderList lists the orders the viewer may see, newest first, with
// filters (number, customer, status, step, KAM) and pages.
func (con *console) orderList(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	q := r.URL.Query()
	d := orderListData{Number: q.Get("number"), Customer: q.Get("customer"), Status: q.Get("status"),
		Step: q.Get("step"), KAM: q.Get("kam"), Errors: map[string]string{}, Statuses: statuses, Steps: sales.Steps}
	if d.Customers, err = con.store.Customers(r.Context(), v.Scope); err != nil {
		con.failWith(w, r, err)
		return
	}
	for _, c := range d.Customers {
		if !slices.Contains(d.KAMs, c.KAMID) {
			d.KAMs = append(d.KAMs, c.KAMID)
		}
	}
	slices.Sort(d.KAMs)
	l := langOf(r)
	choose := func(field, value string, ok bool) {
		if value != "" && !ok {
			d.Errors[field] = l.text("filter.bad_choice")
		}
	}
	choose("customer", d.Customer, slices.ContainsFunc(d.Customers, func(c sales.Customer) bool { return c.ID == d.Customer }))
	choose("kam", d.KAM, slices.Contains(d.KAMs, d.KAM))
	choose("status", d.Status, slices.Contains(statuses, sales.OrderStatus(d.Status)))
	_, stepOK := sales.Step(d.Step).Info()
	choose("step", d.Step, stepOK)
	if d.Number != "" && !sales.ValidOrderNo(d.Number) {
		d.Errors["number"] = l.text("filter.bad_number")
	}
	if len(d.Errors) > 0 {
		con.render(w, r, http.StatusUnprocessableEntity, "orders", langOf(r).text("orders.title"), d)
		return
	}
	if d.Number != "" {
		d.Orders, err = con.orderByNumber(r, v, d)
	} else {
		before := q.Get("before")
		if !sales.ValidOrderNo(before) {
			before = ""
		}
		d.Orders, err = con.store.ListOrders(r.Context(), sales.OrderFilter{CustomerID: d.Customer, KAMID: d.KAM,
			Status: sales.OrderStatus(d.Status), Step: sales.Step(d.Step), Scope: v.Scope, Before: before, Limit: ordersPageSize})
		if n := len(d.Orders); n >= ordersPageSize {
			next := url.Values{}
			for k, vs := range q {
				next[k] = vs
			}
			next.Del("lang")
			next.Set("before", d.Orders[n-1].OrderNo)
			d.Next = "/orders?" + next.Encode()
		}
		if before != "" {
			first := url.Values{}
			for k, vs := range q {
				first[k] = vs
			}
			first.Del("lang")
			first.Del("before")
			d.First = "/orders?" + first.Encode()
		}
	}
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	con.render(w, r, http.StatusOK, "orders", langOf(r).text("orders.title"), d)
}

// orderByNumber is the list of the one order a number names, when the
// viewer may see it and it passes the other filters; else none.
func (con *console) orderByNumber(r *http.Request, v Viewer, d orderListData) ([]sales.OrderSummary, error) {
	o, err := con.visibleOrder(r, v, d.Number)
	if sales.ErrorCode(err) == sales.ErrNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if (d.Customer != "" && o.CustomerID != d.Customer) || (d.KAM != "" && o.KAMID != d.KAM) ||
		(d.Status != "" && string(o.Status) != d.Status) || (d.Step != "" && string(o.Step) != d.Step) {
		return nil, nil
	}
	name := o.CustomerID
	for _, c := range d.Customers {
		if c.ID == o.CustomerID {
			name = c.Name
		}
	}
	return []sales.OrderSummary{{OrderNo: o.OrderNo, CustomerID: o.CustomerID, CustomerName: name, Market: o.Market,
		KAMID: o.KAMID, Currency: o.Currency, Total: o.Total, Outstanding: o.Outstanding, Status: o.Status, Step: o.Step,
		Level: o.Level, NextDeadline: o.NextDeadline, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}}, nil
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

// orderData is what an order page shows.
type orderData struct {
	Order       sales.OrderSnapshot
	Customer    sales.Customer
	Timeline    []timelineStep
	Shipped     map[int]int64
	WorkflowURL string // empty without a configured Web UI
}

// orderPage shows an order: the 21 steps, lines, shipments, invoices,
// receipts and a link to its workflow.
func (con *console) orderPage(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	o, err := con.visibleOrder(r, v, chi.URLParam(r, "orderNo"))
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	events, err := con.store.OrderEvents(r.Context(), o.OrderNo)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	c, err := con.store.Customer(r.Context(), o.CustomerID)
	if err != nil && sales.ErrorCode(err) != sales.ErrNotFound {
		con.failWith(w, r, err)
		return
	}
	d := orderData{Order: o, Customer: c, Timeline: timeline(o, events, con.now()), Shipped: o.ShippedByLine()}
	if con.uiURL != "" {
		d.WorkflowURL = con.workflowURL(o.OrderNo)
	}
	con.render(w, r, http.StatusOK, "order", langOf(r).text("order.title", o.OrderNo), d)
}

// workflowURL is the Web UI's list of the order's workflow runs.
func (con *console) workflowURL(orderNo string) string {
	q := url.Values{"query": {`WorkflowId="` + workflows.WorkflowID(orderNo) + `"`}}
	return con.uiURL + "/namespaces/" + url.PathEscape(con.ns) + "/workflows?" + q.Encode()
}
