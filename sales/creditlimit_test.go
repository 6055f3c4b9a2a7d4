package sales

import (
	"strings"
	"testing"
	"time"
)

// reviewAt is the quarterly review of 1 April 2026, 02:00 in Beijing.
var reviewAt = time.Date(2026, 4, 1, 2, 0, 0, 0, Beijing)

// history returns 24 months ending March 2026 whose last quarter sums to
// last and whose same quarter a year earlier sums to earlier (each spread
// over its three months, the remainder in the first).
func history(last, earlier Fen) []MonthSales {
	months, _, _ := SalesMonths(reviewAt, 24)
	out := make([]MonthSales, len(months))
	for i, m := range months {
		out[i].Month = m
	}
	spread := func(total Fen, first int) {
		out[first].Net = total - 2*(total/3)
		out[first+1].Net = total / 3
		out[first+2].Net = total / 3
	}
	spread(last, 21)
	spread(earlier, 9)
	return out
}

// longStanding is a customer invoiced since 2024.
var longStanding = time.Date(2024, 1, 15, 10, 0, 0, 0, Beijing)

func paid(no string, daysLate int, dunning Level) PaymentRecord {
	return PaymentRecord{InvoiceNo: no, DueOn: "2026-01-10", DaysLate: daysLate, Dunning: dunning}
}

func inputs(last, earlier Fen, payments ...PaymentRecord) CreditInputs {
	first := longStanding
	return CreditInputs{CustomerID: "C001", AsOf: reviewAt, Months: history(last, earlier), Payments: payments, FirstInvoiceAt: &first}
}

func TestRatingFollowsTheWorstLateness(t *testing.T) {
	p := DefaultCreditPolicy()
	for _, tc := range []struct {
		name     string
		payments []PaymentRecord
		reached  Level // from the escalation log
		want     Rating
		reason   string
	}{
		{"no invoice due", nil, LevelNone, RatingA, "no invoice due"},
		{"all on time", []PaymentRecord{paid("IV-1", 0, 0), paid("IV-2", 0, 0)}, LevelNone, RatingA, "2 invoices"},
		{"7 days late is still A", []PaymentRecord{paid("IV-1", 7, LevelUM)}, LevelNone, RatingA, "worst 7"},
		{"8 days late is B", []PaymentRecord{paid("IV-1", 0, 0), paid("IV-2", 8, LevelUM)}, LevelNone, RatingB, "IV-2 (due 2026-01-10) paid 8 days late (more than 7)"},
		{"30 days late is still B", []PaymentRecord{paid("IV-1", 30, LevelUM)}, LevelNone, RatingB, "30 days late"},
		{"31 days late is C", []PaymentRecord{paid("IV-1", 31, LevelUM)}, LevelNone, RatingC, "31 days late (more than 30)"},
		{"60 days late is still C", []PaymentRecord{paid("IV-1", 60, LevelUM)}, LevelNone, RatingC, "60 days late"},
		{"61 days late is D", []PaymentRecord{paid("IV-1", 61, LevelGM), paid("IV-2", 40, 0)}, LevelNone, RatingD, "IV-1 (due 2026-01-10) paid 61 days late (more than 60)"},
		{"an open invoice counts until the review", []PaymentRecord{{InvoiceNo: "IV-9", DueOn: "2026-01-01", DaysLate: 90, Open: true}}, LevelNone, RatingD, "still open, 90 days late"},
		// The rating comes from days late alone: the MM rung fires at +7 days,
		// so a rule on dunning rungs would leave B unreachable.
		{"dunning reached the MM, 20 days late, is B", []PaymentRecord{paid("IV-1", 20, LevelMM)}, LevelMM, RatingB, "20 days late (more than 7)"},
		{"dunning reached the UM, 3 days late, is A", []PaymentRecord{paid("IV-1", 3, LevelUM)}, LevelNone, RatingA, "paid on time"},
		{"the escalation log's SLT rung alone does not rate", []PaymentRecord{paid("IV-1", 2, 0)}, LevelSLT, RatingA, "paid on time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := inputs(Yuan(300_000), Yuan(300_000), tc.payments...)
			in.DunningReached = tc.reached
			got := ComputeCreditLimit(in, p)
			if got.Rating != tc.want {
				t.Fatalf("rating %s, want %s (reasons %v)", got.Rating, tc.want, got.Reasons)
			}
			if got.New {
				t.Error("a customer invoiced since 2024 is not new")
			}
			if len(got.Reasons) != 1 || !strings.Contains(got.Reasons[0], tc.reason) {
				t.Errorf("reasons %q, want one containing %q", got.Reasons, tc.reason)
			}
		})
	}
}

func TestLimitIsHTimesCoverTimesHalfTheGrowth(t *testing.T) {
	p := DefaultCreditPolicy()
	for _, tc := range []struct {
		name          string
		last, earlier Fen
		daysLate      int
		wantH         Fen
		wantRawG      int64
		wantG         int64
		wantCover     int64
		wantFormula   Fen
		wantLimit     Fen
	}{
		// ¥900,000 last quarter, ¥750,000 a year earlier: H ¥300,000, g +20%,
		// A covers 2 months: 300,000 × 2 × 1.1 = ¥660,000.
		{"A with growth", Yuan(900_000), Yuan(750_000), 0, Yuan(300_000), 2000, 2000, 20000, Yuan(660_000), Yuan(660_000)},
		// B covers 1.5 months; g −10%: 300,000 × 1.5 × 0.95 = ¥427,500 → ¥430,000.
		{"B rounds up to ten thousand", Yuan(900_000), Yuan(1_000_000), 10, Yuan(300_000), -1000, -1000, 15000, Yuan(427_500), Yuan(430_000)},
		// C covers 1 month: ¥300,000 exactly stays.
		{"C on a round figure stays", Yuan(900_000), Yuan(900_000), 45, Yuan(300_000), 0, 0, 10000, Yuan(300_000), Yuan(300_000)},
		// D covers nothing, whatever the sales.
		{"D gets no credit", Yuan(900_000), Yuan(900_000), 90, Yuan(300_000), 0, 0, 0, 0, 0},
		// +80% is clamped to +50%: 300,000 × 2 × 1.25 = ¥750,000.
		{"growth clamped at +50%", Yuan(900_000), Yuan(500_000), 0, Yuan(300_000), 8000, 5000, 20000, Yuan(750_000), Yuan(750_000)},
		// −70% is clamped to −50%: 300,000 × 2 × 0.75 = ¥450,000.
		{"growth clamped at -50%", Yuan(900_000), Yuan(3_000_000), 0, Yuan(300_000), -7000, -5000, 20000, Yuan(450_000), Yuan(450_000)},
		// No sales a year earlier: no base, no growth.
		{"no base means no growth", Yuan(900_000), 0, 0, Yuan(300_000), 0, 0, 20000, Yuan(600_000), Yuan(600_000)},
		// A year earlier negative (credit notes beat invoices): no base either.
		{"a negative base means no growth", Yuan(900_000), Yuan(-10_000), 0, Yuan(300_000), 0, 0, 20000, Yuan(600_000), Yuan(600_000)},
		// ¥1,000,000 / 3 = 33,333,333.33 fen → H 33,333,333 fen; B: × 1.5 =
		// 49,999,999.5 → 50,000,000 fen, already a multiple of ¥10,000.
		{"H is rounded to the fen first", Yuan(1_000_000), 0, 10, 33_333_333, 0, 0, 15000, 50_000_000, Yuan(500_000)},
		// One fen over a multiple rounds up to the next ¥10,000.
		{"one fen over rounds up", Yuan(30_000)*3 + 3, 0, 0, Yuan(30_000) + 1, 0, 0, 10000 * 2, Yuan(60_000) + 2, Yuan(70_000)},
		// Returns exceeded sales: H is zero, not negative.
		{"negative net sales give zero", Yuan(-50_000), Yuan(100_000), 0, 0, -15000, -5000, 20000, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var pays []PaymentRecord
			if tc.daysLate > 0 {
				pays = append(pays, paid("IV-1", tc.daysLate, LevelUM))
			}
			got := ComputeCreditLimit(inputs(tc.last, tc.earlier, pays...), p)
			if got.LastQuarter != tc.last || got.YearEarlier != tc.earlier {
				t.Errorf("quarters %s / %s, want %s / %s", got.LastQuarter, got.YearEarlier, tc.last, tc.earlier)
			}
			if got.H != tc.wantH || got.GrowthBasisPoints != tc.wantRawG || got.Growth != tc.wantG || got.Cover != tc.wantCover {
				t.Errorf("H %s g %d→%d cover %d, want H %s g %d→%d cover %d",
					got.H, got.GrowthBasisPoints, got.Growth, got.Cover, tc.wantH, tc.wantRawG, tc.wantG, tc.wantCover)
			}
			if got.Formula != tc.wantFormula || got.Base != tc.wantLimit || got.Limit != tc.wantLimit {
				t.Errorf("formula %s base %s limit %s, want formula %s limit %s", got.Formula, got.Base, got.Limit, tc.wantFormula, tc.wantLimit)
			}
		})
	}
}

func TestNewCustomersStartAtCWithTheInitialLimit(t *testing.T) {
	p := DefaultCreditPolicy()
	twoMonths := reviewAt.AddDate(0, -2, 0)
	fourMonths := reviewAt.AddDate(0, -4, 0)
	for _, tc := range []struct {
		name   string
		first  *time.Time
		new    bool
		rating Rating
		limit  Fen
	}{
		{"no invoice yet", nil, true, RatingC, Yuan(100_000)},
		{"first invoice two months ago", &twoMonths, true, RatingC, Yuan(100_000)},
		{"first invoice four months ago", &fourMonths, false, RatingA, Yuan(600_000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := inputs(Yuan(900_000), 0)
			in.FirstInvoiceAt = tc.first
			got := ComputeCreditLimit(in, p)
			if got.New != tc.new || got.Rating != tc.rating || got.Limit != tc.limit {
				t.Errorf("new %v rating %s limit %s, want %v %s %s (%v)", got.New, got.Rating, got.Limit, tc.new, tc.rating, tc.limit, got.Reasons)
			}
			if tc.new && !strings.Contains(got.Reasons[0], "new customer") {
				t.Errorf("reasons %q do not say the customer is new", got.Reasons)
			}
		})
	}
}

func TestAdjustmentsAddToTheRoundedLimit(t *testing.T) {
	p := DefaultCreditPolicy()
	until := reviewAt.AddDate(0, 3, 0)
	for _, tc := range []struct {
		name string
		adjs []ActiveAdjustment
		want Fen
	}{
		{"none", nil, Yuan(430_000)},
		{"a raise is not rounded", []ActiveAdjustment{{ID: "CA-2026-000002", Amount: Yuan(55_555), ExpiresAt: until}}, Yuan(485_555)},
		{"two add up", []ActiveAdjustment{{ID: "CA-2026-000002", Amount: Yuan(100_000)}, {ID: "CA-2026-000001", Amount: Yuan(-30_000)}}, Yuan(500_000)},
		{"a negative adjustment lowers", []ActiveAdjustment{{ID: "CA-2026-000003", Amount: Yuan(-400_000)}}, Yuan(30_000)},
		{"never below zero", []ActiveAdjustment{{ID: "CA-2026-000003", Amount: Yuan(-1_000_000)}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := inputs(Yuan(900_000), Yuan(1_000_000), paid("IV-1", 10, LevelUM))
			in.Adjustments = tc.adjs
			got := ComputeCreditLimit(in, p)
			if got.Base != Yuan(430_000) || got.Limit != tc.want {
				t.Errorf("base %s limit %s, want base 430000.00 limit %s", got.Base, got.Limit, tc.want)
			}
			var sum Fen
			for i, a := range got.Inputs.Adjustments {
				sum += a.Amount
				if i > 0 && got.Inputs.Adjustments[i-1].ID > a.ID {
					t.Errorf("adjustments not sorted by id: %+v", got.Inputs.Adjustments)
				}
			}
			if got.Adjustment != sum {
				t.Errorf("adjustment %s, want the sum %s", got.Adjustment, sum)
			}
		})
	}
}

func TestWithAdjustmentsKeepsTheFormula(t *testing.T) {
	p := DefaultCreditPolicy()
	r := ComputeCreditLimit(inputs(Yuan(900_000), Yuan(750_000)), p)
	adj := r.WithAdjustments([]ActiveAdjustment{{ID: "CA-2026-000001", Amount: Yuan(200_000)}})
	if adj.Base != r.Base || adj.Rating != r.Rating || adj.H != r.H || adj.Limit != Yuan(860_000) {
		t.Errorf("with a ¥200,000 adjustment: base %s rating %s limit %s", adj.Base, adj.Rating, adj.Limit)
	}
	if back := adj.WithAdjustments(nil); back.Limit != r.Limit || back.Adjustment != 0 {
		t.Errorf("without adjustments again: limit %s, want %s", back.Limit, r.Limit)
	}
	if len(r.Inputs.Adjustments) != 0 {
		t.Error("WithAdjustments changed the result it was called on")
	}
}

func TestEveryNumberOfThePolicyIsUsed(t *testing.T) {
	p := DefaultCreditPolicy()
	p.Cover.A = 30000
	p.RoundTo = Yuan(50_000)
	p.GrowthClampBasisPoints = 1000
	p.OnTimeDays = 0
	// 1 day late is B now: cover 1.5; g +20% clamped to +10%:
	// 300,000 × 1.5 × 1.05 = ¥472,500 → ¥500,000.
	got := ComputeCreditLimit(inputs(Yuan(900_000), Yuan(750_000), paid("IV-1", 1, 0)), p)
	if got.Rating != RatingB || got.Growth != 1000 || got.Limit != Yuan(500_000) {
		t.Errorf("rating %s g %d limit %s", got.Rating, got.Growth, got.Limit)
	}
	got = ComputeCreditLimit(inputs(Yuan(900_000), Yuan(750_000)), p)
	if got.Cover != 30000 || got.Limit != Yuan(950_000) { // 300,000 × 3 × 1.05 = 945,000 → 950,000
		t.Errorf("A with 3 months: cover %d limit %s", got.Cover, got.Limit)
	}
	p.NewCustomerLimit, p.NewCustomerRating = Yuan(20_000), RatingB
	in := inputs(Yuan(900_000), 0)
	in.FirstInvoiceAt = nil
	if got := ComputeCreditLimit(in, p); got.Rating != RatingB || got.Limit != Yuan(20_000) {
		t.Errorf("new customer: %s %s", got.Rating, got.Limit)
	}
}

func TestCreditPolicyValidation(t *testing.T) {
	if err := DefaultCreditPolicy().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	p := DefaultCreditPolicy()
	p.LateDays, p.RoundTo, p.Cover.B, p.DecisionLadder, p.HistoryMonths = 5, 0, -1, nil, 12
	err := p.Validate()
	e, ok := err.(*Error)
	if !ok || e.Code != ErrInvalid {
		t.Fatalf("Validate = %v, want invalid", err)
	}
	fields := map[string]bool{}
	for _, f := range e.Fields {
		fields[f.Field] = true
	}
	for _, want := range []string{"on_time_days", "round_to_fen", "cover_basis_points.B", "decision_ladder", "history_months"} {
		if !fields[want] {
			t.Errorf("no problem reported for %s in %v", want, e.Fields)
		}
	}
}

func TestQuartersAreBeijingQuarters(t *testing.T) {
	for _, tc := range []struct {
		at      time.Time
		quarter string
		first   string // first month read
		last    string // last month read
	}{
		// 31 March 17:00 UTC is already 1 April in Beijing.
		{time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC), "2026-Q2", "2024-04", "2026-03"},
		{time.Date(2026, 3, 31, 15, 0, 0, 0, time.UTC), "2026-Q1", "2024-01", "2025-12"},
		{time.Date(2026, 11, 27, 9, 0, 0, 0, Beijing), "2026-Q4", "2024-10", "2026-09"},
	} {
		if q := QuarterOf(tc.at); q != tc.quarter {
			t.Errorf("QuarterOf(%s) = %s, want %s", tc.at, q, tc.quarter)
		}
		months, from, to := SalesMonths(tc.at, 24)
		if len(months) != 24 || months[0] != tc.first || months[23] != tc.last {
			t.Errorf("SalesMonths(%s) = %v", tc.at, months)
		}
		if from.In(Beijing).Format("2006-01") != tc.first || !to.Equal(QuarterStart(tc.at)) {
			t.Errorf("SalesMonths(%s) from %s to %s", tc.at, from, to)
		}
	}
}

func TestAdjustmentProposalValidation(t *testing.T) {
	p := DefaultCreditPolicy()
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, Beijing)
	expires, pr := AdjustmentProposal{CustomerID: "C001", Amount: Yuan(-50_000), Reason: "slow season", ExpiresOn: "2026-06-30"}.Validate(now, p)
	if len(pr) != 0 {
		t.Fatalf("a valid proposal has problems: %v", pr)
	}
	if want := time.Date(2026, 7, 1, 0, 0, 0, 0, Beijing); !expires.Equal(want) {
		t.Errorf("expires %s, want the end of 30 June in Beijing (%s)", expires, want)
	}
	for _, tc := range []struct {
		name  string
		p     AdjustmentProposal
		field string
	}{
		{"zero amount", AdjustmentProposal{CustomerID: "C001", Reason: "x", ExpiresOn: "2026-06-30"}, "amount_fen"},
		{"no reason", AdjustmentProposal{CustomerID: "C001", Amount: 1, ExpiresOn: "2026-06-30"}, "reason"},
		{"no customer", AdjustmentProposal{Amount: 1, Reason: "x", ExpiresOn: "2026-06-30"}, "customer_id"},
		{"bad date", AdjustmentProposal{CustomerID: "C001", Amount: 1, Reason: "x", ExpiresOn: "30/06/2026"}, "expires_on"},
		{"expires today", AdjustmentProposal{CustomerID: "C001", Amount: 1, Reason: "x", ExpiresOn: "2026-03-10"}, "expires_on"},
		{"too far ahead", AdjustmentProposal{CustomerID: "C001", Amount: 1, Reason: "x", ExpiresOn: "2027-03-12"}, "expires_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, pr := tc.p.Validate(now, p)
			if len(pr) != 1 || pr[0].Field != tc.field {
				t.Errorf("problems %v, want one on %s", pr, tc.field)
			}
		})
	}
	if _, pr := (AdjustmentProposal{CustomerID: "C001", Amount: 1, Reason: "x", ExpiresOn: "2027-03-11"}).Validate(now, p); len(pr) != 0 {
		t.Errorf("the last allowed day is refused: %v", pr)
	}
}

func TestCreditUseIsInBasisPoints(t *testing.T) {
	if u := CreditUse(Yuan(75_000), Yuan(100_000)); u == nil || *u != 7500 {
		t.Errorf("Use = %v, want 7500", u)
	}
	if u := CreditUse(Yuan(1), 0); u != nil {
		t.Errorf("Use of a zero limit = %d, want nil", *u)
	}
}

func TestLadderAboveSkipsVacantRungs(t *testing.T) {
	ld := Ladder{KAM: "kam", MM: "mm", GM: "gm"}
	for l, want := range map[Level]string{LevelSLT: "gm", LevelUM: "mm", LevelGM: "gm", LevelNone: "kam"} {
		if got := ld.Above(l); got != want {
			t.Errorf("Above(%s) = %q, want %q", l, got, want)
		}
	}
	if got := (Ladder{}).Above(LevelSLT); got != "" {
		t.Errorf("an empty ladder gives %q", got)
	}
}
