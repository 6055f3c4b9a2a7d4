package starter

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"osb/sales"
	"osb/workflows"
)

// createdOrder answers POST /v1/orders.
type createdOrder struct {
	OrderNo    string            `json:"order_no"`
	WorkflowID string            `json:"workflow_id"`
	Status     sales.OrderStatus `json:"status"` // after OP1–OP7: released, held or rejected
	Step       sales.Step        `json:"step,omitempty"`
	Reason     string            `json:"reason,omitempty"` // why held or rejected
	Existing   bool              `json:"existing"`         // the client_ref had been used: this is that order
}

// createOrder registers an order (OP1) and starts its workflow. A bad order is
// refused with every problem at once, before anything is written.
func (a *api) createOrder(w http.ResponseWriter, r *http.Request) {
	var req sales.OrderRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	req.Normalize()
	if _, err := idempotencyKey(r); err != nil {
		a.fail(w, r, err)
		return
	}
	cat, err := a.validOrder(r, req)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	created, err := a.register(r, req, cat)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if created.Existing {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/v1/orders/"+created.OrderNo)
	writeJSON(w, status, created)
}

// validOrder checks an order's shape, its customer and SKUs in the catalog and
// whether the user may order for the customer, and returns the catalog read
// (its customer is set).
func (a *api) validOrder(r *http.Request, req sales.OrderRequest) (sales.Catalog, error) {
	problems := req.ValidateShape(a.now())
	cat, err := a.catalog(r.Context(), req)
	if err != nil {
		return cat, err
	}
	if c := cat.Customer; c != nil {
		scope, err := a.scopeOf(r)
		if err != nil {
			return cat, err
		}
		if !scope.Allows(c.KAMID) {
			return cat, sales.Errorf(sales.ErrForbidden, "customer %s is not one of your customers", c.ID)
		}
	}
	for _, p := range req.ValidateAgainst(cat, a.policy.DiscountBasisPoints) {
		if !slices.ContainsFunc(problems, func(q sales.FieldError) bool { return q.Field == p.Field }) {
			problems = append(problems, p) // a field refused for its shape is not looked up
		}
	}
	if err := problems.Err("the order is invalid"); err != nil {
		return cat, err
	}
	if cat.Customer == nil {
		return cat, sales.Errorf(sales.ErrInvalid, "the order names no customer")
	}
	return cat, nil
}

// prepared is what OP1 registers with the order, read here once rather than
// again by the workflow: the customer and SKUs validated, the customer's
// escalation ladder and the POP items named.
func (a *api) prepared(ctx context.Context, req sales.OrderRequest, cat sales.Catalog) (*workflows.PrepareResult, error) {
	ladder, err := a.store.Ladder(ctx, cat.Customer.ID)
	if err != nil {
		return nil, err
	}
	p := &workflows.PrepareResult{Customer: cat.Customer, SKUs: cat.SKUs, Ladder: ladder}
	if cr, ok := a.store.(calendarReader); ok {
		year := a.now().In(sales.Beijing).Year()
		cal, err := cr.Calendar(ctx, year, year+1)
		if err != nil {
			return nil, err
		}
		p.Calendar = &cal
	}
	if len(req.POP) > 0 {
		codes := make([]string, 0, len(req.POP))
		for _, item := range req.POP {
			codes = append(codes, item.Item)
		}
		if p.POPItems, err = a.store.POPItems(ctx, codes); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// catalog reads the customer and the SKUs an order names; missing ones are
// absent, for validation to report. Codes that are not acceptable text are
// never looked up: the shape's problems name them.
func (a *api) catalog(ctx context.Context, req sales.OrderRequest) (sales.Catalog, error) {
	var cat sales.Catalog
	if sales.TextProblem(req.CustomerID, sales.MaxCode, true) == "" {
		c, err := a.store.Customer(ctx, req.CustomerID)
		switch sales.ErrorCode(err) {
		case "":
			cat.Customer = &c
		case sales.ErrNotFound:
		default:
			return cat, err
		}
	}
	var codes []string
	seen := map[string]bool{}
	for _, l := range req.Lines {
		if sales.TextProblem(l.SKU, sales.MaxCode, true) == "" && !seen[l.SKU] {
			seen[l.SKU] = true
			codes = append(codes, l.SKU)
		}
	}
	if len(codes) == 0 { // nil would ask for every SKU
		return cat, nil
	}
	customerID := "" // an unknown customer: the price list's prices
	if cat.Customer != nil {
		customerID = cat.Customer.ID
	}
	skus, err := a.store.PricedSKUs(ctx, customerID, a.now(), codes) // the order date: today in Beijing
	cat.SKUs = skus
	return cat, err
}

// maxNumberSkips bounds how often one request looks for a free order
// number: each skip doubles the jump, so it crosses a sequence behind by up
// to 2^maxNumberSkips numbers.
const maxNumberSkips = 24

// register gives a valid order its number and starts its workflow. What
// names the request (its client_ref, the Idempotency-Key header) is claimed
// for the number first: a request named before answers with the order that
// owns the name when it is the same request, and is refused as a conflict
// when it is another.
//
// A fresh number whose workflow exists already was never this request's:
// the store's sequence is behind Temporal's workflow ids (PostgreSQL
// restored from a backup). The request then takes a number further on,
// never the existing order.
func (a *api) register(r *http.Request, req sales.OrderRequest, cat sales.Catalog) (createdOrder, error) {
	ctx := r.Context()
	customer := *cat.Customer
	no, err := a.store.NextOrderNo(ctx, a.now().In(sales.Beijing).Year())
	if err != nil {
		return createdOrder{}, err
	}
	if claims := orderClaims(r, req); len(claims) > 0 {
		owner, same, err := a.store.ClaimOrder(ctx, no, req.Hash(), claims)
		switch {
		case err != nil:
			return createdOrder{}, err
		case owner != no && !same:
			return createdOrder{}, sales.Errorf(sales.ErrConflict,
				"%s names order %s, which was made from a different request; use a new reference for a new order", claimNames(claims), owner)
		case owner != no:
			return a.resume(r, owner, req, cat)
		}
	}
	for skip := 0; ; skip++ {
		in, err := a.orderInput(r, no, req, cat)
		if err != nil {
			return createdOrder{}, err
		}
		v, existed, err := a.orders.Start(ctx, in, customer)
		if err != nil {
			return createdOrder{}, err
		}
		if !existed {
			return createdOrder{OrderNo: no, WorkflowID: workflows.WorkflowID(no), Status: v.Status, Step: v.Step, Reason: holdOrReason(v)}, nil
		}
		if skip == maxNumberSkips {
			return createdOrder{}, fmt.Errorf("no free order number found after %d tries (the last %s): the store's order-number sequence is far behind the workflows Temporal has", skip+1, no)
		}
		slog.WarnContext(ctx, "the order number's workflow exists already: the store's sequence is behind Temporal; taking a number further on",
			"order", no, "skip", int64(1)<<skip)
		taken := no
		if err := a.store.SkipOrderNos(ctx, int64(1)<<skip); err != nil {
			return createdOrder{}, err
		}
		if no, err = a.store.NextOrderNo(ctx, a.now().In(sales.Beijing).Year()); err != nil {
			return createdOrder{}, err
		}
		if err := a.store.MoveOrderClaims(ctx, taken, no); err != nil {
			return createdOrder{}, err
		}
	}
}

// orderClaims are the names of an order request: its client_ref (per
// customer) and its Idempotency-Key (per user).
func orderClaims(r *http.Request, req sales.OrderRequest) []sales.OrderClaim {
	var out []sales.OrderClaim
	if req.ClientRef != "" {
		out = append(out, sales.OrderClaim{Kind: sales.ClaimClientRef, Scope: req.CustomerID, Key: req.ClientRef})
	}
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		out = append(out, sales.OrderClaim{Kind: sales.ClaimIdempotencyKey, Scope: actorOf(r).UserID, Key: key})
	}
	return out
}

func claimNames(claims []sales.OrderClaim) string {
	names := make([]string, len(claims))
	for i, c := range claims {
		if c.Kind == sales.ClaimClientRef {
			names[i] = "client_ref " + c.Key
		} else {
			names[i] = "Idempotency-Key " + c.Key
		}
	}
	return strings.Join(names, " or ")
}

// resume answers a client_ref seen before with the order that owns it. When
// that order was never started (the first request failed after claiming the
// reference), it starts now.
func (a *api) resume(r *http.Request, owner string, req sales.OrderRequest, cat sales.Catalog) (createdOrder, error) {
	o, err := a.findOrder(r.Context(), owner)
	switch sales.ErrorCode(err) {
	case "":
		return createdOrder{OrderNo: owner, WorkflowID: workflows.WorkflowID(owner), Status: o.status(), Existing: true}, nil
	case sales.ErrNotFound:
	default:
		return createdOrder{}, err
	}
	in, err := a.orderInput(r, owner, req, cat)
	if err != nil {
		return createdOrder{}, err
	}
	v, existed, err := a.orders.Start(r.Context(), in, *cat.Customer)
	if err != nil {
		return createdOrder{}, err
	}
	return createdOrder{OrderNo: owner, WorkflowID: workflows.WorkflowID(owner), Status: v.Status, Step: v.Step, Reason: holdOrReason(v), Existing: existed}, nil
}

// holdOrReason says why an order is held, rejected or cancelled ("" otherwise).
func holdOrReason(p workflows.Progress) string {
	if p.Hold != "" {
		return p.Hold
	}
	return p.Reason
}

// orderInput is the workflow input of a new order made by the user of r.
func (a *api) orderInput(r *http.Request, no string, req sales.OrderRequest, cat sales.Catalog) (workflows.OrderInput, error) {
	prep, err := a.prepared(r.Context(), req, cat)
	if err != nil {
		return workflows.OrderInput{}, err
	}
	return workflows.OrderInput{OrderNo: no, Request: req, CreatedBy: actorOf(r), Policy: a.policy,
		Prepared: prep}, nil
}

// getOrder returns the live status of an order, or the store's snapshot once
// its workflow is gone.
func (a *api) getOrder(w http.ResponseWriter, r *http.Request) {
	o, err := a.visibleOrder(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if o.live != nil {
		writeJSON(w, http.StatusOK, liveOrder{OrderView: *o.live, Live: true})
		return
	}
	// The workflow is gone (Temporal's retention): the store has the rest.
	body := storedOrder{OrderSnapshot: *o.snap}
	if body.Returns, err = a.store.Returns(r.Context(), o.snap.OrderNo); err == nil {
		body.CreditNotes, err = a.store.OrderCreditNotes(r.Context(), o.snap.OrderNo)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// defaultLimit is the page size of lists when none is asked for.
const defaultLimit = 50

// listOrders lists the orders the user may see, newest first. A full page
// links to the next one (Link rel="next").
func (a *api) listOrders(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "order_no", "client_ref", "customer_id", "market", "kam_id", "status", "step", "min_level",
		"open", "created_from", "created_to", "sku", "invoice_no", "waybill", "before", "limit")
	f := sales.OrderFilter{
		OrderNo:     strings.ToUpper(q.text("order_no")),
		ClientRef:   q.text("client_ref"),
		CustomerID:  q.text("customer_id"),
		Market:      q.text("market"),
		KAMID:       q.text("kam_id"),
		Status:      q.status("status"),
		Step:        q.step("step"),
		MinLevel:    q.level("min_level"),
		Open:        q.flag("open"),
		CreatedFrom: q.text("created_from"),
		CreatedTo:   q.text("created_to"),
		SKU:         q.text("sku"),
		InvoiceNo:   q.text("invoice_no"),
		Waybill:     q.text("waybill"),
		Before:      q.orderNo("before"),
		Limit:       q.limit("limit"),
	}
	q.p = append(q.p, f.Validate()...)
	list, ok := listInScope(a, w, r, q, &f.Scope, func(ctx context.Context) ([]sales.OrderSummary, error) { return a.store.ListOrders(ctx, f) })
	if !ok {
		return
	}
	limit := f.Limit
	if limit == 0 {
		limit = defaultLimit
	}
	if n := len(list); n > 0 && n >= limit {
		next := r.URL.Query()
		next.Set("before", list[n-1].OrderNo)
		w.Header().Set("Link", fmt.Sprintf(`<%s?%s>; rel="next"`, r.URL.Path, next.Encode()))
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

// events returns an order's audit trail.
func (a *api) events(w http.ResponseWriter, r *http.Request) {
	no, err := a.target(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	evs, err := a.store.OrderEvents(r.Context(), no)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(evs))
}

// order is an order as the API finds it: live from its workflow, or the
// store's last snapshot once the workflow is gone.
type order struct {
	live *workflows.OrderView
	snap *sales.OrderSnapshot
}

func (o order) no() string {
	if o.live != nil {
		return o.live.OrderNo
	}
	return o.snap.OrderNo
}

func (o order) status() sales.OrderStatus {
	if o.live != nil {
		return o.live.Status
	}
	return o.snap.Status
}

func (o order) customerID() string {
	if o.live != nil {
		return o.live.CustomerID
	}
	return o.snap.CustomerID
}

func (o order) hasInvoice(no string) bool {
	var invoices []sales.Invoice
	if o.live != nil {
		invoices = o.live.Invoices
	} else {
		invoices = o.snap.Invoices
	}
	for _, inv := range invoices {
		if inv.No == no {
			return true
		}
	}
	return false
}

// liveOrder is the JSON of an order's live status.
type liveOrder struct {
	workflows.OrderView
	Live bool `json:"live"`
}

// storedOrder is the JSON of an order whose workflow is gone, with its
// returns and their credit notes.
type storedOrder struct {
	sales.OrderSnapshot
	Returns     []sales.Return     `json:"returns,omitempty"`
	CreditNotes []sales.CreditNote `json:"credit_notes,omitempty"`
	Live        bool               `json:"live"`
}

// findOrder returns an order live, or from the store when its workflow is gone.
func (a *api) findOrder(ctx context.Context, no string) (order, error) {
	v, err := a.orders.Status(ctx, no)
	if err == nil {
		return order{live: &v}, nil
	}
	if sales.ErrorCode(err) != sales.ErrNotFound {
		return order{}, err
	}
	s, err := a.store.Order(ctx, no)
	switch sales.ErrorCode(err) {
	case "":
		return order{snap: &s}, nil
	case sales.ErrNotFound:
		return order{}, orderNotFound(no)
	}
	return order{}, err
}

// orderNotFound is the answer for an order that does not exist, and for one
// the user may not see: the two cannot be told apart.
func orderNotFound(no string) error {
	return sales.Errorf(sales.ErrNotFound, "order %s not found", no)
}

// pathOrderNo returns the order number of the path.
func pathOrderNo(r *http.Request) (string, error) {
	no := chi.URLParam(r, "orderNo")
	if !sales.ValidOrderNo(no) {
		var p sales.Problems
		p.Add("order_no", "%q is not an order number like SO-2026-000042", no)
		return "", p.Err("the path names no valid order")
	}
	return no, nil
}

// visibleOrder finds the order of the path; an order the user may not see is
// not found.
func (a *api) visibleOrder(r *http.Request) (order, error) {
	no, err := pathOrderNo(r)
	if err != nil {
		return order{}, err
	}
	o, err := a.findOrder(r.Context(), no)
	if err != nil {
		return order{}, err
	}
	scope, err := a.scopeOf(r)
	if err != nil {
		return order{}, err
	}
	return o, a.checkScope(r.Context(), scope, o)
}

// target returns the order number of the path once the user may act on that
// order; only users with a limited scope cost a look-up.
func (a *api) target(r *http.Request) (string, error) {
	no, err := pathOrderNo(r)
	if err != nil {
		return "", err
	}
	scope, err := a.scopeOf(r)
	if err != nil || scope.All {
		return no, err
	}
	o, err := a.findOrder(r.Context(), no)
	if err != nil {
		return "", err
	}
	return no, a.checkScope(r.Context(), scope, o)
}

// checkScope answers an order whose customer is outside scope as if it did
// not exist, so an FSF user learns nothing of other customers' orders. The
// scope follows the customer's KAM now, read from the store, never the KAM
// the order was placed under: a customer handed to another KAM takes its
// orders along.
func (a *api) checkScope(ctx context.Context, scope sales.Scope, o order) error {
	ok, err := sales.CustomerVisible(ctx, a.store, scope, o.customerID())
	switch {
	case err != nil:
		return err
	case !ok:
		return orderNotFound(o.no())
	}
	return nil
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
