package sales

import (
	"errors"
	"strings"
	"testing"
)

func TestTheSameTransferIsTheSameMoneyOnTheSameDayForTheSameCustomer(t *testing.T) {
	r := BankReceipt{CustomerID: "C001", BankAccount: "ICBC-01", Reference: "B-1", ValueDate: "2026-03-09", Amount: Yuan(100), Currency: CNY,
		PayerName: "上海分销", Source: "manual"}
	in := ReceiptInput{CustomerID: "C001", BankAccount: "ICBC-01", Reference: "B-1", ValueDate: "2026-03-09", Amount: Yuan(100), Currency: CNY,
		PayerName: "上海分销有限公司", Remittance: "IV-1"}
	if !SameTransfer(r, in) {
		t.Error("the payer's name and the remittance text make another transfer")
	}
	for name, change := range map[string]func(*ReceiptInput){
		"customer": func(in *ReceiptInput) { in.CustomerID = "C002" },
		"date":     func(in *ReceiptInput) { in.ValueDate = "2026-03-10" },
		"amount":   func(in *ReceiptInput) { in.Amount-- },
		"currency": func(in *ReceiptInput) { in.Currency = "USD" },
	} {
		other := in
		change(&other)
		if SameTransfer(r, other) {
			t.Errorf("another %s is the same transfer", name)
		}
	}
	e, ok := ReferenceTaken(r).(*Error)
	if !ok || e.Code != ErrConflict || len(e.Fields) != 1 || e.Fields[0].Field != "reference" || !strings.Contains(e.Message, "B-1") {
		t.Errorf("ReferenceTaken = %+v", e)
	}
}

func TestRefundsAboveTheLimitNeedADecision(t *testing.T) {
	p := DefaultCashPolicy()
	if p.NeedsDecision(Yuan(50_000)) || !p.NeedsDecision(Yuan(50_000)+1) {
		t.Errorf("limit %s: ¥50,000.00 must be refunded at once, a fen more decided", p.RefundApprovalLimit)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("the defaults are invalid: %v", err)
	}
	bad := CashPolicy{RefundApprovalLimit: -1, RefundLadder: []Level{LevelNone}}
	err := bad.Validate()
	var e *Error
	if !errors.As(err, &e) || len(e.Fields) != 4 {
		t.Errorf("bad policy: %v", err)
	}
}

func TestRefundAndUnappliedRequestsNameEveryProblem(t *testing.T) {
	fields := func(p Problems) string {
		var out []string
		for _, f := range p {
			out = append(out, f.Field)
		}
		return strings.Join(out, " ")
	}
	if got := fields(RefundRequest{CustomerID: "C001", Amount: 0, BankAccount: " ", Reason: "x\x00"}.Validate()); got != "amount_fen bank_account reason" {
		t.Errorf("refund problems: %s", got)
	}
	if got := fields(RefundRequest{CustomerID: "C001", Amount: 1, BankAccount: "6222", Reason: "overpaid"}.Validate()); got != "" {
		t.Errorf("a good refund: %s", got)
	}
	if got := fields(UnappliedRequest{CustomerID: "C001", Amount: MaxAmount + 1, Invoices: []string{"IV-1", ""}}.Validate()); got != "amount_fen invoice_nos" {
		t.Errorf("application problems: %s", got)
	}
	if got := fields(UnappliedRequest{CustomerID: "C001", Amount: 1}.Validate()); got != "invoice_nos" {
		t.Errorf("no invoices: %s", got)
	}
	if a := (UnappliedApplication{ID: 12}); a.Key() != "unapplied/12" || ReceiptKey(7) != "receipt/7" {
		t.Errorf("keys %s %s", a.Key(), ReceiptKey(7))
	}
}
