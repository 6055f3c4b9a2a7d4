package sales

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	for _, c := range []struct {
		value    string
		max      int
		required bool
		want     string // "" = accepted
	}{
		{"wrong price", 100, true, ""},
		{"价格有误\n第二行\t备注", 100, true, ""},
		{"", 100, false, ""},
		{"", 100, true, "is required"},
		{"  \n", 100, true, "is required"},
		{"wrong price\u0000x", 100, true, "control characters"},
		{"bell\u0007", 100, false, "control characters"},
		{"esc\u001b[31m", 100, false, "control characters"},
		{"c1\u0085", 100, false, "control characters"},
		{"bad \xff utf-8", 100, false, "valid UTF-8"},
		{strings.Repeat("价", 10), 10, true, ""},
		{strings.Repeat("价", 11), 10, true, "at most 10 characters"},
	} {
		var p Problems
		p.Text("reason", c.value, c.max, c.required)
		switch {
		case c.want == "" && len(p) > 0:
			t.Errorf("%q refused: %v", c.value, p)
		case c.want != "" && (len(p) != 1 || p[0].Field != "reason" || !strings.Contains(p[0].Message, c.want)):
			t.Errorf("%q: %v, want %q on reason", c.value, p, c.want)
		}
	}
}

// Money people type is bounded, so no sum of it can overflow.
func TestMoneyPeopleTypeIsBounded(t *testing.T) {
	if CheckBudgetChange(MaxAmount+1, 0) == "" {
		t.Error("a POP budget above MaxAmount was allowed")
	}
	if CheckBudgetChange(MaxAmount, 0) != "" {
		t.Error("a POP budget of MaxAmount was refused")
	}
	item := POPItem{Code: "P1", Name: "海报", Unit: "张", UnitCost: MaxUnitPrice + 1, Currency: CNY}
	if p := item.Validate(); len(p) != 1 || p[0].Field != "unit_cost_fen" {
		t.Errorf("a unit cost above MaxUnitPrice: %v", p)
	}
	// The largest order cannot overflow: 200 lines × 1,000,000 units × MaxUnitPrice.
	if max := Fen(200) * 1_000_000 * MaxUnitPrice; max <= 0 || max/200/1_000_000 != MaxUnitPrice {
		t.Errorf("the largest order's total overflows: %d", max)
	}
}
