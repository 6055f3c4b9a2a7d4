package sales

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestPeriods(t *testing.T) {
	for _, tc := range []struct {
		p    string
		want bool
	}{
		{"2026-11", true}, {"2026-01", true}, {"2026-12", true},
		{"2026-13", false}, {"2026-00", false}, {"2026-1", false}, {"26-11", false}, {"", false}, {"2026-11-01", false},
	} {
		if got := ValidPeriod(tc.p); got != tc.want {
			t.Errorf("ValidPeriod(%q) = %v, want %v", tc.p, got, tc.want)
		}
	}
	// 30 November 2026, 17:00 UTC is already 1 December in Beijing.
	if got := PeriodOf(time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC)); got != "2026-12" {
		t.Errorf("PeriodOf = %s, want 2026-12 (Beijing time)", got)
	}
	if got := PeriodOf(time.Date(2026, 11, 30, 15, 59, 0, 0, time.UTC)); got != "2026-11" {
		t.Errorf("PeriodOf = %s, want 2026-11", got)
	}
}

func TestCustomersNeverExceedTheirMarket(t *testing.T) {
	for _, tc := range []struct {
		name                                string
		allocated, market, others, consumed int64
		wantOK                              bool
		wantIn                              string
	}{
		{name: "fits", allocated: 40, market: 100, others: 60, wantOK: true},
		{name: "exactly the rest", allocated: 40, market: 100, others: 60, consumed: 40, wantOK: true},
		{name: "one over the market", allocated: 41, market: 100, others: 60, wantIn: "more than the market's 100 (40 left to allocate)"},
		{name: "market already over-allocated", allocated: 0, market: 100, others: 120, wantIn: "0 left to allocate"},
		{name: "below what was consumed", allocated: 5, market: 100, others: 0, consumed: 6, wantIn: "less than the 6"},
		{name: "zero when nothing consumed", allocated: 0, market: 0, others: 0, wantOK: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			why := CheckCustomerAllocation("SKU-1006", tc.allocated, tc.market, tc.others, tc.consumed)
			if (why == "") != tc.wantOK || !strings.Contains(why, tc.wantIn) {
				t.Errorf("CheckCustomerAllocation = %q", why)
			}
		})
	}
}

func TestAMarketNeverFallsBelowItsCustomers(t *testing.T) {
	for _, tc := range []struct {
		allocated, toCustomers int64
		wantOK                 bool
	}{
		{100, 60, true}, {60, 60, true}, {59, 60, false}, {0, 0, true},
	} {
		why := CheckMarketAllocation("SKU-1006", tc.allocated, tc.toCustomers)
		if (why == "") != tc.wantOK {
			t.Errorf("CheckMarketAllocation(%d, %d) = %q", tc.allocated, tc.toCustomers, why)
		}
	}
}

func TestConsumptionNeverBelowZero(t *testing.T) {
	for _, tc := range []struct {
		consumed, giveBack int64
		wantOK             bool
	}{
		{10, 10, true}, {10, 3, true}, {10, 11, false}, {0, 1, false}, {10, 0, false}, {10, -1, false},
	} {
		why := CheckGiveBack(tc.consumed, tc.giveBack)
		if (why == "") != tc.wantOK {
			t.Errorf("CheckGiveBack(%d, %d) = %q", tc.consumed, tc.giveBack, why)
		}
	}
}

func TestQuotaAllocationsValidate(t *testing.T) {
	skus := map[string]SKU{
		"SKU-Q": {Code: "SKU-Q", Quota: true, Active: true},
		"SKU-P": {Code: "SKU-P", Active: true},
	}
	for _, tc := range []struct {
		name string
		in   []QuotaAllocation
		want []string // fields with a problem
	}{
		{"fine", []QuotaAllocation{{"SKU-Q", 10}}, nil},
		{"none", nil, []string{"allocations"}},
		{"plain SKU", []QuotaAllocation{{"SKU-P", 10}}, []string{"allocations[0].sku"}},
		{"unknown and negative", []QuotaAllocation{{"NOPE", -1}}, []string{"allocations[0].sku", "allocations[0].quantity"}},
		{"twice", []QuotaAllocation{{"SKU-Q", 1}, {"SKU-Q", 2}}, []string{"allocations[1].sku"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range (QuotaAllocations{Allocations: tc.in}).Validate(skus) {
				got = append(got, p.Field)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems %v, want %v", got, tc.want)
			}
		})
	}
}

func TestQuotaCheckAndThePartWithinQuota(t *testing.T) {
	skus := map[string]SKU{"SKU-Q": {Quota: true}, "SKU-R": {Quota: true}, "SKU-P": {}}
	lines := []Line{
		{LineNo: 1, SKU: "SKU-Q", Quantity: 10},
		{LineNo: 2, SKU: "SKU-P", Quantity: 5},
		{LineNo: 3, SKU: "SKU-R", Quantity: 8},
	}
	for _, tc := range []struct {
		name       string
		left       map[string]int64
		wantReason string
		within     []LineQty
	}{
		{"within", map[string]int64{"SKU-Q": 10, "SKU-R": 100}, "", []LineQty{{1, 10}, {2, 5}, {3, 8}}},
		{"one over", map[string]int64{"SKU-Q": 4, "SKU-R": 8}, "over quota for 2026-11: line 1 SKU-Q asks 10, 4 left",
			[]LineQty{{1, 4}, {2, 5}, {3, 8}}},
		{"no allocation", map[string]int64{"SKU-Q": 10}, "line 3 SKU-R asks 8, 0 left", []LineQty{{1, 10}, {2, 5}, {3, 0}}},
		{"allowed over before", map[string]int64{"SKU-Q": -5, "SKU-R": 8}, "line 1 SKU-Q asks 10, 0 left", []LineQty{{1, 0}, {2, 5}, {3, 8}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := CheckQuota(lines, skus, tc.left)
			if len(q) != 2 || q[0].LineNo != 1 || q[1].LineNo != 3 {
				t.Fatalf("quota lines %+v: only the controlled lines", q)
			}
			reason := QuotaHoldReason("2026-11", q)
			if (tc.wantReason == "") != (reason == "") || !strings.Contains(reason, tc.wantReason) {
				t.Errorf("reason %q, want %q", reason, tc.wantReason)
			}
			if got := WithinQuota(lines, q); !reflect.DeepEqual(got, tc.within) {
				t.Errorf("within quota %v, want %v", got, tc.within)
			}
		})
	}
}

func TestPOPBudgetRefusesWithTheFigures(t *testing.T) {
	b := POPBudget{Month: "2026-11", Market: "华东", Budget: Yuan(5000), Used: Yuan(4800)}
	if why := b.OverBudget(Yuan(200)); why != "" {
		t.Errorf("exactly the rest refused: %s", why)
	}
	why := b.OverBudget(Yuan(300))
	for _, want := range []string{"华东", "2026-11", "5000.00", "4800.00", "200.00 is left", "needs 300.00"} {
		if !strings.Contains(why, want) {
			t.Errorf("reason %q lacks %q", why, want)
		}
	}
	over := POPBudget{Month: "2026-11", Market: "华东", Budget: Yuan(100), Used: Yuan(150)}
	if why := over.OverBudget(1); !strings.Contains(why, "0.00 is left") {
		t.Errorf("an overdrawn budget: %q", why)
	}
	for _, tc := range []struct {
		budget, used Fen
		ok           bool
	}{{Yuan(10), Yuan(10), true}, {Yuan(10), Yuan(11), false}, {-1, 0, false}, {0, 0, true}} {
		if got := CheckBudgetChange(tc.budget, tc.used) == ""; got != tc.ok {
			t.Errorf("CheckBudgetChange(%s, %s) ok = %v", tc.budget, tc.used, got)
		}
	}
}

func TestValidatePOP(t *testing.T) {
	items := map[string]POPItem{"POSTER": {Code: "POSTER", UnitCost: 500, Active: true}, "OLD": {Code: "OLD", UnitCost: 100}}
	var got []string
	for _, p := range ValidatePOP("pop", []POPRequest{{"POSTER", 2}, {"NOPE", 1}, {"OLD", 1}, {"POSTER", 1}, {"", 0}}, items) {
		got = append(got, p.Field+": "+p.Message)
	}
	want := []string{
		`pop[1].item: unknown POP item "NOPE"`,
		"pop[2].item: POP item OLD is no longer available",
		"pop[3].item: POSTER appears twice; put the quantity on one line",
		"pop[4].item: is required",
		"pop[4].quantity: must be positive",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if c := POPCost([]POPRequest{{"POSTER", 3}}, items); c != 1500 {
		t.Errorf("cost %s", c)
	}
}
