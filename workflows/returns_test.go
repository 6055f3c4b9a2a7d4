package workflows

import (
	"strings"
	"testing"
	"time"

	"osb/sales"
)

// The harness order: line 1 is 10 × ¥100, line 2 is 20 × ¥50, shipped in one
// shipment at 2h and delivered at 3h (shipAll(hour)); its invoice is ¥2000.
const (
	rt1 = "RT-2026-000001-1"
	cn1 = "CN-2026-000001-1"
	iv1 = "IV-2026-000001-1"
)

func (h *harness) requestReturn(at time.Duration, label string, by sales.Actor, reason string, lines ...int64) {
	h.at(at, func() {
		h.update(label, UpdateRequestReturn, ReturnRequestInput{Actor: by, Lines: lineQty(lines...), Reason: reason})
	})
}

func (h *harness) decideReturn(at time.Duration, label string, by sales.Actor, decision string) {
	h.at(at, func() {
		h.update(label, UpdateDecideReturn, ReturnDecisionInput{Actor: by, ReturnNo: rt1, Decision: decision, Reason: "ok"})
	})
}

func (h *harness) receiveReturn(at time.Duration, label string, lines ...int64) {
	h.at(at, func() {
		h.update(label, UpdateReceiveReturn, ReturnReceiptInput{Actor: logistics, ReturnNo: rt1, Lines: lineQty(lines...)})
	})
}

func TestSmallReturnApprovedByTheUMCreditsTheUnpaidInvoice(t *testing.T) {
	h := newHarness(t)
	quotaOrder(h, 50) // line 1 is 10 × SKU-Q at ¥80: quota-controlled
	h.shipAll(hour)
	// The refusals come first: callbacks at the same virtual time run in no
	// fixed order.
	h.requestReturn(sales.Day-hour, "log", logistics, "broken", 1, 2)
	h.requestReturn(sales.Day-hour, "none", kam, "", 1, 2)
	h.requestReturn(sales.Day-hour, "too many", kam, "broken", 1, 11)
	h.requestReturn(sales.Day, "req", kam, "two cases broken", 1, 3)
	h.decideReturn(sales.Day+hour, "kam decides", kam, ReturnApprove)
	h.decideReturn(sales.Day+hour, "um", um, ReturnApprove)
	h.at(sales.Day+2*hour, func() {
		h.update("over", UpdateReceiveReturn, ReturnReceiptInput{Actor: logistics, ReturnNo: rt1, Lines: lineQty(1, 11)})
		h.update("fin", UpdateReceiveReturn, ReturnReceiptInput{Actor: finance, ReturnNo: rt1, Lines: lineQty(1, 2)})
	})
	h.receiveReturn(sales.Day+3*hour, "got", 1, 2) // two of the three came back
	h.pay(5*sales.Day, "pay", "P", sales.Yuan(1800-160))
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	h.mustRefuse("log")
	if err := h.mustRefuse("none"); !strings.Contains(err.Error(), "reason") {
		t.Errorf("no reason: %v", err)
	}
	if err := h.mustRefuse("too many"); !strings.Contains(err.Error(), "more than the 10") {
		t.Errorf("more than delivered: %v", err)
	}
	if r := h.mustAccept("req").(ReturnResult); r.Return.Approver != sales.LevelUM || r.Return.Value != sales.Yuan(240) || r.Return.No != rt1 {
		t.Errorf("request %+v", r.Return)
	}
	if err := h.mustRefuse("kam decides"); !strings.Contains(err.Error(), "only the customer's UM (um1) or the SLT") {
		t.Errorf("KAM deciding: %v", err)
	}
	h.mustAccept("um")
	h.mustRefuse("over")
	h.mustRefuse("fin")
	got := h.mustAccept("got").(ReturnResult)
	cn := got.CreditNote
	if cn == nil || cn.No != cn1 || cn.Amount != sales.Yuan(160) || cn.Refund != 0 || len(cn.Allocations) != 1 || cn.Allocations[0].InvoiceNo != iv1 {
		t.Fatalf("credit note %+v", cn)
	}
	if got.Outstanding != sales.Yuan(1800-160) || got.Return.Status != sales.ReturnReceived {
		t.Errorf("after the receipt: %+v", got)
	}
	snap := h.w.last()
	if inv := snap.Invoices[0]; inv.Credited != sales.Yuan(160) || inv.Paid != sales.Yuan(1640) {
		t.Errorf("invoice %+v", inv)
	}
	if got := strings.Join(movesOf(h.w.quotaMoves()), " "); got != "1/confirm=10.00 1/return/"+rt1+"=-2.00" {
		t.Errorf("quota moves %q: the returned units go back", got)
	}
	if len(h.w.credits()) != 0 {
		t.Errorf("a credit note on an unpaid invoice became customer credit: %+v", h.w.credits())
	}
	if rt := h.w.lastReturn(rt1); rt == nil || rt.Status != sales.ReturnReceived || rt.CreditNote != cn1 || len(rt.Received) != 1 {
		t.Errorf("stored return %+v", rt)
	}
	if n := len(h.w.creditNotes()); n != 1 {
		t.Errorf("%d credit notes written, want 1", n)
	}
	var told []string
	for _, n := range h.w.notifications() {
		if n.Kind == "return_decision_needed" || n.Kind == "return_approved" {
			told = append(told, n.Kind+":"+n.RecipientID)
		}
	}
	if strings.Join(told, " ") != "return_decision_needed:kam1 return_decision_needed:um1 return_approved:dept:logistics" {
		t.Errorf("told %v", told)
	}
}

func TestLargeReturnNeedsTheSLT(t *testing.T) {
	h := newHarness(t)
	h.policy.ReturnApprovalLimit = sales.Yuan(500)
	h.shipAll(hour)
	h.requestReturn(sales.Day, "req", ssg, "wrong product", 1, 6) // ¥600
	h.decideReturn(sales.Day+hour, "um", um, ReturnApprove)
	h.decideReturn(sales.Day+hour, "slt", slt, ReturnReject)
	h.decideReturn(sales.Day+2*hour, "again", slt, ReturnApprove)
	h.pay(5*sales.Day, "pay", "P", sales.Yuan(2000))
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	if r := h.mustAccept("req").(ReturnResult); r.Return.Approver != sales.LevelSLT {
		t.Errorf("approver %s", r.Return.Approver)
	}
	if err := h.mustRefuse("um"); !strings.Contains(err.Error(), "above the UM's limit of 500.00") {
		t.Errorf("UM on a large return: %v", err)
	}
	if r := h.mustAccept("slt").(ReturnResult); r.Return.Status != sales.ReturnRejected {
		t.Errorf("after rejection %+v", r.Return)
	}
	if err := h.mustRefuse("again"); !strings.Contains(err.Error(), "rejected") {
		t.Errorf("deciding twice: %v", err)
	}
	if len(h.w.creditNotes()) != 0 {
		t.Error("a rejected return was credited")
	}
}

func TestUnansweredReturnEscalatesAndKeepsTheOrderOpen(t *testing.T) {
	h := newHarness(t)
	h.shipAll(hour)
	h.requestReturn(sales.Day, "req", kam, "expired stock", 2, 4) // ¥200
	h.pay(2*sales.Day, "pay", "P", sales.Yuan(2000))
	h.at(3*sales.Day, func() {
		v := h.query()
		if v.Status == sales.StatusRemitted || v.ClosedAt != nil {
			t.Errorf("paid with a return open: %s", v.Status)
		}
		if !strings.Contains(v.NextAction, "UM: approve or reject return "+rt1) {
			t.Errorf("next action %q", v.NextAction)
		}
	})
	h.decideReturn(20*sales.Day, "slt", slt, ReturnApprove)
	h.receiveReturn(21*sales.Day, "got", 2, 4)
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	var levels []string
	for _, e := range h.w.escalations() {
		if e.Kind == sales.EscalateReturn {
			levels = append(levels, e.Level.String())
		}
	}
	if strings.Join(levels, ",") != "UM,MM,SLT,GM" {
		t.Errorf("return escalations %v, want from the UM up to the GM, then no more", levels)
	}
	// Paid before the receipt: the credit note is refunded to the customer's
	// credit, and the receipt closed the last open thing: it answers remitted.
	got := h.mustAccept("got").(ReturnResult)
	if got.Status != sales.StatusRemitted {
		t.Errorf("the receipt that closed the order answered %s, want remitted", got.Status)
	}
	cn := got.CreditNote
	if cn == nil || cn.Amount != sales.Yuan(200) || cn.Refund != sales.Yuan(200) || len(cn.Allocations) != 0 {
		t.Fatalf("credit note %+v", cn)
	}
	cr := h.w.credits()
	if len(cr) != 1 || cr[0].Amount != sales.Yuan(200) || cr[0].Key != "credit-note/"+cn1 {
		t.Errorf("customer credit %+v", cr)
	}
	if snap := h.w.last(); snap.Status != sales.StatusRemitted || snap.ClosedAt == nil || !snap.ClosedAt.After(snap.CreatedAt.Add(20*sales.Day)) {
		t.Errorf("remitted only after the return: %+v", snap.ClosedAt)
	}
}

// The workflow completes at remittance; within the return window a return
// request starts the order again from where it ended, as the remitted run
// left it in the store.
func TestRemittedOrderCompletesAndAReturnStartsItAgain(t *testing.T) {
	h := newHarness(t)
	h.shipAll(hour)
	h.pay(sales.Day, "pay", "P", sales.Yuan(2000))
	if res := h.run(); res.Status != sales.StatusRemitted {
		t.Fatalf("remitted run: %+v", res)
	}
	stored := h.w.resume()
	if stored == nil || !stored.Reopen || stored.State.ReturnsUntil == nil || stored.State.Status != sales.StatusRemitted {
		t.Fatalf("stored reopen input %+v", stored)
	}
	delivered := *h.w.last().Shipments[0].DeliveredAt
	if until := *stored.State.ReturnsUntil; !until.Equal(delivered.Add(30 * sales.Day)) {
		t.Errorf("returns until %s, want 30 days after delivery (%s)", until, delivered)
	}
	if ended := h.env.Now(); ended.Sub(delivered) > sales.Day {
		t.Errorf("the workflow ended %s after delivery: it should complete at the payment", ended.Sub(delivered))
	}
	// As the state stood once written: nothing pending, the children's
	// hashes and the search attributes the remitted run upserted.
	if st := stored.Book; len(st.Pending.Events) != 0 || len(st.Written) == 0 || st.SA.Status != string(sales.StatusRemitted) ||
		st.SA.Step != string(sales.BC7Close) || !st.SA.Identity || st.Memo == nil {
		t.Errorf("stored state: pending %d events, %d hashes, search attributes %+v, memo %v",
			len(st.Pending.Events), len(st.Written), st.SA, st.Memo)
	}

	// Ten days later a return is requested: a new run takes it.
	h2 := h.reopened(delivered.Add(10 * sales.Day))
	h2.requestReturn(0, "req", ssg, "customer overstocked", 1, 1)
	h2.at(10*time.Minute, func() {
		if v := h2.query(); v.Status != sales.StatusBilled || v.ClosedAt != nil {
			t.Errorf("a return on a remitted order must reopen it: %s", v.Status)
		}
	})
	h2.decideReturn(sales.Day, "um", um, ReturnApprove)
	h2.receiveReturn(2*sales.Day, "got", 1, 1)
	if res := h2.run(); res.Status != sales.StatusRemitted {
		t.Fatalf("after the return: %+v", res)
	}
	if cn := h2.mustAccept("got").(ReturnResult).CreditNote; cn == nil || cn.Refund != sales.Yuan(100) {
		t.Errorf("credit note %+v", cn)
	}
	kinds := h.kinds()
	if !contains(kinds, "reopened") || strings.Count(strings.Join(kinds, " "), "remitted") != 2 {
		t.Errorf("events %v", kinds)
	}
	if s := h.w.resume(); s == nil || len(s.State.Returns) != 1 || s.State.Status != sales.StatusRemitted {
		t.Fatalf("stored after the return: %+v", s)
	}

	// The same request sent again (same update id) answers the same return
	// and opens none.
	h3 := h2.reopened(delivered.Add(15 * sales.Day))
	h3.requestReturn(0, "req", ssg, "customer overstocked", 1, 1)
	h3.run()
	if got := h3.mustAccept("req").(ReturnResult); got.Return.No != rt1 || len(h.w.resume().State.Returns) != 1 {
		t.Errorf("repeated request: %+v, returns %d", got.Return, len(h.w.resume().State.Returns))
	}

	// Another request is a second return.
	h4 := h3.reopened(delivered.Add(20 * sales.Day))
	h4.requestReturn(0, "req2", kam, "broken cases", 2, 1)
	h4.runFor(hour)
	if got := h4.mustAccept("req2").(ReturnResult); got.Return.No != "RT-2026-000001-2" || got.Status != sales.StatusBilled {
		t.Errorf("second return: %+v", got)
	}

	// After the window a request is refused (the API refuses it before
	// starting anything; a run started anyway refuses it too).
	h5 := h3.reopened(delivered.Add(31 * sales.Day))
	h5.requestReturn(0, "late", ssg, "too late", 1, 1)
	if res := h5.run(); res.Status != sales.StatusRemitted {
		t.Errorf("after the window: %+v", res)
	}
	if err := h5.mustRefuse("late"); !strings.Contains(err.Error(), "return window has closed") {
		t.Errorf("late return: %v", err)
	}
}

func TestReturnWindowCountsFromDelivery(t *testing.T) {
	h := newHarness(t)
	h.policy.ReturnWindow = sales.D(10 * sales.Day)
	h.shipAll(hour)
	h.requestReturn(11*sales.Day, "late", kam, "too late", 1, 1)
	h.runFor(12 * sales.Day)
	if err := h.mustRefuse("late"); !strings.Contains(err.Error(), "within the return window") {
		t.Errorf("late return: %v", err)
	}
}

func TestShortageAtDeliveryIsAReturnCreditedOnApproval(t *testing.T) {
	h := newHarness(t)
	h.at(hour, func() {
		h.update("ack", UpdateAcknowledge, AcknowledgeInput{Actor: logistics, PlannedDate: "2030-01-01"})
	})
	h.at(2*hour, func() {
		h.update("gi", UpdateGoodsIssue, GoodsIssueInput{Actor: logistics, Lines: lineQty(1, 10, 2, 20), Carrier: "EMS"})
	})
	h.at(3*hour, func() {
		h.update("pod", UpdateDeliver, DeliverInput{Actor: logistics, ShipmentNo: "SH-2026-000001-1", Shortages: lineQty(2, 2), Note: "two cases missing"})
	})
	h.at(4*hour, func() {
		v := h.query()
		if len(v.Returns) != 1 || v.Returns[0].Source != sales.ReturnByShortage || v.Returns[0].Value != sales.Yuan(100) {
			t.Errorf("returns after a short delivery %+v", v.Returns)
		}
		// The short units are not returnable again.
		h.update("dup", UpdateRequestReturn, ReturnRequestInput{Actor: kam, Lines: lineQty(2, 19), Reason: "x"})
	})
	h.decideReturn(sales.Day, "um", um, ReturnApprove)
	h.pay(2*sales.Day, "pay", "P", sales.Yuan(1900))
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	h.mustRefuse("dup")
	r := h.mustAccept("um").(ReturnResult)
	if r.Return.Status != sales.ReturnReceived || r.CreditNote == nil || r.CreditNote.Amount != sales.Yuan(100) || r.CreditNote.Allocations[0].InvoiceNo != iv1 {
		t.Errorf("shortage return after approval %+v %+v", r.Return, r.CreditNote)
	}
	var body string
	for _, n := range h.w.notifications() {
		if n.Kind == "delivery_problem" && n.RecipientID == "kam1" {
			body = n.Body
		}
	}
	if !strings.Contains(body, rt1) {
		t.Errorf("the KAM is not told of the shortage return: %q", body)
	}
}

// A run started for a return that continues as new carries the return, and
// the next run does not wait for another request.
func TestReopenedRunContinuesAsNewWithoutWaitingAgain(t *testing.T) {
	h := newHarness(t)
	h.shipAll(hour)
	h.pay(sales.Day, "pay", "P", sales.Yuan(2000))
	h.run()
	h2 := h.reopened(h.env.Now().Add(sales.Day))
	h2.input.ContinueAfter = 1
	h2.requestReturn(0, "req", ssg, "customer overstocked", 1, 1)
	h2.decideReturn(10*time.Minute, "um", um, ReturnApprove) // the first wake-up: it continues
	h2.runFor(hour)
	next := h2.continuedAsNew()
	if next.Reopen || next.State == nil || len(next.State.Returns) != 1 || next.State.Status != sales.StatusBilled {
		t.Errorf("continued as new with reopen=%v, state %+v", next.Reopen, next.State)
	}
}
