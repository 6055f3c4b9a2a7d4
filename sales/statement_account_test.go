package sales

import "testing"

func TestComputeAccountStatement(t *testing.T) {
	tests := []struct {
		name string
		in   AccountStatementInput
		// hand-computed
		balances                              []Fen
		order                                 []string
		invoiced, credited, received, closing Fen
		refunded                              Fen
		ageing                                Ageing
		unapplied                             Fen
	}{
		{
			name: "opening, invoices, a credit note and receipts in date order",
			in: AccountStatementInput{Month: "2026-11", Currency: CNY, Opening: 50_000_00,
				Entries: []AccountEntry{
					{Kind: EntryReceipt, Date: "2026-11-20", No: "BANK-2", Amount: 30_000_00},
					{Kind: EntryInvoice, Date: "2026-11-03", No: "INV-1", DueDate: "2026-12-03", Amount: 11_300_00},
					{Kind: EntryReceipt, Date: "2026-11-03", No: "BANK-1", Amount: 20_000_00},
					{Kind: EntryCreditNote, Date: "2026-11-15", No: "CN-1", Amount: 1_130_00},
					{Kind: EntryInvoice, Date: "2026-11-25", No: "INV-2", DueDate: "2026-12-25", Amount: 22_600_00},
				},
				// What the store found open at the close: INV-1 less the credit note,
				// INV-2 whole, a fen of August's INV-9, nothing of October's INV-0.
				OpenItems: []OpenItem{
					{InvoiceNo: "INV-2", DueDate: "2026-12-25", Outstanding: 22_600_00},
					{InvoiceNo: "INV-1", DueDate: "2026-12-03", Outstanding: 10_170_00},
					{InvoiceNo: "INV-9", DueDate: "2026-08-15", Outstanding: 1},
					{InvoiceNo: "INV-0", DueDate: "2026-10-10", Outstanding: 0},
				},
			},
			// 50,000.00 +11,300.00 = 61,300.00; -20,000.00 = 41,300.00; -1,130.00 = 40,170.00;
			// -30,000.00 = 10,170.00; +22,600.00 = 32,770.00
			order:    []string{"INV-1", "BANK-1", "CN-1", "BANK-2", "INV-2"},
			balances: []Fen{61_300_00, 41_300_00, 40_170_00, 10_170_00, 32_770_00},
			invoiced: 33_900_00, credited: 1_130_00, received: 50_000_00, closing: 32_770_00,
			// INV-9: 2026-08-15 to 2026-11-30 = 16+30+31+30 = 107 days: over 90
			ageing:    Ageing{NotDue: 32_770_00, Over90: 1, Total: 32_770_01},
			unapplied: -1,
		},
		{
			name: "no movements: the opening balance is the closing balance, aged by its invoices",
			in: AccountStatementInput{Month: "2026-02", Currency: CNY, Opening: 5_000_00,
				OpenItems: []OpenItem{
					{InvoiceNo: "A", DueDate: "2026-01-29", Outstanding: 1_000_00}, // 30 days at 2026-02-28
					{InvoiceNo: "B", DueDate: "2026-01-28", Outstanding: 2_000_00}, // 31 days
					{InvoiceNo: "C", DueDate: "2025-11-30", Outstanding: 500_00},   // 90 days
					{InvoiceNo: "D", DueDate: "2026-02-28", Outstanding: 1_500_00}, // due on the closing day: not due
				}},
			balances: nil, closing: 5_000_00,
			ageing:    Ageing{NotDue: 1_500_00, Days1To30: 1_000_00, Days31To60: 2_000_00, Days61To90: 500_00, Total: 5_000_00},
			unapplied: 0,
		},
		{
			name: "an overpayment leaves a credit balance carried by no invoice",
			in: AccountStatementInput{Month: "2026-12", Currency: CNY,
				Entries: []AccountEntry{
					{Kind: EntryInvoice, Date: "2026-12-01", No: "INV-5", DueDate: "2026-12-31", Amount: 1_000_00},
					{Kind: EntryReceipt, Date: "2026-12-01", No: "B-7", Amount: 1_200_00},
				}},
			order:    []string{"INV-5", "B-7"},
			balances: []Fen{1_000_00, -200_00},
			invoiced: 1_000_00, received: 1_200_00, closing: -200_00,
			unapplied: -200_00,
		},
		{
			name: "a refund of the credit balance on the day of an overpayment comes after it",
			in: AccountStatementInput{Month: "2026-12", Currency: CNY, Opening: -200_00,
				Entries: []AccountEntry{
					{Kind: EntryRefund, Date: "2026-12-03", No: "RF-1", Amount: 300_00},
					{Kind: EntryReceipt, Date: "2026-12-03", No: "B-8", Amount: 100_00},
				}},
			// -200.00 − 100.00 = -300.00; + 300.00 refunded = 0.00
			order:    []string{"B-8", "RF-1"},
			balances: []Fen{-300_00, 0},
			received: 100_00, refunded: 300_00, closing: 0,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ComputeAccountStatement(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Lines) != len(tc.balances) {
				t.Fatalf("%d lines, want %d", len(s.Lines), len(tc.balances))
			}
			for i, l := range s.Lines {
				if l.No != tc.order[i] || l.Balance != tc.balances[i] {
					t.Errorf("line %d = %s balance %s, want %s balance %s", i, l.No, l.Balance, tc.order[i], tc.balances[i])
				}
			}
			if s.Invoiced != tc.invoiced || s.Credited != tc.credited || s.Received != tc.received || s.Closing != tc.closing {
				t.Errorf("totals invoiced %s credited %s received %s closing %s, want %s %s %s %s",
					s.Invoiced, s.Credited, s.Received, s.Closing, tc.invoiced, tc.credited, tc.received, tc.closing)
			}
			if s.Refunded != tc.refunded {
				t.Errorf("refunded %s, want %s", s.Refunded, tc.refunded)
			}
			if s.Opening+s.Invoiced+s.Refunded-s.Credited-s.Received != s.Closing {
				t.Errorf("opening %s + invoiced - credited - received is not closing %s", s.Opening, s.Closing)
			}
			if s.Ageing != tc.ageing {
				t.Errorf("ageing %+v, want %+v", s.Ageing, tc.ageing)
			}
			if s.Unapplied != tc.unapplied || s.Ageing.Total+s.Unapplied != s.Closing {
				t.Errorf("unapplied %s, want %s (ageing %s, closing %s)", s.Unapplied, tc.unapplied, s.Ageing.Total, s.Closing)
			}
		})
	}
}

func TestAccountStatementInputNamesTheBadField(t *testing.T) {
	in := AccountStatementInput{Month: "2026-11", Entries: []AccountEntry{
		{Kind: "payment", Date: "2026-11-01", Amount: 1},
		{Kind: EntryInvoice, Date: "2026-12-01", Amount: 1},
		{Kind: EntryReceipt, Date: "2026-11-30", Amount: 0},
	}}
	p := in.Validate()
	want := []string{"entries[0].kind", "entries[1].date", "entries[2].amount_fen"}
	if len(p) != len(want) {
		t.Fatalf("problems %v, want fields %v", p, want)
	}
	for i, f := range want {
		if p[i].Field != f {
			t.Errorf("problem %d names %s, want %s", i, p[i].Field, f)
		}
	}
	if _, err := ComputeAccountStatement(AccountStatementInput{Month: "2026-13"}); ErrorCode(err) != ErrInvalid {
		t.Errorf("month 2026-13: %v, want invalid", err)
	}
}
