package console

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"osb/documents"
	"osb/internal/pdftest"
	"osb/sales"
)

func TestOrderPageLinksItsDocumentsAndTheyDownloadAsTheSignedInPerson(t *testing.T) {
	f := newFixture(t, false)
	// One case of line 1 came back: a credit note of 28.80 on the invoice.
	at := f.now.Add(-2 * time.Hour)
	rt := sales.Return{No: "RT-2026-000003-1", Source: sales.ReturnByRequest, Reason: "破损", Lines: []sales.LineQty{{LineNo: 1, Quantity: 1}},
		Value: 28_80, Approver: sales.LevelUM, Status: sales.ReturnReceived, RequestedBy: "ssg-lead", RequestedAt: at, Since: at,
		ReceivedBy: "log1", ReceivedAt: &at, CreditNote: "CN-2026-000003-1", UpdatedAt: at}
	cn := sales.CreditNote{No: rt.CreditNote, ReturnNo: rt.No, OrderNo: overdueOrder, CustomerID: "C003", Currency: sales.CNY,
		Lines: rt.Lines, Amount: 28_80, IssuedAt: at, Allocations: []sales.Allocation{{InvoiceNo: "INV-2026-000003-1", Amount: 28_80}}}
	if err := f.store.ApplyOrderChanges(context.Background(), sales.OrderChanges{Returns: []sales.Return{rt}, CreditNotes: []sales.CreditNote{cn}}); err != nil {
		t.Fatal(err)
	}
	b := f.browser()
	b.signIn("fin1")
	p := b.get("/orders/" + overdueOrder)
	if p.status != http.StatusOK {
		t.Fatalf("order page: %d", p.status)
	}
	base := "/orders/" + overdueOrder + "/documents/"
	for _, link := range []string{
		base + "confirmation?format=pdf", base + "confirmation?format=html",
		base + "dispatch-note?shipment=SH-2026-000003-1&amp;format=pdf",
		base + "invoices/INV-2026-000003-1?format=pdf", base + "invoices/INV-2026-000003-1?format=html",
		base + "dunning-letter?format=html", // 10 days overdue
		base + "credit-notes/CN-2026-000003-1?format=html",
	} {
		if !p.has(`href="` + link + `"`) {
			t.Errorf("the order page has no link to %s", link)
		}
	}
	if remittedPage := b.get("/orders/" + remitted); remittedPage.has("dunning-letter") {
		t.Error("a remitted order offers a dunning letter")
	}
	if released := b.get("/orders/" + logisticsWait); !released.has(`href="/orders/` + logisticsWait + `/documents/dispatch-note?format=html"`) {
		t.Error("a released order offers no dispatch note of what is to ship")
	}

	// The invoice of before VAT lines, split at 13% line by line:
	// 2,880.00 = 2,548.67 + 331.33 and 1,800.00 = 1,592.92 + 207.08.
	inv := b.get(base + "invoices/INV-2026-000003-1?format=html")
	if inv.status != http.StatusOK || !strings.HasPrefix(inv.header.Get("Content-Type"), "text/html") {
		t.Fatalf("invoice page: %d %s", inv.status, inv.header.Get("Content-Type"))
	}
	for _, want := range []string{"INV-2026-000003-1", "4,141.59", "538.41", "4,680.00", "2,548.67", "207.08"} {
		if !inv.has(want) {
			t.Errorf("the invoice page lacks %s", want)
		}
	}
	if csp := inv.header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'unsafe-inline'") {
		t.Errorf("the printable page's styles are blocked: %s", csp)
	}
	// 28.80 = 25.49 net + 3.31 tax at 13%.
	if credit := b.get(base + "credit-notes/CN-2026-000003-1?format=html"); credit.status != http.StatusOK || !credit.has("25.49") || !credit.has("3.31") {
		t.Errorf("credit note: %d\n%s", credit.status, credit.body)
	}
	letter := b.get(base + "dunning-letter?format=html")
	if letter.status != http.StatusOK || !letter.has("催款函") || !letter.has("4,680.00") {
		t.Errorf("dunning letter: %d\n%s", letter.status, letter.body)
	}

	// A KAM who does not hold the customer gets neither page nor document.
	other := f.browser()
	other.signIn("kam-huadong-1")
	if got := other.get(base + "invoices/INV-2026-000003-1?format=html"); got.status != http.StatusNotFound || got.has("4,680.00") {
		t.Errorf("another KAM downloads the invoice: %d", got.status)
	}
}

func TestOrderDocumentAsPDFThroughTheConsole(t *testing.T) {
	pdftest.EnsureFont(t) // the fixture's documents use the default font
	f := newFixture(t, false)
	b := f.browser()
	b.signIn("ssg-lead")
	p := b.get("/orders/" + overdueOrder + "/documents/invoices/INV-2026-000003-1?format=pdf")
	if p.status != http.StatusOK || p.header.Get("Content-Type") != documents.PDFType {
		t.Fatalf("PDF: %d %s\n%.300s", p.status, p.header.Get("Content-Type"), p.body)
	}
	if cd := p.header.Get("Content-Disposition"); !strings.Contains(cd, overdueOrder+"-invoice-INV-2026-000003-1.pdf") {
		t.Errorf("Content-Disposition %q", cd)
	}
	text := pdftest.Text(t, []byte(p.body))
	for _, want := range []string{"发票", "INV-2026-000003-1", "4,141.59", "538.41", "4,680.00"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
}

func TestCustomerPageListsStatementsWithTheCurrentDraft(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	last := sales.AddMonths(sales.MonthOf(f.now), -1)
	in, err := f.store.AccountStatementInput(ctx, "C003", last)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sales.ComputeAccountStatement(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.SaveAccountStatement(ctx, s, f.now); err != nil {
		t.Fatal(err)
	}
	b := f.browser()
	b.signIn("fin1")
	p := b.get("/customers/C003")
	if p.status != http.StatusOK {
		t.Fatalf("customer page: %d", p.status)
	}
	current := sales.MonthOf(f.now)
	for _, link := range []string{"/customers/C003/statements/" + current + "?format=pdf", "/customers/C003/statements/" + current + "?format=html",
		"/customers/C003/statements/" + last + "?format=html"} {
		if !p.has(`href="` + link + `"`) {
			t.Errorf("the customer page has no link to %s", link)
		}
	}
	// C003's invoice is 10 days overdue: its dunning letter is offered.
	if !p.has(`href="/customers/C003/documents/dunning-letter?format=html"`) {
		t.Error("the customer page offers no dunning letter")
	}
	if letter := b.get("/customers/C003/documents/dunning-letter?format=html"); letter.status != http.StatusOK ||
		!letter.has("INV-2026-000003-1") || !letter.has(overdueOrder) || !letter.has("4,680.00") {
		t.Errorf("customer dunning letter: %d\n%s", letter.status, letter.body)
	}
	// C001's last month was not kept: its draft is offered until it is.
	if other := b.get("/customers/C001"); !other.has(`href="/customers/C001/statements/` + last + `?format=html"`) {
		t.Error("no draft of last month for a customer whose statement is not kept yet")
	}
	draft := b.get("/customers/C003/statements/" + current + "?format=html")
	// The overdue invoice of 4,680.00 is the whole closing balance.
	if draft.status != http.StatusOK || !draft.has("草稿 DRAFT") || !draft.has("4,680.00") || !draft.has("对账单") {
		t.Errorf("draft statement: %d\n%s", draft.status, draft.body)
	}
	kept := b.get("/customers/C003/statements/" + last + "?format=html")
	if kept.status != http.StatusOK || kept.has("草稿 DRAFT") {
		t.Errorf("kept statement: %d", kept.status)
	}
	if cd := kept.header.Get("Content-Disposition"); !strings.Contains(cd, "C003-statement-"+last+".html") {
		t.Errorf("Content-Disposition %q", cd)
	}
}
