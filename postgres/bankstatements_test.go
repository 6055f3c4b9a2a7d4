package postgres_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"osb/sales"
)

func bankLine(no int, ref string, status sales.LineStatus, customer string, invoices ...string) sales.BankLine {
	return sales.BankLine{LineNo: no, ValueDate: "2026-11-03", Amount: sales.Yuan(100), Currency: sales.CNY, PayerName: "payer",
		PayerAccount: "6222", Remittance: "货款", Reference: ref, Status: status, CustomerID: customer, Invoices: invoices}
}

func statusesOf(lines []sales.BankLine) string {
	var s string
	for _, l := range lines {
		s += fmt.Sprintf("%d:%s ", l.LineNo, l.Status)
	}
	return s
}

func TestStatementImportStoresOnceAndKeepsSeenLinesAsDuplicates(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	at := time.Date(2026, 11, 4, 9, 0, 0, 0, sales.Beijing)
	billed(t, st, "SO-2026-000123", "C001", invoice("IV-2026-000123-1", sales.Yuan(500), bj(2026, 10, 1, 10), 30, nil, 0))
	if _, _, err := st.RecordReceipt(ctx, sales.ReceiptInput{CustomerID: "C001", BankAccount: "ACC1", Reference: "R-OLD", ValueDate: "2026-11-01",
		Amount: sales.Yuan(1), Currency: sales.CNY, PayerName: "杭州宏达", PayerAccount: "6222 1111"}, "manual", "fin1", at); err != nil {
		t.Fatalf("RecordReceipt: %v", err)
	}

	customers, payers, open, err := st.StatementMatchData(ctx)
	if err != nil {
		t.Fatalf("StatementMatchData: %v", err)
	}
	if len(customers) != 20 || !slices.Contains(payers, sales.KnownPayer{CustomerID: "C001", Name: "杭州宏达", Account: "6222 1111"}) {
		t.Errorf("customers %d, payers %+v", len(customers), payers)
	}
	if len(open) != 1 || open[0].InvoiceNo != "IV-2026-000123-1" || open[0].CustomerID != "C001" || open[0].Outstanding != sales.Yuan(500) {
		t.Errorf("open invoices %+v", open)
	}

	imp := sales.BankImport{SHA256: "sha-1", BankAccount: "ACC1", FileName: "nov.csv", UploadedBy: "fin1", UploadedAt: at}
	lines := []sales.BankLine{
		bankLine(5, "R1", sales.LineMatched, "C001", "IV-2026-000123-1"),
		bankLine(6, "R2", sales.LineQueued, "C002"),
		bankLine(7, "R-OLD", sales.LineQueued, ""), // recorded before
		bankLine(8, "R2", sales.LineQueued, ""),    // twice in the file
		bankLine(9, "D1", sales.LineSkipped, ""),
	}
	got, created, err := st.SaveBankImport(ctx, imp, sales.RoleFinance, lines)
	if err != nil || !created {
		t.Fatalf("SaveBankImport: %v, created %v", err, created)
	}
	want := sales.BankLineCounts{Lines: 5, Matched: 1, Queued: 1, Duplicate: 2, Skipped: 1}
	if got.Counts != want || got.ID == 0 {
		t.Errorf("counts %+v, want %+v", got.Counts, want)
	}
	// The same file again: nothing stored, the earlier import answers.
	again, created, err := st.SaveBankImport(ctx, imp, sales.RoleFinance, lines)
	if err != nil || created || again.ID != got.ID || again.Counts != want {
		t.Fatalf("same file again: %+v created %v %v", again, created, err)
	}
	// An overlapping statement: R1 and R2 are live lines of the first.
	imp2 := imp
	imp2.SHA256 = "sha-2"
	second, _, err := st.SaveBankImport(ctx, imp2, sales.RoleFinance, []sales.BankLine{bankLine(2, "R1", sales.LineMatched, "C001"), bankLine(3, "R3", sales.LineQueued, "")})
	if err != nil || second.Counts != (sales.BankLineCounts{Lines: 2, Duplicate: 1, Queued: 1}) {
		t.Fatalf("overlapping import: %+v %v", second.Counts, err)
	}

	full, err := st.BankImport(ctx, got.ID, true)
	if err != nil {
		t.Fatalf("BankImport: %v", err)
	}
	if s := statusesOf(full.Lines); s != "5:matched 6:queued 7:duplicate 8:duplicate 9:skipped " {
		t.Errorf("lines %s", s)
	}
	if l := full.Lines[0]; l.BankAccount != "ACC1" || l.ValueDate != "2026-11-03" || !slices.Equal(l.Invoices, []string{"IV-2026-000123-1"}) || l.CustomerID != "C001" {
		t.Errorf("line %+v", l)
	}
	if full.Lines[2].Note == "" {
		t.Errorf("a duplicate does not say where it was seen")
	}
	list, err := st.BankImports(ctx, 10)
	if err != nil || len(list) != 2 || list[0].ID != second.ID || list[1].Counts != want {
		t.Errorf("BankImports %+v %v", list, err)
	}
	queued, err := st.BankLines(ctx, sales.BankLineFilter{Status: sales.LineQueued})
	if err != nil || len(queued) != 2 {
		t.Errorf("queued lines %+v %v", queued, err)
	}

	pending, err := st.PendingBankLines(ctx, got.ID, 0, 10)
	if err != nil || len(pending) != 1 || pending[0].LineNo != 5 {
		t.Fatalf("pending %+v %v", pending, err)
	}
	receipt, _, err := st.RecordReceipt(ctx, pending[0].ReceiptInput("C001", pending[0].Invoices), sales.ReceiptSource(got.ID, 5), "fin1", at)
	if err != nil {
		t.Fatalf("RecordReceipt: %v", err)
	}
	applied, err := st.SettleBankLine(ctx, pending[0].ID, []sales.LineStatus{sales.LineMatched}, sales.LineOutcome{Status: sales.LineApplied, ReceiptID: receipt.ID, At: at})
	if err != nil || applied.Status != sales.LineApplied || applied.ReceiptID != receipt.ID || applied.DecidedAt != nil {
		t.Fatalf("SettleBankLine: %+v %v", applied, err)
	}
	if _, err := st.SettleBankLine(ctx, pending[0].ID, []sales.LineStatus{sales.LineMatched}, sales.LineOutcome{Status: sales.LineApplied, ReceiptID: receipt.ID}); sales.ErrorCode(err) != sales.ErrConflict {
		t.Errorf("settling an applied line again: %v", err)
	}
	if pending, _ := st.PendingBankLines(ctx, got.ID, 0, 10); len(pending) != 0 {
		t.Errorf("still pending: %+v", pending)
	}
	// Finance rejects the queued line; an assigned line needs its receipt.
	rejected, err := st.SettleBankLine(ctx, full.Lines[1].ID, []sales.LineStatus{sales.LineQueued}, sales.LineOutcome{Status: sales.LineRejected, Note: "interest", By: "fin1", At: at})
	if err != nil || rejected.Status != sales.LineRejected || rejected.Note != "interest" || rejected.DecidedBy != "fin1" || rejected.DecidedAt == nil {
		t.Errorf("reject: %+v %v", rejected, err)
	}
	line3 := second.ID
	q, _ := st.BankLines(ctx, sales.BankLineFilter{ImportID: line3, Status: sales.LineQueued})
	if _, err := st.SettleBankLine(ctx, q[0].ID, []sales.LineStatus{sales.LineQueued}, sales.LineOutcome{Status: sales.LineAssigned, CustomerID: "C001", By: "fin1", At: at}); sales.ErrorCode(err) != sales.ErrInvalid {
		t.Errorf("assigned without a receipt: %v", err)
	}
	// A line Finance assigned teaches its payer.
	if _, err := st.SettleBankLine(ctx, q[0].ID, []sales.LineStatus{sales.LineQueued}, sales.LineOutcome{Status: sales.LineAssigned, CustomerID: "C003",
		Invoices: []string{}, ReceiptID: receipt.ID, By: "fin1", At: at}); err != nil {
		t.Fatalf("assign: %v", err)
	}
	if _, payers, _, err := st.StatementMatchData(ctx); err != nil || !slices.Contains(payers, sales.KnownPayer{CustomerID: "C003", Name: "payer", Account: "6222"}) {
		t.Errorf("an assigned line's payer is not known: %+v %v", payers, err)
	}

	// A receipt Finance typed with spaces in our account is the same
	// transaction as the import's line on the account without them.
	if _, _, err := st.RecordReceipt(ctx, sales.ReceiptInput{CustomerID: "C002", BankAccount: "10 01-9", Reference: "R-SP", ValueDate: "2026-11-01",
		Amount: sales.Yuan(1), Currency: sales.CNY}, "manual", "fin1", at); err != nil {
		t.Fatalf("RecordReceipt: %v", err)
	}
	if r, err := st.TransactionReceipt(ctx, "1001 9", "R-SP"); err != nil || r.CustomerID != "C002" || r.Source != "manual" || r.ID == 0 {
		t.Errorf("TransactionReceipt %+v %v", r, err)
	}
	if _, err := st.TransactionReceipt(ctx, "10019", "R-NONE"); sales.ErrorCode(err) != sales.ErrNotFound {
		t.Errorf("no such transaction: %v", err)
	}
	imp3 := sales.BankImport{SHA256: "sha-3", BankAccount: "10019", FileName: "x.csv", UploadedBy: "fin1", UploadedAt: at}
	if third, _, err := st.SaveBankImport(ctx, imp3, sales.RoleFinance, []sales.BankLine{bankLine(2, "R-SP", sales.LineQueued, "")}); err != nil ||
		third.Counts != (sales.BankLineCounts{Lines: 1, Duplicate: 1}) {
		t.Errorf("a transaction typed with spaces before: %+v %v", third.Counts, err)
	}
	if _, err := st.BankImport(ctx, 999, false); sales.ErrorCode(err) != sales.ErrNotFound {
		t.Errorf("unknown import: %v", err)
	}
}
