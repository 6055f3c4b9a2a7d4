package workflows

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// registerHandlers installs the query and the updates. Validators refuse
// before anything is written to history; handlers change the state and wake
// the loop, which writes it to the store.
func (r *orderRun) registerHandlers() error {
	if err := workflow.SetQueryHandler(r.ctx, QueryStatus, func() (OrderView, error) { return r.view(), nil }); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(r.ctx, QueryRecord, r.record); err != nil {
		return err
	}
	updates := []struct {
		name      string
		handler   any
		validator any
	}{
		{UpdateOpened, r.awaitOpened, func() error { return nil }},
		{UpdateDecide, once(r, settled(r, r.decide, r.progressNow)), answered(r, r.validateDecide)},
		{UpdateAcknowledge, once(r, settled(r, r.acknowledge, r.progressNow)), answered(r, r.validateAcknowledge)},
		{UpdateGoodsIssue, once(r, r.goodsIssue), answered(r, r.validateGoodsIssue)},
		{UpdateDeliver, once(r, settled(r, r.deliver, r.progressNow)), answered(r, r.validateDeliver)},
		{UpdateDispute, once(r, settled(r, r.dispute, r.progressNow)), answered(r, r.validateDispute)},
		{UpdateConfirmPay, once(r, r.confirmPayment), answered(r, r.validateConfirmPayment)},
		{UpdateApplyPayment, once(r, settled(r, r.applyPayment, r.paymentNow)), answered(r, r.validateApplyPayment)},
		{UpdateExtendDue, once(r, settled(r, r.extendDue, r.progressNow)), answered(r, r.validateExtendDue)},
		{UpdateCancel, once(r, settled(r, r.cancel, r.progressNow)), answered(r, r.validateCancel)},
		{UpdateWithdrawDispute, once(r, settled(r, r.withdrawDispute, r.progressNow)), answered(r, r.validateWithdrawDispute)},
		{UpdateRequestCredit, once(r, settled(r, r.requestCredit, r.returnNow)), answered(r, r.validateRequestCredit)},
		{UpdateRecordVAT, once(r, settled(r, r.recordVAT, r.progressNow)), answered(r, r.validateRecordVAT)},
		{UpdateRequestExtension, once(r, settled(r, r.requestExtension, r.progressNow)), answered(r, r.validateRequestExtension)},
		{UpdateDecideExtension, once(r, settled(r, r.decideExtension, r.progressNow)), answered(r, r.validateDecideExtension)},
		{UpdateRequestReturn, r.returnRequest(once(r, settled(r, r.requestReturn, r.returnNow))), answered(r, r.validateRequestReturn)},
		{UpdateDecideReturn, once(r, settled(r, r.decideReturn, r.returnNow)), answered(r, r.validateDecideReturn)},
		{UpdateReceiveReturn, once(r, settled(r, r.receiveReturn, r.returnNow)), answered(r, r.validateReceiveReturn)},
		{UpdateCloseBackorder, once(r, settled(r, r.closeBackorder, r.progressNow)), answered(r, r.validateCloseBackorder)},
	}
	for _, u := range updates {
		if err := workflow.SetUpdateHandlerWithOptions(r.ctx, u.name, u.handler,
			workflow.UpdateHandlerOptions{Validator: u.validator}); err != nil {
			return err
		}
	}
	return nil
}

// awaitOpened answers once the order went through OP1–OP7 (released, held
// or rejected): the creator learns the outcome in the same round trip as the
// start (update-with-start).
func (r *orderRun) awaitOpened(ctx workflow.Context) (Progress, error) {
	if err := workflow.Await(ctx, func() bool { return r.opened }); err != nil {
		return Progress{}, err
	}
	return r.progress(), nil
}

// settled wraps an update handler so that it answers with the state settled: what follows from its change by itself (the next
// step, a release, remittance) applied before the answer, as the loop would
// apply it next in the same workflow task. settle is pure and idempotent, so
// the loop then finds nothing left to do. answer reads the handler's result
// again from the settled state. A refusal answers as it is, and so does an
// order whose credit check after a quota decision is still due: the loop
// runs that check (a local activity) before it settles.
func settled[In, Out any](r *orderRun, h func(workflow.Context, In) (Out, error), answer func(Out) Out) func(workflow.Context, In) (Out, error) {
	return func(ctx workflow.Context, in In) (Out, error) {
		out, err := h(ctx, in)
		if err != nil || r.s.CreditDue {
			return out, err
		}
		r.settle()
		return answer(out), nil
	}
}

// maxAnswers is how many updates' answers the bookkeeping keeps for later
// runs: far more than a person or a client retries across one
// continue-as-new.
const maxAnswers = 100

// once makes an update's answer outlive the run. Temporal answers an update
// id it has seen from the run that took it; after continue-as-new (or in a
// reopened run) the id would be new, so the answers of the latest updates
// are kept in the bookkeeping, and an update sent again answers as it did
// the first time instead of being done twice (a retried goods issue never
// creates a second shipment and invoice).
func once[In, Out any](r *orderRun, h func(workflow.Context, In) (Out, error)) func(workflow.Context, In) (Out, error) {
	return func(ctx workflow.Context, in In) (Out, error) {
		id := workflow.GetCurrentUpdateInfo(ctx).ID
		var out Out
		if raw, ok := r.answer(id); ok {
			err := decodeAnswer(raw, &out)
			return out, err
		}
		out, err := h(ctx, in)
		if err != nil {
			return out, err
		}
		raw, err := encodeAnswer(out)
		if err != nil {
			return out, err
		}
		r.b.Answers = append(r.b.Answers, Answer{ID: id, Result: raw})
		if n := len(r.b.Answers); n > maxAnswers {
			r.b.Answers = slices.Clone(r.b.Answers[n-maxAnswers:])
		}
		return out, nil
	}
}

// encodeAnswer and decodeAnswer keep an answer as JSON: the answers are
// plain records (no maps), whose encoding is deterministic.
//
//workflowcheck:ignore
func encodeAnswer(v any) (json.RawMessage, error) { return json.Marshal(v) }

//workflowcheck:ignore
func decodeAnswer(raw json.RawMessage, into any) error { return json.Unmarshal(raw, into) }

// answered lets an update whose answer is kept pass its validator: it is
// answered as before, whatever the order's state now.
func answered[In any](r *orderRun, v func(In) error) func(workflow.Context, In) error {
	return func(ctx workflow.Context, in In) error {
		if _, ok := r.answer(workflow.GetCurrentUpdateInfo(ctx).ID); ok {
			return nil
		}
		return v(in)
	}
}

// answer is the kept answer of update id.
func (r *orderRun) answer(id string) (json.RawMessage, bool) {
	for _, a := range r.b.Answers {
		if a.ID == id {
			return a.Result, true
		}
	}
	return nil, false
}

// returnRequest notes that a return request reached this run (a run
// reopened for one waits for it), answered before or not.
func (r *orderRun) returnRequest(h func(workflow.Context, ReturnRequestInput) (ReturnResult, error)) func(workflow.Context, ReturnRequestInput) (ReturnResult, error) {
	return func(ctx workflow.Context, in ReturnRequestInput) (ReturnResult, error) {
		r.returnRequested = true
		return h(ctx, in)
	}
}

// progressNow answers with the order's progress as it stands (settled).
func (r *orderRun) progressNow(Progress) Progress { return r.progress() }

// returnNow answers a return's handler with the order's status as it
// stands (settled): a credit note that clears the last invoice answers
// remitted.
func (r *orderRun) returnNow(res ReturnResult) ReturnResult {
	res.Status, res.Outstanding = r.s.Status, r.s.Outstanding()
	return res
}

// begin starts a change made by actor at the current workflow time.
func (r *orderRun) begin(a sales.Actor) {
	r.now = workflow.Now(r.ctx)
	r.actorID = a.UserID
	r.woken = true
}

func (r *orderRun) open() error {
	if r.s.Status.Final() {
		return refusal(sales.ErrConflict, "order %s is %s", r.s.OrderNo, r.s.Status)
	}
	return nil
}

func (r *orderRun) validateDecide(in DecideInput) error {
	if !in.Actor.Is(sales.RoleSLT) {
		return refusal(sales.ErrForbidden, "only an SLT member may decide a held order")
	}
	if r.s.Hold == nil {
		return refusal(sales.ErrConflict, "order %s is not held (status %s)", r.s.OrderNo, r.s.Status)
	}
	quota := r.s.Hold.Kind == HoldQuota
	var text sales.Problems
	text.Text("reason", in.Reason, sales.MaxReason, false)
	if err := invalid(text, "invalid decision"); err != nil {
		return err
	}
	switch in.Decision {
	case DecisionApprove, DecisionReject:
		return nil
	case DecisionApprovePart:
		return invalid(r.partProblems(in.Lines), "invalid partial approval")
	case DecisionAllow, DecisionWithinQuota:
		if !quota {
			return invalid(sales.Problems{{Field: "decision", Message: in.Decision + " decides a quota hold; this order is held for credit"}}, "invalid decision")
		}
		if in.Decision == DecisionWithinQuota {
			return invalid(r.partProblems(sales.WithinQuota(r.s.Lines, r.s.Quota)), "nothing is within quota: allow the order or reject it")
		}
		return nil
	}
	kinds := "approve, reject or approve_part"
	if quota {
		kinds = "allow, within_quota, approve_part or reject"
	}
	return invalid(sales.Problems{{Field: "decision", Message: "must be " + kinds}}, "invalid decision")
}

func (r *orderRun) partProblems(lines []sales.LineQty) sales.Problems {
	var p sales.Problems
	ordered := map[int]int64{}
	for _, l := range r.s.Lines {
		ordered[l.LineNo] = l.Quantity
	}
	var total int64
	named := map[int]bool{}
	for i, q := range lines {
		f := fmt.Sprintf("lines[%d]", i)
		max, ok := ordered[q.LineNo]
		switch {
		case !ok:
			p.Add(f+".line_no", "the order has no line %d", q.LineNo)
		case named[q.LineNo]:
			p.Add(f+".line_no", "line %d is named twice", q.LineNo)
		case q.Quantity < 0 || q.Quantity > max:
			p.Add(f+".quantity", "must be between 0 and the %d ordered", max)
		default:
			total += q.Quantity
		}
		named[q.LineNo] = true
	}
	if len(lines) == 0 || total == 0 {
		p.Add("lines", "approve at least one unit, or reject the order")
	}
	return p
}

func (r *orderRun) decide(ctx workflow.Context, in DecideInput) (Progress, error) {
	r.begin(in.Actor)
	s := r.s
	h := s.Hold
	approved := in.Lines
	switch in.Decision {
	case DecisionReject:
		r.reject("rejected by the SLT: "+in.Reason, in.Actor)
		return r.progress(), nil
	case DecisionWithinQuota:
		var err error
		if approved, err = r.takeWithinQuota(ctx); err != nil {
			return r.progress(), err
		}
		if approved == nil {
			return r.progress(), refusal(sales.ErrConflict, "nothing of order %s's quota lines is left within quota any more: allow the order or reject it", s.OrderNo)
		}
	case DecisionApprove, DecisionAllow:
		approved = nil
	}
	r.approveLines(approved)
	if h.Kind == HoldQuota {
		// OP4 follows the quota decision: the order loop checks credit next.
		s.Hold, s.Status, s.CreditDue = nil, sales.StatusOpen, true
		r.event("decided", map[string]string{"decision": in.Decision, "kind": HoldQuota, "reason": in.Reason, "total": s.Total().String()})
		r.enter(sales.OP4Credit)
		return r.progress(), nil
	}
	s.Hold = nil
	r.event("decided", map[string]string{"decision": in.Decision, "reason": in.Reason, "total": s.Total().String()})
	// What the lines hold beyond their approved quantities goes back (an
	// order within quota holds its lines from OP3).
	r.trimQuota("approve_part")
	if h.Step == sales.SP2Recheck {
		s.Status = sales.StatusReleased
	} else {
		s.Status = sales.StatusOpen
	}
	return r.progress(), nil
}

// approveLines sets the approved quantities of the lines listed; the others
// stay as ordered.
func (r *orderRun) approveLines(approved []sales.LineQty) {
	for _, q := range approved {
		if l := r.s.line(q.LineNo); l != nil {
			l.Quantity = q.Quantity
		}
	}
}

// trimQuota gives back what quota lines hold beyond their approved quantity.
func (r *orderRun) trimQuota(reason string) {
	over := map[int]int64{}
	for _, q := range r.s.Quota {
		if l := r.s.line(q.LineNo); l != nil && q.Consumed > l.Quantity {
			over[q.LineNo] = q.Consumed - l.Quantity
		}
	}
	r.giveBackQuota(reason, over)
}

func (r *orderRun) validateAcknowledge(in AcknowledgeInput) error {
	if !in.Actor.Is(sales.RoleLogistics) {
		return refusal(sales.ErrForbidden, "only Logistics may acknowledge a dispatch instruction")
	}
	if err := r.open(); err != nil {
		return err
	}
	if !r.s.released() || len(r.s.Shipments) > 0 {
		return refusal(sales.ErrConflict, "order %s cannot be planned now (status %s, step %s)", r.s.OrderNo, r.s.Status, r.s.Step)
	}
	if _, err := time.Parse(time.DateOnly, in.PlannedDate); err != nil {
		return invalid(sales.Problems{{Field: "planned_date", Message: "must be a date like 2026-12-01"}}, "invalid acknowledgement")
	}
	return nil
}

// acknowledge records the plan (SP1) and re-checks credit (SP2) when the order
// waited long since its credit check or the customer may have been frozen.
func (r *orderRun) acknowledge(ctx workflow.Context, in AcknowledgeInput) (Progress, error) {
	r.begin(in.Actor)
	s := r.s
	now := r.now
	s.AcknowledgedAt, s.PlannedDate = &now, in.PlannedDate
	if workflow.GetVersion(ctx, PatchPlannedDateBeijing, workflow.DefaultVersion, 1) == 1 {
		s.PlannedDateBeijing = true
	}
	r.event("acknowledged", map[string]string{"planned_date": in.PlannedDate})
	if s.Rechecked {
		return r.progress(), nil
	}
	r.enter(sales.SP2Recheck)
	s.Rechecked = true
	waited := now.Sub(s.CreditCheckedAt) > time.Duration(r.in.Policy.RecheckAfter)
	// The same check as OP4: the customer's exposure with what this order
	// still adds (the store counts every other order, not this one).
	c, err := CheckCredit.local(r, ctx, CreditInput{OrderNo: s.OrderNo, CustomerID: s.CustomerID, Amount: s.Unbilled()})
	if err != nil {
		return r.progress(), err
	}
	reason := ""
	switch {
	case c.Frozen:
		reason = "customer was frozen meanwhile: " + c.Reason
	case waited && c.Exposure > c.Limit:
		reason = fmt.Sprintf("re-check after %d days: exposure %s exceeds credit limit %s", int(now.Sub(s.CreditCheckedAt).Hours()/24), c.Exposure, c.Limit)
	}
	r.event("rechecked", map[string]string{"waited": fmt.Sprint(waited), "frozen": fmt.Sprint(c.Frozen), "exposure": c.Exposure.String()})
	if reason != "" {
		r.hold(sales.SP2Recheck, reason)
	}
	return r.progress(), nil
}

func (r *orderRun) validateGoodsIssue(in GoodsIssueInput) error {
	if !in.Actor.Is(sales.RoleLogistics) {
		return refusal(sales.ErrForbidden, "only Logistics may report a goods issue")
	}
	if err := r.open(); err != nil {
		return err
	}
	s := r.s
	switch {
	case s.Hold != nil:
		return refusal(sales.ErrConflict, "order %s is held for an SLT decision: %s", s.OrderNo, s.Hold.Reason)
	case !s.released():
		return refusal(sales.ErrConflict, "order %s is not released to Logistics (step %s)", s.OrderNo, s.Step)
	case s.AcknowledgedAt == nil:
		return refusal(sales.ErrConflict, "acknowledge the dispatch instruction of %s with a planned date first", s.OrderNo)
	}
	p := sales.ValidateShipLines(s.Lines, s.Shipments, in.Lines)
	p.Text("carrier", in.Carrier, sales.MaxCarrier, true)
	p.Text("waybill", in.Waybill, sales.MaxWaybill, false)
	return invalid(p, "invalid goods issue")
}

// goodsIssue records a shipment (SP4, in transit SP5) and bills it at once:
// one invoice per goods issue (BC1), its receivable posted (BC3).
func (r *orderRun) goodsIssue(ctx workflow.Context, in GoodsIssueInput) (GoodsIssueResult, error) {
	r.begin(in.Actor)
	s := r.s
	n := len(s.Shipments) + 1
	base := strings.TrimPrefix(s.OrderNo, "SO-")
	sh := sales.Shipment{
		No: fmt.Sprintf("SH-%s-%d", base, n), Lines: in.Lines, Carrier: in.Carrier, Waybill: in.Waybill,
		IssuedAt: r.now, InvoiceNo: fmt.Sprintf("IV-%s-%d", base, n),
	}
	r.shipPOP(&sh)
	s.Shipments = append(s.Shipments, sh)
	r.enter(sales.SP4GoodsIssue)
	r.event("goods_issued", map[string]string{"shipment": sh.No, "carrier": sh.Carrier, "waybill": sh.Waybill})
	terms := s.PaymentTermsDays
	inv := sales.Invoice{
		No: sh.InvoiceNo, ShipmentNo: sh.No, Currency: s.Currency, Amount: sales.ShipmentAmount(s.Lines, in.Lines),
		IssuedAt: r.now, DueAt: sales.DueDate(r.now, terms),
	}
	var vat sales.VATTotals
	inv.Lines, vat = sales.TaxLines(s.Lines, in.Lines)
	inv.Net, inv.Tax = vat.Net, vat.Tax
	if workflow.GetVersion(ctx, PatchInvoiceBeijingVAT, workflow.DefaultVersion, 1) == 1 {
		inv.DueAt = sales.DueOn(r.now, terms)
		vatDue := r.after(r.now, r.in.Policy.VATInvoiceDeadline())
		inv.VATDue = &vatDue
	}
	s.Invoices = append(s.Invoices, inv)
	r.event("invoiced", map[string]string{"invoice": inv.No, "amount": inv.Amount.String(), "due": inv.DueAt.Format(time.DateOnly)})
	r.event("receivable_posted", map[string]string{"invoice": inv.No})
	if s.Status == sales.StatusReleased {
		s.Status = sales.StatusShipping
	}
	if s.Backorder() == 0 {
		s.Status = sales.StatusBilled
	}
	return GoodsIssueResult{ShipmentNo: sh.No, InvoiceNo: inv.No, Amount: inv.Amount, DueAt: inv.DueAt, Backorder: s.Backorder()}, nil
}

func (r *orderRun) validateDeliver(in DeliverInput) error {
	if !in.Actor.Is(sales.RoleLogistics) {
		return refusal(sales.ErrForbidden, "only Logistics may record a proof of delivery")
	}
	sh := r.s.shipment(in.ShipmentNo)
	if sh == nil {
		return refusal(sales.ErrNotFound, "order %s has no shipment %q", r.s.OrderNo, in.ShipmentNo)
	}
	if sh.Delivered() {
		return refusal(sales.ErrConflict, "shipment %s was delivered on %s", sh.No, sh.DeliveredAt.Format(time.DateOnly))
	}
	shipped := map[int]int64{}
	for _, q := range sh.Lines {
		shipped[q.LineNo] = q.Quantity
	}
	var p sales.Problems
	named := map[int]bool{}
	for i, q := range in.Shortages {
		switch {
		case named[q.LineNo]:
			p.Add(fmt.Sprintf("shortages[%d].line_no", i), "line %d is named twice", q.LineNo)
		case q.Quantity <= 0 || q.Quantity > shipped[q.LineNo]:
			p.Add(fmt.Sprintf("shortages[%d].quantity", i), "must be between 1 and the %d shipped on line %d", shipped[q.LineNo], q.LineNo)
		}
		named[q.LineNo] = true
	}
	p.Text("note", in.Note, sales.MaxNote, false)
	return invalid(p, "invalid proof of delivery")
}

// deliver records the proof of delivery (SP6) and closes the shipment (SP7).
func (r *orderRun) deliver(ctx workflow.Context, in DeliverInput) (Progress, error) {
	r.begin(in.Actor)
	sh := r.s.shipment(in.ShipmentNo)
	now := r.now
	sh.DeliveredAt, sh.Shortages, sh.Damaged, sh.DeliveryNote = &now, in.Shortages, in.Damaged, in.Note
	r.enter(sales.SP6Delivery)
	r.event("delivered", map[string]string{"shipment": sh.No, "shortages": fmt.Sprint(len(in.Shortages)), "damaged": fmt.Sprint(in.Damaged)})
	if len(in.Shortages) > 0 || in.Damaged {
		advice := "Open a return for the affected lines: "
		if no := r.openShortageReturn(ctx, sh, in.Actor); no != "" {
			advice = fmt.Sprintf("Return %s for the missing units waits for its approver; open a return for damaged goods: ", no)
		}
		r.notify(r.s.Ladder.KAM, "delivery_problem", fmt.Sprintf("Shipment %s arrived short or damaged", sh.No),
			advice+in.Note, sales.SP6Delivery)
		r.notify("dept:ssg", "delivery_problem", fmt.Sprintf("Shipment %s arrived short or damaged", sh.No), in.Note, sales.SP6Delivery)
	}
	r.enter(sales.SP7Close)
	r.event("shipment_closed", map[string]string{"shipment": sh.No})
	return r.progress(), nil
}

func (r *orderRun) acknowledgeInvoice(in InvoiceAckInput) {
	inv := r.s.invoice(in.InvoiceNo)
	if inv == nil || inv.Acknowledged {
		return
	}
	r.actorID = in.Actor.UserID
	inv.Acknowledged, inv.Disputed, inv.DunningPaused = true, false, false
	r.event("invoice_acknowledged", map[string]string{"invoice": inv.No})
}

func (r *orderRun) validateDispute(in DisputeInput) error {
	if !in.Actor.Is(sales.RoleSSG, sales.RoleFSF, sales.RoleFinance) {
		return refusal(sales.ErrForbidden, "only SSG, FSF or Finance may record an invoice dispute")
	}
	inv := r.s.invoice(in.InvoiceNo)
	if inv == nil {
		return refusal(sales.ErrNotFound, "order %s has no invoice %q", r.s.OrderNo, in.InvoiceNo)
	}
	if !inv.Open() {
		return refusal(sales.ErrConflict, "invoice %s is paid", inv.No)
	}
	var p sales.Problems
	p.Text("reason", in.Reason, sales.MaxReason, true)
	return invalid(p, "invalid dispute")
}

func (r *orderRun) dispute(ctx workflow.Context, in DisputeInput) (Progress, error) {
	r.begin(in.Actor)
	inv := r.s.invoice(in.InvoiceNo)
	inv.Disputed, inv.Dispute, inv.Acknowledged = true, in.Reason, false
	if workflow.GetVersion(ctx, PatchDisputePausesDunning, workflow.DefaultVersion, 1) == 1 {
		inv.DunningPaused = true
	}
	r.event("invoice_disputed", map[string]string{"invoice": inv.No, "reason": in.Reason})
	subject := fmt.Sprintf("Invoice %s of %s disputed", inv.No, r.s.CustomerName)
	r.notify(r.s.Ladder.KAM, "invoice_disputed", subject, in.Reason, sales.BC2Acknowledge)
	r.notify("dept:ssg", "invoice_disputed", subject, in.Reason, sales.BC2Acknowledge)
	return r.progress(), nil
}

func (r *orderRun) validateConfirmPayment(in ConfirmPaymentInput) error {
	if !in.Actor.Is(sales.RoleFinance) {
		return refusal(sales.ErrForbidden, "only Finance may confirm a payment")
	}
	if err := r.open(); err != nil {
		return err
	}
	var p sales.Problems
	ref := strings.TrimSpace(in.Reference)
	p.Text("reference", ref, sales.MaxReference, true)
	if in.Amount <= 0 || in.Amount > sales.MaxAmount {
		p.Add("amount_fen", "must be positive, at most %d", sales.MaxAmount)
	}
	if in.Currency != r.s.Currency {
		p.Add("currency", "must be the order's currency %s", r.s.Currency)
	}
	if in.InvoiceNo != "" && r.s.invoice(in.InvoiceNo) == nil {
		p.Add("invoice_no", "order %s has no invoice %q", r.s.OrderNo, in.InvoiceNo)
	}
	if err := invalid(p, "invalid payment confirmation"); err != nil {
		return err
	}
	if old := r.s.receipt(ref); old != nil && old.Amount != in.Amount {
		return refusal(sales.ErrConflict, "reference %s was already confirmed for %s, not %s", ref, old.Amount, in.Amount)
	}
	return nil
}

// confirmPayment applies a receipt (BC6) to the open invoices; a reference is
// never counted twice and an overpayment becomes customer credit.
func (r *orderRun) confirmPayment(ctx workflow.Context, in ConfirmPaymentInput) (ConfirmPaymentResult, error) {
	r.begin(in.Actor)
	s := r.s
	ref := strings.TrimSpace(in.Reference)
	if old := s.receipt(ref); old != nil {
		return ConfirmPaymentResult{Receipt: *old, Duplicate: true, Outstanding: s.Outstanding()}, nil
	}
	allocs, excess := sales.AllocateReceipt(s.Invoices, in.Amount, in.InvoiceNo)
	for _, a := range allocs {
		inv := s.invoice(a.InvoiceNo)
		inv.Paid += a.Amount
		if !inv.Open() {
			now := r.now
			inv.PaidAt = &now
		}
	}
	rc := sales.Receipt{Reference: ref, Amount: in.Amount, Currency: in.Currency, ReceivedAt: r.now,
		ConfirmedBy: in.Actor.UserID, Allocations: allocs, Excess: excess}
	s.Receipts = append(s.Receipts, rc)
	r.event("payment_confirmed", map[string]string{"reference": ref, "amount": in.Amount.String(), "excess": excess.String()})
	if excess > 0 {
		r.b.Pending.Credits = append(r.b.Pending.Credits, sales.CreditEntry{
			Key: "receipt/" + s.OrderNo + "/" + ref, CustomerID: s.CustomerID, Amount: excess, Currency: in.Currency,
			Note: fmt.Sprintf("overpayment on %s, reference %s", s.OrderNo, ref), At: r.now,
		})
	}
	return ConfirmPaymentResult{Receipt: rc, Outstanding: s.Outstanding()}, nil
}

func (r *orderRun) validateExtendDue(in ExtendDueInput) error {
	if !in.Actor.Is(sales.RoleSLT) {
		return refusal(sales.ErrForbidden, "only an SLT decision may extend a due date")
	}
	inv, err := r.invoiceOf(in.InvoiceNo)
	if err != nil {
		return err
	}
	if !inv.Open() {
		return refusal(sales.ErrConflict, "invoice %s is paid", inv.No)
	}
	p := validDueDate(inv, in.DueDate)
	p.Text("reason", in.Reason, sales.MaxReason, false)
	return invalid(p, "invalid extension")
}

// extendDue moves an invoice's due date by the SLT's own decision: its
// reminder and dunning start again from the new date (a Beijing date; runs
// that extended before release 1.1 kept the time of day of the old due date).
func (r *orderRun) extendDue(ctx workflow.Context, in ExtendDueInput) (Progress, error) {
	r.begin(in.Actor)
	inv := r.s.invoice(in.InvoiceNo)
	var old time.Time
	if workflow.GetVersion(ctx, PatchExtensionBeijing, workflow.DefaultVersion, 1) == 1 {
		old = r.setDue(inv, in.DueDate)
	} else {
		d, _ := time.Parse(time.DateOnly, in.DueDate)
		old = inv.DueAt
		days := int(d.Sub(old.Truncate(sales.Day)).Hours() / 24)
		inv.DueAt = old.Add(time.Duration(days) * sales.Day)
		inv.Level = sales.LevelNone
		inv.Reminded = inv.DueAt.Add(-time.Duration(r.in.Policy.ReminderBeforeDue)).Before(r.now)
	}
	if inv.Extension != nil && inv.Extension.DueDate <= in.DueDate {
		inv.Extension = nil // decided by this extension
	}
	r.event("due_extended", map[string]string{"invoice": inv.No, "from": old.Format(time.DateOnly), "to": inv.DueAt.Format(time.DateOnly), "reason": in.Reason})
	return r.progress(), nil
}

func (r *orderRun) validateCancel(in CancelInput) error {
	if !in.Actor.Is(sales.RoleSSG, sales.RoleFSF, sales.RoleSLT, sales.RoleAdmin) {
		return refusal(sales.ErrForbidden, "only SSG, FSF, the SLT or an admin may cancel an order")
	}
	if err := r.open(); err != nil {
		return err
	}
	if n := len(r.s.Shipments); n > 0 {
		return refusal(sales.ErrConflict, "order %s cannot be cancelled: goods were issued (%s); request a return instead", r.s.OrderNo, r.s.Shipments[0].No)
	}
	var p sales.Problems
	p.Text("reason", in.Reason, sales.MaxReason, false)
	return invalid(p, "invalid cancellation")
}

func (r *orderRun) cancel(ctx workflow.Context, in CancelInput) (Progress, error) {
	r.begin(in.Actor)
	s := r.s
	wasReleased := s.released()
	s.Hold = nil
	s.Status = sales.StatusCancelled
	s.Reason = in.Reason
	r.event("cancelled", map[string]string{"reason": in.Reason})
	r.giveBackAllQuota("cancel")
	r.releasePOP()
	if wasReleased {
		r.notify("dept:logistics", "dispatch_cancelled", "Dispatch instruction "+s.OrderNo+" withdrawn", in.Reason, s.Step)
	}
	r.close()
	return r.progress(), nil
}

// view is the live status of the order.
func (r *orderRun) view() OrderView {
	s := r.s
	info, _ := s.Step.Info()
	v := OrderView{
		OrderState: *s, Stage: s.Step.Stage(), StepName: info.Name, StepOwner: info.Owner,
		Total: s.Total(), Outstanding: s.Outstanding(), Unbilled: s.Unbilled(), Backorder: s.Backorder(),
	}
	if at, ok := r.nextDeadline(false); ok {
		v.NextDeadline = &at
	}
	v.NextAction = nextAction(s)
	if r.b.Lag != nil {
		lag := *r.b.Lag
		v.RecordBehind = &lag
	}
	return v
}

// nextAction says in one sentence who must do what next.
func nextAction(s *OrderState) string {
	if s.Status.Final() {
		return ""
	}
	if s.Hold != nil && s.Hold.Kind == HoldQuota {
		return "SLT: allow the order over quota, confirm the part within quota, or reject it (" + s.Hold.Reason + ")"
	}
	if a := returnAction(s); a != "" && (s.Step == sales.BC6Payment || s.Step == sales.BC7Close) {
		return a
	}
	switch s.Step {
	case sales.OP5Hold, sales.SP2Recheck:
		if s.Hold != nil {
			return "SLT: approve, reject or approve part of the held order (" + s.Hold.Reason + ")"
		}
	case sales.SP1Plan:
		return "Logistics: acknowledge the dispatch instruction with a planned ship date"
	case sales.SP3Pick:
		return fmt.Sprintf("Logistics: pick, pack and report the goods issue (%d units still to ship)", s.Backorder())
	case sales.SP5InTransit:
		return "Logistics: record the customer's proof of delivery"
	case sales.BC2Acknowledge:
		return "SSG: obtain the customer's acknowledgement of the invoice, or record a dispute"
	case sales.BC5Dunning:
		return "FSF: collect the overdue invoice; Finance: confirm the receipt"
	case sales.BC6Payment:
		return "Finance: confirm the customer's payment when it arrives"
	}
	return "OSB is processing the order"
}

// progress is the compact answer to an action: small, because every update's
// result is kept in the order's history.
func (r *orderRun) progress() Progress {
	v := r.view()
	p := Progress{
		OrderNo: v.OrderNo, Status: v.Status, Step: v.Step, StepName: v.StepName, StepOwner: v.StepOwner,
		NextAction: v.NextAction, NextDeadline: v.NextDeadline, Reason: v.Reason, Level: v.Level,
		Currency: v.Currency, Total: v.Total, Outstanding: v.Outstanding, Unbilled: v.Unbilled, Backorder: v.Backorder,
	}
	if v.Hold != nil {
		p.Hold = v.Hold.Reason
	}
	return p
}
