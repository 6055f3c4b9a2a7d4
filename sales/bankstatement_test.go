package sales

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"
)

func matchBookForTest() *MatchBook {
	due := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, Beijing) }
	inv := func(c, order, no string, d int, cur Currency) CustomerInvoice {
		return CustomerInvoice{CustomerID: c, OpenInvoice: OpenInvoice{OrderNo: order, InvoiceNo: no, DueAt: due(d), Outstanding: Yuan(100), Currency: cur}}
	}
	customers := []Customer{
		{ID: "C001", Name: "华东经销有限公司"},
		{ID: "C002", Name: "ＡＢＣ Trading  Co."},
		{ID: "C003", Name: "同名商贸"},
		{ID: "C004", Name: "同名商贸"},
	}
	payers := []KnownPayer{
		{CustomerID: "C001", Account: "6222 0210 0100 1234", Name: "张三"},
		{CustomerID: "C002", Account: "6222-0210-0100-5678"},
		{CustomerID: "C003", Account: "6222000011112222"},
		{CustomerID: "C004", Account: "6222000011112222"}, // shared: nobody
	}
	open := []CustomerInvoice{
		inv("C001", "SO-2026-000123", "IV-2026-000123-2", 20, CNY),
		inv("C001", "SO-2026-000123", "IV-2026-000123-1", 10, CNY),
		inv("C001", "SO-2026-000200", "IV-2026-000200-1", 5, CNY),
		{CustomerID: "C001", OpenInvoice: OpenInvoice{OrderNo: "SO-2026-000123", InvoiceNo: "IV-2026-000123-3", DueAt: due(1), Outstanding: Yuan(5),
			Currency: CNY, Disputed: true}},
		inv("C002", "SO-2026-000300", "IV-2026-000300-1", 5, CNY),
		inv("C002", "SO-2026-000301", "IV-2026-000301-1", 5, "USD"),
	}
	return NewMatchBook(customers, payers, open)
}

func TestMatchFindsCustomerAndInvoices(t *testing.T) {
	b := matchBookForTest()
	tests := []struct {
		name                  string
		payer, account, remit string
		currency              Currency
		status                LineStatus
		by, customer          string
		invoices              []string
	}{
		{"account and invoice number", "", "6222021001001234", "货款 IV-2026-000200-1", CNY,
			LineMatched, MatchByAccount, "C001", []string{"IV-2026-000200-1"}},
		{"account wins over another customer's name", "ABC Trading Co.", "6222 0210 0100 1234", "IV-2026-000200-1", CNY,
			LineMatched, MatchByAccount, "C001", []string{"IV-2026-000200-1"}},
		{"name in full width and another case, sloppy reference", "abc trading co.", "", "ｉｖ２０２６ ０００３００－１ payment", CNY,
			LineMatched, MatchByName, "C002", []string{"IV-2026-000300-1"}},
		{"learnt payer name", " 张三 ", "", "iv/2026/000200/1", CNY,
			LineMatched, MatchByName, "C001", []string{"IV-2026-000200-1"}},
		{"an order names its open invoices oldest due first", "华东经销有限公司", "", "SO2026000123货款", CNY,
			LineMatched, MatchByName, "C001", []string{"IV-2026-000123-1", "IV-2026-000123-2"}},
		{"a disputed invoice is named by its own number only", "华东经销有限公司", "", "IV-2026-000123-3", CNY,
			LineMatched, MatchByName, "C001", []string{"IV-2026-000123-3"}},
		{"invoices in the order named, each once", "华东经销有限公司", "", "IV-2026-000200-1, SO-2026-000123; iv-2026-000200-1", CNY,
			LineMatched, MatchByName, "C001", []string{"IV-2026-000200-1", "IV-2026-000123-1", "IV-2026-000123-2"}},
		{"a number running on into digits names nothing", "华东经销有限公司", "", "IV-2026-000200-12", CNY,
			LineQueued, MatchByName, "C001", nil},
		{"customer without reference: partly matched", "华东经销有限公司", "", "货款", CNY,
			LineQueued, MatchByName, "C001", nil},
		{"another customer's invoice: partly matched", "华东经销有限公司", "", "IV-2026-000300-1", CNY,
			LineQueued, MatchByName, "C001", nil},
		{"invoice in another currency: partly matched", "ABC Trading Co.", "", "IV-2026-000301-1", CNY,
			LineQueued, MatchByName, "C002", nil},
		{"ambiguous account and name: unmatched", "同名商贸", "6222000011112222", "货款", CNY,
			LineQueued, "", "", nil},
		{"unknown payer naming invoices: suggestion", "某某公司", "999", "IV-2026-000300-1", CNY,
			LineQueued, MatchByReference, "C002", []string{"IV-2026-000300-1"}},
		{"unknown payer, nothing named", "某某公司", "999", "利息", CNY,
			LineQueued, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := b.Match(tt.payer, tt.account, tt.remit, tt.currency)
			if m.Status != tt.status || m.MatchedBy != tt.by || m.CustomerID != tt.customer || !slices.Equal(m.Invoices, tt.invoices) {
				t.Errorf("Match = %+v, want %s by %q customer %q invoices %v", m, tt.status, tt.by, tt.customer, tt.invoices)
			}
			if m.Status == LineQueued && m.Note == "" {
				t.Errorf("a queued line says nothing of why")
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"  ＡＢＣ　Trading   Co. ": "abc trading co.",
		"华东（上海）":               "华东(上海)",
	} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := NormalizeAccount("６２２２ 0210-0100"); got != "622202100100" {
		t.Errorf("NormalizeAccount = %q", got)
	}
}

func TestLineAssignmentAndRejectionValidate(t *testing.T) {
	if p := (LineAssignment{}).Validate(); len(p) != 1 || p[0].Field != "customer_id" {
		t.Errorf("empty assignment: %v", p)
	}
	if p := (LineAssignment{CustomerID: "C1", Invoices: []string{"IV-1", " "}}).Validate(); len(p) != 1 || p[0].Field != "invoice_nos" {
		t.Errorf("blank invoice: %v", p)
	}
	if p := (LineRejection{Reason: " "}).Validate(); len(p) != 1 || p[0].Field != "reason" {
		t.Errorf("blank reason: %v", p)
	}
	if got := ReceiptSource(12, 7); got != "import:12/7" {
		t.Errorf("ReceiptSource = %q", got)
	}
	var c BankLineCounts
	c.Add(LineQueued, 2)
	c.Add(LineApplied, 1)
	if c.Lines != 3 || c.Queued != 2 || c.Applied != 1 {
		t.Errorf("counts %+v", c)
	}
}

func TestApplyBankLineSaysWhatBecameOfTheLine(t *testing.T) {
	l := BankLine{ID: 9, ImportID: 4, LineNo: 7, BankAccount: "ACC", Reference: "R1", ValueDate: "2026-11-03", Amount: 100, Currency: CNY}
	by := Actor{UserID: "fin1", Role: RoleFinance}
	none := BankReceipt{}
	tests := []struct {
		name          string
		before, after BankReceipt // what the lookup finds before and after recording
		lookupErr     error
		answer        error // what recording answers (nil: receipt 11)
		recorded      bool
		want          LineOutcome
		code          string
	}{
		{"recorded", none, none, nil, nil, true, LineOutcome{Status: LineAssigned, CustomerID: "C1", Invoices: []string{"IV-1"}, ReceiptID: 11}, ""},
		{"recorded before from this line", BankReceipt{ID: 12, Source: "import:4/7"}, none, nil, nil, false,
			LineOutcome{Status: LineAssigned, CustomerID: "C1", Invoices: []string{"IV-1"}, ReceiptID: 12}, ""},
		{"recorded before from elsewhere", BankReceipt{ID: 13, Source: "manual"}, none, nil, nil, false,
			LineOutcome{Status: LineDuplicate, CustomerID: "C1", Invoices: []string{"IV-1"}, ReceiptID: 13,
				Note: "the bank's reference R1 was recorded before as receipt 13 (manual)"}, ""},
		{"recorded meanwhile from elsewhere", none, BankReceipt{ID: 14, Source: "manual"}, nil, Errorf(ErrConflict, "taken"), true,
			LineOutcome{Status: LineDuplicate, CustomerID: "C1", Invoices: []string{"IV-1"}, ReceiptID: 14,
				Note: "the bank's reference R1 was recorded before as receipt 14 (manual)"}, ""},
		{"the lookup fails", none, none, errors.New("down"), nil, false, LineOutcome{}, ErrInternal},
		{"refused", none, none, nil, Errorf(ErrInvalid, "invoice IV-1 is paid"), true, LineOutcome{}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotIn ReceiptInput
			var gotSource string
			called := false
			record := func(_ context.Context, in ReceiptInput, source string, _ Actor) (BankReceipt, error) {
				gotIn, gotSource, called = in, source, true
				if tt.answer != nil {
					return BankReceipt{}, tt.answer
				}
				return BankReceipt{ID: 11, Source: source}, nil
			}
			lookup := func(_ context.Context, account, ref string) (BankReceipt, error) {
				found := tt.before
				if called {
					found = tt.after
				}
				switch {
				case account != "ACC" || ref != "R1":
					t.Errorf("looked up %s/%s", account, ref)
				case tt.lookupErr != nil:
					return BankReceipt{}, tt.lookupErr
				case found.ID == 0:
					return BankReceipt{}, Errorf(ErrNotFound, "none")
				}
				return found, nil
			}
			o, err := ApplyBankLine(context.Background(), l, "C1", []string{"IV-1"}, LineAssigned, by, record, lookup)
			if ErrorCode(err) != tt.code {
				t.Fatalf("error %v, want code %q", err, tt.code)
			}
			if called != tt.recorded {
				t.Errorf("recorded %v, want %v", called, tt.recorded)
			}
			if called && (gotSource != "import:4/7" || gotIn.CustomerID != "C1" || gotIn.Reference != "R1" || gotIn.BankAccount != "ACC" ||
				gotIn.Amount != 100 || !slices.Equal(gotIn.Invoices, []string{"IV-1"})) {
				t.Errorf("recorded %+v from %q", gotIn, gotSource)
			}
			if err == nil && !reflect.DeepEqual(o, tt.want) {
				t.Errorf("outcome %+v, want %+v", o, tt.want)
			}
		})
	}
}
