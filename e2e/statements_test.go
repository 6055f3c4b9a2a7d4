package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"osb/console"
	"osb/internal/browsertest"
	"osb/sales"
	"osb/starter"
	"osb/workflows"
)

// statementHandler is the API over the shared system with the cash
// application and the bank statement import, as app.Serve wires them.
func statementHandler(sys *system) http.Handler {
	cash := starter.NewTemporalCash(sys.client, sys.store, sales.DefaultCashPolicy(), nil)
	return starter.New(starter.Config{Store: sys.store, Orders: starter.NewTemporalOrders(sys.client), Policy: sales.DefaultPolicy(),
		Quota: sys.store, Credit: starter.NewTemporalCredit(sys.client, sys.store, sales.DefaultCreditPolicy()),
		Reports: starter.NewReports(sys.store, sys.client), Cash: cash, Statements: starter.NewTemporalStatements(sys.client, sys.store, cash),
		Logger: sys.log})
}

// invoiced places, releases and ships an order of customer: its one
// invoice.
func (a *api) invoiced(customer string, sku sales.SKU, qty int64) (string, workflows.GoodsIssueResult) {
	a.t.Helper()
	no := a.order(customer, sku, qty)
	a.waitStatus(no, sales.StatusReleased)
	a.must(http.StatusOK, token("log1"), "POST", "/v1/orders/"+no+"/acknowledge", map[string]string{"planned_date": time.Now().Format(time.DateOnly)}, nil)
	var gi workflows.GoodsIssueResult
	a.must(http.StatusCreated, token("log1"), "POST", "/v1/orders/"+no+"/goods-issues", map[string]any{
		"carrier": "EMS", "lines": []sales.LineQty{{LineNo: 1, Quantity: qty}}}, &gi)
	return no, gi
}

// statementCSV is a GBK-free statement export: a header row naming our
// account, the table, one line per row given.
func statementCSV(account string, rows ...string) []byte {
	return []byte("账号：" + account + "\n交易日期,借方发生额,贷方发生额,对方户名,对方账号,摘要,流水号\n" + strings.Join(rows, "\n") + "\n")
}

// A statement with a matched, a partly matched and an unmatched line and a
// debit, imported twice and then with an overlapping statement, through the
// API, the real Temporal server, the worker and the store: the matched line
// pays its invoice through the order's workflow, once; the others wait for
// Finance, who assigns one and rejects the other.
func TestAStatementImportWithMatchedPartlyMatchedAndUnmatchedLinesImportedTwice(t *testing.T) {
	sys := osb(t)
	srv := httptest.NewServer(statementHandler(sys))
	t.Cleanup(srv.Close)
	a := &api{t: t, sys: sys, url: srv.URL}
	sku := a.plainSKU()
	no, gi := a.invoiced("C001", sku, 3) // 杭州宏达商贸有限公司
	run := time.Now().UnixNano()
	account := fmt.Sprintf("6222%d", run%1_000_000_000_000)
	ref := func(n int) string { return fmt.Sprintf("E2E%d-%d", run, n) }
	today := sales.DateOf(time.Now()).Format(time.DateOnly)
	file := statementCSV(account,
		fmt.Sprintf("%s,,\"%s\",杭州宏达商贸有限公司,62220001,货款 %s,%s", today, gi.Amount, strings.ToLower(gi.InvoiceNo), ref(1)), // matched
		fmt.Sprintf("%s,,1000.00,上海锦程贸易有限公司,62220002,预付货款,%s", today, ref(2)),                                           // partly: C002, no reference
		fmt.Sprintf("%s,,88.80,某某咨询公司,99990001,服务费,%s", today, ref(3)),                                                  // unmatched
		fmt.Sprintf("%s,500.00,,电力公司,88880001,电费,%s", today, ref(4)))                                                    // a debit
	upload := map[string]any{"file_name": "e2e.csv", "content": file}

	var imp sales.BankImport
	a.must(http.StatusCreated, token("fin1"), "POST", "/v1/statements", upload, &imp)
	if imp.Counts != (sales.BankLineCounts{Lines: 4, Matched: 1, Queued: 2, Skipped: 1}) || imp.BankAccount != account {
		t.Fatalf("import %+v", imp)
	}
	path := fmt.Sprintf("/v1/statements/%d", imp.ID)
	eventually(t, time.Minute, "the matched line to be applied", func() bool {
		a.must(http.StatusOK, token("fin1"), "GET", path, nil, &imp)
		return imp.Counts.Applied == 1
	})
	applied := imp.Lines[0]
	if applied.Status != sales.LineApplied || applied.CustomerID != "C001" || applied.ReceiptID == 0 || applied.Invoices[0] != gi.InvoiceNo {
		t.Fatalf("the matched line %+v", applied)
	}
	receipt, err := sys.store.ReceiptByReference(context.Background(), account, ref(1))
	if err != nil || receipt.ID != applied.ReceiptID || receipt.Source != sales.ReceiptSource(imp.ID, applied.LineNo) || receipt.Amount != gi.Amount {
		t.Fatalf("the matched line's receipt %+v %v", receipt, err)
	}
	eventually(t, time.Minute, "the order to learn it was paid", func() bool {
		v := a.status(no)
		return v.Invoices[0].Paid == gi.Amount
	})
	partly, unmatched := imp.Lines[1], imp.Lines[2]
	if partly.Status != sales.LineQueued || partly.CustomerID != "C002" || partly.MatchedBy != sales.MatchByName {
		t.Errorf("the partly matched line %+v", partly)
	}
	if unmatched.Status != sales.LineQueued || unmatched.CustomerID != "" || unmatched.Note == "" {
		t.Errorf("the unmatched line %+v", unmatched)
	}

	// The same file again changes nothing.
	var again sales.BankImport
	a.must(http.StatusOK, token("fin1"), "POST", "/v1/statements", upload, &again)
	if again.ID != imp.ID || again.Counts != (sales.BankLineCounts{Lines: 4, Applied: 1, Queued: 2, Skipped: 1}) {
		t.Fatalf("the same file again: %+v", again)
	}
	// An overlapping statement: its line seen before is a duplicate.
	var overlap sales.BankImport
	a.must(http.StatusCreated, token("fin1"), "POST", "/v1/statements", map[string]any{"file_name": "e2e-overlap.csv",
		"content": statementCSV(account, fmt.Sprintf("%s,,\"%s\",杭州宏达商贸有限公司,62220001,货款 %s,%s", today, gi.Amount, gi.InvoiceNo, ref(1)))}, &overlap)
	if overlap.Counts != (sales.BankLineCounts{Lines: 1, Duplicate: 1}) {
		t.Errorf("the overlapping statement %+v", overlap)
	}
	var receipts []sales.BankReceipt
	a.must(http.StatusOK, token("fin1"), "GET", "/v1/receipts?customer_id=C001", nil, &receipts)
	n := 0
	for _, r := range receipts {
		if r.BankAccount == account {
			n++
		}
	}
	if n != 1 {
		t.Errorf("C001 has %d receipts of the statement, want 1", n)
	}

	// Finance assigns the partly matched line to C002 and rejects the other.
	var line sales.BankLine
	a.must(http.StatusForbidden, token("ssg-lead"), "POST", fmt.Sprintf("/v1/statement-lines/%d/assign", partly.ID), map[string]any{"customer_id": "C002"}, nil)
	a.must(http.StatusOK, token("fin1"), "POST", fmt.Sprintf("/v1/statement-lines/%d/assign", partly.ID), map[string]any{"customer_id": "C002"}, &line)
	if line.Status != sales.LineAssigned || line.ReceiptID == 0 || line.DecidedBy != "fin1" {
		t.Errorf("the assigned line %+v", line)
	}
	if r, err := sys.store.ReceiptByReference(context.Background(), account, ref(2)); err != nil || r.CustomerID != "C002" || r.Amount != sales.Yuan(1000) {
		t.Errorf("the assigned line's receipt %+v %v", r, err)
	}
	a.must(http.StatusConflict, token("fin1"), "POST", fmt.Sprintf("/v1/statement-lines/%d/assign", partly.ID), map[string]any{"customer_id": "C002"}, nil)
	a.must(http.StatusOK, token("fin1"), "POST", fmt.Sprintf("/v1/statement-lines/%d/reject", unmatched.ID), map[string]any{"reason": "不是客户货款"}, &line)
	if line.Status != sales.LineRejected {
		t.Errorf("the rejected line %+v", line)
	}
	a.must(http.StatusOK, token("fin1"), "GET", path, nil, &imp)
	if imp.Counts != (sales.BankLineCounts{Lines: 4, Applied: 1, Assigned: 1, Rejected: 1, Skipped: 1}) {
		t.Errorf("the import at the end %+v", imp.Counts)
	}
	a.sys.saveWorkflowHistory(t, workflows.StatementWorkflowID(imp.ID), "finance-histories", "statement_import")
}

// Finance works the statement queue in the console, in headless Chromium
// against the real Temporal server, worker, store and API: uploads a
// statement, sees what matched and what waits, assigns one queued line to
// its customer and rejects another; screenshots as artifacts.
func TestStatementQueueInTheConsole(t *testing.T) {
	sys := osb(t)
	h := statementHandler(sys)
	con := console.New(console.Config{Store: sys.store, API: h, Logger: sys.log,
		Tasks: append(console.DefaultTasks(sys.store, console.Policies{}), console.QueuedStatementLines{Store: sys.store})})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			h.ServeHTTP(w, r)
			return
		}
		con.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	hash, err := console.HashPassword(consolePassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sys.store.SeedDemoPasswords(context.Background(), []string{"fin1"}, hash); err != nil {
		t.Fatal(err)
	}
	a := &api{t: t, sys: sys, url: srv.URL}
	sku := a.plainSKU()
	_, gi := a.invoiced("C003", sku, 2) // 南京恒瑞商贸有限公司
	run := time.Now().UnixNano()
	account := fmt.Sprintf("6228%d", run%1_000_000_000_000)
	ref := func(n int) string { return fmt.Sprintf("UI%d-%d", run, n) }
	today := sales.DateOf(time.Now()).Format(time.DateOnly)
	file := filepath.Join(t.TempDir(), "对账单.csv")
	if err := os.WriteFile(file, statementCSV(account,
		fmt.Sprintf("%s,,\"%s\",南京恒瑞商贸有限公司,62230001,%s,%s", today, gi.Amount, gi.InvoiceNo, ref(1)),
		fmt.Sprintf("%s,,300.00,苏州嘉禾食品贸易有限公司,62230002,预付款,%s", today, ref(2)),
		fmt.Sprintf("%s,,12.34,银行,00000000,结息,%s", today, ref(3))), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := browsertest.Start(t, 4*time.Minute)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return browsertest.Screenshot(t, screenshotDir, name)
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return got
	}
	do("signing in as Finance", chromedp.Navigate(srv.URL+"/signin"), chromedp.WaitVisible(css("#user")),
		chromedp.SetValue(css("#user"), "fin1"), chromedp.SetValue(css("#password"), consolePassword),
		chromedp.Submit(css("#password")), chromedp.WaitVisible(css(`form[action="/signout"]`)))

	do("uploading the statement", chromedp.Click(css(`nav a[href="/statements"]`)), chromedp.WaitVisible(css("#upload-file")),
		browsertest.Labelled(t, "the statement page"), chromedp.SetUploadFiles(css("#upload-file"), []string{file}),
		shot("statement-upload"), chromedp.Click(css(`#upload button[type="submit"]`)), chromedp.WaitVisible(css("#count-lines")))
	if got := text("#count-lines"); got != "3" {
		t.Fatalf("the import counts %s lines:\n%s", got, text("main"))
	}
	if got := text("#count-queued"); !strings.HasPrefix(got, "2") {
		t.Errorf("the import queued %q:\n%s", got, text("main"))
	}
	// The matched line is applied by the workflow: the page follows it.
	eventually(t, time.Minute, "the page to show the matched line applied", func() bool {
		applied, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("#count-applied") || {}).textContent || ""`))
		return err == nil && applied == "1"
	})
	do("waiting for the page", chromedp.WaitVisible(css("#count-lines")))
	do("the import's result", shot("statement-import"))

	do("opening the queue", chromedp.Click(css(`#count-queued a`)), chromedp.WaitVisible(css("table.statement-queue")),
		browsertest.Labelled(t, "the queue"), shot("statement-queue"))
	lines, err := sys.store.BankLines(context.Background(), sales.BankLineFilter{Status: sales.LineQueued, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, l := range lines {
		ids[l.Reference] = l.ID
	}
	assign, reject := fmt.Sprintf("#act-assign-%d", ids[ref(2)]), fmt.Sprintf("#act-reject-%d", ids[ref(3)])
	if got, _ := chromedp.Run(ctx, chromedp.Value(css(assign+` input[name="customer_id"]`))); got != "C004" {
		t.Errorf("the suggested customer is %q, want C004", got)
	}
	do("assigning a line", chromedp.Click(css(assign+` button[type="submit"]`)), chromedp.WaitVisible(css("p.notice")))
	do("rejecting without a reason", chromedp.Click(css(reject+` button[type="submit"]`)), chromedp.WaitVisible(css(".field-error")),
		shot("statement-reject-refused"))
	do("rejecting a line", chromedp.SetValue(css(reject+` input[name="reason"]`), "银行结息，不是客户货款"),
		chromedp.Click(css(reject+` button[type="submit"]`)), chromedp.WaitVisible(css("p.notice")), shot("statement-queue-done"))
	if r, err := sys.store.ReceiptByReference(context.Background(), account, ref(2)); err != nil || r.CustomerID != "C004" {
		t.Errorf("the assigned line's receipt %+v %v", r, err)
	}
	for ref, want := range map[string]sales.LineStatus{ref(1): sales.LineApplied, ref(2): sales.LineAssigned, ref(3): sales.LineRejected} {
		l, err := sys.store.BankLines(context.Background(), sales.BankLineFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range l {
			if x.Reference == ref && x.Status != want {
				t.Errorf("line %s is %s, want %s", ref, x.Status, want)
			}
		}
	}
}
