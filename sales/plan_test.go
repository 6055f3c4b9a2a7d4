package sales

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestTargetPeriodsAreMonthsQuartersAndYears(t *testing.T) {
	for _, c := range []struct {
		in       string
		kind     PeriodKind
		from, to string
		months   int
	}{
		{"2026-03", PeriodMonth, "2026-03-01", "2026-04-01", 1},
		{"2026-Q1", PeriodQuarter, "2026-01-01", "2026-04-01", 3},
		{"2026-Q4", PeriodQuarter, "2026-10-01", "2027-01-01", 3},
		{"2026", PeriodYear, "2026-01-01", "2027-01-01", 12},
		{"2026-13", "", "", "", 0},
		{"2026-Q5", "", "", "", 0},
		{"26", "", "", "", 0},
		{"2026-q1", "", "", "", 0},
	} {
		if got := PeriodKindOf(c.in); got != c.kind {
			t.Errorf("PeriodKindOf(%q) = %q, want %q", c.in, got, c.kind)
		}
		p, err := TargetPeriod(c.in)
		if c.kind == "" {
			if ErrorCode(err) != ErrInvalid {
				t.Errorf("TargetPeriod(%q): %v, want invalid", c.in, err)
			}
			continue
		}
		if err != nil || p.From.Format(time.DateOnly) != c.from || p.To.Format(time.DateOnly) != c.to || p.From.Location() != Beijing {
			t.Errorf("TargetPeriod(%q) = %v (%v), want %s..%s", c.in, p, err, c.from, c.to)
		}
		if got := PeriodMonths(c.in); len(got) != c.months || got[0] != c.from[:7] {
			t.Errorf("PeriodMonths(%q) = %v", c.in, got)
		}
	}
}

func TestASplitMustAddUpToItsTarget(t *testing.T) {
	parent := Target{Period: "2026-12", Dimension: ByMarket, Key: "华东", Currency: CNY, Sales: Yuan(10000), Collections: Yuan(8000), Units: 500}
	r := SplitRequest{Period: "2026-12", Dimension: ByMarket, Key: "华东", Targets: []SplitEntry{
		{Key: "um-1", Sales: Yuan(6000), Collections: Yuan(5000), Units: 300},
		{Key: "um-2", Sales: Yuan(4000), Collections: Yuan(3000), Units: 200},
	}}
	if p := r.Validate(); len(p) != 0 {
		t.Fatalf("a good split: %v", p)
	}
	if p := CheckSplit(parent, r); len(p) != 0 {
		t.Errorf("a split that adds up: %v", p)
	}
	r.Targets[1].Sales, r.Targets[1].Units = Yuan(3000), 210
	p := CheckSplit(parent, r)
	if len(p) != 2 || p[0].Field != "targets.sales_fen" || p[1].Field != "targets.units" ||
		!strings.Contains(p[0].Message, "9000.00 CNY") || !strings.Contains(p[0].Message, "10000.00 CNY") ||
		!strings.Contains(p[1].Message, "510 units") || !strings.Contains(p[1].Message, "500 units") {
		t.Errorf("a split that does not add up: %v", p)
	}
	bad := SplitRequest{Period: "2026-Q5", Dimension: ByMM, Targets: []SplitEntry{{Key: "a", Sales: -1}, {Key: "a"}}}
	var fields []string
	for _, f := range bad.Validate() {
		fields = append(fields, f.Field)
	}
	want := []string{"period", "dimension", "key", "targets[0].sales_fen", "targets[1].key"}
	if !reflect.DeepEqual(fields, want) {
		t.Errorf("fields %v, want %v", fields, want)
	}
	for _, c := range []struct {
		parent, children Figures
		any              bool
		want             SplitState
	}{
		{Figures{Sales: 10}, Figures{}, false, SplitNone},
		{Figures{Sales: 10}, Figures{Sales: 10}, true, SplitComplete},
		{Figures{Sales: 10, Units: 1}, Figures{Sales: 10}, true, SplitIncomplete},
	} {
		if got := SplitStateOf(c.parent, c.children, c.any); got != c.want {
			t.Errorf("SplitStateOf(%+v, %+v, %v) = %s, want %s", c.parent, c.children, c.any, got, c.want)
		}
	}
}

func TestAPublicationTellsEachPersonOnceWithTheirMarkets(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, Beijing)
	p := Plan{Kind: PlanMonthly, Period: "2026-12", Version: 2, Figures: &PlanFigures{Markets: []PlanMarket{
		{Market: "华东", Target: &Figures{Currency: CNY, Sales: Yuan(100), Units: 5},
			Focus: &FocusItems{Main: "回款", Secondary: []string{"铺货", "新品"}}, Notify: []string{"ssg-lead", "mm-huadong"}},
		{Market: "华南", Notify: []string{"ssg-lead", "mm-huanan"}},
	}}}
	got := PlanNotifications(p, at)
	var keys []string
	for _, n := range got {
		keys = append(keys, n.Key)
	}
	want := []string{"plan/monthly/2026-12/v2/ssg-lead", "plan/monthly/2026-12/v2/mm-huadong", "plan/monthly/2026-12/v2/mm-huanan"}
	if !reflect.DeepEqual(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	if b := got[0].Body; !strings.Contains(b, "华东: 销售 sales 100.00 CNY") || !strings.Contains(b, "华南: 未设目标") {
		t.Errorf("the SSG's body:\n%s", b)
	}
	if b := got[2].Body; strings.Contains(b, "华东") || got[2].Kind != NotificationPlanPublished || !got[2].At.Equal(at) {
		t.Errorf("华南's MM is told %+v", got[2])
	}
	if PlanNotifications(Plan{Kind: PlanAnnual, Period: "2027"}, at) != nil {
		t.Error("a draft tells someone")
	}
}
