package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"osb/documents"
	"osb/internal/pdftest"
	"osb/sales"
	"osb/starter"
	"osb/workflows"
)

// documentsAPI is the API over the shared system with documents rendered
// with font (and no cash application: a receipt is confirmed on its order).
func documentsAPI(t *testing.T, font string) *api {
	t.Helper()
	sys := osb(t)
	h := starter.New(starter.Config{Store: sys.store, Orders: starter.NewTemporalOrders(sys.client), Policy: sales.DefaultPolicy(),
		Quota: sys.store, Logger: sys.log, Documents: starter.NewDocuments(sys.store, documents.NewPDF(font))})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &api{t: t, sys: sys, url: srv.URL}
}

// download GETs path as the holder of tok and returns the answer's body and
// headers; any status but 200 fails the test.
func (a *api) download(tok, path string) ([]byte, http.Header) {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.url+path, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := httpClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		a.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return b, resp.Header
}

// documentCustomer is a customer of its own, so that its statement holds
// this test's movements alone.
func documentCustomer(t *testing.T, sys *system) sales.Customer {
	t.Helper()
	c, err := sys.store.Customer(context.Background(), "C001")
	if err != nil {
		t.Fatal(err)
	}
	c.ID, c.Name, c.Frozen, c.Active = fmt.Sprintf("TD%d", time.Now().UnixNano()%1_000_000_000), "单据测试客户", false, true
	c.ShipTo, c.CreditLimit, c.PaymentTermsDays = "上海市浦东新区张江路 88 号", sales.Yuan(10_000_000), 30
	if err := sys.store.SaveOrganisation(context.Background(), sales.Organisation{Customers: []sales.Customer{c}}); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestInvoiceAndStatementDocumentsFromARealOrder(t *testing.T) {
	font := pdftest.EnsureFont(t)
	a := documentsAPI(t, font)
	c := documentCustomer(t, a.sys)
	sku := a.plainSKU()
	no := a.order(c.ID, sku, 10)
	a.waitStatus(no, sales.StatusReleased)
	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/acknowledge", map[string]string{"planned_date": time.Now().Format(time.DateOnly)}, nil)
	var gi workflows.GoodsIssueResult
	a.must(201, token("log1"), "POST", "/v1/orders/"+no+"/goods-issues", map[string]any{
		"carrier": "顺丰速运", "waybill": "SF-DOC-1", "lines": []sales.LineQty{{LineNo: 1, Quantity: 10}}}, &gi)
	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/shipments/"+gi.ShipmentNo+"/delivery", map[string]any{}, nil)
	first := a.status(no)
	if len(first.Invoices) != 1 {
		t.Fatalf("invoices %+v", first.Invoices)
	}
	// Finance records the official VAT invoice (发票号).
	vatDate := sales.DateOf(time.Now()).Format(time.DateOnly)
	vatNo := fmt.Sprintf("044%08d", time.Now().UnixNano()%100_000_000)
	a.must(200, token("fin1"), "PUT", "/v1/orders/"+no+"/invoices/"+first.Invoices[0].No+"/vat-invoice",
		map[string]string{"vat_invoice_no": vatNo, "vat_invoice_date": vatDate}, nil)
	v := a.status(no)
	if len(v.Invoices) != 1 {
		t.Fatalf("invoices %+v", v.Invoices)
	}
	inv := v.Invoices[0]
	gross := 10 * sku.ListPrice
	net, tax := sales.SplitVAT(gross, sku.TaxRate.Or())
	due := sales.DateOf(inv.DueAt).Format(time.DateOnly)

	// The invoice as PDF: the Chinese and the figures are in it.
	pdf, h := a.download(token("fin1"), "/v1/orders/"+no+"/documents/invoices/"+inv.No)
	if h.Get("Content-Type") != documents.PDFType || !strings.Contains(h.Get("Content-Disposition"), no+"-invoice-"+inv.No+".pdf") {
		t.Errorf("headers %v", h)
	}
	text := pdftest.Text(t, pdf)
	for _, want := range []string{"发票", inv.No, c.Name, documents.Money(net), documents.Money(tax), documents.Money(gross), due, vatNo} {
		if !strings.Contains(text, want) {
			t.Errorf("the invoice PDF lacks %q:\n%s", want, text)
		}
	}
	// The printable page says the same.
	page, h := a.download(token("kam-huadong-1"), "/v1/orders/"+no+"/documents/invoices/"+inv.No+"?format=html")
	if !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Errorf("Content-Type %s", h.Get("Content-Type"))
	}
	for _, want := range []string{inv.No, documents.Money(net), documents.Money(tax), documents.Money(gross), due, vatNo, vatDate} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the invoice page lacks %q", want)
		}
	}
	if strings.Contains(string(page), "待开具") {
		t.Error("the invoice page says the VAT invoice is not recorded")
	}
	note, _ := a.download(token("log1"), "/v1/orders/"+no+"/documents/dispatch-note?format=html&shipment="+gi.ShipmentNo)
	if !strings.Contains(string(note), "SF-DOC-1") || !strings.Contains(string(note), c.ShipTo) || strings.Contains(string(note), documents.Money(gross)) {
		t.Errorf("dispatch note:\n%s", note)
	}

	// A quarter paid on the order (the route of before cash application),
	// then a bank transfer of another half recorded for the customer and
	// applied to the invoice: the month's draft statement has the invoice
	// and both receipts, the transfer once although the order took its share.
	paid := gross / 4
	a.must(201, token("fin1"), "POST", "/v1/orders/"+no+"/receipts", map[string]any{"reference": "DOC-" + no, "amount_fen": paid, "currency": "CNY"}, nil)
	transfer := gross / 2
	today := sales.DateOf(time.Now()).Format(time.DateOnly)
	cash := newAPI(t, sales.DefaultPolicy())
	if got := cash.call(token("fin1"), "POST", "/v1/receipts", sales.ReceiptInput{CustomerID: c.ID, BankAccount: "ICBC-DOC",
		Reference: "BANK-" + no, ValueDate: today, Amount: transfer, Currency: sales.CNY}, nil); got != http.StatusCreated && got != http.StatusAccepted {
		t.Fatalf("recording the transfer: %d", got)
	}
	month := sales.MonthOf(time.Now())
	path := "/v1/customers/" + c.ID + "/statements/" + month
	left := gross - paid - transfer
	var draft sales.StatementRecord
	eventually(t, 30*time.Second, "both receipts in the store and the transfer applied", func() bool {
		a.must(200, token("fin1"), "GET", path+"?format=json", nil, &draft)
		return draft.Statement != nil && len(draft.Statement.Lines) == 3 && draft.Statement.Ageing.Total == left
	})
	s := draft.Statement
	if !draft.Draft || s.Opening != 0 || s.Invoiced != gross || s.Received != paid+transfer || s.Closing != left ||
		s.Lines[0].No != inv.No || s.Lines[0].DueDate != due || s.Lines[2].Balance != left {
		t.Fatalf("draft statement %+v", s)
	}
	receipts := map[string]sales.Fen{}
	for _, l := range s.Lines[1:] {
		receipts[l.No] = l.Credit
		if l.Kind != sales.EntryReceipt || l.Date != today {
			t.Errorf("line %+v, want a receipt of %s", l, today)
		}
	}
	if receipts["DOC-"+no] != paid || receipts["BANK-"+no] != transfer {
		t.Errorf("receipts %v, want %s on the order and %s by transfer", receipts, paid, transfer)
	}
	if s.Ageing.NotDue != left || s.Unapplied != 0 || len(s.OpenItems) != 1 || s.OpenItems[0].Outstanding != left {
		t.Errorf("ageing %+v open %+v unapplied %s, want %s not due", s.Ageing, s.OpenItems, s.Unapplied, left)
	}
	stmt, h := a.download(token("ssg-lead"), path)
	if !strings.Contains(h.Get("Content-Disposition"), c.ID+"-statement-"+month+"-draft.pdf") {
		t.Errorf("Content-Disposition %s", h.Get("Content-Disposition"))
	}
	stext := strings.ReplaceAll(pdftest.Text(t, stmt), "\n", "") // a long reference wraps in its cell
	for _, want := range []string{"对账单", "草稿 DRAFT", c.Name, inv.No, "BANK-" + no, documents.Money(gross), documents.Money(paid), documents.Money(transfer), documents.Money(left)} {
		if !strings.Contains(stext, want) {
			t.Errorf("the statement PDF lacks %q", want)
		}
	}

	// The monthly run keeps the statement once; a second run keeps the first.
	ctx := context.Background()
	var runIDs []string
	run := func() workflows.MonthlyStatementsResult {
		t.Helper()
		id := fmt.Sprintf("monthly-statements/e2e/%d", time.Now().UnixNano())
		runIDs = append(runIDs, id)
		r, err := a.sys.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id,
			TaskQueue: workflows.TaskQueue}, workflows.MonthlyStatementsWorkflowName, workflows.MonthlyStatementsInput{Month: month})
		if err != nil {
			t.Fatal(err)
		}
		var res workflows.MonthlyStatementsResult
		if err := r.Get(ctx, &res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	if first := run(); first.Month != month || first.Customers == 0 || first.Generated == 0 {
		t.Fatalf("first run %+v", first)
	}
	if again := run(); again.Generated != 0 || again.KeptFirst == 0 {
		t.Errorf("second run %+v, want nothing generated", again)
	}
	a.sys.saveWorkflowHistory(t, runIDs[0], "finance-histories", "monthly_statements")
	var kept []sales.StatementRecord
	a.must(200, token("fin1"), "GET", "/v1/customers/"+c.ID+"/statements", nil, &kept)
	if len(kept) != 1 || kept[0].Month != month || kept[0].Closing != left {
		t.Errorf("kept statements %+v", kept)
	}
}
