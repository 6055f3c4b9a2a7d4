package workflows

import (
	"strings"
	"testing"

	"osb/sales"
)

// quotaOrder makes SKU-Q quota-controlled and orders 10 of it (line 1,
// ¥80 each) beside 20 of SKU-B (line 2); the customer has left units left.
func quotaOrder(h *harness, left int64) {
	h.w.skus["SKU-Q"] = sales.SKU{Code: "SKU-Q", Name: "Q", ListPrice: sales.Yuan(80), Currency: sales.CNY, Active: true, Quota: true}
	h.w.setQuota("SKU-Q", 100, 100-left)
	h.input.Request.Lines = []sales.LineRequest{
		{SKU: "SKU-Q", Quantity: 10, UnitPrice: sales.Yuan(80)},
		{SKU: "SKU-B", Quantity: 20, UnitPrice: sales.Yuan(50)},
	}
}

func movesOf(ms []sales.QuotaMove) []string {
	var out []string
	for _, m := range ms {
		out = append(out, strings.TrimPrefix(m.Key, "SO-2026-000001/")+"="+sales.Fen(m.Quantity*100).String())
	}
	return out
}

func TestOrderWithinQuotaConsumesAtConfirm(t *testing.T) {
	h := newHarness(t)
	quotaOrder(h, 10)
	h.at(hour, func() {
		h.update("cancel", UpdateCancel, CancelInput{Actor: ssg, Reason: "customer withdrew"})
	})
	res := h.run()
	if res.Status != sales.StatusCancelled {
		t.Fatalf("status %s", res.Status)
	}
	got := strings.Join(movesOf(h.w.quotaMoves()), " ")
	if got != "1/confirm=10.00 1/cancel=-10.00" {
		t.Errorf("quota moves %q, want 10 consumed at OP6 and given back on cancel", got)
	}
	for _, m := range h.w.quotaMoves() {
		if m.Period != sales.PeriodOf(h.w.last().CreatedAt) || m.SKU != "SKU-Q" || m.CustomerID != "C001" {
			t.Errorf("move %+v", m)
		}
	}
	if contains(h.kinds(), "held") {
		t.Error("an order within quota was held")
	}
}

func TestQuotaHoldAllowedBySLT(t *testing.T) {
	h := newHarness(t)
	quotaOrder(h, 4)
	h.at(hour, func() {
		v := h.query()
		if v.Status != sales.StatusHeld || v.Step != sales.OP3Quota || v.Hold.Kind != HoldQuota {
			t.Errorf("not held for quota: %s %s %+v", v.Status, v.Step, v.Hold)
		}
		if !strings.Contains(v.Hold.Reason, "line 1 SKU-Q asks 10, 4 left") || !strings.Contains(v.NextAction, "within quota") {
			t.Errorf("hold reason %q, next action %q", v.Hold.Reason, v.NextAction)
		}
		h.update("fin", UpdateDecide, DecideInput{Actor: finance, Decision: DecisionAllow})
		h.update("bad", UpdateDecide, DecideInput{Actor: slt, Decision: "maybe"})
		h.update("allow", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionAllow, Reason: "launch promotion"})
	})
	h.shipAll(2 * hour)
	h.pay(5*sales.Day, "pay", "P", sales.Yuan(1800))
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	h.mustRefuse("fin")
	if err := h.mustRefuse("bad"); !strings.Contains(err.Error(), "allow, within_quota") {
		t.Errorf("bad decision refused with %v", err)
	}
	h.mustAccept("allow")
	if got := strings.Join(movesOf(h.w.quotaMoves()), " "); got != "1/confirm=10.00" {
		t.Errorf("quota moves %q: allowed over quota, the whole line is consumed", got)
	}
	if got := strings.Join(levelsOf(h.w.escalations(), sales.EscalateHold), ","); got != "" {
		t.Errorf("a hold decided in an hour escalated: %s", got)
	}
}

func TestQuotaHoldConfirmsThePartWithinQuota(t *testing.T) {
	h := newHarness(t)
	quotaOrder(h, 4)
	h.at(hour, func() {
		h.update("part", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionWithinQuota})
	})
	h.at(2*hour, func() {
		v := h.query()
		if v.Status != sales.StatusReleased || v.Lines[0].Quantity != 4 || v.Lines[1].Quantity != 20 {
			t.Errorf("after within_quota: %s lines %+v", v.Status, v.Lines)
		}
		h.update("cancel", UpdateCancel, CancelInput{Actor: ssg, Reason: "not worth it"})
	})
	res := h.run()
	if res.Status != sales.StatusCancelled {
		t.Fatalf("status %s", res.Status)
	}
	if got := strings.Join(movesOf(h.w.quotaMoves()), " "); got != "1/confirm=4.00 1/cancel=-4.00" {
		t.Errorf("quota moves %q", got)
	}
	if v := h.mustAccept("part").(Progress); v.Total != sales.Yuan(4*80+20*50) {
		t.Errorf("total after within_quota %s", v.Total)
	}
}

func TestQuotaDecisionIsFollowedByTheCreditCheck(t *testing.T) {
	h := newHarness(t)
	quotaOrder(h, 0)
	h.input.Request.Lines = h.input.Request.Lines[:1]
	h.at(hour, func() {
		h.update("none", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionWithinQuota})
		overLimit(h)
		h.update("allow", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionAllow})
	})
	h.at(2*hour, func() {
		v := h.query()
		if v.Hold == nil || v.Hold.Kind != HoldCredit || v.Step != sales.OP5Hold {
			t.Errorf("after the quota decision, want a credit hold at OP5: %s %+v", v.Step, v.Hold)
		}
		h.update("quota-kind", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionAllow})
		h.update("no", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionReject, Reason: "credit"})
	})
	res := h.run()
	if res.Status != sales.StatusRejected {
		t.Fatalf("status %s", res.Status)
	}
	if err := h.mustRefuse("none"); !strings.Contains(err.Error(), "nothing is within quota") {
		t.Errorf("within_quota with nothing left: %v", err)
	}
	if err := h.mustRefuse("quota-kind"); !strings.Contains(err.Error(), "held for credit") {
		t.Errorf("allow on a credit hold: %v", err)
	}
	if ms := h.w.quotaMoves(); len(ms) != 0 {
		t.Errorf("an order rejected before OP6 moved quota: %+v", ms)
	}
}

func TestUnansweredQuotaHoldEscalatesThenIsRejected(t *testing.T) {
	h := newHarness(t)
	quotaOrder(h, 0)
	res := h.run()
	if res.Status != sales.StatusRejected || !strings.Contains(res.Reason, "automatically") {
		t.Fatalf("result %+v", res)
	}
	if got := strings.Join(levelsOf(h.w.escalations(), sales.EscalateHold), ","); got != "SLT,GM" {
		t.Errorf("quota hold escalations %s, want SLT,GM", got)
	}
	for _, e := range h.w.escalations() {
		if !strings.Contains(e.Subject, "over quota") {
			t.Errorf("escalation subject %q", e.Subject)
		}
	}
}

func TestRecheckPartialApprovalGivesQuotaBack(t *testing.T) {
	h := newHarness(t)
	quotaOrder(h, 50)
	h.at(hour, func() {
		h.w.setCredit(sales.CreditPosition{Limit: sales.Yuan(1_000_000), Frozen: true, Reason: "GM dunning"})
		h.update("ack", UpdateAcknowledge, AcknowledgeInput{Actor: logistics, PlannedDate: "2030-01-01"})
	})
	h.at(2*hour, func() {
		h.update("part", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionApprovePart, Lines: lineQty(1, 3, 2, 0)})
	})
	h.at(3*hour, func() { h.update("cancel", UpdateCancel, CancelInput{Actor: ssg, Reason: "x"}) })
	res := h.run()
	if res.Status != sales.StatusCancelled {
		t.Fatalf("status %s", res.Status)
	}
	got := strings.Join(movesOf(h.w.quotaMoves()), " ")
	if got != "1/confirm=10.00 1/approve_part=-7.00 1/cancel=-3.00" {
		t.Errorf("quota moves %q", got)
	}
}

func popOrder(h *harness, items ...sales.POPRequest) {
	h.input.Request.POP = items
}

func TestPOPShipsWithTheGoodsAndIsNotInvoiced(t *testing.T) {
	h := newHarness(t)
	popOrder(h, sales.POPRequest{Item: "POSTER", Quantity: 20}, sales.POPRequest{Item: "SHELF", Quantity: 10})
	h.shipAll(hour)
	h.pay(5*sales.Day, "pay", "P", sales.Yuan(2000))
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	gi := h.mustAccept("gi").(GoodsIssueResult)
	if gi.Amount != sales.Yuan(2000) {
		t.Errorf("invoice %s: POP material must not be billed", gi.Amount)
	}
	snap := h.w.last()
	if sh := snap.Shipments[0]; len(sh.POP) != 2 || sh.POP[0].Item != "POSTER" || sh.POP[0].Quantity != 20 {
		t.Errorf("shipment POP %+v", sh.POP)
	}
	if len(h.w.reservations) != 1 || h.w.reservations[0].Month != sales.PeriodOf(snap.CreatedAt) {
		t.Errorf("reservations %+v", h.w.reservations)
	}
	if h.w.popLeft != sales.Yuan(1000-120) {
		t.Errorf("budget left %s", h.w.popLeft)
	}
	var dispatch string
	for _, n := range h.w.notifications() {
		if n.Kind == "dispatch_instruction" {
			dispatch = n.Body
		}
	}
	if !strings.Contains(dispatch, "POSTER×20") {
		t.Errorf("dispatch instruction %q does not name the POP material", dispatch)
	}
	for _, k := range []string{"pop_reserved", "pop_shipped"} {
		if !contains(h.kinds(), k) {
			t.Errorf("no %s event", k)
		}
	}
}

func TestPOPOverBudgetIsRefusedAndTheOrderGoesOn(t *testing.T) {
	h := newHarness(t)
	h.w.popLeft = sales.Yuan(50)
	popOrder(h, sales.POPRequest{Item: "POSTER", Quantity: 20})
	h.shipAll(hour)
	h.runFor(sales.Day)
	v := h.query()
	if v.Status != sales.StatusBilled || v.POPState == nil || v.POPState.Status != POPRefused {
		t.Fatalf("status %s, POP %+v", v.Status, v.POPState)
	}
	if !strings.Contains(v.POPState.Reason, "over the 华东 POP budget") {
		t.Errorf("reason %q", v.POPState.Reason)
	}
	if len(v.Shipments[0].POP) != 0 {
		t.Errorf("refused POP material shipped: %+v", v.Shipments[0].POP)
	}
	var told []string
	for _, n := range h.w.notifications() {
		if n.Kind == "pop_refused" {
			told = append(told, n.RecipientID)
		}
	}
	if strings.Join(told, ",") != "kam1,dept:ssg" {
		t.Errorf("pop_refused told %v", told)
	}
}

func TestUnknownPOPItemRejectsTheOrder(t *testing.T) {
	h := newHarness(t)
	popOrder(h, sales.POPRequest{Item: "BALLOON", Quantity: 1})
	res := h.run()
	if res.Status != sales.StatusRejected || !strings.Contains(res.Reason, `pop[0].item: unknown POP item "BALLOON"`) {
		t.Fatalf("result %+v", res)
	}
}

func TestCancelReleasesThePOPBudget(t *testing.T) {
	h := newHarness(t)
	popOrder(h, sales.POPRequest{Item: "POSTER", Quantity: 2})
	h.at(hour, func() { h.update("cancel", UpdateCancel, CancelInput{Actor: ssg, Reason: "x"}) })
	res := h.run()
	if res.Status != sales.StatusCancelled {
		t.Fatalf("status %s", res.Status)
	}
	u := h.w.popUsage()
	if len(u) != 1 || u[0].Key != "SO-2026-000001/pop/POSTER/release" || u[0].Quantity != -2 || u[0].Cost != -sales.Yuan(10) {
		t.Errorf("released usage %+v", u)
	}
}

// From code version 2, OP3 consumes an order within quota in the same step
// as the check: the units are the order's before the credit check, a partial
// approval gives back what the lines no longer need, and OP6 takes nothing
// more.
func TestOrderWithinQuotaHoldsItsUnitsFromTheCheck(t *testing.T) {
	h := newHarness(t)
	quotaOrder(h, 10)
	overLimit(h)
	h.at(hour, func() {
		if v := h.query(); v.Hold == nil || v.Hold.Kind != HoldCredit || v.Quota[0].Consumed != 10 {
			t.Errorf("held for credit, want the quota line to hold its 10 units: %+v %+v", v.Hold, v.Quota)
		}
		h.update("part", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionApprovePart, Lines: lineQty(1, 6, 2, 20)})
	})
	h.at(2*hour, func() {
		h.update("cancel", UpdateCancel, CancelInput{Actor: ssg, Reason: "customer withdrew"})
	})
	if res := h.run(); res.Status != sales.StatusCancelled {
		t.Fatalf("status %s", res.Status)
	}
	if len(h.w.taken) != 1 || h.w.taken[0].Quantity != 10 {
		t.Errorf("consumed at OP3: %+v", h.w.taken)
	}
	got := strings.Join(movesOf(h.w.quotaMoves()), " ")
	if got != "1/confirm=10.00 1/approve_part=-4.00 1/cancel=-6.00" {
		t.Errorf("quota moves %q: 10 taken at OP3, 4 back at the partial approval, 6 on cancel", got)
	}
}

// Two lines of one SKU that fit each alone but not together wait for the
// SLT, and nothing is consumed.
func TestLinesOfOneSKUTogetherOverQuotaAreHeld(t *testing.T) {
	h := newHarness(t)
	quotaOrder(h, 15)
	h.input.Request.Lines = []sales.LineRequest{
		{SKU: "SKU-Q", Quantity: 10, UnitPrice: sales.Yuan(80)},
		{SKU: "SKU-Q", Quantity: 10, UnitPrice: sales.Yuan(80)},
	}
	h.at(hour, func() {
		if v := h.query(); v.Hold == nil || v.Hold.Kind != HoldQuota || !strings.Contains(v.Hold.Reason, "together") {
			t.Errorf("want a quota hold for the lines together: %+v", v.Hold)
		}
		h.update("no", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionReject, Reason: "quota"})
	})
	if res := h.run(); res.Status != sales.StatusRejected {
		t.Fatalf("status %s", res.Status)
	}
	if ms := h.w.quotaMoves(); len(ms) != 0 {
		t.Errorf("quota moved: %+v", ms)
	}
}

// The SLT's within_quota takes what is left when the SLT decides, in one
// step: another order that took units since OP3 is counted, and with nothing
// left the decision is refused and the order stays held.
func TestWithinQuotaTakesWhatIsLeftWhenTheSLTDecides(t *testing.T) {
	h := newHarness(t)
	quotaOrder(h, 6)
	h.at(hour, func() {
		h.w.setQuota("SKU-Q", 100, 98) // another order took 4 meanwhile: 2 left
		h.update("part", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionWithinQuota})
	})
	h.at(2*hour, func() {
		if v := h.query(); v.Status != sales.StatusReleased || v.Lines[0].Quantity != 2 || v.Quota[0].Consumed != 2 {
			t.Errorf("after within_quota: %s lines %+v quota %+v", v.Status, v.Lines, v.Quota)
		}
		h.update("cancel", UpdateCancel, CancelInput{Actor: ssg, Reason: "not worth it"})
	})
	if res := h.run(); res.Status != sales.StatusCancelled {
		t.Fatalf("status %s", res.Status)
	}
	if got := strings.Join(movesOf(h.w.quotaMoves()), " "); got != "1/confirm=2.00 1/cancel=-2.00" {
		t.Errorf("quota moves %q: the 2 left taken at the decision, given back on cancel", got)
	}

	h = newHarness(t)
	quotaOrder(h, 6)
	h.at(hour, func() {
		h.w.setQuota("SKU-Q", 100, 100) // nothing left any more
		h.update("part", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionWithinQuota})
	})
	h.at(2*hour, func() {
		if v := h.query(); v.Status != sales.StatusHeld || v.Hold == nil || v.Hold.Kind != HoldQuota {
			t.Errorf("a refused within_quota must leave the order held: %s %+v", v.Status, v.Hold)
		}
		h.update("no", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionReject, Reason: "no quota"})
	})
	if res := h.run(); res.Status != sales.StatusRejected {
		t.Fatalf("status %s", res.Status)
	}
	if err := h.mustRefuse("part"); !strings.Contains(err.Error(), "left within quota any more") {
		t.Errorf("within_quota with nothing left: %v", err)
	}
	if ms := h.w.quotaMoves(); len(ms) != 0 {
		t.Errorf("quota moved: %+v", ms)
	}
}
