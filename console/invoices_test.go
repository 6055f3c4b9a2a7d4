package console

import (
	"net/http"
	"testing"
	"time"

	"osb/sales"
	"osb/workflows"
)

// setInvoice changes the fixture's overdue invoice in the store as its
// workflow would have written it.
func (f *fixture) setInvoice(t *testing.T, change func(*sales.Invoice)) {
	t.Helper()
	o, err := f.store.Order(t.Context(), overdueOrder)
	if err != nil {
		t.Fatal(err)
	}
	change(&o.Invoices[0])
	o.Version++
	o.UpdatedAt = o.UpdatedAt.Add(time.Second)
	if err := f.store.ApplyOrderChanges(t.Context(), sales.OrderChanges{Order: &o}); err != nil {
		t.Fatal(err)
	}
}

func TestInvoiceActionsAndTheirWork(t *testing.T) {
	f := newFixture(t, false)
	const inv = "INV-2026-000003-1"

	t.Run("Finance records the VAT invoice from My work's task, through the API", func(t *testing.T) {
		vatDue := f.now.Add(-24 * time.Hour)
		f.setInvoice(t, func(i *sales.Invoice) { i.VATDue = &vatDue })
		b := f.browser()
		b.signIn("fin1")
		w := b.get("/?kind=vat_invoice")
		if !w.has("登记发票 "+inv+" 的增值税发票号") || !w.has(`href="/orders/`+overdueOrder+`#act-vat-invoice-`+inv+`"`) {
			t.Fatalf("My work of Finance:\n%s", w.body)
		}
		p := b.get("/orders/" + overdueOrder)
		form := formValues(t, p, "act-vat-invoice-"+inv)
		form.Set("vat_invoice_no", "04400123")
		form.Set("vat_invoice_date", "2026-11-20")
		if r := b.post("/orders/"+overdueOrder+"/act/vat-invoice", form); r.status != http.StatusSeeOther {
			t.Fatalf("%d\n%s", r.status, r.body)
		}
		var in workflows.VATInvoiceInput
		if s := f.lastSent(t, &in); s.Name != workflows.UpdateRecordVAT || in.InvoiceNo != inv || in.VATNo != "04400123" ||
			in.VATDate != "2026-11-20" || in.Actor.UserID != "fin1" {
			t.Errorf("sent %+v %+v", s, in)
		}
	})

	t.Run("the SSG asks for a price-difference credit note typed in yuan", func(t *testing.T) {
		b := f.browser()
		b.signIn("ssg-lead")
		form := formValues(t, b.get("/orders/"+overdueOrder), "act-credit-note-"+inv)
		form.Set("kind", "price")
		form.Set("amount", "1x")
		if r := b.post("/orders/"+overdueOrder+"/act/credit-note", form); r.status != http.StatusUnprocessableEntity ||
			!r.has(`id="act-credit-note-`+inv+`-amount-err"`) {
			t.Errorf("a bad amount: %d\n%s", r.status, r.body)
		}
		form.Set("amount", "50.00")
		form.Set("reason", "SKU 按 95 元成交")
		if r := b.post("/orders/"+overdueOrder+"/act/credit-note", form); r.status != http.StatusSeeOther {
			t.Fatalf("%d\n%s", r.status, r.body)
		}
		var in workflows.CreditNoteRequestInput
		if s := f.lastSent(t, &in); s.Name != workflows.UpdateRequestCredit || in.Kind != sales.ReturnByPrice || in.Amount != 5000 ||
			in.InvoiceNo != inv || in.Reason != "SKU 按 95 元成交" {
			t.Errorf("sent %+v %+v", s, in)
		}
	})

	t.Run("the UM asks for an extension; the SLT decides it from My work", func(t *testing.T) {
		k := f.browser()
		k.signIn("um-huadong-1")
		p := k.get("/orders/" + overdueOrder)
		if p.has(`id="act-extension-`+inv+`"`) || p.has(`id="act-vat-invoice-`+inv+`"`) {
			t.Errorf("the UM is offered the SLT's or Finance's form:\n%s", p.body)
		}
		form := formValues(t, p, "act-extension-request-"+inv)
		form.Set("due_date", "2027-01-15")
		form.Set("reason", "春节前资金紧张")
		if r := k.post("/orders/"+overdueOrder+"/act/extension-request", form); r.status != http.StatusSeeOther {
			t.Fatalf("%d\n%s", r.status, r.body)
		}
		var ask workflows.ExtensionRequestInput
		if s := f.lastSent(t, &ask); s.Name != workflows.UpdateRequestExtension || ask.DueDate != "2027-01-15" || ask.Actor.UserID != "um-huadong-1" {
			t.Errorf("sent %+v %+v", s, ask)
		}

		f.setInvoice(t, func(i *sales.Invoice) {
			i.Extension = &sales.Extension{DueDate: "2027-01-15", Reason: "春节前资金紧张", RequestedBy: "um-huadong-1", RequestedAt: f.now, Level: sales.LevelSLT}
		})
		s := f.browser()
		s.signIn("dsd")
		w := s.get("/?kind=extension")
		if !w.has("审批发票 " + inv + " 延期至 2027-01-15") {
			t.Fatalf("My work of the SLT:\n%s", w.body)
		}
		p = s.get("/orders/" + overdueOrder)
		if !p.has("um-huadong-1 申请延期至 2027-01-15") {
			t.Errorf("the decision form does not say what was asked:\n%s", p.body)
		}
		form = formValues(t, p, "act-extension-decide-"+inv)
		form.Set("decision", "approve")
		if r := s.post("/orders/"+overdueOrder+"/act/extension-decide", form); r.status != http.StatusSeeOther {
			t.Fatalf("%d\n%s", r.status, r.body)
		}
		var dec workflows.ExtensionDecisionInput
		if sent := f.lastSent(t, &dec); sent.Name != workflows.UpdateDecideExtension || dec.Decision != "approve" || dec.InvoiceNo != inv {
			t.Errorf("sent %+v %+v", sent, dec)
		}
		if k.get("/?kind=extension").has("审批发票") {
			t.Error("the UM is given the SLT's extension decision")
		}
	})

	t.Run("a disputed invoice offers the withdrawal instead of a new dispute", func(t *testing.T) {
		f.setInvoice(t, func(i *sales.Invoice) { i.Disputed, i.Dispute, i.DunningPaused = true, "单价不符", true })
		b := f.browser()
		b.signIn("ssg-lead")
		p := b.get("/orders/" + overdueOrder)
		if p.has(`id="act-dispute-`+inv+`"`) || !p.has("异议：单价不符") {
			t.Fatalf("offers:\n%s", p.body)
		}
		form := formValues(t, p, "act-dispute-withdraw-"+inv)
		form.Set("reason", "客户确认单价")
		if r := b.post("/orders/"+overdueOrder+"/act/dispute-withdraw", form); r.status != http.StatusSeeOther {
			t.Fatalf("%d\n%s", r.status, r.body)
		}
		var in workflows.WithdrawDisputeInput
		if s := f.lastSent(t, &in); s.Name != workflows.UpdateWithdrawDispute || in.Reason != "客户确认单价" {
			t.Errorf("sent %+v %+v", s, in)
		}
	})
}

// Finance's invoice page lists the disputed invoices, those without a VAT
// invoice, the extensions asked and the credit notes, each row linking to
// the order page's form; an FSF user sees only their customers'.
func TestInvoicePageListsWhatWaitsAndTheCreditNotes(t *testing.T) {
	f := newFixture(t, false)
	const inv = "INV-2026-000003-1"
	vatDue := f.now.Add(-time.Hour)
	f.setInvoice(t, func(i *sales.Invoice) {
		i.Disputed, i.Dispute, i.DunningPaused, i.VATDue = true, "单价不符", true, &vatDue
	})
	o, err := f.store.Order(t.Context(), overdueOrder)
	if err != nil {
		t.Fatal(err)
	}
	at := f.now.Add(-2 * time.Hour)
	rt := sales.Return{No: "RT-2026-000003-1", Source: sales.ReturnByPrice, InvoiceNo: inv, Reason: "九五折", Value: 5000,
		Approver: sales.LevelUM, Status: sales.ReturnReceived, RequestedBy: "ssg-lead", RequestedAt: at, Since: at,
		CreditNote: "CN-2026-000003-1", UpdatedAt: at}
	cn := sales.CreditNote{No: rt.CreditNote, ReturnNo: rt.No, OrderNo: overdueOrder, CustomerID: o.CustomerID, Currency: sales.CNY,
		Amount: 5000, Net: 4425, Tax: 575, InvoiceNo: inv, Kind: sales.ReturnByPrice, IssuedAt: at,
		Allocations: []sales.Allocation{{InvoiceNo: inv, Amount: 5000}}}
	if err := f.store.ApplyOrderChanges(t.Context(), sales.OrderChanges{Returns: []sales.Return{rt}, CreditNotes: []sales.CreditNote{cn}}); err != nil {
		t.Fatal(err)
	}

	b := f.browser()
	b.signIn("fin1")
	p := b.get("/invoices")
	if p.status != http.StatusOK || !p.has(`id="invoice-`+inv+`"`) || !p.has("单价不符") ||
		!p.has(`href="/orders/`+overdueOrder+`#act-credit-note-`+inv+`"`) || !p.has(`href="/invoices"`) {
		t.Fatalf("the disputed view:\n%s", p.body)
	}
	if p := b.get("/invoices?view=vat_invoice"); !p.has(`href="/orders/` + overdueOrder + `#act-vat-invoice-` + inv + `"`) {
		t.Errorf("the VAT view:\n%s", p.body)
	}
	p = b.get("/invoices?view=credit_notes")
	if !p.has(`id="cn-CN-2026-000003-1"`) || !p.has("价格差异") || !p.has("44.25") || !p.has("5.75") {
		t.Errorf("the credit notes view:\n%s", p.body)
	}
	if p := b.get("/invoices?view=everything"); p.status != http.StatusNotFound {
		t.Errorf("an unknown view: %d", p.status)
	}

	k := f.browser()
	k.signIn("kam-huadong-1") // not C003's KAM
	if p := k.get("/invoices"); p.has(`id="invoice-` + inv + `"`) {
		t.Errorf("another KAM sees the invoice:\n%s", p.body)
	}
	if p := k.get("/invoices?view=credit_notes"); p.has("CN-2026-000003-1") {
		t.Errorf("another KAM sees the credit note:\n%s", p.body)
	}
}

// A credit note for a price difference waits in the UM's My work as what it
// is, with a link to the decision form.
func TestCreditNoteRequestWaitsForItsApproverInMyWork(t *testing.T) {
	f := newFixture(t, false)
	at := f.now.Add(-time.Hour)
	rt := sales.Return{No: "RT-2026-000003-1", Source: sales.ReturnByPrice, InvoiceNo: "INV-2026-000003-1", Reason: "九五折", Value: 5000,
		Approver: sales.LevelUM, Status: sales.ReturnRequested, RequestedBy: "ssg-lead", RequestedAt: at, Since: at, UpdatedAt: at}
	if err := f.store.ApplyOrderChanges(t.Context(), sales.OrderChanges{Returns: []sales.Return{rt}}); err != nil {
		t.Fatal(err)
	}
	b := f.browser()
	b.signIn("um-huadong-1")
	w := b.get("/?kind=credit_decide")
	if !w.has("审批红字发票申请 RT-2026-000003-1") || !w.has(`href="/orders/`+overdueOrder+`#act-return-decide-RT-2026-000003-1"`) {
		t.Errorf("My work of the UM:\n%s", w.body)
	}
}
