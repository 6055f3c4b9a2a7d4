package workflows

import (
	"strings"
	"testing"
	"time"

	"osb/sales"
)

const hour = time.Hour

func (h *harness) shipAll(at time.Duration) {
	h.at(at, func() {
		h.update("ack", UpdateAcknowledge, AcknowledgeInput{Actor: logistics, PlannedDate: "2030-01-01"})
	})
	h.at(at+hour, func() {
		h.update("gi", UpdateGoodsIssue, GoodsIssueInput{Actor: logistics, Lines: lineQty(1, 10, 2, 20), Carrier: "顺丰", Waybill: "SF1"})
	})
	h.at(at+2*hour, func() {
		h.update("pod", UpdateDeliver, DeliverInput{Actor: logistics, ShipmentNo: "SH-2026-000001-1"})
	})
}

// recordVAT has Finance record the VAT invoice of the first shipment at.
func (h *harness) recordVAT(at time.Duration) {
	h.at(at, func() {
		h.update("vat", UpdateRecordVAT, VATInvoiceInput{Actor: finance, InvoiceNo: "IV-2026-000001-1", VATNo: "04400123",
			VATDate: sales.DateOf(h.env.Now()).Format(time.DateOnly)})
	})
}

func (h *harness) pay(at time.Duration, label, ref string, amount sales.Fen) {
	h.at(at, func() {
		h.update(label, UpdateConfirmPay, ConfirmPaymentInput{Actor: finance, Reference: ref, Amount: amount, Currency: sales.CNY})
	})
}

func TestCleanOrderIsRemitted(t *testing.T) {
	h := newHarness(t)
	h.shipAll(hour)
	h.at(4*hour, func() {
		h.env.SignalWorkflow(SignalInvoiceAcked, InvoiceAckInput{Actor: ssg, InvoiceNo: "IV-2026-000001-1"})
	})
	h.recordVAT(5 * hour)
	h.pay(10*sales.Day, "pay", "BANK-1", sales.Yuan(2000))
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s, want remitted", res.Status)
	}
	gi := h.mustAccept("gi").(GoodsIssueResult)
	if gi.Amount != sales.Yuan(2000) || gi.Backorder != 0 {
		t.Errorf("goods issue %+v", gi)
	}
	snap := h.w.last()
	if snap.Status != sales.StatusRemitted || snap.Outstanding != 0 || snap.ClosedAt == nil || snap.Step != sales.BC7Close {
		t.Errorf("final snapshot %+v", snap)
	}
	if len(snap.Invoices) != 1 || !snap.Invoices[0].Acknowledged || snap.Invoices[0].PaidAt == nil {
		t.Errorf("invoice %+v", snap.Invoices)
	}
	steps := map[sales.Step]bool{}
	for _, e := range h.w.events() {
		steps[e.Step] = true
	}
	for _, s := range []sales.Step{sales.OP1Register, sales.OP2Validate, sales.OP3Quota, sales.OP4Credit, sales.OP6Confirm,
		sales.OP7Release, sales.SP1Plan, sales.SP2Recheck, sales.SP4GoodsIssue, sales.SP6Delivery, sales.SP7Close, sales.BC7Close} {
		if !steps[s] {
			t.Errorf("no audit event in step %s", s)
		}
	}
	if es := h.w.escalations(); len(es) != 0 {
		t.Errorf("clean order escalated: %+v", es)
	}
	var dispatch int
	for _, n := range h.w.notifications() {
		if n.Kind == "dispatch_instruction" && n.RecipientID == "dept:logistics" {
			dispatch++
		}
	}
	if dispatch != 1 {
		t.Errorf("dispatch instructions sent %d, want 1", dispatch)
	}
}

func TestInvalidOrderIsRejectedWithEveryReason(t *testing.T) {
	h := newHarness(t)
	h.input.Request.Lines = []sales.LineRequest{
		{SKU: "NOPE", Quantity: 1, UnitPrice: 100},
		{SKU: "SKU-A", Quantity: 1, UnitPrice: sales.Yuan(50)},
	}
	res := h.run()
	if res.Status != sales.StatusRejected {
		t.Fatalf("status %s", res.Status)
	}
	for _, want := range []string{"lines[0].sku", "lines[1].unit_price_fen"} {
		if !strings.Contains(res.Reason, want) {
			t.Errorf("reason %q lacks %s", res.Reason, want)
		}
	}
}

func overLimit(h *harness) {
	h.w.setCredit(sales.CreditPosition{Limit: sales.Yuan(1000), Exposure: sales.Yuan(5000)})
}

func TestCreditHoldApproved(t *testing.T) {
	h := newHarness(t)
	overLimit(h)
	h.at(hour, func() {
		if v := h.query(); v.Status != sales.StatusHeld || v.Step != sales.OP5Hold {
			t.Errorf("not held: %s %s", v.Status, v.Step)
		}
		h.update("nope", UpdateDecide, DecideInput{Actor: finance, Decision: DecisionApprove})
		h.w.setCredit(sales.CreditPosition{Limit: sales.Yuan(1_000_000)})
		h.update("ok", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionApprove, Reason: "good payer"})
		h.update("again", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionApprove})
	})
	h.shipAll(2 * hour)
	h.pay(5*sales.Day, "pay", "B1", sales.Yuan(2000))
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	if err := h.mustRefuse("nope"); !strings.Contains(err.Error(), "only an SLT member") {
		t.Errorf("finance decision refused with %v", err)
	}
	if err := h.mustRefuse("again"); !strings.Contains(err.Error(), "not held") {
		t.Errorf("second decision refused with %v", err)
	}
	// The approval answers with the order released to Logistics (code 3).
	if p := h.mustAccept("ok").(Progress); p.Status != sales.StatusReleased || p.Step != sales.SP1Plan {
		t.Errorf("the approval answered %s at %s, want released at SP1", p.Status, p.Step)
	}
}

func TestCreditHoldRejected(t *testing.T) {
	h := newHarness(t)
	overLimit(h)
	h.at(hour, func() {
		h.update("no", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionReject, Reason: "too risky"})
	})
	res := h.run()
	if res.Status != sales.StatusRejected || !strings.Contains(res.Reason, "too risky") {
		t.Fatalf("result %+v", res)
	}
	if h.w.last().Status != sales.StatusRejected {
		t.Error("store not told")
	}
}

func TestCreditHoldApprovedInPart(t *testing.T) {
	h := newHarness(t)
	overLimit(h)
	h.at(hour, func() {
		h.update("bad", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionApprovePart, Lines: lineQty(1, 11)})
		h.update("part", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionApprovePart, Lines: lineQty(1, 5, 2, 0)})
	})
	h.at(2*hour, func() {
		h.update("ack", UpdateAcknowledge, AcknowledgeInput{Actor: logistics, PlannedDate: "2030-01-01"})
	})
	h.at(3*hour, func() {
		h.update("gi", UpdateGoodsIssue, GoodsIssueInput{Actor: logistics, Lines: lineQty(1, 5), Carrier: "EMS"})
	})
	h.at(4*hour, func() { h.update("pod", UpdateDeliver, DeliverInput{Actor: logistics, ShipmentNo: "SH-2026-000001-1"}) })
	h.pay(5*hour, "pay", "P", sales.Yuan(500))
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	h.mustRefuse("bad")
	if got := h.w.last().Total; got != sales.Yuan(500) {
		t.Errorf("total after partial approval %s", got)
	}
}

func TestUnansweredHoldEscalatesThenIsRejected(t *testing.T) {
	h := newHarness(t)
	h.env.SetStartTime(plainMonday) // counted in working days: a week without holidays
	overLimit(h)
	res := h.run()
	if res.Status != sales.StatusRejected || !strings.Contains(res.Reason, "automatically") {
		t.Fatalf("result %+v", res)
	}
	// Upwards only: the SLT members over the market, then the GM, then the
	// automatic rejection; never the KAM, UM or MM.
	got := strings.Join(levelsOf(h.w.escalations(), sales.EscalateHold), ",")
	if got != "SLT,GM" {
		t.Errorf("hold escalations %s, want SLT,GM", got)
	}
	rec := map[sales.Level]string{}
	for _, e := range h.w.escalations() {
		rec[e.Level] = strings.Join(e.Recipients, ",")
	}
	if rec[sales.LevelSLT] != "dsd,sd" || rec[sales.LevelGM] != "dsd,sd,gm" {
		t.Errorf("hold recipients %v, want the SLT members, then the GM with them copied", rec)
	}
	// Two days for the decision, a day at each rung.
	if d := h.env.Now().Sub(h.w.last().CreatedAt); d < 4*sales.Day-time.Minute || d > 4*sales.Day+time.Hour {
		t.Errorf("rejected after %s, want after the decision time and two rungs (4 days)", d)
	}
	told := map[string][]string{}
	for _, n := range h.w.notifications() {
		told[n.Kind] = append(told[n.Kind], n.RecipientID)
	}
	if strings.Join(told["order_held"], ",") != "kam1" || strings.Join(told["decision_needed"], ",") != "dsd,sd" {
		t.Errorf("at the hold: order_held to %v, decision_needed to %v; want the KAM, and every SLT member of the market", told["order_held"], told["decision_needed"])
	}
}

func TestPartialShipmentsMakeTwoInvoices(t *testing.T) {
	h := newHarness(t)
	h.at(hour, func() {
		h.update("ack", UpdateAcknowledge, AcknowledgeInput{Actor: logistics, PlannedDate: "2030-01-01"})
	})
	h.at(2*hour, func() {
		h.update("over", UpdateGoodsIssue, GoodsIssueInput{Actor: logistics, Lines: lineQty(1, 11), Carrier: "EMS"})
		h.update("gi1", UpdateGoodsIssue, GoodsIssueInput{Actor: logistics, Lines: lineQty(1, 10, 2, 5), Carrier: "EMS"})
	})
	h.at(3*hour, func() {
		if v := h.query(); v.Backorder != 15 || v.Step != sales.SP3Pick || v.Status != sales.StatusShipping {
			t.Errorf("after first goods issue: backorder %d step %s status %s", v.Backorder, v.Step, v.Status)
		}
		h.update("cancel", UpdateCancel, CancelInput{Actor: ssg, Reason: "changed mind"})
	})
	h.at(2*sales.Day, func() {
		h.update("gi2", UpdateGoodsIssue, GoodsIssueInput{Actor: logistics, Lines: lineQty(2, 15), Carrier: "EMS"})
	})
	h.at(3*sales.Day, func() {
		h.update("pod1", UpdateDeliver, DeliverInput{Actor: logistics, ShipmentNo: "SH-2026-000001-1"})
		h.update("pod2", UpdateDeliver, DeliverInput{Actor: logistics, ShipmentNo: "SH-2026-000001-2", Shortages: lineQty(2, 1), Note: "one case short"})
	})
	// The shortage is a return: approved, the missing case is credited on the second invoice.
	h.at(4*sales.Day, func() {
		h.update("short", UpdateDecideReturn, ReturnDecisionInput{Actor: um, ReturnNo: "RT-2026-000001-1", Decision: ReturnApprove})
	})
	h.pay(20*sales.Day, "pay1", "R1", sales.Yuan(1250))
	h.pay(21*sales.Day, "pay2", "R2", sales.Yuan(700))
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	h.mustRefuse("over")
	if err := h.mustRefuse("cancel"); !strings.Contains(err.Error(), "goods were issued") {
		t.Errorf("cancel after goods issue: %v", err)
	}
	gi1, gi2 := h.mustAccept("gi1").(GoodsIssueResult), h.mustAccept("gi2").(GoodsIssueResult)
	if gi1.InvoiceNo == gi2.InvoiceNo || gi1.Amount != sales.Yuan(1250) || gi2.Amount != sales.Yuan(750) {
		t.Errorf("invoices %+v %+v", gi1, gi2)
	}
	if gi2.DueAt.Sub(gi1.DueAt) < sales.Day {
		t.Errorf("each invoice has its own due date: %s %s", gi1.DueAt, gi2.DueAt)
	}
	h.mustAccept("pod1")
	h.mustAccept("pod2")
	if !contains(kindsOfNotifications(h.w.notifications()), "delivery_problem") {
		t.Error("shortage not reported")
	}
	short := h.mustAccept("short").(ReturnResult)
	if cn := short.CreditNote; cn == nil || cn.Amount != sales.Yuan(50) || cn.Allocations[0].InvoiceNo != gi2.InvoiceNo || cn.Refund != 0 {
		t.Errorf("shortage credit note %+v", short.CreditNote)
	}
}

func kindsOfNotifications(ns []sales.Notification) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Kind)
	}
	return out
}

func TestPartialDuplicateAndOverPayment(t *testing.T) {
	h := newHarness(t)
	h.shipAll(hour)
	h.pay(5*sales.Day, "part", "R1", sales.Yuan(500))
	h.pay(6*sales.Day, "dup", "R1", sales.Yuan(500))
	h.pay(6*sales.Day+hour, "clash", "R1", sales.Yuan(600))
	h.at(7*sales.Day, func() {
		h.update("cur", UpdateConfirmPay, ConfirmPaymentInput{Actor: finance, Reference: "R9", Amount: 1, Currency: "USD"})
		h.update("role", UpdateConfirmPay, ConfirmPaymentInput{Actor: logistics, Reference: "R9", Amount: 1, Currency: sales.CNY})
	})
	h.pay(8*sales.Day, "over", "R2", sales.Yuan(1600))
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	if r := h.mustAccept("part").(ConfirmPaymentResult); r.Outstanding != sales.Yuan(1500) || r.Duplicate {
		t.Errorf("partial: %+v", r)
	}
	if r := h.mustAccept("dup").(ConfirmPaymentResult); !r.Duplicate || r.Outstanding != sales.Yuan(1500) {
		t.Errorf("duplicate counted: %+v", r)
	}
	h.mustRefuse("clash")
	h.mustRefuse("cur")
	if err := h.mustRefuse("role"); !strings.Contains(err.Error(), "only Finance") {
		t.Errorf("logistics confirming payment: %v", err)
	}
	if r := h.mustAccept("over").(ConfirmPaymentResult); r.Receipt.Excess != sales.Yuan(100) {
		t.Errorf("overpayment: %+v", r)
	}
	cr := h.w.credits()
	if len(cr) != 1 || cr[0].Amount != sales.Yuan(100) || cr[0].CustomerID != "C001" {
		t.Errorf("customer credit %+v", cr)
	}
	if n := len(h.w.last().Receipts); n != 2 {
		t.Errorf("receipts %d, want 2", n)
	}
}

func TestDunningLadderReachesGMAndFreezes(t *testing.T) {
	h := newHarness(t)
	h.shipAll(hour)
	h.pay(70*sales.Day, "late", "LATE", sales.Yuan(2000))
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	if got := strings.Join(levelsOf(h.w.escalations(), sales.EscalateDunning), ","); got != "UM,MM,SLT,GM" {
		t.Errorf("dunning levels %s", got)
	}
	rec := map[sales.Level][]string{}
	for _, e := range h.w.escalations() {
		rec[e.Level] = e.Recipients
	}
	// The first rung is the collection follow-up of the market's SSG member
	// for settlement, copied to the KAM; the rest climbs as before.
	if strings.Join(rec[sales.LevelUM], ",") != "kam1,ssg-lead" || strings.Join(rec[sales.LevelMM], ",") != "kam1,mm1" ||
		strings.Join(rec[sales.LevelGM], ",") != "kam1,gm" {
		t.Errorf("recipients %v", rec)
	}
	var reminded []string
	for _, n := range h.w.notifications() {
		if n.Kind == string(sales.EscalateRemind) {
			reminded = append(reminded, n.RecipientID)
		}
	}
	if strings.Join(reminded, ",") != "kam1,ssg-lead" {
		t.Errorf("reminder before due to %v, want the KAM and the SSG member for settlement", reminded)
	}
	if f := h.w.freezes(); len(f) != 1 || f[0].CustomerID != "C001" {
		t.Errorf("freezes %+v", f)
	}
	if !contains(kindsOfNotifications(h.w.notifications()), string(sales.EscalateRemind)) {
		t.Error("no reminder before due")
	}
	seen := map[string]bool{}
	for _, n := range h.w.notifications() {
		if seen[n.Key] {
			t.Errorf("notification %s twice", n.Key)
		}
		seen[n.Key] = true
	}
}

func TestStuckDispatchEscalates(t *testing.T) {
	h := newHarness(t)
	h.env.SetStartTime(plainMonday) // counted in working days: a week without holidays
	h.runFor(4 * sales.Day)
	got := strings.Join(levelsOf(h.w.escalations(), sales.EscalateStep), ",")
	if !strings.HasPrefix(got, "KAM,UM,MM") {
		t.Errorf("SP1 escalations %s", got)
	}
	for _, e := range h.w.escalations() {
		if !strings.Contains(e.Subject, "SP1") {
			t.Errorf("escalation about %q", e.Subject)
		}
	}
	if snap := h.w.last(); snap.Level < sales.LevelMM || snap.Step != sales.SP1Plan {
		t.Errorf("snapshot level %d step %s", snap.Level, snap.Step)
	}
}

func TestCancelBeforeGoodsIssue(t *testing.T) {
	h := newHarness(t)
	h.at(hour, func() {
		h.update("ack", UpdateAcknowledge, AcknowledgeInput{Actor: logistics, PlannedDate: "2030-01-01"})
	})
	h.at(2*hour, func() {
		h.update("role", UpdateCancel, CancelInput{Actor: logistics, Reason: "x"})
		h.update("cancel", UpdateCancel, CancelInput{Actor: ssg, Reason: "customer withdrew"})
	})
	res := h.run()
	if res.Status != sales.StatusCancelled {
		t.Fatalf("status %s", res.Status)
	}
	h.mustRefuse("role")
	if !contains(kindsOfNotifications(h.w.notifications()), "dispatch_cancelled") {
		t.Error("logistics not told")
	}
}

func TestDueDateExtensionMovesTheTimer(t *testing.T) {
	h := newHarness(t)
	h.shipAll(hour)
	// Due on day 30; the SLT moves it to day 60 on day 20.
	h.at(20*sales.Day, func() {
		v := h.query()
		due := v.Invoices[0].DueAt.AddDate(0, 0, 30).Format(time.DateOnly)
		h.update("fin", UpdateExtendDue, ExtendDueInput{Actor: finance, InvoiceNo: v.Invoices[0].No, DueDate: due})
		h.update("ext", UpdateExtendDue, ExtendDueInput{Actor: slt, InvoiceNo: v.Invoices[0].No, DueDate: due, Reason: "promotion"})
	})
	h.pay(62*sales.Day, "pay", "P", sales.Yuan(2000))
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	h.mustRefuse("fin")
	h.mustAccept("ext")
	// Paid two days after the new due date: only the first rung (UM, +1 day).
	if got := strings.Join(levelsOf(h.w.escalations(), sales.EscalateDunning), ","); got != "UM" {
		t.Errorf("dunning after extension %s", got)
	}
}

func TestRecheckHoldsWhenCustomerFrozenMeanwhile(t *testing.T) {
	h := newHarness(t)
	h.at(hour, func() {
		h.w.setCredit(sales.CreditPosition{Limit: sales.Yuan(1_000_000), Frozen: true, Reason: "GM dunning"})
		h.update("ack", UpdateAcknowledge, AcknowledgeInput{Actor: logistics, PlannedDate: "2030-01-01"})
	})
	h.at(2*hour, func() {
		if v := h.query(); v.Step != sales.SP2Recheck || v.Hold == nil {
			t.Errorf("not held at SP2: %s", v.Step)
		}
		h.update("gi", UpdateGoodsIssue, GoodsIssueInput{Actor: logistics, Lines: lineQty(1, 10), Carrier: "EMS"})
		h.update("no", UpdateDecide, DecideInput{Actor: slt, Decision: DecisionReject, Reason: "frozen"})
	})
	res := h.run()
	if res.Status != sales.StatusRejected {
		t.Fatalf("status %s", res.Status)
	}
	h.mustRefuse("gi")
}

func TestContinueAsNewCarriesTheOrder(t *testing.T) {
	h := newHarness(t)
	h.input.ContinueAfter = 1 // continues at the first wake-up after the start: the acknowledgement
	h.at(hour, func() {
		h.update("ack", UpdateAcknowledge, AcknowledgeInput{Actor: logistics, PlannedDate: "2030-01-01"})
	})
	h.runFor(3 * hour)
	next := h.continuedAsNew()
	s := next.State
	if s == nil || s.AcknowledgedAt == nil || !s.Rechecked || s.Status != sales.StatusReleased || s.Seq == 0 {
		t.Fatalf("state not carried over: %+v", s)
	}

	// The next run goes on from there: no second acknowledgement is needed.
	h2 := newHarness(t)
	h2.input = next
	h2.input.ContinueAfter = 0
	h2.at(hour, func() {
		h2.update("gi", UpdateGoodsIssue, GoodsIssueInput{Actor: logistics, Lines: lineQty(1, 10, 2, 20), Carrier: "EMS"})
	})
	h2.at(2*hour, func() {
		h2.update("pod", UpdateDeliver, DeliverInput{Actor: logistics, ShipmentNo: "SH-2026-000001-1"})
	})
	h2.pay(3*hour, "pay", "CAN-1", sales.Yuan(2000))
	if res := h2.run(); res.Status != sales.StatusRemitted {
		t.Fatalf("after continue-as-new: %s", res.Status)
	}
	if ev := h2.w.events(); len(ev) == 0 || ev[0].Seq <= s.Seq {
		t.Errorf("audit sequence restarted after continue-as-new: %+v", ev)
	}
}

// An action sent again after continue-as-new answers as it did the first
// time: a retried goods issue never creates a second shipment and invoice.
func TestAnUpdateSentAgainAfterContinueAsNewIsNotDoneTwice(t *testing.T) {
	h := newHarness(t)
	h.input.ContinueAfter = 2 // continues at the wake-up after the goods issue
	h.at(hour, func() {
		h.update("ack", UpdateAcknowledge, AcknowledgeInput{Actor: logistics, PlannedDate: "2030-01-01"})
	})
	h.at(2*hour, func() {
		h.update("gi-1", UpdateGoodsIssue, GoodsIssueInput{Actor: logistics, Lines: lineQty(1, 5), Carrier: "EMS"})
	})
	h.runFor(5 * hour)
	first := h.mustAccept("gi-1").(GoodsIssueResult)
	next := h.continuedAsNew()
	if len(next.State.Shipments) != 1 || next.Book == nil || len(next.Book.Answers) != 2 {
		t.Fatalf("carried over: %d shipments, bookkeeping %+v", len(next.State.Shipments), next.Book)
	}

	h2 := newHarness(t)
	h2.input = next
	h2.input.ContinueAfter = 0
	h2.at(hour, func() { // the client did not see the answer and sends it again
		h2.update("gi-1", UpdateGoodsIssue, GoodsIssueInput{Actor: logistics, Lines: lineQty(1, 5), Carrier: "EMS"})
	})
	h2.at(2*hour, func() { // and a new one ships the rest
		h2.update("gi-2", UpdateGoodsIssue, GoodsIssueInput{Actor: logistics, Lines: lineQty(1, 5, 2, 20), Carrier: "EMS"})
	})
	h2.runFor(3 * hour)
	again := h2.mustAccept("gi-1").(GoodsIssueResult)
	if !again.DueAt.Equal(first.DueAt) {
		t.Errorf("sent again it is due %v, first %v", again.DueAt, first.DueAt)
	}
	again.DueAt = first.DueAt
	if again != first {
		t.Errorf("sent again it answered %+v, first %+v", again, first)
	}
	second := h2.mustAccept("gi-2").(GoodsIssueResult)
	v := h2.query()
	if len(v.Shipments) != 2 || len(v.Invoices) != 2 || second.ShipmentNo != "SH-2026-000001-2" || v.Backorder != 0 {
		t.Errorf("%d shipments, %d invoices, second %s, backorder %d; want 2, 2, SH-2026-000001-2, 0",
			len(v.Shipments), len(v.Invoices), second.ShipmentNo, v.Backorder)
	}
}

// The re-check at SP2 is the same check as OP4: the customer's exposure with
// what this order still adds, not without it.
func TestRecheckCountsTheOrderItself(t *testing.T) {
	h := newHarness(t)
	h.at(hour, func() {
		h.update("ack", UpdateAcknowledge, AcknowledgeInput{Actor: logistics, PlannedDate: "2030-01-01"})
	})
	h.runFor(2 * hour)
	if len(h.w.creditIns) != 2 {
		t.Fatalf("%d credit checks, want OP4 and SP2", len(h.w.creditIns))
	}
	total := sales.Yuan(2000)
	if op4, sp2 := h.w.creditIns[0].Amount, h.w.creditIns[1].Amount; op4 != total || sp2 != total {
		t.Errorf("OP4 asked with %s, SP2 with %s; want the order's %s both times", op4, sp2, total)
	}
}
