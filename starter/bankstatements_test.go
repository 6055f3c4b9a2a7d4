package starter

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"osb/sales"
	"osb/workflows"
)

// fakeStatementStore keeps imports and lines in memory, as the store would.
type fakeStatementStore struct {
	mu       sync.Mutex
	imports  []sales.BankImport
	lines    []sales.BankLine
	receipts map[string]sales.BankReceipt // by reference
}

func (s *fakeStatementStore) StatementMatchData(context.Context) ([]sales.Customer, []sales.KnownPayer, []sales.CustomerInvoice, error) {
	due := time.Date(2026, 3, 1, 0, 0, 0, 0, sales.Beijing)
	return []sales.Customer{{ID: "C-001", Name: "上海分销"}, {ID: "C-002", Name: "广州分销"}},
		[]sales.KnownPayer{{CustomerID: "C-002", Account: "6222 0002"}},
		[]sales.CustomerInvoice{
			{CustomerID: "C-001", OpenInvoice: sales.OpenInvoice{OrderNo: "SO-2026-000001", InvoiceNo: "IV-2026-000001-1", DueAt: due, Outstanding: sales.Yuan(500), Currency: sales.CNY}},
			{CustomerID: "C-002", OpenInvoice: sales.OpenInvoice{OrderNo: "SO-2026-000002", InvoiceNo: "IV-2026-000002-1", DueAt: due, Outstanding: sales.Yuan(800), Currency: sales.CNY}},
		}, nil
}

func (s *fakeStatementStore) SaveBankImport(_ context.Context, imp sales.BankImport, _ sales.Role, lines []sales.BankLine) (sales.BankImport, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, had := range s.imports {
		if had.SHA256 == imp.SHA256 {
			return s.counted(had), false, nil
		}
	}
	imp.ID = int64(len(s.imports) + 1)
	s.imports = append(s.imports, imp)
	for _, l := range lines {
		l.ID, l.ImportID = int64(len(s.lines)+1), imp.ID
		s.lines = append(s.lines, l)
	}
	return s.counted(imp), true, nil
}

func (s *fakeStatementStore) counted(imp sales.BankImport) sales.BankImport {
	imp.Counts = sales.BankLineCounts{}
	for _, l := range s.lines {
		if l.ImportID == imp.ID {
			imp.Counts.Add(l.Status, 1)
		}
	}
	return imp
}

func (s *fakeStatementStore) BankImport(_ context.Context, id int64, withLines bool) (sales.BankImport, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, imp := range s.imports {
		if imp.ID == id {
			imp = s.counted(imp)
			for _, l := range s.lines {
				if withLines && l.ImportID == id {
					imp.Lines = append(imp.Lines, l)
				}
			}
			return imp, nil
		}
	}
	return sales.BankImport{}, sales.Errorf(sales.ErrNotFound, "there is no statement import %d", id)
}

func (s *fakeStatementStore) BankImports(context.Context, int) ([]sales.BankImport, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sales.BankImport
	for _, imp := range s.imports {
		out = append(out, s.counted(imp))
	}
	return out, nil
}

func (s *fakeStatementStore) BankLines(_ context.Context, f sales.BankLineFilter) ([]sales.BankLine, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sales.BankLine
	for _, l := range s.lines {
		if (f.Status == "" || l.Status == f.Status) && (f.ImportID == 0 || l.ImportID == f.ImportID) {
			out = append(out, l)
		}
	}
	return out, nil
}

func (s *fakeStatementStore) BankLine(_ context.Context, id int64) (sales.BankLine, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 1 || int(id) > len(s.lines) {
		return sales.BankLine{}, sales.Errorf(sales.ErrNotFound, "there is no statement line %d", id)
	}
	return s.lines[id-1], nil
}

func (s *fakeStatementStore) SettleBankLine(_ context.Context, id int64, from []sales.LineStatus, o sales.LineOutcome) (sales.BankLine, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := &s.lines[id-1]
	if !slices.Contains(from, l.Status) {
		return *l, sales.Errorf(sales.ErrConflict, "statement line %d is %s now", id, l.Status)
	}
	l.Status, l.ReceiptID, l.Note, l.DecidedBy = o.Status, o.ReceiptID, o.Note, o.By
	if o.CustomerID != "" {
		l.CustomerID = o.CustomerID
	}
	if o.Invoices != nil {
		l.Invoices = o.Invoices
	}
	return *l, nil
}

func (s *fakeStatementStore) TransactionReceipt(_ context.Context, _, reference string) (sales.BankReceipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.receipts[reference]
	if !ok {
		return r, sales.Errorf(sales.ErrNotFound, "no receipt %s", reference)
	}
	return r, nil
}

// RecordReceipt is the cash application: a reference once.
func (s *fakeStatementStore) RecordReceipt(_ context.Context, in sales.ReceiptInput, source string, by sales.Actor) (sales.BankReceipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.CustomerID == "C-404" {
		return sales.BankReceipt{}, sales.Errorf(sales.ErrNotFound, "there is no customer C-404")
	}
	if _, ok := s.receipts[in.Reference]; ok {
		return sales.BankReceipt{}, sales.Errorf(sales.ErrConflict, "reference %s was recorded", in.Reference)
	}
	r := sales.BankReceipt{ID: int64(len(s.receipts) + 1), CustomerID: in.CustomerID, Reference: in.Reference, Source: source,
		Amount: in.Amount, RecordedBy: by.UserID}
	s.receipts[in.Reference] = r
	return r, nil
}

// statementFixture is the API with the statement import on fakes; applied
// records each start of an ApplyStatement workflow.
type statementFixture struct {
	*fixture
	st      *fakeStatementStore
	applied []workflows.ApplyStatementInput
}

func newTestStatements(st *fakeStatementStore, applied *[]workflows.ApplyStatementInput) *Statements {
	return &Statements{Store: st, Receipts: st, Now: func() time.Time { return now },
		Apply: func(_ context.Context, in workflows.ApplyStatementInput) error {
			*applied = append(*applied, in)
			return nil
		}}
}

func newStatementFixture(t *testing.T) *statementFixture {
	t.Helper()
	f := &statementFixture{fixture: newFixture(t), st: &fakeStatementStore{receipts: map[string]sales.BankReceipt{}}}
	f.handler = New(Config{Store: f.store, Orders: f.orders, Policy: f.policy, Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return now }, Statements: newTestStatements(f.st, &f.applied)})
	return f
}

// upload posts a statement as a multipart form.
func (f *statementFixture) upload(t *testing.T, token, name, content, account, columns string) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write([]byte(content))
	}
	_ = mw.WriteField("bank_account", account)
	if columns != "" {
		_ = mw.WriteField("columns", columns)
	}
	_ = mw.Close()
	req := httptest.NewRequest("POST", "/v1/statements", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return rec
}

const testStatement = "交易日期,贷方发生额,借方发生额,对方户名,对方账号,摘要,流水号\n" +
	"2026-03-02,500.00,,上海分销,,货款 IV-2026-000001-1,R1\n" + // matched by name
	"2026-03-02,100.00,,,6222-0002,货款,R2\n" + // partly: C-002 by account, no reference
	"2026-03-03,20.00,,某公司,999,利息,R3\n" + // unmatched
	"2026-03-03,,30.00,电力公司,888,电费,R4\n" // a debit

func TestFinanceImportsAStatementAndTheSameFileAgainChangesNothing(t *testing.T) {
	f := newStatementFixture(t)
	rec := f.upload(t, "t-fin", "mar.csv", testStatement, "1001 0001", "")
	wantStatus(t, rec, http.StatusCreated)
	imp := decodeAs[sales.BankImport](t, rec)
	want := sales.BankLineCounts{Lines: 4, Matched: 1, Queued: 2, Skipped: 1}
	if imp.ID != 1 || imp.Counts != want || imp.BankAccount != "10010001" || imp.FileName != "mar.csv" || imp.UploadedBy != "u-fin" || len(imp.SHA256) != 64 {
		t.Fatalf("import %+v", imp)
	}
	if rec.Header().Get("Location") != "/v1/statements/1" {
		t.Errorf("Location %q", rec.Header().Get("Location"))
	}
	if len(f.applied) != 1 || f.applied[0].ImportID != 1 || f.applied[0].By != (sales.Actor{UserID: "u-fin", Role: sales.RoleFinance}) {
		t.Errorf("applications started %+v", f.applied)
	}
	lines := f.st.lines
	if l := lines[0]; l.Status != sales.LineMatched || l.CustomerID != "C-001" || l.MatchedBy != sales.MatchByName || !slices.Equal(l.Invoices, []string{"IV-2026-000001-1"}) || l.LineNo != 2 {
		t.Errorf("matched line %+v", l)
	}
	if l := lines[1]; l.Status != sales.LineQueued || l.CustomerID != "C-002" || l.MatchedBy != sales.MatchByAccount {
		t.Errorf("partly matched line %+v", l)
	}
	if l := lines[2]; l.Status != sales.LineQueued || l.CustomerID != "" || l.Note == "" {
		t.Errorf("unmatched line %+v", l)
	}
	if l := lines[3]; l.Status != sales.LineSkipped || l.Amount != sales.Yuan(30) {
		t.Errorf("debit %+v", l)
	}

	again := f.upload(t, "t-fin", "copy of mar.csv", testStatement, "10010001", "")
	wantStatus(t, again, http.StatusOK)
	if got := decodeAs[sales.BankImport](t, again); got.ID != 1 || got.Counts != want {
		t.Errorf("the same file again: %+v", got)
	}
	if len(f.st.imports) != 1 || len(f.st.lines) != 4 {
		t.Errorf("the same file again stored %d imports, %d lines", len(f.st.imports), len(f.st.lines))
	}

	// As JSON, with its own column names and the account from the file.
	body := map[string]any{"file_name": "other.csv", "content": []byte("账号:2002\n日期,收入,流水\n2026-03-04,1.00,X1\n"),
		"columns": map[string]any{"date": "日期", "credit": "收入", "reference": "流水"}}
	rec = f.do(t, "POST", "/v1/statements", "t-fin", body)
	wantStatus(t, rec, http.StatusCreated)
	if got := decodeAs[sales.BankImport](t, rec); got.BankAccount != "2002" || got.Counts != (sales.BankLineCounts{Lines: 1, Queued: 1}) {
		t.Errorf("JSON upload %+v", got)
	}
	if len(f.applied) != 2 {
		t.Errorf("an import without matched lines started an application: %+v", f.applied)
	}

	rec = f.do(t, "GET", "/v1/statements", "t-ssg", nil)
	wantStatus(t, rec, http.StatusOK)
	if list := decodeAs[[]sales.BankImport](t, rec); len(list) != 2 {
		t.Errorf("list %+v", list)
	}
	rec = f.do(t, "GET", "/v1/statements/1", "t-slt", nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decodeAs[sales.BankImport](t, rec); len(got.Lines) != 4 {
		t.Errorf("import with lines %+v", got)
	}
	wantError(t, f.do(t, "GET", "/v1/statements/9", "t-fin", nil), http.StatusNotFound, sales.ErrNotFound)
	wantError(t, f.do(t, "GET", "/v1/statements/x", "t-fin", nil), http.StatusNotFound, sales.ErrNotFound)
}

func TestAStatementUploadIsRefusedWithTheFieldNamed(t *testing.T) {
	f := newStatementFixture(t)
	tests := []struct {
		name, file, content, account, columns, field, says string
		status                                             int
	}{
		{"no file", "", "", "1001", "", "file", "choose", http.StatusUnprocessableEntity},
		{"a bad row", "x.csv", "交易日期,贷方发生额,流水号\n2026-03-02,1.005,R1\n", "1001", "", "file", "row 2, column 贷方发生额", http.StatusUnprocessableEntity},
		{"no account", "x.csv", "交易日期,贷方发生额,流水号\n2026-03-02,1.00,R1\n", "", "", "bank_account", "is required", http.StatusUnprocessableEntity},
		{"another account than the file's", "x.csv", "账号：3003\n交易日期,贷方发生额,流水号\n2026-03-02,1.00,R1\n", "1001", "", "bank_account", "3003", http.StatusUnprocessableEntity},
		{"columns not JSON", "x.csv", "a", "1001", "{credit", "columns", "JSON", http.StatusBadRequest},
		{"an unknown column key", "x.csv", "a", "1001", `{"balance":"余额"}`, "columns", "JSON", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := wantError(t, f.upload(t, "t-fin", tt.file, tt.content, tt.account, tt.columns), tt.status, sales.ErrInvalid)
			found := false
			for _, fe := range e.Fields {
				found = found || (fe.Field == tt.field && strings.Contains(fe.Message+e.Message, tt.says))
			}
			if !found {
				t.Errorf("refusal %+v does not name %s with %q", e, tt.field, tt.says)
			}
		})
	}
	if len(f.st.imports) != 0 || len(f.applied) != 0 {
		t.Errorf("a refused upload stored %d imports", len(f.st.imports))
	}
}

func TestOnlyFinanceImportsAndDecidesAndTheFSFReadsNoStatement(t *testing.T) {
	f := newStatementFixture(t)
	wantError(t, f.upload(t, "t-ssg", "mar.csv", testStatement, "1001", ""), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "GET", "/v1/statements", "t-kam1", nil), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "GET", "/v1/statement-lines", "t-log", nil), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "POST", "/v1/statement-lines/1/reject", "t-slt", map[string]string{"reason": "x"}), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "POST", "/v1/statement-lines/1/assign", "t-ssg", map[string]string{"customer_id": "C-001"}), http.StatusForbidden, sales.ErrForbidden)
}

func TestFinanceAssignsAndRejectsQueuedLines(t *testing.T) {
	f := newStatementFixture(t)
	wantStatus(t, f.upload(t, "t-fin", "mar.csv", testStatement, "1001", ""), http.StatusCreated)

	rec := f.do(t, "GET", "/v1/statement-lines?status=queued", "t-ssg", nil)
	wantStatus(t, rec, http.StatusOK)
	queue := decodeAs[[]sales.BankLine](t, rec)
	if len(queue) != 2 || queue[0].Reference != "R2" || queue[1].Reference != "R3" {
		t.Fatalf("queue %+v", queue)
	}
	wantError(t, f.do(t, "GET", "/v1/statement-lines?status=lost", "t-fin", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)

	// Assign R2 to the suggested customer, naming its invoice.
	wantError(t, f.do(t, "POST", "/v1/statement-lines/2/assign", "t-fin", map[string]any{}), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantError(t, f.do(t, "POST", "/v1/statement-lines/2/assign", "t-fin", map[string]any{"customer_id": "C-404"}), http.StatusNotFound, sales.ErrNotFound)
	rec = f.do(t, "POST", "/v1/statement-lines/2/assign", "t-fin", map[string]any{"customer_id": "C-002", "invoice_nos": []string{"IV-2026-000002-1"}})
	wantStatus(t, rec, http.StatusOK)
	l := decodeAs[sales.BankLine](t, rec)
	r := f.st.receipts["R2"]
	if l.Status != sales.LineAssigned || l.ReceiptID != r.ID || l.DecidedBy != "u-fin" || !slices.Equal(l.Invoices, []string{"IV-2026-000002-1"}) {
		t.Errorf("assigned line %+v", l)
	}
	if r.CustomerID != "C-002" || r.Source != "import:1/3" || r.Amount != sales.Yuan(100) {
		t.Errorf("receipt %+v", r)
	}
	wantError(t, f.do(t, "POST", "/v1/statement-lines/2/assign", "t-fin", map[string]any{"customer_id": "C-002"}), http.StatusConflict, sales.ErrConflict)

	// R3 was recorded by hand meanwhile: assigning it makes it a duplicate.
	f.st.receipts["R3"] = sales.BankReceipt{ID: 77, Reference: "R3", Source: "manual"}
	rec = f.do(t, "POST", "/v1/statement-lines/3/assign", "t-fin", map[string]any{"customer_id": "C-001"})
	wantStatus(t, rec, http.StatusOK)
	if l := decodeAs[sales.BankLine](t, rec); l.Status != sales.LineDuplicate || !strings.Contains(l.Note, "77") {
		t.Errorf("a line recorded before: %+v", l)
	}

	// Reject: a reason is required; a line out of the queue is a conflict.
	wantError(t, f.do(t, "POST", "/v1/statement-lines/3/reject", "t-fin", map[string]string{"reason": " "}), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantError(t, f.do(t, "POST", "/v1/statement-lines/3/reject", "t-fin", map[string]string{"reason": "interest"}), http.StatusConflict, sales.ErrConflict)
	wantError(t, f.do(t, "POST", "/v1/statement-lines/99/reject", "t-fin", map[string]string{"reason": "interest"}), http.StatusNotFound, sales.ErrNotFound)
	f.st.lines[2].Status = sales.LineQueued
	rec = f.do(t, "POST", "/v1/statement-lines/3/reject", "t-fin", map[string]string{"reason": "bank interest"})
	wantStatus(t, rec, http.StatusOK)
	if l := decodeAs[sales.BankLine](t, rec); l.Status != sales.LineRejected || l.Note != "bank interest" || l.DecidedBy != "u-fin" {
		t.Errorf("rejected line %+v", l)
	}
	if q := f.do(t, "GET", "/v1/statement-lines?status=queued", "t-fin", nil); len(decodeAs[[]sales.BankLine](t, q)) != 0 {
		t.Errorf("the queue is not empty: %s", q.Body)
	}
}

// testStatements is the statement import of every fixture.
func testStatements() *Statements {
	return newTestStatements(&fakeStatementStore{receipts: map[string]sales.BankReceipt{}}, new([]workflows.ApplyStatementInput))
}

func TestAStatementUploadMayExceedTheOrdinaryBodyLimitUpToItsOwn(t *testing.T) {
	f := newStatementFixture(t)
	var sb strings.Builder
	sb.WriteString("交易日期,贷方发生额,对方户名,摘要,流水号\n")
	for i := 0; sb.Len() < 2*maxBodyBytes; i++ {
		fmt.Fprintf(&sb, "2026-03-02,1.00,某公司%d,%s,L%06d\n", i, strings.Repeat("货款", 20), i)
	}
	rec := f.upload(t, "t-fin", "big.csv", sb.String(), "1001", "")
	wantStatus(t, rec, http.StatusCreated)
	if imp := decodeAs[sales.BankImport](t, rec); imp.Counts.Lines < 10_000 {
		t.Errorf("a large statement: %+v", imp.Counts)
	}
	wantError(t, f.upload(t, "t-fin", "huge.csv", strings.Repeat("a", maxStatementBody), "1001", ""), http.StatusRequestEntityTooLarge, sales.ErrInvalid)
	// Other routes keep the ordinary limit.
	wantError(t, f.do(t, "POST", "/v1/statement-lines/1/reject", "t-fin", `{"reason":"`+strings.Repeat("a", maxBodyBytes)+`"}`),
		http.StatusRequestEntityTooLarge, sales.ErrInvalid)
}
