package console

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"osb/sales"
	"osb/starter"
	"osb/workflows"
)

// storeRecorder records receipts in the fixture's store, as the cash
// application does (without telling the orders).
type storeRecorder struct{ f *fixture }

func (s storeRecorder) RecordReceipt(ctx context.Context, in sales.ReceiptInput, source string, by sales.Actor) (sales.BankReceipt, error) {
	r, _, err := s.f.store.RecordReceipt(ctx, in, source, by.UserID, s.f.clock.now())
	return r, err
}

// withStatements serves the fixture's console on an API with the statement
// import on the fixture's store; applied are the workflows started.
func (f *fixture) withStatements() *[]workflows.ApplyStatementInput {
	f.t.Helper()
	applied := new([]workflows.ApplyStatementInput)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	stmts := &starter.Statements{Store: f.store, Receipts: storeRecorder{f}, Now: f.clock.now,
		Apply: func(_ context.Context, in workflows.ApplyStatementInput) error {
			*applied = append(*applied, in)
			return nil
		}}
	f.api = starter.New(starter.Config{Store: f.store, Orders: f.orders, Policy: sales.DefaultPolicy(), Logger: quiet, Now: f.clock.now,
		Statements: stmts})
	tasks := append(DefaultTasks(f.store, Policies{}), QueuedStatementLines{f.store})
	f.srv = httptest.NewServer(New(Config{Store: f.store, API: f.api, Tasks: tasks, Logger: quiet, Now: f.clock.now}))
	f.t.Cleanup(f.srv.Close)
	return applied
}

// upload posts the statement upload form with a file.
func (b *browser) upload(csrf, name, content string, fields url.Values) page {
	b.f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", csrf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write([]byte(content))
	}
	_ = mw.Close()
	resp, err := b.client.Post(b.f.srv.URL+"/statements", mw.FormDataContentType(), &body)
	if err != nil {
		b.f.t.Fatal(err)
	}
	return readPage(b.f.t, resp)
}

// consoleStatement pays the fixture's overdue invoice of C003 by name
// (matched), one line from C001's name without a reference (partly
// matched), one from a stranger (unmatched) and a debit.
const consoleStatement = "交易日期,借方发生额,贷方发生额,对方户名,对方账号,摘要,流水号\n" +
	"2026-11-02,,\"4,680.00\",南京恒瑞商贸有限公司,6222001,货款 INV-2026-000003-1,B-1\n" +
	"2026-11-02,,100.00,杭州宏达商贸有限公司,6222002,预付款,B-2\n" +
	"2026-11-03,,20.00,某某公司,9999,利息,B-3\n" +
	"2026-11-03,30.00,,电力公司,8888,电费,B-4\n"

func TestFinanceImportsAStatementAndWorksTheQueueInTheConsole(t *testing.T) {
	f := newFixture(t, false)
	applied := f.withStatements()
	b := f.browser()
	home := b.signIn("fin1")
	if !home.has(`href="/statements"`) {
		t.Errorf("Finance's navigation has no statements")
	}
	p := b.get("/statements")
	if p.status != http.StatusOK || !p.has(`enctype="multipart/form-data"`) || !p.has("尚无导入的对账单") {
		t.Fatalf("%d\n%s", p.status, p.body)
	}
	csrf := p.csrf(t)

	// A bad file: every bad row beside the file field, nothing stored.
	r := b.upload(csrf, "bad.csv", "交易日期,贷方发生额,流水号\n2026-11-02,1.005,X\n2026-11-02,abc,Y\n", url.Values{"bank_account": {"1001"}})
	if r.status != http.StatusUnprocessableEntity || !r.has(`id="upload-file-error"`) || !r.has("row 2, column 贷方发生额") || !r.has("row 3, column 贷方发生额") ||
		!r.has(`value="1001"`) {
		t.Fatalf("bad file: %d\n%s", r.status, r.body)
	}
	r = b.upload(csrf, "ok.csv", consoleStatement, nil)
	if r.status != http.StatusUnprocessableEntity || !r.has(`id="upload-bank_account-error"`) {
		t.Fatalf("no account: %d\n%s", r.status, r.body)
	}

	r = b.upload(csrf, "nov.csv", consoleStatement, url.Values{"bank_account": {"1001 0001"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/statements/1?done=imported") {
		t.Fatalf("upload: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if len(*applied) != 1 || (*applied)[0].ImportID != 1 {
		t.Errorf("applications started: %+v", *applied)
	}
	p = b.get(r.header.Get("Location"))
	for _, want := range []string{"对账单已导入", `id="count-lines">4<`, `id="count-matched">1<`, `id="count-queued">2`, `id="count-skipped">1<`,
		`id="lines-queued"`, `id="lines-matched"`, "INV-2026-000003-1", "按户名"} {
		if !p.has(want) {
			t.Errorf("the import's page lacks %q", want)
		}
	}
	// While its matched line is being applied, the page follows its counts.
	if !p.has(`data-stamp-url="/statements/1/stamp"`) || !p.has(`data-stamp="1-0-2-0-0-0-1"`) {
		t.Errorf("the import's page does not follow its counts:\n%s", p.body)
	}
	if s := b.get("/statements/1/stamp"); s.status != http.StatusOK || s.body != "1-0-2-0-0-0-1" {
		t.Errorf("the import's stamp: %d %q", s.status, s.body)
	}

	// The same file again: the same import, nothing changed.
	r = b.upload(csrf, "nov-copy.csv", consoleStatement, url.Values{"bank_account": {"10010001"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/statements/1?done=again" {
		t.Fatalf("the same file again: %d %s", r.status, r.header.Get("Location"))
	}
	if p := b.get("/statements/1?done=again"); !p.has("未做任何更改") || !p.has(`id="count-lines">4<`) {
		t.Errorf("again:\n%s", p.body)
	}

	// My work leads Finance to each queued line's forms.
	if w := b.get("/"); !w.has(`href="/statements/queue#act-assign-2"`) || !w.has(`href="/statements/queue#act-assign-3"`) || !w.has("某某公司") {
		t.Errorf("My work does not list the queued lines:\n%s", w.body)
	}

	// The queue: assign B-2 to its suggested customer, reject B-3.
	q := b.get("/statements/queue")
	if q.status != http.StatusOK || !q.has(`id="act-assign-2"`) || !q.has(`id="act-reject-3"`) || !q.has(`value="C001"`) ||
		!q.has("付款账号和户名都不属于任何客户") || !q.has("附言未写明 C001 的未结发票") {
		t.Fatalf("queue: %d\n%s", q.status, q.body)
	}
	csrf = q.csrf(t)
	r = b.post("/statements/lines/3/reject", url.Values{"csrf": {csrf}, "reason": {" "}})
	if r.status != http.StatusUnprocessableEntity || !r.has(`id="act-reject-3-reason-error"`) {
		t.Fatalf("reject without reason: %d\n%s", r.status, r.body)
	}
	r = b.post("/statements/lines/2/assign", url.Values{"csrf": {csrf}, "customer_id": {"C001"}, "invoice_nos": {""}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/statements/queue?done=assign" {
		t.Fatalf("assign: %d\n%s", r.status, r.body)
	}
	r = b.post("/statements/lines/3/reject", url.Values{"csrf": {csrf}, "reason": {"银行利息"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("reject: %d\n%s", r.status, r.body)
	}
	if q := b.get("/statements/queue?done=reject"); !q.has("没有待处理的流水") || !q.has("已拒绝该行") {
		t.Errorf("the queue after:\n%s", q.body)
	}
	if w := b.get("/"); w.has("/statements/queue#act-assign-") {
		t.Errorf("My work still lists decided lines")
	}
	rec, err := f.store.ReceiptByReference(context.Background(), "10010001", "B-2")
	if err != nil || rec.CustomerID != "C001" || rec.Amount != sales.Yuan(100) || rec.Source != "import:1/3" {
		t.Errorf("the assigned line's receipt %+v %v", rec, err)
	}
	if p := b.get("/statements/1"); !p.has(`id="count-assigned">1<`) || !p.has(`id="count-rejected">1<`) || !p.has("银行利息") {
		t.Errorf("the import after:\n%s", p.body)
	}
	if l := b.get("/statements"); !l.has(`id="import-1"`) || !l.has("nov.csv") {
		t.Errorf("the list:\n%s", l.body)
	}

	// The SLT reads, without forms; Logistics gets no page, and a forged
	// post by the SLT is refused.
	s := f.browser()
	home = s.signIn("dsd")
	if p := s.get("/statements"); p.status != http.StatusOK || p.has(`action="/statements" enctype`) {
		t.Errorf("the SLT's list: %d", p.status)
	}
	if r := s.post("/statements/lines/3/reject", url.Values{"csrf": {home.csrf(t)}, "reason": {"x"}}); r.status != http.StatusForbidden {
		t.Errorf("the SLT's forged reject: %d", r.status)
	}
	l := f.browser()
	l.signIn("log1")
	if p := l.get("/statements/queue"); p.status != http.StatusForbidden {
		t.Errorf("Logistics' queue: %d", p.status)
	}
}

// A statement file larger than an ordinary form (64 KiB) is imported; the
// upload still needs its CSRF token.
func TestALargeStatementIsUploadedThroughTheConsole(t *testing.T) {
	f := newFixture(t, false)
	f.withStatements()
	b := f.browser()
	b.signIn("fin1")
	csrf := b.get("/statements").csrf(t)
	var sb strings.Builder
	sb.WriteString("日期,收入,户名,用途,单号\n") // the bank's own column names, given in the form
	for i := 0; sb.Len() < 256<<10; i++ {
		fmt.Fprintf(&sb, "2026-11-02,1.00,某公司%d,%s,L%06d\n", i, strings.Repeat("货款", 10), i)
	}
	cols := url.Values{"bank_account": {"1001"}, "col_date": {"日期"}, "col_credit": {"收入"}, "col_payer_name": {"户名"},
		"col_remittance": {"用途"}, "col_reference": {"单号"}}
	if r := b.upload("forged", "big.csv", sb.String(), cols); r.status != http.StatusForbidden {
		t.Errorf("an upload without its CSRF token: %d", r.status)
	}
	bad := url.Values{"bank_account": {"1001"}, "col_credit": {strings.Repeat("收", 70)}}
	if r := b.upload(csrf, "big.csv", sb.String(), bad); r.status != http.StatusUnprocessableEntity || !r.has(`id="upload-col_credit-error"`) ||
		!r.has("<details open>") {
		t.Errorf("a column name too long: %d\n%s", r.status, r.body)
	}
	if r := b.upload(csrf, "huge.csv", strings.Repeat("a", maxStatementUpload), cols); r.status != http.StatusRequestEntityTooLarge || !r.has("文件太大") {
		t.Errorf("a file too large: %d\n%s", r.status, r.body)
	}
	r := b.upload(csrf, "big.csv", sb.String(), cols)
	if r.status != http.StatusSeeOther {
		t.Fatalf("a large upload: %d\n%s", r.status, r.body)
	}
	p := b.get(r.header.Get("Location"))
	if !p.has(`id="count-queued">`) || p.has(`id="count-lines">0<`) || strings.Count(p.body, `<tr id="line-`) != groupRows ||
		!p.has(`href="/statements/1?status=queued#lines-queued"`) {
		t.Errorf("the large import shows %d lines:\n%.3000s", strings.Count(p.body, `<tr id="line-`), p.body)
	}
	if all := b.get("/statements/1?status=queued"); strings.Count(all.body, `<tr id="line-`) < 1000 {
		t.Errorf("the whole queue of the import shows %d lines", strings.Count(all.body, `<tr id="line-`))
	}
}
