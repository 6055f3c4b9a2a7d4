package starter

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"osb/sales"
	"osb/workflows"
)

// Request bodies of the actions on an order. The actor is never part of a
// body: it is the token's user. Numbers named in the path are not repeated.
type (
	decisionRequest struct {
		Decision string          `json:"decision"` // approve, reject or approve_part
		Lines    []sales.LineQty `json:"lines,omitempty"`
		Reason   string          `json:"reason,omitempty"`
	}
	acknowledgeRequest struct {
		PlannedDate string `json:"planned_date"`
	}
	goodsIssueRequest struct {
		Lines   []sales.LineQty `json:"lines"`
		Carrier string          `json:"carrier"`
		Waybill string          `json:"waybill,omitempty"`
	}
	deliveryRequest struct {
		Shortages []sales.LineQty `json:"shortages,omitempty"`
		Damaged   bool            `json:"damaged,omitempty"`
		Note      string          `json:"note,omitempty"`
	}
	disputeRequest struct {
		Reason string `json:"reason"`
	}
	extensionRequest struct {
		DueDate string `json:"due_date"`
		Reason  string `json:"reason,omitempty"`
	}
	receiptRequest struct {
		Reference string         `json:"reference"`
		Amount    sales.Fen      `json:"amount_fen"`
		Currency  sales.Currency `json:"currency"`
		InvoiceNo string         `json:"invoice_no,omitempty"`
	}
	cancelRequest struct {
		Reason string `json:"reason,omitempty"`
	}
)

// checkedBody is a request body that checks its own free text, with the
// limits and field names of the workflow's validators (sales.Max…), so that
// the API refuses before anything reaches a workflow or the store.
type checkedBody interface {
	problems() sales.Problems
}

// problems is none: the planned date is no free text, and the workflow
// checks it.
func (b acknowledgeRequest) problems() sales.Problems { return nil }

func (b decisionRequest) problems() (p sales.Problems) {
	p.Text("reason", b.Reason, sales.MaxReason, false)
	return p
}

func (b goodsIssueRequest) problems() (p sales.Problems) {
	p.Text("carrier", b.Carrier, sales.MaxCarrier, true)
	p.Text("waybill", b.Waybill, sales.MaxWaybill, false)
	return p
}

func (b deliveryRequest) problems() (p sales.Problems) {
	p.Text("note", b.Note, sales.MaxNote, false)
	return p
}

func (b disputeRequest) problems() (p sales.Problems) {
	p.Text("reason", b.Reason, sales.MaxReason, true)
	return p
}

func (b extensionRequest) problems() (p sales.Problems) {
	p.Text("reason", b.Reason, sales.MaxReason, false)
	return p
}

func (b receiptRequest) problems() (p sales.Problems) {
	p.Text("reference", strings.TrimSpace(b.Reference), sales.MaxReference, true)
	p.Text("invoice_no", b.InvoiceNo, sales.MaxCode, false)
	return p
}

func (b cancelRequest) problems() (p sales.Problems) {
	p.Text("reason", b.Reason, sales.MaxReason, false)
	return p
}

// decide sends the SLT's decision on a held order.
func (a *api) decide(w http.ResponseWriter, r *http.Request) {
	var b decisionRequest
	no, id, err := a.prepare(r, workflows.UpdateDecide, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateOrder(w, r, no, workflows.UpdateDecide, id,
		workflows.DecideInput{Actor: actorOf(r), Decision: b.Decision, Lines: b.Lines, Reason: b.Reason})
}

// acknowledge sends Logistics' plan for the dispatch (SP1).
func (a *api) acknowledge(w http.ResponseWriter, r *http.Request) {
	var b acknowledgeRequest
	no, id, err := a.prepare(r, workflows.UpdateAcknowledge, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateOrder(w, r, no, workflows.UpdateAcknowledge, id,
		workflows.AcknowledgeInput{Actor: actorOf(r), PlannedDate: b.PlannedDate})
}

// goodsIssue reports what left the warehouse (SP4); the answer names the
// shipment and its invoice.
func (a *api) goodsIssue(w http.ResponseWriter, r *http.Request) {
	var b goodsIssueRequest
	no, id, err := a.prepare(r, workflows.UpdateGoodsIssue, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	in := workflows.GoodsIssueInput{Actor: actorOf(r), Lines: b.Lines, Carrier: b.Carrier, Waybill: b.Waybill}
	var res workflows.GoodsIssueResult
	if err := a.update(r.Context(), no, workflows.UpdateGoodsIssue, id, in, &res); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}

// deliver records the proof of delivery of a shipment (SP6).
func (a *api) deliver(w http.ResponseWriter, r *http.Request) {
	var b deliveryRequest
	no, id, err := a.prepare(r, workflows.UpdateDeliver, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateOrder(w, r, no, workflows.UpdateDeliver, id, workflows.DeliverInput{
		Actor: actorOf(r), ShipmentNo: chi.URLParam(r, "shipmentNo"), Shortages: b.Shortages, Damaged: b.Damaged, Note: b.Note,
	})
}

// ackAccepted answers an invoice acknowledgement.
type ackAccepted struct {
	OrderNo   string `json:"order_no"`
	InvoiceNo string `json:"invoice_no"`
	Status    string `json:"status"` // accepted
}

// acknowledgeInvoice tells the order that the customer acknowledged an
// invoice (BC2). It is a signal: the order records it when it next wakes.
func (a *api) acknowledgeInvoice(w http.ResponseWriter, r *http.Request) {
	if err := decode(r, &struct{}{}); err != nil {
		a.fail(w, r, err)
		return
	}
	o, err := a.visibleOrder(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	inv := chi.URLParam(r, "invoiceNo")
	if !o.hasInvoice(inv) {
		a.fail(w, r, sales.Errorf(sales.ErrNotFound, "order %s has no invoice %q", o.no(), inv))
		return
	}
	err = a.orders.Signal(r.Context(), o.no(), workflows.SignalInvoiceAcked, workflows.InvoiceAckInput{Actor: actorOf(r), InvoiceNo: inv})
	if err := a.explain(r.Context(), o.no(), err); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, ackAccepted{OrderNo: o.no(), InvoiceNo: inv, Status: "accepted"})
}

// dispute records that the customer disputes an invoice (BC2).
func (a *api) dispute(w http.ResponseWriter, r *http.Request) {
	var b disputeRequest
	no, id, err := a.prepare(r, workflows.UpdateDispute, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateOrder(w, r, no, workflows.UpdateDispute, id,
		workflows.DisputeInput{Actor: actorOf(r), InvoiceNo: chi.URLParam(r, "invoiceNo"), Reason: b.Reason})
}

// extendDue sends an SLT decision moving an invoice's due date.
func (a *api) extendDue(w http.ResponseWriter, r *http.Request) {
	var b extensionRequest
	no, id, err := a.prepare(r, workflows.UpdateExtendDue, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateOrder(w, r, no, workflows.UpdateExtendDue, id,
		workflows.ExtendDueInput{Actor: actorOf(r), InvoiceNo: chi.URLParam(r, "invoiceNo"), DueDate: b.DueDate, Reason: b.Reason})
}

// confirmReceipt records a receipt confirmed by Finance on an order (BC6)
// through cash application (orderReceipt). Without a CashService it sends
// release 1.0's update to the order: the update id is the reference, so a
// retried request is counted once; a reference confirmed before answers 200
// with the receipt as first recorded.
func (a *api) confirmReceipt(w http.ResponseWriter, r *http.Request) {
	if a.cash != nil { // cash application: a receipt of the customer, applied to this order
		a.orderReceipt(w, r)
		return
	}
	var b receiptRequest
	no, id, err := a.prepare(r, workflows.UpdateConfirmPay, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if ref := strings.TrimSpace(b.Reference); ref != "" {
		id = "receipt/" + ref
	}
	in := workflows.ConfirmPaymentInput{Actor: actorOf(r), Reference: b.Reference, Amount: b.Amount, Currency: b.Currency, InvoiceNo: b.InvoiceNo}
	var res workflows.ConfirmPaymentResult
	if err := a.update(r.Context(), no, workflows.UpdateConfirmPay, id, in, &res); err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if res.Duplicate {
		status = http.StatusOK
	}
	writeJSON(w, status, res)
}

// cancel cancels an order before goods issue.
func (a *api) cancel(w http.ResponseWriter, r *http.Request) {
	var b cancelRequest
	no, id, err := a.prepare(r, workflows.UpdateCancel, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateOrder(w, r, no, workflows.UpdateCancel, id, workflows.CancelInput{Actor: actorOf(r), Reason: b.Reason})
}

// maxIdempotencyKey is the longest Idempotency-Key accepted.
const maxIdempotencyKey = 128

// prepare reads an update request: its body (with its free text checked),
// its update id (from the Idempotency-Key header, per update name so one key
// cannot answer two different actions) and the order of the path, which the
// user must be allowed to act on.
func (a *api) prepare(r *http.Request, update string, body checkedBody) (orderNo, updateID string, err error) {
	if err := decode(r, body); err != nil {
		return "", "", err
	}
	if err := body.problems().Err("the request is invalid"); err != nil {
		return "", "", err
	}
	key, err := idempotencyKey(r)
	if err != nil {
		return "", "", err
	}
	if key != "" {
		updateID = update + "/" + key
	}
	orderNo, err = a.target(r)
	return orderNo, updateID, err
}

// idempotencyKey is the request's Idempotency-Key header ("" when none).
func idempotencyKey(r *http.Request) (string, error) {
	key := r.Header.Get("Idempotency-Key")
	if len(key) > maxIdempotencyKey || strings.ContainsFunc(key, func(c rune) bool { return c < ' ' || c > '~' }) {
		var p sales.Problems
		p.Add("Idempotency-Key", "must be at most %d printable ASCII characters", maxIdempotencyKey)
		return "", p.Err("invalid Idempotency-Key header")
	}
	return key, nil
}

// updateOrder sends an update whose result is where the order stands now,
// and writes it (GET /v1/orders/{orderNo} has the whole order).
func (a *api) updateOrder(w http.ResponseWriter, r *http.Request, orderNo, update, updateID string, arg any) {
	var p workflows.Progress
	if err := a.update(r.Context(), orderNo, update, updateID, arg, &p); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// update sends one update to an order's workflow and waits for its result.
func (a *api) update(ctx context.Context, orderNo, update, updateID string, arg, result any) error {
	err := a.orders.Update(ctx, orderNo, update, updateID, arg, result)
	if update == workflows.UpdateRequestReturn && sales.ErrorCode(err) == sales.ErrNotFound {
		err = a.reopen(ctx, orderNo, updateID, arg, result, err)
	}
	return a.explain(ctx, orderNo, err)
}

// reopen sends a return request on a remitted order, whose workflow has
// completed, to a new run started from where the last one ended (kept in
// the store); refused is what the closed workflow answered.
func (a *api) reopen(ctx context.Context, orderNo, updateID string, arg, result any, refused error) error {
	raw, err := a.store.OrderResume(ctx, orderNo)
	switch {
	case sales.ErrorCode(err) == sales.ErrNotFound || (err == nil && raw == nil):
		return refused // no such order, or one that takes no returns
	case err != nil:
		return err
	}
	from, err := workflows.DecodeResume(raw)
	if err != nil {
		return fmt.Errorf("reading the reopen input of %s: %w", orderNo, err)
	}
	if s := from.State; s == nil || s.ReturnsUntil == nil || !a.now().Before(*s.ReturnsUntil) {
		return sales.Errorf(sales.ErrConflict, "order %s is remitted and its return window has closed", orderNo)
	}
	return a.orders.Reopen(ctx, orderNo, from, workflows.UpdateRequestReturn, updateID, arg, result)
}

// explain turns "no such workflow" into why when the order exists: an order
// that has finished its cycle takes no more changes.
func (a *api) explain(ctx context.Context, orderNo string, err error) error {
	if sales.ErrorCode(err) != sales.ErrNotFound {
		return err
	}
	o, ferr := a.findOrder(ctx, orderNo)
	if ferr != nil || !o.status().Final() {
		return err
	}
	return sales.Errorf(sales.ErrConflict, "order %s is %s and takes no more changes", orderNo, o.status())
}
