package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// Updates of returns (退货).
const (
	UpdateRequestReturn = "request-return" // SSG or FSF ask to take delivered goods back
	UpdateDecideReturn  = "decide-return"  // the customer's UM, or the SLT above the UM's limit
	UpdateReceiveReturn = "receive-return" // Logistics confirms what came back
)

// Decisions on a return.
const (
	ReturnApprove = "approve"
	ReturnReject  = "reject"
)

// ReturnRequestInput asks to take delivered goods back, with a reason.
type ReturnRequestInput struct {
	Actor  sales.Actor     `json:"actor"`
	Lines  []sales.LineQty `json:"lines"`
	Reason string          `json:"reason"`
}

// ReturnDecisionInput approves or rejects a return.
type ReturnDecisionInput struct {
	Actor    sales.Actor `json:"actor"`
	ReturnNo string      `json:"return_no"`
	Decision string      `json:"decision"` // approve or reject
	Reason   string      `json:"reason,omitempty"`
}

// ReturnReceiptInput is what Logistics received of an approved return; it may
// differ from what was asked.
type ReturnReceiptInput struct {
	Actor    sales.Actor     `json:"actor"`
	ReturnNo string          `json:"return_no"`
	Lines    []sales.LineQty `json:"lines"`
	Note     string          `json:"note,omitempty"`
}

// ReturnResult is a return after a change, with its credit note once issued.
type ReturnResult struct {
	Return      sales.Return      `json:"return"`
	CreditNote  *sales.CreditNote `json:"credit_note,omitempty"`
	Status      sales.OrderStatus `json:"order_status"`
	Outstanding sales.Fen         `json:"outstanding_fen"`
}

// returnRules is the policy of returns, with the defaults for orders whose
// policy was written before returns had settings.
func (r *orderRun) returnRules() (window, decision, receipt time.Duration, limit sales.Fen) {
	def := sales.DefaultPolicy()
	p := r.in.Policy
	pick := func(d, fallback sales.Duration) time.Duration {
		if d <= 0 {
			return time.Duration(fallback)
		}
		return time.Duration(d)
	}
	limit = p.ReturnApprovalLimit
	if limit <= 0 {
		limit = def.ReturnApprovalLimit
	}
	return pick(p.ReturnWindow, def.ReturnWindow), pick(p.ReturnDecision, def.ReturnDecision), pick(p.ReturnReceipt, def.ReturnReceipt), limit
}

func (s *OrderState) returnOf(no string) *sales.Return {
	for i := range s.Returns {
		if s.Returns[i].No == no {
			return &s.Returns[i]
		}
	}
	return nil
}

// returnOpen reports whether a return still waits for a decision or goods:
// the order is not remitted meanwhile.
func (s *OrderState) returnOpen() bool {
	for _, rt := range s.Returns {
		if rt.Open() {
			return true
		}
	}
	return false
}

// lastDelivery is when the latest proof of delivery arrived.
func (s *OrderState) lastDelivery() time.Time {
	var last time.Time
	for _, sh := range s.Shipments {
		if sh.DeliveredAt != nil && sh.DeliveredAt.After(last) {
			last = *sh.DeliveredAt
		}
	}
	return last
}

// returnWindowOpen reports whether a remitted order still takes returns.
func (r *orderRun) returnWindowOpen() bool {
	s := r.s
	return s.Status == sales.StatusRemitted && s.ReturnsUntil != nil && r.now.Before(*s.ReturnsUntil)
}

// reopenInput is the input of the run a return request starts once this one
// completed at remittance (from what it left in the store,
// OrderChanges.Resume): nil when the order takes no more returns.
func (r *orderRun) reopenInput() *OrderInput {
	if !r.returnWindowOpen() {
		return nil
	}
	next := r.nextInput(true)
	return &next
}

// reopenGrace is how long a run started for a return request waits for the
// request. The request comes with the start (update-with-start), so only a
// refused request leaves the run waiting; it then ends as the last run did.
const reopenGrace = time.Minute

// awaitReturnRequest lets the return request that started this run in.
func (r *orderRun) awaitReturnRequest() error {
	_, err := workflow.AwaitWithTimeout(r.ctx, reopenGrace, func() bool { return r.returnRequested })
	r.now = workflow.Now(r.ctx)
	return err
}

// setReturnWindow is called at remittance: returns are taken until the return
// window of the last delivery has passed.
func (r *orderRun) setReturnWindow() {
	window, _, _, _ := r.returnRules()
	if until := r.s.lastDelivery().Add(window); until.After(r.now) {
		r.s.ReturnsUntil = &until
	}
}

func (r *orderRun) validateRequestReturn(in ReturnRequestInput) error {
	if !in.Actor.Is(sales.RoleSSG, sales.RoleFSF) {
		return refusal(sales.ErrForbidden, "only SSG or FSF may request a return")
	}
	s := r.s
	now := workflow.Now(r.ctx)
	switch {
	case s.Status == sales.StatusRejected || s.Status == sales.StatusCancelled:
		return refusal(sales.ErrConflict, "order %s is %s: nothing was delivered", s.OrderNo, s.Status)
	case s.Status == sales.StatusRemitted && (s.ReturnsUntil == nil || !now.Before(*s.ReturnsUntil)):
		return refusal(sales.ErrConflict, "order %s is remitted and its return window has closed", s.OrderNo)
	}
	var p sales.Problems
	p.Text("reason", strings.TrimSpace(in.Reason), sales.MaxReason, true)
	window, _, _, _ := r.returnRules()
	p = append(p, sales.ValidateReturnLines("lines", sales.Returnable(s.Lines, s.Shipments, s.Returns, now, window, ""), in.Lines)...)
	return invalid(p, "invalid return request")
}

// requestReturn records a return request; the UM or the SLT (by value) is
// asked to decide. A remitted order is open again until the return is done.
func (r *orderRun) requestReturn(ctx workflow.Context, in ReturnRequestInput) (ReturnResult, error) {
	r.begin(in.Actor)
	rt := r.openReturn(sales.Return{Source: sales.ReturnByRequest, Lines: append([]sales.LineQty(nil), in.Lines...),
		Reason: strings.TrimSpace(in.Reason), Value: sales.ShipmentAmount(r.s.Lines, in.Lines)}, in.Actor)
	return r.returnResult(rt), nil
}

// openReturn adds a return (its source, lines or invoice, reason and value
// given) and asks its approver: the customer's UM up to the return limit,
// the SLT above it.
func (r *orderRun) openReturn(rt sales.Return, by sales.Actor) *sales.Return {
	s := r.s
	_, _, _, limit := r.returnRules()
	source, value, reason := rt.Source, rt.Value, rt.Reason
	rt.No = fmt.Sprintf("RT-%s-%d", strings.TrimPrefix(s.OrderNo, "SO-"), len(s.Returns)+1)
	rt.Approver, rt.Status = sales.ReturnApprover(value, limit), sales.ReturnRequested
	rt.RequestedBy, rt.RequestedAt, rt.Since = by.UserID, r.now, r.now
	s.Returns = append(s.Returns, rt)
	if s.Status == sales.StatusRemitted {
		s.Status, s.ClosedAt, s.ReturnsUntil = sales.StatusBilled, nil, nil
		r.event("reopened", map[string]string{"return": rt.No})
	}
	r.event("return_requested", map[string]string{"return": rt.No, "source": source, "value": value.String(),
		"approver": rt.Approver.String(), "reason": reason})
	subject := fmt.Sprintf("Return %s of %s (%s %s) needs your decision", rt.No, s.CustomerName, value, s.Currency)
	for _, to := range s.Ladder.Recipients(rt.Approver) {
		r.notify(to, "return_decision_needed", subject, reason, s.Step)
	}
	last := &s.Returns[len(s.Returns)-1]
	r.recordReturn(last)
	return last
}

// recordReturn queues the return's new state for the store.
func (r *orderRun) recordReturn(rt *sales.Return) {
	rt.UpdatedAt = r.now
	cp := *rt
	cp.Lines = append([]sales.LineQty(nil), rt.Lines...)
	cp.Received = append([]sales.LineQty(nil), rt.Received...)
	r.b.Pending.Returns = append(r.b.Pending.Returns, cp)
	r.dirty = true
}

func (r *orderRun) returnResult(rt *sales.Return) ReturnResult {
	res := ReturnResult{Return: *rt, Status: r.s.Status, Outstanding: r.s.Outstanding()}
	for i := range r.s.Credits {
		if r.s.Credits[i].No == rt.CreditNote {
			cn := r.s.Credits[i]
			res.CreditNote = &cn
		}
	}
	return res
}

func (r *orderRun) validateDecideReturn(in ReturnDecisionInput) error {
	s := r.s
	rt := s.returnOf(in.ReturnNo)
	if rt == nil {
		return refusal(sales.ErrNotFound, "order %s has no return %q", s.OrderNo, in.ReturnNo)
	}
	switch {
	case in.Actor.Is(sales.RoleSLT):
	case in.Actor.Is(sales.RoleFSF) && in.Actor.UserID == s.Ladder.UM && s.Ladder.UM != "":
		if rt.Approver > sales.LevelUM {
			_, _, _, limit := r.returnRules()
			return refusal(sales.ErrForbidden, "return %s is worth %s, above the UM's limit of %s: the SLT decides", rt.No, rt.Value, limit)
		}
	default:
		return refusal(sales.ErrForbidden, "only the customer's UM (%s) or the SLT may decide return %s", s.Ladder.UM, rt.No)
	}
	if in.Actor.UserID == rt.RequestedBy {
		return refusal(sales.ErrForbidden, "%s requested return %s: another approver decides it", in.Actor.UserID, rt.No)
	}
	if rt.Status != sales.ReturnRequested {
		return refusal(sales.ErrConflict, "return %s is %s, not waiting for a decision", rt.No, rt.Status)
	}
	var p sales.Problems
	if in.Decision != ReturnApprove && in.Decision != ReturnReject {
		p.Add("decision", "must be approve or reject")
	}
	p.Text("reason", in.Reason, sales.MaxReason, false)
	return invalid(p, "invalid return decision")
}

// decideReturn approves or rejects a return. An approved shortage return is
// credited at once: the units never arrived, so nothing comes back.
func (r *orderRun) decideReturn(ctx workflow.Context, in ReturnDecisionInput) (ReturnResult, error) {
	r.begin(in.Actor)
	s := r.s
	rt := s.returnOf(in.ReturnNo)
	now := r.now
	rt.DecidedBy, rt.DecidedAt, rt.Decision, rt.Since, rt.Level = in.Actor.UserID, &now, in.Reason, now, sales.LevelNone
	if in.Decision == ReturnReject {
		rt.Status = sales.ReturnRejected
		r.event("return_rejected", map[string]string{"return": rt.No, "reason": in.Reason})
		r.notify(s.Ladder.KAM, "return_rejected", fmt.Sprintf("Return %s of %s rejected", rt.No, s.CustomerName), in.Reason, s.Step)
		r.recordReturn(rt)
		return r.returnResult(rt), nil
	}
	rt.Status = sales.ReturnApproved
	r.event("return_approved", map[string]string{"return": rt.No, "reason": in.Reason})
	switch rt.Source {
	case sales.ReturnByShortage:
		r.receive(rt, rt.Lines, "shortage confirmed at proof of delivery")
		return r.returnResult(rt), nil
	case sales.ReturnByPrice, sales.ReturnByQuantity:
		r.receive(rt, rt.Lines, rt.Source+" difference credited, no goods come back")
		return r.returnResult(rt), nil
	}
	r.notify("dept:logistics", "return_approved", fmt.Sprintf("Return %s of %s approved: expect the goods", rt.No, s.CustomerName),
		"Lines: "+lineList(rt.Lines)+". Confirm what arrives.", s.Step)
	r.recordReturn(rt)
	return r.returnResult(rt), nil
}

func (r *orderRun) validateReceiveReturn(in ReturnReceiptInput) error {
	if !in.Actor.Is(sales.RoleLogistics) {
		return refusal(sales.ErrForbidden, "only Logistics may confirm the receipt of a return")
	}
	s := r.s
	rt := s.returnOf(in.ReturnNo)
	if rt == nil {
		return refusal(sales.ErrNotFound, "order %s has no return %q", s.OrderNo, in.ReturnNo)
	}
	if rt.Status != sales.ReturnApproved {
		return refusal(sales.ErrConflict, "return %s is %s, not waiting for the goods", rt.No, rt.Status)
	}
	limits := sales.Returnable(s.Lines, s.Shipments, s.Returns, workflow.Now(r.ctx), 0, rt.No)
	p := sales.ValidateReceiptLines("lines", limits, in.Lines)
	p.Text("note", in.Note, sales.MaxNote, false)
	return invalid(p, "invalid return receipt")
}

// receiveReturn records what came back and issues the credit note.
func (r *orderRun) receiveReturn(ctx workflow.Context, in ReturnReceiptInput) (ReturnResult, error) {
	r.begin(in.Actor)
	rt := r.s.returnOf(in.ReturnNo)
	r.receive(rt, in.Lines, in.Note)
	return r.returnResult(rt), nil
}

// receive closes a return with what came back: a credit note for its value
// reduces the open invoices, what they no longer owe becomes the customer's
// credit, and the returned quota-controlled units go back to the allocation.
func (r *orderRun) receive(rt *sales.Return, lines []sales.LineQty, note string) {
	s := r.s
	now := r.now
	rt.Received, rt.ReceivedBy, rt.ReceivedAt, rt.Status = append([]sales.LineQty(nil), lines...), r.actorID, &now, sales.ReturnReceived
	r.event("return_received", map[string]string{"return": rt.No, "lines": lineList(lines), "note": note})
	amount := sales.ShipmentAmount(s.Lines, lines)
	if rt.Source == sales.ReturnByPrice {
		amount = rt.Value
	}
	if amount > 0 {
		rt.CreditNote = r.issueCreditNote(rt, lines, amount)
	}
	if rt.InvoiceNo != "" {
		r.endDispute(s.invoice(rt.InvoiceNo), rt.CreditNote)
	}
	back := make(map[int]int64, len(lines))
	for _, q := range lines {
		back[q.LineNo] += q.Quantity
	}
	r.giveBackQuota("return/"+rt.No, back)
	r.recordReturn(rt)
}

// issueCreditNote credits amount to the order's open invoices (a shortage to
// the invoice of the short shipment first, anything else oldest due first);
// the rest is refunded to the customer's credit balance. It returns the
// note's number.
func (r *orderRun) issueCreditNote(rt *sales.Return, lines []sales.LineQty, amount sales.Fen) string {
	s := r.s
	preferred := rt.InvoiceNo
	if sh := s.shipment(rt.ShipmentNo); sh != nil && preferred == "" {
		preferred = sh.InvoiceNo
	}
	allocs, refund := sales.AllocateReceipt(s.Invoices, amount, preferred)
	for _, a := range allocs {
		s.invoice(a.InvoiceNo).Credited += a.Amount
	}
	cn := sales.CreditNote{
		No: fmt.Sprintf("CN-%s-%d", strings.TrimPrefix(s.OrderNo, "SO-"), len(s.Credits)+1), ReturnNo: rt.No,
		OrderNo: s.OrderNo, CustomerID: s.CustomerID, Currency: s.Currency, Lines: append([]sales.LineQty(nil), lines...),
		Amount: amount, Allocations: allocs, Refund: refund, IssuedAt: r.now, InvoiceNo: preferred, Kind: rt.Source,
	}
	if rt.Source == sales.ReturnByPrice {
		var lines []sales.TaxedLine
		if inv := s.invoice(preferred); inv != nil {
			lines = inv.Lines
		}
		cn.Net, cn.Tax = sales.TaxAmount(amount, lines)
	} else {
		_, vat := sales.TaxLines(s.Lines, lines)
		cn.Net, cn.Tax = vat.Net, vat.Tax
	}
	s.Credits = append(s.Credits, cn)
	r.b.Pending.CreditNotes = append(r.b.Pending.CreditNotes, cn)
	if refund > 0 {
		r.b.Pending.Credits = append(r.b.Pending.Credits, sales.CreditEntry{
			Key: "credit-note/" + cn.No, CustomerID: s.CustomerID, Amount: refund, Currency: s.Currency,
			Note: fmt.Sprintf("credit note %s for return %s of %s, already paid", cn.No, rt.No, s.OrderNo), At: r.now,
		})
	}
	r.event("credit_note_issued", map[string]string{"credit_note": cn.No, "return": rt.No, "amount": amount.String(), "refund": refund.String()})
	subject := fmt.Sprintf("Credit note %s for %s: %s %s", cn.No, s.CustomerName, amount, s.Currency)
	body := fmt.Sprintf("Return %s of order %s; %s credited to invoices, %s to the customer's credit balance.", rt.No, s.OrderNo, amount-refund, refund)
	r.notify("dept:finance", "credit_note", subject, body, s.Step)
	r.notify(s.Ladder.KAM, "credit_note", subject, body, s.Step)
	return cn.No
}

// openShortageReturn turns units found missing at proof of delivery into a
// return waiting for its approver: approved, they are credited at once.
func (r *orderRun) openShortageReturn(ctx workflow.Context, sh *sales.Shipment, by sales.Actor) string {
	if len(sh.Shortages) == 0 {
		return ""
	}
	rt := r.openReturn(sales.Return{Source: sales.ReturnByShortage, ShipmentNo: sh.No, Lines: append([]sales.LineQty(nil), sh.Shortages...),
		Reason: "shortage at the delivery of " + sh.No, Value: sales.ShipmentAmount(r.s.Lines, sh.Shortages)}, by)
	return rt.No
}

// returnDeadline escalates a return whose approver or Logistics is late: a
// decision from the approver's rung up, a receipt from the KAM up, until the
// GM.
func (r *orderRun) returnDeadline(rt *sales.Return) (deadline, bool) {
	if !rt.Open() || rt.Level >= sales.LevelGM {
		return deadline{}, false
	}
	_, decision, receipt, _ := r.returnRules()
	wait, first, what := decision, rt.Approver, "a decision"
	if rt.Status == sales.ReturnApproved {
		wait, first, what = receipt, sales.LevelKAM, "its goods at Logistics"
	}
	next := max(rt.Level+1, first)
	at := rt.Since.Add(wait + time.Duration(next-first)*time.Duration(r.in.Policy.EscalateEvery))
	return deadline{at: at, fire: func() {
		rt.Level = next
		ref := fmt.Sprintf("%s@%d", rt.No, rt.Since.Unix())
		subject := fmt.Sprintf("Return %s of %s (%s %s) waits for %s since %s", rt.No, r.s.CustomerName, rt.Value, r.s.Currency, what, rt.Since.Format(time.DateOnly))
		if rt.Status == sales.ReturnApproved && r.ownerFirst() {
			// Release 1.2: the goods are late at Logistics, who hear first.
			r.escalateTo(sales.EscalateReturn, ref, next, subject, r.s.Ladder.OwnerFirst(r.s.Ladder.Owners(sales.RoleLogistics), next))
		} else {
			r.escalate(sales.EscalateReturn, ref, next, subject)
		}
		r.recordReturn(rt)
	}}, true
}

// returnAction says who must act on the first open return ("" when none).
func returnAction(s *OrderState) string {
	for _, rt := range s.Returns {
		switch rt.Status {
		case sales.ReturnRequested:
			who := "UM"
			if rt.Approver > sales.LevelUM {
				who = "SLT"
			}
			return fmt.Sprintf("%s: approve or reject return %s (%s)", who, rt.No, rt.Value)
		case sales.ReturnApproved:
			return "Logistics: confirm what came back of return " + rt.No
		}
	}
	return ""
}

func lineList(lines []sales.LineQty) string {
	parts := make([]string, len(lines))
	for i, q := range lines {
		parts[i] = fmt.Sprintf("line %d ×%d", q.LineNo, q.Quantity)
	}
	return strings.Join(parts, ", ")
}

// ReopenAttributes are the search attributes and the memo of a run started
// from in (the stored reopen input): those the last run left, so the Web UI
// finds the new run where the order is and the run upserts only what changes.
func ReopenAttributes(in OrderInput) (temporal.SearchAttributes, map[string]any) {
	var memo map[string]any
	book := RunBook{}
	if in.Book != nil {
		book = *in.Book
	}
	if book.Memo != nil {
		memo = book.Memo.Fields()
	}
	return startAttributes(in.State, book.SA), memo
}

// NewOrderAttributes are the search attributes of a new order's workflow at
// its start (OP1), which the workflow reads back (startAttrs).
func NewOrderAttributes(orderNo string, c sales.Customer) temporal.SearchAttributes {
	return startAttributes(&OrderState{OrderNo: orderNo, CustomerID: c.ID, Market: c.Market, Ladder: sales.Ladder{KAM: c.KAMID}},
		savedAttrs{Status: string(sales.StatusOpen), Step: string(sales.OP1Register)})
}

// startAttributes are the search attributes a run starts with: the order's
// identity and sa.
func startAttributes(s *OrderState, sa savedAttrs) temporal.SearchAttributes {
	set := []temporal.SearchAttributeUpdate{
		SAOrderNo.ValueSet(s.OrderNo), SACustomerID.ValueSet(s.CustomerID),
		SAMarket.ValueSet(s.Market), SAKAM.ValueSet(s.Ladder.KAM),
		SAOrderStatus.ValueSet(sa.Status), SAStep.ValueSet(sa.Step),
		SAStage.ValueSet(string(sales.Step(sa.Step).Stage())),
		SAEscalationLevel.ValueSet(sa.Level), SAAmountOutstanding.ValueSet(sa.Outstanding),
	}
	if !sa.Deadline.IsZero() {
		set = append(set, SANextDeadline.ValueSet(sa.Deadline))
	}
	return temporal.NewSearchAttributes(set...)
}
