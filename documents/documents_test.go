package documents_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"osb/documents"
	"osb/internal/pdftest"
	"osb/sales"
)

func bj(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, sales.Beijing)
	if err != nil {
		panic(err)
	}
	return t
}

// order is an order of two lines, shipped whole, invoiced before VAT lines
// were kept (INV-…-1), part paid and part credited; hand-computed figures:
//
//	line 1: 10 × 113.00 = 1,130.00 gross = 1,000.00 net + 130.00 tax (13%)
//	line 2:  3 ×  99.99 =   299.97 gross =   265.46 net +  34.51 tax (13% by default: 265.4602 rounds down)
//	total:                1,429.97 gross = 1,265.46 net + 164.51 tax
//	outstanding: 1,429.97 − 500.00 paid − 113.00 credited = 816.97
func order() documents.Order {
	issued := bj("2026-11-01 07:30") // 2026-10-31 23:30 UTC: the Beijing date is the 1st
	return documents.Order{
		OrderNo: "SO-2026-000123", ClientRef: "PO-77",
		Customer:  sales.Customer{ID: "C-001", Name: "华东酒业 <b>", ShipTo: "上海市浦东新区张江路 88 号 王先生 138-0000-0000"},
		Currency:  sales.CNY,
		CreatedAt: bj("2026-10-20 10:00"), RequestedDate: "2026-10-28",
		Lines: []sales.Line{
			{LineNo: 1, SKU: "BEER-500", Quantity: 10, UnitPrice: 113_00, TaxRate: 1300},
			{LineNo: 2, SKU: "WINE-750", Quantity: 3, UnitPrice: 99_99},
		},
		POP: []sales.POPRequest{{Item: "POSTER-A1", Quantity: 5}},
		Shipments: []sales.Shipment{{No: "SH-2026-000123-1", Carrier: "顺丰", Waybill: "SF123",
			IssuedAt: bj("2026-10-30 09:00"), InvoiceNo: "INV-2026-000123-1",
			Lines: []sales.LineQty{{LineNo: 1, Quantity: 10}, {LineNo: 2, Quantity: 3}},
			POP:   []sales.POPRequest{{Item: "POSTER-A1", Quantity: 5}}}},
		Invoices: []sales.Invoice{{No: "INV-2026-000123-1", ShipmentNo: "SH-2026-000123-1", Currency: sales.CNY,
			Amount: 1429_97, Paid: 500_00, Credited: 113_00, IssuedAt: issued, DueAt: bj("2026-12-01 07:30")}},
		CreditNotes: []sales.CreditNote{{No: "CN-2026-000123-1", OrderNo: "SO-2026-000123", Amount: 113_00,
			IssuedAt:    bj("2026-11-10 12:00"),
			Allocations: []sales.Allocation{{InvoiceNo: "INV-2026-000123-1", Amount: 113_00}}}},
		SKUs: map[string]sales.SKU{
			"BEER-500": {Code: "BEER-500", Name: "精酿啤酒 500ml", Unit: "箱"},
			"WINE-750": {Code: "WINE-750", Name: "干红 750ml", Unit: "瓶"},
		},
		POPItems: map[string]sales.POPItem{"POSTER-A1": {Code: "POSTER-A1", Name: "海报 A1"}},
		Contact:  "客户经理 KAM 李娜 u-kam1",
	}
}

func html(t *testing.T, d documents.Document) string {
	t.Helper()
	b, err := documents.HTML(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func contains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func TestMoneyGroupsThousands(t *testing.T) {
	for f, want := range map[sales.Fen]string{0: "0.00", 1: "0.01", -1: "-0.01", 99_99: "99.99", 1429_97: "1,429.97",
		123456789_00: "123,456,789.00", -1000_000_00: "-1,000,000.00"} {
		if got := documents.Money(f); got != want {
			t.Errorf("Money(%d) = %q, want %q", f, got, want)
		}
	}
}

func TestInvoiceOfBeforeVATIsSplitFromTheShipmentAndAddsUp(t *testing.T) {
	o := order()
	lines, tot := documents.InvoiceLines(o, o.Invoices[0])
	if len(lines) != 2 || lines[0].Net != 1000_00 || lines[0].Tax != 130_00 || lines[1].Net != 265_46 || lines[1].Tax != 34_51 {
		t.Fatalf("lines %+v", lines)
	}
	if tot != (sales.VATTotals{Net: 1265_46, Tax: 164_51, Gross: 1429_97}) {
		t.Fatalf("totals %+v", tot)
	}
	d, err := documents.Invoice(o, "INV-2026-000123-1", bj("2026-11-12 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Filename != "SO-2026-000123-invoice-INV-2026-000123-1" {
		t.Errorf("filename %q", d.Filename)
	}
	page := html(t, d)
	contains(t, "the invoice", page, "发票", "INV-2026-000123-1", "精酿啤酒 500ml",
		"1,000.00", "130.00", "1,130.00", "265.46", "34.51", "299.97", // lines
		"1,265.46", "164.51", "1,429.97", // totals
		"2026-11-01", "2026-12-01", // issued and due, Beijing dates
		"500.00", "113.00", "816.97", // paid, credited, outstanding
		"CN-2026-000123-1", "待开具 not yet recorded", "@page")
	if strings.Contains(page, "华东酒业 <b>") || !strings.Contains(page, "华东酒业 &lt;b&gt;") {
		t.Error("the customer's name is not escaped")
	}
}

func TestInvoiceShowsTheVATInvoiceAndItsBilledLines(t *testing.T) {
	o := order()
	inv := &o.Invoices[0]
	inv.Lines = []sales.TaxedLine{{LineNo: 1, SKU: "BEER-500", Quantity: 10, UnitPrice: 113_00, Rate: 900, Net: 1036_70, Tax: 93_30, Gross: 1130_00}}
	inv.Amount, inv.VATNo, inv.VATDate = 1130_00, "04400123", "2026-11-03"
	d, err := documents.Invoice(o, inv.No, bj("2026-11-12 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	page := html(t, d)
	contains(t, "the invoice", page, "04400123", "2026-11-03", "9%", "1,036.70", "93.30", "1,130.00", "517.00")
	if strings.Contains(page, "299.97") {
		t.Error("the invoice shows a line it did not bill")
	}
	if _, err := documents.Invoice(o, "INV-9", time.Now()); sales.ErrorCode(err) != sales.ErrNotFound {
		t.Errorf("an unknown invoice: %v, want not_found", err)
	}
}

func TestConfirmationShowsPricesWithVATTheRequestedDateAndPOP(t *testing.T) {
	d := documents.Confirmation(order(), bj("2026-10-20 10:05"))
	contains(t, "the confirmation", html(t, d), "订单确认书", "SO-2026-000123", "PO-77", "2026-10-28", "113.00", "99.99",
		"1,429.97", "164.51", "海报 A1", "不计价 not billed")
}

func TestDispatchNoteHasShipToAndQuantitiesButNoPrices(t *testing.T) {
	o := order()
	o.Shipments, o.Invoices = nil, nil
	d, err := documents.DispatchNote(o, "", bj("2026-10-21 10:00"))
	if err != nil {
		t.Fatal(err)
	}
	page := html(t, d)
	contains(t, "the dispatch note", page, "发货单", "张江路 88 号", "精酿啤酒 500ml", ">10<", ">3<", ">13<", "海报 A1", "待发货")
	for _, price := range []string{"113.00", "99.99", "1,429.97"} {
		if strings.Contains(page, price) {
			t.Errorf("the dispatch note shows the price %s", price)
		}
	}
	shipped, err := documents.DispatchNote(order(), "", bj("2026-10-31 10:00"))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "the shipment's note", html(t, shipped), "SH-2026-000123-1", "顺丰", "SF123")
	if _, err := documents.DispatchNote(order(), "SH-9", time.Now()); sales.ErrorCode(err) != sales.ErrNotFound {
		t.Errorf("an unknown shipment: %v, want not_found", err)
	}
}

func TestDunningLetterListsWhatIsOverdueAndByHowManyDays(t *testing.T) {
	o := order()
	if _, err := documents.DunningLetter(o, bj("2026-12-01 23:59")); sales.ErrorCode(err) != sales.ErrConflict {
		t.Fatalf("on the due date: %v, want conflict (nothing overdue)", err)
	}
	items, total := documents.Overdue(o, bj("2026-12-20 08:00"))
	if len(items) != 1 || items[0].DaysOverdue != 19 || total != 816_97 {
		t.Fatalf("overdue %+v total %s", items, total)
	}
	d, err := documents.DunningLetter(o, bj("2026-12-20 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "the letter", html(t, d), "催款函", "INV-2026-000123-1", ">19<", "816.97", "李娜", "尊敬的")
	o.Invoices[0].Disputed = true
	if _, err := documents.DunningLetter(o, bj("2026-12-20 08:00")); sales.ErrorCode(err) != sales.ErrConflict {
		t.Errorf("a disputed invoice is dunned: %v", err)
	}
}

func statement(t *testing.T) sales.AccountStatement {
	t.Helper()
	s, err := sales.ComputeAccountStatement(sales.AccountStatementInput{CustomerID: "C-001", CustomerName: "华东酒业",
		Month: "2026-11", Currency: sales.CNY, Opening: 200_00,
		Entries: []sales.AccountEntry{
			{Kind: sales.EntryInvoice, Date: "2026-11-01", No: "INV-2026-000123-1", OrderNo: "SO-2026-000123", DueDate: "2026-12-01", Amount: 1429_97},
			{Kind: sales.EntryReceipt, Date: "2026-11-05", No: "BANK-88", Amount: 500_00},
			{Kind: sales.EntryCreditNote, Date: "2026-11-10", No: "CN-2026-000123-1", OrderNo: "SO-2026-000123", Amount: 113_00},
		},
		OpenItems: []sales.OpenItem{{InvoiceNo: "INV-2026-000123-1", OrderNo: "SO-2026-000123", DueDate: "2026-12-01", Outstanding: 816_97},
			{InvoiceNo: "INV-2026-000100-1", DueDate: "2026-09-15", Outstanding: 200_00}}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStatementShowsBalancesAgeingAndDraft(t *testing.T) {
	s := statement(t)
	// 200.00 + 1,429.97 = 1,629.97; − 500.00 = 1,129.97; − 113.00 = 1,016.97
	if s.Closing != 1016_97 || s.Ageing.NotDue != 816_97 || s.Ageing.Days61To90 != 200_00 || s.Unapplied != 0 {
		t.Fatalf("statement %+v", s)
	}
	d := documents.Statement(s, true, bj("2026-11-20 10:00"), documents.Issuer{})
	if !d.Draft || d.Filename != "C-001-statement-2026-11-draft" {
		t.Errorf("draft %v filename %q", d.Draft, d.Filename)
	}
	contains(t, "the statement", html(t, d), "对账单", "草稿 DRAFT", "期初余额", "200.00", "1,629.97", "1,129.97", "1,016.97",
		"BANK-88", "CN-2026-000123-1", "816.97", "61–90", "76") // INV-…100-1: 2026-09-15 to 11-30 is 76 days
	kept := documents.Statement(s, false, bj("2026-12-01 00:30"), documents.Issuer{})
	if strings.Contains(html(t, kept), "DRAFT") || kept.Filename != "C-001-statement-2026-11" {
		t.Error("a kept statement is marked as a draft")
	}
}

func TestPDFRendersTheChineseTextAndFigures(t *testing.T) {
	font := pdftest.EnsureFont(t)
	p := documents.NewPDF(font)
	o := order()
	inv, err := documents.Invoice(o, "INV-2026-000123-1", bj("2026-11-12 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Render(inv)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("not a PDF: %.20q", b)
	}
	text := pdftest.Text(t, b)
	for _, w := range []string{"发票", "INV-2026-000123-1", "精酿啤酒 500ml", "1,265.46", "164.51", "1,429.97", "816.97", "2026-12-01", "华东酒业 <b>"} {
		if !strings.Contains(text, w) {
			t.Errorf("the PDF's text lacks %q:\n%s", w, text)
		}
	}
	// Every character shown, Chinese and Latin, has its glyph in the font.
	for r, ok := range pdftest.Glyphs(t, b, "发票精酿啤酒华东业到期日INVoicerSKU0123456789,.-()") {
		if !ok {
			t.Errorf("the embedded font has no glyph for %q", r)
		}
	}
	stmt, err := p.Render(documents.Statement(statement(t), true, bj("2026-11-20 10:00"), documents.Issuer{}))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "the statement's PDF", pdftest.Text(t, stmt), "对账单", "草稿 DRAFT", "1,016.97", "816.97", "200.00")
	again, _ := p.Render(inv)
	if string(again) != string(b) {
		t.Error("rendering the same document twice gives different bytes")
	}
}

func TestPDFWithoutTheFontIsUnavailableAndNamesThePackage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "font.ttf")
	p := documents.NewPDF(path)
	_, err := p.Render(documents.Confirmation(order(), time.Now()))
	if sales.ErrorCode(err) != sales.ErrUnavailable || !strings.Contains(sales.ErrorMessage(err), documents.FontPackage) ||
		!strings.Contains(sales.ErrorMessage(err), documents.FontEnv) {
		t.Fatalf("%v, want unavailable naming %s and %s", err, documents.FontPackage, documents.FontEnv)
	}
	// Installed afterwards, the font is found without a restart.
	b, err := os.ReadFile(pdftest.EnsureFont(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Render(documents.Confirmation(order(), time.Now())); err != nil {
		t.Errorf("with the font installed: %v", err)
	}
}

func TestCreditNoteShowsNetTaxAndGrossAndWhereItWent(t *testing.T) {
	o := order()
	// No lines (a credit note of before VAT): 113.00 split in proportion to
	// the invoice's lines — 89.29 of line 1 (79.02 + 10.27), 23.71 of line 2
	// (20.98 + 2.73) — 100.00 net and 13.00 tax.
	_, tot := documents.CreditNoteLines(o, o.CreditNotes[0])
	if tot != (sales.VATTotals{Net: 100_00, Tax: 13_00, Gross: 113_00}) {
		t.Errorf("proportional split %+v", tot)
	}
	d, err := documents.CreditNote(o, "CN-2026-000123-1", bj("2026-11-12 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "the credit note", html(t, d), "红字冲减单", "CN-2026-000123-1", "100.00", "13.00", "113.00", "INV-2026-000123-1", "2026-11-10")
	if d.Filename != "SO-2026-000123-credit-note-CN-2026-000123-1" {
		t.Errorf("filename %q", d.Filename)
	}

	// Goods returned: the returned quantities at the order's price.
	o.CreditNotes = append(o.CreditNotes,
		sales.CreditNote{No: "CN-2", Kind: sales.ReturnByRequest, Lines: []sales.LineQty{{LineNo: 1, Quantity: 1}}, Amount: 113_00, Refund: 113_00,
			IssuedAt: bj("2026-11-20 10:00")},
		sales.CreditNote{No: "CN-3", Kind: "price", InvoiceNo: "INV-2026-000123-1", Amount: 100_00, Net: 88_50, Tax: 11_50,
			Allocations: []sales.Allocation{{InvoiceNo: "INV-2026-000123-1", Amount: 100_00}}, IssuedAt: bj("2026-11-21 10:00")})
	lines, tot := documents.CreditNoteLines(o, o.CreditNotes[1])
	if len(lines) != 1 || tot != (sales.VATTotals{Net: 100_00, Tax: 13_00, Gross: 113_00}) {
		t.Errorf("returned goods %+v %+v", lines, tot)
	}
	returned, err := documents.CreditNote(o, "CN-2", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "the returned goods' credit note", html(t, returned), "精酿啤酒 500ml", "退货 Goods returned", "转客户余款", "113.00")
	price, err := documents.CreditNote(o, "CN-3", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "the price credit note", html(t, price), "价格差异 Price difference", "88.50", "11.50", "100.00")
	if _, err := documents.CreditNote(o, "CN-9", time.Now()); sales.ErrorCode(err) != sales.ErrNotFound {
		t.Errorf("an unknown credit note: %v", err)
	}
}

func TestCustomerDunningLetterCoversEveryOrderButDisputes(t *testing.T) {
	at := bj("2026-12-20 08:00")
	open := []sales.OpenInvoice{
		{OrderNo: "SO-2026-000200", InvoiceNo: "INV-B", DueAt: bj("2026-12-10 07:00"), Outstanding: 300_00},
		{OrderNo: "SO-2026-000123", InvoiceNo: "INV-A", DueAt: bj("2026-11-20 07:00"), Outstanding: 1_000_00},
		{OrderNo: "SO-2026-000201", InvoiceNo: "INV-C", DueAt: bj("2026-11-01 07:00"), Outstanding: 50_00, Disputed: true},
		{OrderNo: "SO-2026-000202", InvoiceNo: "INV-D", DueAt: bj("2026-12-20 07:00"), Outstanding: 70_00}, // due today
	}
	c := sales.Customer{ID: "C-001", Name: "华东酒业", Currency: sales.CNY}
	d, err := documents.CustomerDunningLetter(c, open, "客户经理 李娜", documents.Issuer{}, at)
	if err != nil {
		t.Fatal(err)
	}
	page := html(t, d)
	// INV-A 30 days, INV-B 10 days: 1,300.00; the disputed and the one due today are left out.
	contains(t, "the customer's letter", page, "SO-2026-000123", "INV-A", ">30<", "SO-2026-000200", "INV-B", ">10<", "1,300.00", "李娜")
	if strings.Contains(page, "INV-C") || strings.Contains(page, "INV-D") || strings.Index(page, "INV-A") > strings.Index(page, "INV-B") {
		t.Error("the letter lists a disputed or not yet overdue invoice, or not the oldest first")
	}
	if d.Filename != "C-001-dunning-letter-2026-12-20" {
		t.Errorf("filename %q", d.Filename)
	}
	if _, err := documents.CustomerDunningLetter(c, open[3:], "", documents.Issuer{}, at); sales.ErrorCode(err) != sales.ErrConflict {
		t.Errorf("nothing overdue: %v, want conflict", err)
	}
}
