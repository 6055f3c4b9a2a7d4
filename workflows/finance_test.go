package workflows

import (
	"slices"
	"strings"
	"testing"
	"time"

	"osb/sales"
)

const firstInvoice = "IV-2026-000001-1"

func (h *harness) dispute(at time.Duration) {
	h.at(at, func() {
		h.update("dispute", UpdateDispute, DisputeInput{Actor: ssg, InvoiceNo: firstInvoice, Reason: "price of SKU-A is 95, not 100"})
	})
}

func escalatedAfter(es []sales.Escalation, kind sales.EscalationKind, at time.Time) (before, after int) {
	for _, e := range es {
		if e.Kind != kind {
			continue
		}
		if e.At.Before(at) {
			before++
		} else {
			after++
		}
	}
	return before, after
}

// While a dispute is open the invoice is neither reminded nor dunned, and
// the customer is not frozen for it; withdrawn, the ladder resumes.
func TestDisputePausesDunningUntilWithdrawn(t *testing.T) {
	h := newHarness(t)
	h.shipAll(hour)
	h.recordVAT(5 * hour)
	h.dispute(2 * sales.Day)
	h.at(40*sales.Day, func() {
		h.update("withdraw", UpdateWithdrawDispute, WithdrawDisputeInput{Actor: kam, InvoiceNo: firstInvoice, Reason: "customer agrees"})
		h.update("again", UpdateWithdrawDispute, WithdrawDisputeInput{Actor: kam, InvoiceNo: firstInvoice})
		h.update("logistics", UpdateWithdrawDispute, WithdrawDisputeInput{Actor: logistics, InvoiceNo: firstInvoice})
	})
	h.pay(41*sales.Day, "pay", "LATE", sales.Yuan(2000))
	start := h.env.Now()
	if res := h.run(); res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	h.mustAccept("withdraw")
	if err := h.mustRefuse("again"); !strings.Contains(err.Error(), "not disputed") {
		t.Errorf("withdrawing twice: %v", err)
	}
	h.mustRefuse("logistics")
	resumed := start.Add(40 * sales.Day)
	before, after := escalatedAfter(h.w.escalations(), sales.EscalateDunning, resumed)
	// Withdrawn 10 days after the due date: the rungs of +1 (UM) and +7
	// days (MM) follow at once; paid the day after, nothing more.
	if before != 0 || after != 2 {
		t.Errorf("dunning rungs: %d while disputed, %d after the withdrawal; want 0 and 2", before, after)
	}
	for _, f := range h.w.freezes() {
		if f.At.Before(resumed) {
			t.Errorf("frozen while the invoice was disputed: %+v", f)
		}
	}
	if slices.ContainsFunc(h.w.events(), func(e sales.Event) bool { return e.Kind == "reminder_sent" && e.At.Before(resumed) }) {
		t.Errorf("reminded while disputed: %v", h.kinds())
	}
}

// A dispute about price ends in a credit note for the difference: asked by
// the FSF, decided by the UM (below the return limit), credited to the
// disputed invoice with its VAT, and the dispute closes.
func TestDisputeEndsInAPriceCreditNote(t *testing.T) {
	h := newHarness(t)
	h.shipAll(hour)
	h.recordVAT(5 * hour)
	h.dispute(2 * sales.Day)
	h.at(3*sales.Day, func() {
		h.update("too-much", UpdateRequestCredit, CreditNoteRequestInput{Actor: kam, InvoiceNo: firstInvoice, Kind: sales.ReturnByPrice,
			Amount: sales.Yuan(2001), Reason: "price"})
		h.update("no-kind", UpdateRequestCredit, CreditNoteRequestInput{Actor: kam, InvoiceNo: firstInvoice, Kind: "goodwill",
			Amount: sales.Yuan(1), Reason: "price"})
		h.update("finance", UpdateRequestCredit, CreditNoteRequestInput{Actor: finance, InvoiceNo: firstInvoice, Kind: sales.ReturnByPrice,
			Amount: sales.Yuan(1), Reason: "price"})
		h.update("ask", UpdateRequestCredit, CreditNoteRequestInput{Actor: kam, InvoiceNo: firstInvoice, Kind: sales.ReturnByPrice,
			Amount: sales.Yuan(50), Reason: "SKU-A was agreed at 95"})
	})
	h.at(3*sales.Day+hour, func() {
		h.update("twice", UpdateRequestCredit, CreditNoteRequestInput{Actor: kam, InvoiceNo: firstInvoice, Kind: sales.ReturnByPrice,
			Amount: sales.Yuan(50), Reason: "again"})
		h.update("self", UpdateDecideReturn, ReturnDecisionInput{Actor: kam, ReturnNo: "RT-2026-000001-1", Decision: ReturnApprove})
		h.update("approve", UpdateDecideReturn, ReturnDecisionInput{Actor: um, ReturnNo: "RT-2026-000001-1", Decision: ReturnApprove})
	})
	h.pay(20*sales.Day, "pay", "BANK-1", sales.Yuan(1950))
	if res := h.run(); res.Status != sales.StatusRemitted {
		t.Fatalf("status %s, want remitted once the credited invoice is paid", res.Status)
	}
	for label, want := range map[string]string{"too-much": "amount_fen", "no-kind": "kind", "finance": "only SSG or FSF",
		"twice": "waits for its decision", "self": "only the customer's UM"} {
		if err := h.mustRefuse(label); !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", label, err, want)
		}
	}
	asked := h.mustAccept("ask").(ReturnResult)
	if asked.Return.Source != sales.ReturnByPrice || asked.Return.Value != sales.Yuan(50) || asked.Return.Approver != sales.LevelUM {
		t.Errorf("request %+v", asked.Return)
	}
	res := h.mustAccept("approve").(ReturnResult)
	cn := res.CreditNote
	if cn == nil || cn.Amount != sales.Yuan(50) || cn.InvoiceNo != firstInvoice || cn.Kind != sales.ReturnByPrice || cn.Net+cn.Tax != cn.Amount ||
		cn.Net != 4424 {
		// 25.00 on each of the invoice's two lines, each 22.12 net + 2.88 tax.
		t.Fatalf("credit note %+v (want 50.00 = 44.24 net + 5.76 tax)", cn)
	}
	if res.Outstanding != sales.Yuan(1950) {
		t.Errorf("outstanding %s after the credit note, want 1950.00", res.Outstanding)
	}
	inv := h.w.last().Invoices[0]
	if inv.Disputed || inv.DunningPaused || inv.Credited != sales.Yuan(50) {
		t.Errorf("invoice after the credit note %+v", inv)
	}
	if !contains(h.kinds(), "dispute_settled") {
		t.Errorf("no dispute_settled event: %v", h.kinds())
	}
	if n := len(h.w.creditNotes()); n != 1 {
		t.Errorf("%d credit notes written, want 1", n)
	}
}

// Above the UM's return limit a credit note request is the SLT's decision.
func TestLargeCreditNoteIsTheSLTsDecision(t *testing.T) {
	h := newHarness(t)
	h.policy.ReturnApprovalLimit = sales.Yuan(100)
	h.shipAll(hour)
	h.at(3*sales.Day, func() {
		h.update("ask", UpdateRequestCredit, CreditNoteRequestInput{Actor: ssg, InvoiceNo: firstInvoice, Kind: sales.ReturnByQuantity,
			Lines: lineQty(1, 2), Reason: "two cases billed were never loaded"})
	})
	h.at(3*sales.Day+hour, func() {
		h.update("um", UpdateDecideReturn, ReturnDecisionInput{Actor: um, ReturnNo: "RT-2026-000001-1", Decision: ReturnApprove})
		h.update("slt", UpdateDecideReturn, ReturnDecisionInput{Actor: slt, ReturnNo: "RT-2026-000001-1", Decision: ReturnApprove})
	})
	h.pay(20*sales.Day, "pay", "BANK-1", sales.Yuan(1800))
	if res := h.run(); res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	if err := h.mustRefuse("um"); !strings.Contains(err.Error(), "SLT decides") {
		t.Errorf("UM above the limit: %v", err)
	}
	res := h.mustAccept("slt").(ReturnResult)
	if res.CreditNote == nil || res.CreditNote.Amount != sales.Yuan(200) || res.CreditNote.Kind != sales.ReturnByQuantity {
		t.Errorf("credit note %+v", res.CreditNote)
	}
}

// An invoice without its VAT invoice number is a late BC1 step for Finance:
// Finance is told first, then the ladder; recorded in time, nobody is.
func TestMissingVATInvoiceNumberIsLateForFinance(t *testing.T) {
	h := newHarness(t)
	h.env.SetStartTime(plainMonday) // counted in working days: a week without holidays
	h.shipAll(hour)
	h.at(2*sales.Day, func() {
		h.update("bad", UpdateRecordVAT, VATInvoiceInput{Actor: finance, InvoiceNo: firstInvoice, VATNo: "12-34", VATDate: "2020-01-01"})
		h.update("ssg", UpdateRecordVAT, VATInvoiceInput{Actor: ssg, InvoiceNo: firstInvoice, VATNo: "04400123",
			VATDate: sales.DateOf(h.env.Now()).Format(time.DateOnly)})
	})
	h.pay(10*sales.Day, "pay", "BANK-1", sales.Yuan(2000)) // 5 working days, then a rung a working day
	if res := h.run(); res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	err := h.mustRefuse("bad")
	for _, field := range []string{"vat_invoice_no", "vat_invoice_date"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("bad VAT invoice refused with %v, want %s named", err, field)
		}
	}
	h.mustRefuse("ssg")
	// Finance (the desk) first, copied to the KAM; then up the ladder with
	// Finance copied.
	var rungs []string
	for _, e := range h.w.escalations() {
		if e.Kind == sales.EscalateVATInvoice {
			rungs = append(rungs, e.Level.String()+":"+strings.Join(e.Recipients, ","))
		}
	}
	if len(rungs) < 2 || rungs[0] != "KAM:kam1,fin1" || rungs[1] != "UM:kam1,fin1,um1" {
		t.Errorf("VAT escalations %v, want Finance first (copied to the KAM), then the UM", rungs)
	}
}

// An invoice issued at 07:00 Beijing time (23:00 UTC the day before) is due
// on its Beijing date plus the terms.
func TestInvoiceIsDueOnItsBeijingDatePlusTerms(t *testing.T) {
	h := newHarness(t)
	h.env.SetStartTime(time.Date(2026, 12, 2, 20, 0, 0, 0, time.UTC)) // 04:00 on 12-03 in Beijing
	h.shipAll(hour)                                                   // goods issue at 06:00 Beijing
	h.recordVAT(5 * hour)
	h.pay(10*sales.Day, "pay", "BANK-1", sales.Yuan(2000))
	h.run()
	gi := h.mustAccept("gi").(GoodsIssueResult)
	want := time.Date(2027, 1, 2, 0, 0, 0, 0, sales.Beijing) // 2026-12-03 + 30 days
	if !gi.DueAt.Equal(want) || gi.DueAt.In(sales.Beijing).Format(time.DateOnly) != "2027-01-02" {
		t.Errorf("due %v, want %v", gi.DueAt, want)
	}
	inv := h.w.last().Invoices[0]
	if inv.Net+inv.Tax != inv.Amount || len(inv.Lines) != 2 || inv.Lines[0].Rate != sales.DefaultTaxRate {
		t.Errorf("VAT of the invoice: net %s tax %s of %s, lines %+v", inv.Net, inv.Tax, inv.Amount, inv.Lines)
	}
}

// A due-date extension is requested by the FSF or Finance and decided by the
// SLT; one left undecided escalates to the GM and then lapses.
func TestExtensionIsRequestedAndDecidedByTheSLT(t *testing.T) {
	h := newHarness(t)
	h.shipAll(hour)
	h.recordVAT(5 * hour)
	var due time.Time
	h.at(5*sales.Day, func() {
		due = h.query().Invoices[0].DueAt
		h.update("ssg", UpdateRequestExtension, ExtensionRequestInput{Actor: ssg, InvoiceNo: firstInvoice,
			DueDate: sales.DateOf(due).AddDate(0, 0, 10).Format(time.DateOnly), Reason: "cash flow"})
		h.update("ask", UpdateRequestExtension, ExtensionRequestInput{Actor: kam, InvoiceNo: firstInvoice,
			DueDate: sales.DateOf(due).AddDate(0, 0, 10).Format(time.DateOnly), Reason: "distributor's cash flow after 春节"})
	})
	h.at(5*sales.Day+hour, func() {
		h.update("um", UpdateDecideExtension, ExtensionDecisionInput{Actor: um, InvoiceNo: firstInvoice, Decision: DecisionApprove})
		h.update("approve", UpdateDecideExtension, ExtensionDecisionInput{Actor: slt, InvoiceNo: firstInvoice, Decision: DecisionApprove})
	})
	h.at(6*sales.Day, func() { // a second request nobody decides
		h.update("second", UpdateRequestExtension, ExtensionRequestInput{Actor: finance, InvoiceNo: firstInvoice,
			DueDate: sales.DateOf(due).AddDate(0, 0, 20).Format(time.DateOnly), Reason: "again"})
	})
	h.pay(45*sales.Day, "pay", "BANK-1", sales.Yuan(2000))
	h.run()
	h.mustRefuse("ssg")
	h.mustAccept("ask")
	h.mustRefuse("um")
	h.mustAccept("approve")
	h.mustAccept("second")
	inv := h.w.last().Invoices[0]
	if got := sales.DateOf(inv.DueAt); !got.Equal(sales.DateOf(due).AddDate(0, 0, 10)) {
		t.Errorf("due %s after the approved extension, want 10 days after %s", got.Format(time.DateOnly), sales.DateOf(due).Format(time.DateOnly))
	}
	if inv.Extension != nil {
		t.Errorf("the undecided extension is still pending: %+v", inv.Extension)
	}
	if got := levelsOf(h.w.escalations(), sales.EscalateExtension); !slices.Equal(got, []string{"GM"}) {
		t.Errorf("extension escalations %v, want [GM]", got)
	}
	if !contains(h.kinds(), "extension_lapsed") {
		t.Errorf("the undecided extension did not lapse: %v", h.kinds())
	}
}
