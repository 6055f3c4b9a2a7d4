package sales

import (
	"fmt"
	"testing"
	"time"
)

func TestAgeingBandsAtEveryBoundary(t *testing.T) {
	for days, want := range map[int]AgeBucket{
		-5: NotDue, 0: NotDue, 1: Days1To30, 30: Days1To30, 31: Days31To60, 60: Days31To60,
		61: Days61To90, 90: Days61To90, 91: Over90, 400: Over90,
	} {
		if got := BucketOf(days); got != want {
			t.Errorf("%d days past due is band %d, want %d", days, got, want)
		}
	}
	var a Ageing
	for days, fen := range map[int]Fen{0: 1, 1: 10, 31: 100, 61: 1000, 91: 10000} {
		a.Add(BucketOf(days), fen)
	}
	if a != (Ageing{NotDue: 1, Days1To30: 10, Days31To60: 100, Days61To90: 1000, Over90: 10000, Total: 11111}) || a.Overdue() != 11110 {
		t.Errorf("ageing %+v, overdue %s", a, a.Overdue())
	}
}

func TestPercentAndDSORoundHalfAwayFromZeroInIntegers(t *testing.T) {
	for _, tc := range []struct {
		part, whole Fen
		want        string
	}{
		{3500, 8000, "43.8"}, // 43.75
		{1, 3, "33.3"},
		{2, 3, "66.7"},
		{0, 5, "0.0"},
		{-1, 8, "-12.5"},
		{123456789012, 100000000000, "123.5"},
	} {
		if got := fmt.Sprintf("%.1f", *Percent(tc.part, tc.whole)); got != tc.want {
			t.Errorf("%d of %d is %s%%, want %s", tc.part, tc.whole, got, tc.want)
		}
	}
	if Percent(Fen(5), 0) != nil || Percent(3, -1) != nil {
		t.Error("a percentage of nothing is not nil")
	}
	if got := *DSO(Yuan(5450), Yuan(3400), 30); got != 48.1 {
		t.Errorf("DSO %v, want 48.1", got)
	}
	if DSO(Yuan(5450), 0, 30) != nil {
		t.Error("DSO without sales is not nil")
	}
}

func TestPeriodsAreWholeBeijingDays(t *testing.T) {
	feb, err := MonthPeriod("2026-02")
	if err != nil || feb.Days() != 28 || feb.String() != "2026-02-01..2026-02-28" ||
		!feb.From.Equal(time.Date(2026, 1, 31, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("February %s (%d days, from %s): %v", feb, feb.Days(), feb.From.UTC(), err)
	}
	if !feb.Last().Before(feb.To) || feb.To.Sub(feb.Last()) != time.Microsecond {
		t.Errorf("the last instant of February is %s", feb.Last())
	}
	q, err := DaysPeriod("2026-01-01", "2026-03-31")
	if err != nil || q.Days() != 90 {
		t.Errorf("the first quarter has %d days: %v", q.Days(), err)
	}
	if _, err := DaysPeriod("2026-03-31", "2026-03-01"); ErrorCode(err) != ErrInvalid {
		t.Errorf("a period that ends before it starts: %v", err)
	}
	if _, err := MonthPeriod("2026-13"); ErrorCode(err) != ErrInvalid {
		t.Errorf("month 13: %v", err)
	}
	if AddMonths("2026-01", -1) != "2025-12" || AddMonths("2026-12", 1) != "2027-01" {
		t.Error("AddMonths crosses years wrongly")
	}
	late := time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC) // 1 April 01:00 in Beijing
	if MonthOf(late) != "2026-04" || DaysBetween(time.Date(2026, 3, 31, 1, 0, 0, 0, Beijing), late) != 1 {
		t.Errorf("Beijing month %s, days between %d", MonthOf(late), DaysBetween(time.Date(2026, 3, 31, 1, 0, 0, 0, Beijing), late))
	}
}

func TestTargetAndFocusRequestsAreValidatedWhole(t *testing.T) {
	p := TargetRequest{Month: "2026-3", Targets: []TargetEntry{
		{Dimension: "region", Key: "华东", Sales: -1},
		{Dimension: ByKAM, Key: "k1", Collections: -1},
		{Dimension: ByKAM, Key: "k1"},
	}}.Validate()
	if len(p) != 5 {
		t.Errorf("problems %+v, want month, dimension, sales, collections and the duplicate", p)
	}
	f := FocusRequest{Main: " 回款 ", Secondary: []string{" 铺货", ""}}
	f.Normalize()
	if p := f.Validate(); len(p) != 1 || f.Main != "回款" {
		t.Errorf("focus problems %+v", p)
	}
}

func TestPacksShowWhatTheirMeetingReviews(t *testing.T) {
	month, _ := MonthPeriod("2026-03")
	overdue := func(key string, fen Fen) AgeingRow {
		return AgeingRow{Group: "customer", Key: key, Ageing: Ageing{Days1To30: fen, Total: fen}}
	}
	s := PackSections{
		Targets:          []TargetRow{{Dimension: ByMarket, Key: "华东"}, {Dimension: ByMM, Key: "mm"}, {Dimension: ByUM, Key: "um"}, {Dimension: ByKAM, Key: "kam"}},
		AgeingByCustomer: []AgeingRow{{Group: "customer", Key: "C0", Ageing: Ageing{NotDue: 9, Total: 9}}},
	}
	for i := range 25 {
		s.AgeingByCustomer = append(s.AgeingByCustomer, overdue(fmt.Sprintf("C%02d", i+1), Fen(i+1)))
	}
	slt := ComposePack(PackSLT, month, month.To, s)
	ssg := ComposePack(PackSSG, month, month.To, s)
	if len(slt.Sales) != 2 || slt.Sales[1].Dimension != ByMM || len(ssg.Sales) != 2 || ssg.Sales[1].Dimension != ByKAM {
		t.Errorf("sales rows: SLT %+v, SSG %+v", slt.Sales, ssg.Sales)
	}
	if len(slt.Overdue) != PackTopOverdue || slt.Overdue[0].Key != "C25" || len(ssg.Overdue) != 25 || ssg.Overdue[24].Key != "C01" {
		t.Errorf("overdue: SLT %d from %s, SSG %d", len(slt.Overdue), slt.Overdue[0].Key, len(ssg.Overdue))
	}
	if slt.Month != "2026-03" || slt.DSO == nil || slt.Reach == nil {
		t.Errorf("pack %+v", slt)
	}
	tables := slt.Tables()
	if len(tables) != 9 {
		t.Fatalf("%d tables", len(tables))
	}
	names := map[string]bool{}
	for _, tb := range tables {
		if names[tb.Name] {
			t.Errorf("two sheets are named %s", tb.Name)
		}
		names[tb.Name] = true
		for _, row := range tb.Rows {
			if len(row) != len(tb.Columns) {
				t.Errorf("%s: a row of %d values under %d columns", tb.Name, len(row), len(tb.Columns))
			}
		}
	}
}

func TestEveryReportTableHasAValueUnderEachColumn(t *testing.T) {
	now := time.Date(2026, 3, 9, 10, 0, 0, 0, Beijing)
	for _, tb := range []Table{
		CreditRatingTable([]CreditRatingRow{{CustomerID: "C1"}}),
		ShipmentInfoTable([]ShipmentInfoRow{{CustomerID: "C1", LastShipments: []ShipmentRef{{No: "SH-1", IssuedAt: now, DeliveredAt: &now}}}}),
		ReplenishmentTable([]ReplenishmentRow{{OrderNo: "SO"}}),
		ReceivablesTable([]ReceivableEntry{{Kind: EntryCreditNote}}),
		AgeingTable("kam", []AgeingRow{{Key: "k"}}),
		DSOTable([]DSORow{{Market: "m"}}),
		TargetTable([]TargetRow{{Dimension: ByUM}}),
		ReachTable([]ReachRow{{Market: "m"}}),
		ProblemTable("x", "x", []ReviewedProblem{{}}),
		FocusTable(&FocusItems{Main: "a", Secondary: []string{"b", "c"}}),
	} {
		if len(tb.Rows) == 0 || tb.Name == "" || tb.English == "" {
			t.Errorf("table %q has no rows or names", tb.Name)
		}
		for _, c := range tb.Columns {
			if c.Local == "" || c.English == "" {
				t.Errorf("%s: column %+v lacks a title", tb.Name, c)
			}
		}
		for _, row := range tb.Rows {
			if len(row) != len(tb.Columns) {
				t.Errorf("%s: %d values under %d columns", tb.Name, len(row), len(tb.Columns))
			}
		}
	}
}
