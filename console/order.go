package console

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"osb/sales"
	"osb/workflows"
)

// orderData is what an order page shows.
type orderData struct {
	Order       sales.OrderSnapshot
	Customer    sales.Customer
	Timeline    []timelineStep
	Shipped     map[int]int64
	Returns     []sales.Return
	CreditNotes []sales.CreditNote
	Escalations []sales.Escalation
	Events      []sales.Event // the audit trail, oldest first
	Forms       []*form       // the actions the viewer may take now
	Done        string        // the action just taken, to confirm it
	Refused     string        // why a post from a form this page does not offer was refused
	Stamp       string        // the order's version, for the live refresh
	WorkflowURL string        // empty without a configured Web UI
	Documents   []docLink     // the order's documents to download
}

// Remaining is what is left to ship of a line.
func (d orderData) Remaining(l sales.Line) int64 { return max(l.Quantity-d.Shipped[l.LineNo], 0) }

// Returnable is what could come back of a line: what was delivered, less
// what is already asked back or returned (the API has the last word).
func (d orderData) Returnable(l sales.Line) int64 {
	n := int64(0)
	for _, s := range d.Order.Shipments {
		if s.Delivered() {
			n += qtyOf(s.Lines, l.LineNo) - qtyOf(s.Shortages, l.LineNo)
		}
	}
	for _, r := range d.Returns {
		if r.Status != sales.ReturnRejected {
			n -= qtyOf(r.Lines, l.LineNo)
		}
	}
	return max(n, 0)
}

// LineDefault is what a per-line quantity field starts with: "remaining"
// (what is left to ship), "return:<no>" (what that return asked back), or
// blank.
func (d orderData) LineDefault(kind string, l sales.Line) string {
	switch {
	case kind == "remaining":
		return strconv.FormatInt(d.Remaining(l), 10)
	case strings.HasPrefix(kind, "return:"):
		if r := d.ReturnOf(strings.TrimPrefix(kind, "return:")); r != nil {
			return strconv.FormatInt(qtyOf(r.Lines, l.LineNo), 10)
		}
	}
	return ""
}

// ReturnOf is the order's return numbered no.
func (d orderData) ReturnOf(no string) *sales.Return {
	for i := range d.Returns {
		if d.Returns[i].No == no {
			return &d.Returns[i]
		}
	}
	return nil
}

// InvoiceOf is the order's invoice numbered no.
func (d orderData) InvoiceOf(no string) *sales.Invoice {
	for i := range d.Order.Invoices {
		if d.Order.Invoices[i].No == no {
			return &d.Order.Invoices[i]
		}
	}
	return nil
}

func qtyOf(lines []sales.LineQty, lineNo int) int64 {
	n := int64(0)
	for _, l := range lines {
		if l.LineNo == lineNo {
			n += l.Quantity
		}
	}
	return n
}

// orderPage shows an order: the 21 steps, lines, shipments, invoices,
// receipts, returns, credit notes, escalations and the audit trail, the
// forms of what the viewer may do now, and a link to its workflow.
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
	con.showOrder(w, r, v, o, http.StatusOK, nil)
}

// showOrder renders the order page with status; posted is a form that was
// refused, shown as typed with its errors.
func (con *console) showOrder(w http.ResponseWriter, r *http.Request, v Viewer, o sales.OrderSnapshot, status int, posted *form) {
	ctx := r.Context()
	events, err := con.store.OrderEvents(ctx, o.OrderNo)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	c, err := con.store.Customer(ctx, o.CustomerID)
	if err != nil && sales.ErrorCode(err) != sales.ErrNotFound {
		con.failWith(w, r, err)
		return
	}
	d := orderData{Order: o, Customer: c, Timeline: timeline(o, events, con.now()), Shipped: o.ShippedByLine(),
		Events: events, Stamp: orderStamp(o)}
	if d.Returns, err = con.store.Returns(ctx, o.OrderNo); err == nil {
		if d.CreditNotes, err = con.store.OrderCreditNotes(ctx, o.OrderNo); err == nil {
			d.Escalations, err = con.store.ListEscalations(ctx, sales.EscalationFilter{OrderNo: o.OrderNo, Scope: v.Scope, Limit: 100})
		}
	}
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	d.Forms = offers(v.User, o, d.Returns, posted)
	d.Documents = orderDocLinks(o, d.CreditNotes, con.now())
	if posted != nil && !slices.Contains(d.Forms, posted) {
		d.Refused = cmp.Or(posted.Message, langOf(r).text("error.forbidden"))
	}
	if posted == nil {
		if done := r.URL.Query().Get("done"); orderActions[done].Name != "" || done == "placed" {
			d.Done = done
		}
	}
	if con.uiURL != "" {
		d.WorkflowURL = con.workflowURL(o.OrderNo)
	}
	con.render(w, r, status, "order", langOf(r).text("order.title", o.OrderNo), d)
}

// orderStamp names the order's state as last written: it changes whenever
// the workflow writes the order.
func orderStamp(o sales.OrderSnapshot) string {
	return strconv.Itoa(o.Version) + "-" + strconv.FormatInt(o.UpdatedAt.UnixMicro(), 36)
}

// orderStamp answers the order page's live refresh: the order's stamp, as
// plain text (the page reloads when it differs from the one it shows).
func (con *console) orderStamp(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	o, err := con.visibleOrder(r, v, chi.URLParam(r, "orderNo"))
	switch {
	case sales.ErrorCode(err) == sales.ErrNotFound:
		http.Error(w, "not found", http.StatusNotFound)
		return
	case err != nil:
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	writeStamp(w, orderStamp(o))
}

// workflowURL is the Web UI's list of the order's workflow runs.
func (con *console) workflowURL(orderNo string) string {
	q := url.Values{"query": {`WorkflowId="` + workflows.WorkflowID(orderNo) + `"`}}
	return con.uiURL + "/namespaces/" + url.PathEscape(con.ns) + "/workflows?" + q.Encode()
}
