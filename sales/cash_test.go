package sales

import (
	"strings"
	"testing"
	"time"
)

func TestPlanApplicationNamedFirstThenOldestDue(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, Beijing) }
	open := []OpenInvoice{
		{OrderNo: "SO-2", InvoiceNo: "IV-2-1", DueAt: day(20), Outstanding: Yuan(300)},
		{OrderNo: "SO-1", InvoiceNo: "IV-1-2", DueAt: day(10), Outstanding: Yuan(200)},
		{OrderNo: "SO-1", InvoiceNo: "IV-1-1", DueAt: day(5), Outstanding: Yuan(100), Disputed: true},
		{OrderNo: "SO-3", InvoiceNo: "IV-3-1", DueAt: day(1), Outstanding: 0},
	}
	shares, left := PlanApplication(open, Yuan(1000), nil, false)
	if len(shares) != 2 || shares[0].InvoiceNo != "IV-1-2" || shares[1].InvoiceNo != "IV-2-1" || left != Yuan(500) {
		t.Errorf("oldest due first, disputed left out: %+v, left %s", shares, left)
	}
	shares, left = PlanApplication(open, Yuan(350), []string{"IV-2-1", "IV-1-1"}, false)
	if len(shares) != 2 || shares[0] != (Share{"SO-2", "IV-2-1", Yuan(300)}) || shares[1] != (Share{"SO-1", "IV-1-1", Yuan(50)}) || left != 0 {
		t.Errorf("named first (a disputed one too when named): %+v, left %s", shares, left)
	}
	shares, left = PlanApplication(open, Yuan(1000), []string{"IV-1-2"}, true)
	if len(shares) != 1 || shares[0].Amount != Yuan(200) || left != Yuan(800) {
		t.Errorf("only named: %+v, left %s", shares, left)
	}
}

func TestReceiptInputNamesEveryBadField(t *testing.T) {
	now := time.Date(2026, 12, 3, 4, 0, 0, 0, time.UTC)
	p := ReceiptInput{ValueDate: "2026-12-04", Amount: -1, Currency: "cny", Invoices: []string{" "}, OnlyNamed: false}.Validate(now)
	for _, f := range []string{"customer_id", "bank_account", "reference", "value_date", "amount_fen", "currency", "invoice_nos"} {
		if !strings.Contains(p.Err("bad").Error(), f) {
			t.Errorf("%s not named: %v", f, p)
		}
	}
	ok := ReceiptInput{CustomerID: "C1", BankAccount: "6222", Reference: "R1", ValueDate: "2026-12-03", Amount: 1, Currency: CNY}
	if p := ok.Validate(now); len(p) != 0 {
		t.Errorf("a good receipt refused: %v", p)
	}
}
