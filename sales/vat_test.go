package sales

import (
	"testing"
	"time"
)

func TestSplitVATRoundsTheNetAndAddsUp(t *testing.T) {
	for _, c := range []struct {
		gross    Fen
		rate     TaxRate
		net, tax Fen
	}{
		{11300, 1300, 10000, 1300},
		{10000, 1300, 8850, 1150}, // 8849.557… rounds up
		{1, 1300, 1, 0},
		{5000, 600, 4717, 283}, // 4716.98…
		{5000, 0, 4425, 575},   // no rate: 13%
		{-11300, 1300, -10000, -1300},
		{999_999_999, 900, 917_431_192, 82_568_807},
	} {
		net, tax := SplitVAT(c.gross, c.rate)
		if net != c.net || tax != c.tax || net+tax != c.gross {
			t.Errorf("SplitVAT(%d, %s) = %d + %d, want %d + %d", c.gross, c.rate, net, tax, c.net, c.tax)
		}
	}
}

func TestTaxLinesRoundPerLineAndTotalsAddUp(t *testing.T) {
	lines := []Line{{LineNo: 1, SKU: "A", Quantity: 10, UnitPrice: 333, TaxRate: 1300}, {LineNo: 2, SKU: "B", Quantity: 5, UnitPrice: 1001, TaxRate: 600}, {LineNo: 3, SKU: "C", Quantity: 1, UnitPrice: 50}}
	taxed, tot := TaxLines(lines, []LineQty{{LineNo: 1, Quantity: 3}, {LineNo: 2, Quantity: 5}, {LineNo: 3, Quantity: 0}})
	if len(taxed) != 2 {
		t.Fatalf("lines %+v", taxed)
	}
	// 3 × 3.33 = 9.99 gross at 13%: 8.84 net (8.8407…), 1.15 tax; 5 × 10.01 = 50.05 at 6%: 47.22 net (47.216…), 2.83 tax.
	if taxed[0].Net != 884 || taxed[0].Tax != 115 || taxed[1].Net != 4722 || taxed[1].Tax != 283 {
		t.Errorf("lines %+v", taxed)
	}
	if tot.Gross != 999+5005 || tot.Net+tot.Tax != tot.Gross || tot.Net != 884+4722 {
		t.Errorf("totals %+v", tot)
	}
	if TaxRate(650).String() != "6.5%" || DefaultTaxRate.String() != "13%" {
		t.Errorf("rates print as %s and %s", TaxRate(650), DefaultTaxRate)
	}
}

func TestDueOnIsTheBeijingDatePlusTerms(t *testing.T) {
	issued := time.Date(2026, 12, 2, 23, 0, 0, 0, time.UTC) // 07:00 on 12-03 in Beijing
	due := DueOn(issued, 30)
	if got := due.In(Beijing).Format(time.DateTime); got != "2027-01-02 00:00:00" {
		t.Errorf("due %s, want 2027-01-02 00:00:00 Beijing", got)
	}
	for _, c := range []struct {
		due, paid time.Time
		days      int
	}{
		{due, due.Add(23 * time.Hour), 0},
		{due, due.Add(24 * time.Hour), 1},
		{due, time.Date(2027, 1, 10, 15, 0, 0, 0, time.UTC), 8}, // 23:00 on 01-10 in Beijing
		{due, due.Add(-48 * time.Hour), 0},
	} {
		if got := DaysLate(c.due, c.paid); got != c.days {
			t.Errorf("DaysLate(%v, %v) = %d, want %d", c.due, c.paid, got, c.days)
		}
	}
}
