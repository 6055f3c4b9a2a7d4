package starter

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"osb/documents"
	"osb/sales"
)

// fakeDocuments renders a PDF as its title and number, and keeps
// statements in memory; noFont makes every PDF unavailable as without the
// font.
type fakeDocuments struct {
	mu     sync.Mutex
	noFont bool
	inputs map[string]sales.AccountStatementInput // customer/month
	kept   map[string]sales.StatementRecord       // customer/month
	asked  []string
}

func newFakeDocuments() *fakeDocuments {
	return &fakeDocuments{inputs: map[string]sales.AccountStatementInput{}, kept: map[string]sales.StatementRecord{}}
}

func (d *fakeDocuments) PDF(doc documents.Document) ([]byte, error) {
	if d.noFont {
		return nil, documents.NewPDF("/nonexistent/font.ttf").Available()
	}
	return []byte("%PDF-fake " + doc.TitleEN + " " + doc.Number), nil
}

func (d *fakeDocuments) AccountStatementInput(_ context.Context, customerID, month string) (sales.AccountStatementInput, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked = append(d.asked, customerID+"/"+month)
	if in, ok := d.inputs[customerID+"/"+month]; ok {
		return in, nil
	}
	return sales.AccountStatementInput{CustomerID: customerID, Month: month, Currency: sales.CNY}, nil
}

func (d *fakeDocuments) User(_ context.Context, id string) (sales.User, error) {
	if id == "u-kam1" {
		return sales.User{ID: id, Name: "客户经理一", Email: "kam1@example.com"}, nil
	}
	return sales.User{}, notFound("user " + id)
}

func (d *fakeDocuments) AccountStatements(_ context.Context, customerID string) ([]sales.StatementRecord, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []sales.StatementRecord
	for _, r := range d.kept {
		if r.CustomerID == customerID {
			r.Statement = nil
			out = append(out, r)
		}
	}
	return out, nil
}

func (d *fakeDocuments) AccountStatement(_ context.Context, customerID, month string) (sales.StatementRecord, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.kept[customerID+"/"+month]
	if !ok {
		return r, notFound("statement")
	}
	return r, nil
}

// invoicedOrder is an order of C-001 with one shipment and its invoice of
// 10 × 95.00 = 950.00 (840.71 net + 109.29 tax at 13%), 200.00 paid, due
// 2026-03-01: overdue on the fixture's day (10 March).
func invoicedOrder(t *testing.T, f *fixture) string {
	t.Helper()
	no := f.startOrder(t, "C-001")
	v := f.orders.views[no]
	v.Shipments = []sales.Shipment{{No: "SH-9", Lines: []sales.LineQty{{LineNo: 1, Quantity: 10}}, Carrier: "顺丰", InvoiceNo: "INV-9"}}
	v.Invoices = []sales.Invoice{{No: "INV-9", ShipmentNo: "SH-9", Currency: sales.CNY, Amount: 950_00, Paid: 200_00,
		IssuedAt: time.Date(2026, 1, 31, 9, 0, 0, 0, sales.Beijing), DueAt: time.Date(2026, 3, 1, 9, 0, 0, 0, sales.Beijing)}}
	v.Credits = []sales.CreditNote{{No: "CN-9", Kind: "price", InvoiceNo: "INV-9", Amount: 100_00, Net: 88_50, Tax: 11_50,
		IssuedAt: time.Date(2026, 2, 10, 9, 0, 0, 0, sales.Beijing), Allocations: []sales.Allocation{{InvoiceNo: "INV-9", Amount: 100_00}}}}
	f.orders.views[no] = v
	return no
}

func TestInvoiceDocumentAsPDFAndHTML(t *testing.T) {
	f := newFixture(t)
	no := invoicedOrder(t, f)
	rec := f.do(t, "GET", "/v1/orders/"+no+"/documents/invoices/INV-9", "t-fin", nil)
	wantStatus(t, rec, http.StatusOK)
	if ct := rec.Header().Get("Content-Type"); ct != documents.PDFType {
		t.Errorf("Content-Type %q, want a PDF by default", ct)
	}
	name := no + "-invoice-INV-9.pdf"
	if cd := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="`+name+`"`) {
		t.Errorf("Content-Disposition %q, want the file %s", cd, name)
	}
	if rec.Body.String() != "%PDF-fake Invoice INV-9" {
		t.Errorf("body %q", rec.Body.String())
	}

	page := f.do(t, "GET", "/v1/orders/"+no+"/documents/invoices/INV-9?format=html", "t-kam1", nil)
	wantStatus(t, page, http.StatusOK)
	if ct := page.Header().Get("Content-Type"); ct != documents.HTMLType {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := page.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, `inline; filename="`+no+`-invoice-INV-9.html"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	for _, want := range []string{"上海分销", "840.71", "109.29", "950.00", "200.00", "750.00", "2026-03-01"} {
		if !strings.Contains(page.Body.String(), want) {
			t.Errorf("the invoice page lacks %q", want)
		}
	}

	wantError(t, f.do(t, "GET", "/v1/orders/"+no+"/documents/invoices/INV-404?format=html", "t-fin", nil), http.StatusNotFound, sales.ErrNotFound)
	bad := wantError(t, f.do(t, "GET", "/v1/orders/"+no+"/documents/invoices/INV-9?format=docx", "t-fin", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
	if len(bad.Fields) != 1 || bad.Fields[0].Field != "format" {
		t.Errorf("format=docx: %+v, want the field format named", bad)
	}
	// Another market's KAM does not see the order at all.
	wantError(t, f.do(t, "GET", "/v1/orders/"+no+"/documents/invoices/INV-9", "t-kam2", nil), http.StatusNotFound, sales.ErrNotFound)
}

func TestOrderDocumentsConfirmationDispatchNoteAndDunningLetter(t *testing.T) {
	f := newFixture(t)
	no := invoicedOrder(t, f)
	conf := f.do(t, "GET", "/v1/orders/"+no+"/documents/confirmation?format=html", "t-ssg", nil)
	wantStatus(t, conf, http.StatusOK)
	if !strings.Contains(conf.Body.String(), "订单确认书") || !strings.Contains(conf.Body.String(), "950.00") {
		t.Errorf("confirmation:\n%s", conf.Body.String())
	}
	note := f.do(t, "GET", "/v1/orders/"+no+"/documents/dispatch-note?format=html&shipment=SH-9", "t-log", nil)
	wantStatus(t, note, http.StatusOK)
	if body := note.Body.String(); !strings.Contains(body, "发货单") || !strings.Contains(body, "SH-9") || strings.Contains(body, "95.00") {
		t.Errorf("dispatch note (no prices):\n%s", body)
	}
	letter := f.do(t, "GET", "/v1/orders/"+no+"/documents/dunning-letter?format=html", "t-fin", nil)
	wantStatus(t, letter, http.StatusOK)
	// Due 1 March, the fixture's day is 10 March: 9 days, 750.00 open.
	if body := letter.Body.String(); !strings.Contains(body, ">9<") || !strings.Contains(body, "750.00") ||
		!strings.Contains(body, "客户经理一 &lt;kam1@example.com&gt;") {
		t.Errorf("dunning letter:\n%s", body)
	}
	if cd := letter.Header().Get("Content-Disposition"); !strings.Contains(cd, no+"-dunning-letter-2026-03-10.html") {
		t.Errorf("Content-Disposition %q", cd)
	}
	cn := f.do(t, "GET", "/v1/orders/"+no+"/documents/credit-notes/CN-9?format=html", "t-fin", nil)
	wantStatus(t, cn, http.StatusOK)
	if body := cn.Body.String(); !strings.Contains(body, "红字冲减单") || !strings.Contains(body, "88.50") || !strings.Contains(body, "11.50") {
		t.Errorf("credit note:\n%s", body)
	}
	paid := f.startOrder(t, "C-001")
	wantError(t, f.do(t, "GET", "/v1/orders/"+paid+"/documents/dunning-letter", "t-fin", nil), http.StatusConflict, sales.ErrConflict)
}

func TestPDFWithoutTheFontIs503AndTheHTMLStillWorks(t *testing.T) {
	f := newFixture(t)
	f.docs.noFont = true
	no := invoicedOrder(t, f)
	e := wantError(t, f.do(t, "GET", "/v1/orders/"+no+"/documents/confirmation", "t-ssg", nil), http.StatusServiceUnavailable, sales.ErrUnavailable)
	if !strings.Contains(e.Message, documents.FontPackage) || !strings.Contains(e.Message, "format=html") {
		t.Errorf("message %q should say what to install and that html works", e.Message)
	}
	wantStatus(t, f.do(t, "GET", "/v1/orders/"+no+"/documents/confirmation?format=html", "t-ssg", nil), http.StatusOK)
}

func TestStatementsKeptAndTheCurrentMonthsDraft(t *testing.T) {
	f := newFixture(t)
	kept, err := sales.ComputeAccountStatement(sales.AccountStatementInput{CustomerID: "C-001", CustomerName: "上海分销", Month: "2026-02",
		Currency: sales.CNY, Opening: 100_00,
		Entries: []sales.AccountEntry{{Kind: sales.EntryInvoice, Date: "2026-02-03", No: "INV-7", DueDate: "2026-03-05", Amount: 950_00}}})
	if err != nil {
		t.Fatal(err)
	}
	f.docs.kept["C-001/2026-02"] = sales.StatementRecord{CustomerID: "C-001", Month: "2026-02", GeneratedAt: time.Date(2026, 3, 1, 0, 30, 0, 0, sales.Beijing),
		Closing: kept.Closing, Currency: sales.CNY, Statement: &kept}
	f.docs.inputs["C-001/2026-03"] = sales.AccountStatementInput{CustomerID: "C-001", CustomerName: "上海分销", Month: "2026-03", Currency: sales.CNY,
		Opening: 1050_00, Entries: []sales.AccountEntry{{Kind: sales.EntryReceipt, Date: "2026-03-09", No: "BANK-1", Amount: 300_00}}}

	list := decodeAs[[]sales.StatementRecord](t, f.do(t, "GET", "/v1/customers/C-001/statements", "t-kam1", nil))
	if len(list) != 1 || list[0].Month != "2026-02" || list[0].Closing != 1050_00 || list[0].Statement != nil {
		t.Errorf("list %+v", list)
	}
	old := decodeAs[sales.StatementRecord](t, f.do(t, "GET", "/v1/customers/C-001/statements/2026-02?format=json", "t-fin", nil))
	if old.Draft || old.Statement == nil || old.Statement.Closing != 1050_00 {
		t.Errorf("February %+v", old)
	}
	pdf := f.do(t, "GET", "/v1/customers/C-001/statements/2026-02", "t-fin", nil)
	wantStatus(t, pdf, http.StatusOK)
	if cd := pdf.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="C-001-statement-2026-02.pdf"`) {
		t.Errorf("Content-Disposition %q", cd)
	}

	// The current month (10 March): a draft computed now, 1050.00 − 300.00.
	draft := decodeAs[sales.StatementRecord](t, f.do(t, "GET", "/v1/customers/C-001/statements/2026-03?format=json", "t-ssg", nil))
	if !draft.Draft || draft.Statement == nil || draft.Statement.Closing != 750_00 || draft.Closing != 750_00 {
		t.Errorf("March draft %+v", draft)
	}
	page := f.do(t, "GET", "/v1/customers/C-001/statements/2026-03?format=html", "t-ssg", nil)
	if body := page.Body.String(); !strings.Contains(body, "草稿 DRAFT") || !strings.Contains(body, "750.00") {
		t.Errorf("the draft page:\n%s", body)
	}
	if cd := page.Header().Get("Content-Disposition"); !strings.Contains(cd, "C-001-statement-2026-03-draft.html") {
		t.Errorf("Content-Disposition %q", cd)
	}

	// C-003's February was not kept (yet): the month just closed is a draft.
	feb := decodeAs[sales.StatementRecord](t, f.do(t, "GET", "/v1/customers/C-003/statements/2026-02?format=json", "t-fin", nil))
	if !feb.Draft || feb.Month != "2026-02" || feb.Statement == nil || feb.Statement.To != "2026-02-28" {
		t.Errorf("C-003's February %+v", feb)
	}
	// January was not kept (no activity), April has not begun.
	wantError(t, f.do(t, "GET", "/v1/customers/C-001/statements/2026-01", "t-fin", nil), http.StatusNotFound, sales.ErrNotFound)
	wantError(t, f.do(t, "GET", "/v1/customers/C-001/statements/2026-04", "t-fin", nil), http.StatusNotFound, sales.ErrNotFound)
	wantError(t, f.do(t, "GET", "/v1/customers/C-001/statements/March", "t-fin", nil), http.StatusNotFound, sales.ErrNotFound)
	// Another market's KAM may not see C-001's statements.
	wantError(t, f.do(t, "GET", "/v1/customers/C-001/statements", "t-kam2", nil), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "GET", "/v1/customers/C-001/statements/2026-03", "t-kam2", nil), http.StatusForbidden, sales.ErrForbidden)
}

func TestCustomerDunningLetterAcrossOrders(t *testing.T) {
	f := newFixture(t)
	due := time.Date(2026, 2, 20, 9, 0, 0, 0, sales.Beijing)
	f.store.summaries = []sales.OrderSummary{{OrderNo: "SO-2026-000777", Outstanding: 500_00}, {OrderNo: "SO-2026-000778"}}
	f.store.snapshots["SO-2026-000777"] = sales.OrderSnapshot{OrderNo: "SO-2026-000777", CustomerID: "C-001", Invoices: []sales.Invoice{
		{No: "INV-77", Currency: sales.CNY, Amount: 800_00, Paid: 300_00, DueAt: due},
		{No: "INV-78", Currency: sales.CNY, Amount: 100_00, DueAt: due, Disputed: true},
	}}
	rec := f.do(t, "GET", "/v1/customers/C-001/documents/dunning-letter?format=html", "t-fin", nil)
	wantStatus(t, rec, http.StatusOK)
	// Due 20 February, the fixture's day is 10 March: 18 days, 500.00 open;
	// the disputed invoice is left out.
	body := rec.Body.String()
	for _, want := range []string{"SO-2026-000777", "INV-77", ">18<", "500.00", "客户经理一 &lt;kam1@example.com&gt;"} {
		if !strings.Contains(body, want) {
			t.Errorf("the letter lacks %q", want)
		}
	}
	if strings.Contains(body, "INV-78") {
		t.Error("the letter duns a disputed invoice")
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, "C-001-dunning-letter-2026-03-10.html") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if f.store.orderFilter == nil || f.store.orderFilter.CustomerID != "C-001" {
		t.Errorf("orders read with %+v", f.store.orderFilter)
	}
	wantError(t, f.do(t, "GET", "/v1/customers/C-001/documents/dunning-letter", "t-kam2", nil), http.StatusForbidden, sales.ErrForbidden)
	f.store.summaries = nil
	wantError(t, f.do(t, "GET", "/v1/customers/C-001/documents/dunning-letter", "t-fin", nil), http.StatusConflict, sales.ErrConflict)
}
