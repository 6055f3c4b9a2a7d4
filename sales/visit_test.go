package sales

import (
	"testing"
	"time"
)

func TestWeekPeriodIsAnISOWeekInBeijing(t *testing.T) {
	cases := map[string]string{
		"2026-W49": "2026-11-30..2026-12-06",
		"2026-W01": "2025-12-29..2026-01-04",
		"2026-W53": "2026-12-28..2027-01-03",
		"2027-W01": "2027-01-04..2027-01-10",
	}
	for week, want := range cases {
		p, err := WeekPeriod(week)
		if err != nil || p.String() != want {
			t.Errorf("%s: %s, %v; want %s", week, p, err, want)
		}
		if err == nil && WeekOf(p.From.Add(36*time.Hour)) != week {
			t.Errorf("WeekOf inside %s is %s", week, WeekOf(p.From))
		}
	}
	for _, bad := range []string{"2027-W53", "2026-W00", "2026-49", "W49", ""} {
		if _, err := WeekPeriod(bad); ErrorCode(err) != ErrInvalid {
			t.Errorf("%q: %v, want invalid", bad, err)
		}
	}
	// Sunday 23:30 UTC is already Monday in Beijing.
	if w := WeekOf(time.Date(2026, 12, 6, 17, 0, 0, 0, time.UTC)); w != "2026-W50" {
		t.Errorf("WeekOf: %s, want the Beijing week 2026-W50", w)
	}
}

func TestVisitInputValidateNamesEveryField(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, Beijing)
	good := VisitInput{CustomerID: "C001", Date: "2026-12-03", Kind: VisitCall, Notes: "ok", FollowUp: "样品", FollowUpDue: "2026-12-03"}
	if p := good.Validate(now); len(p) != 0 {
		t.Errorf("a good visit: %v", p)
	}
	cases := []struct {
		in    VisitInput
		field string
	}{
		{VisitInput{Date: "2026-12-01", Kind: VisitCall, Notes: "x"}, "customer_id"},
		{VisitInput{CustomerID: "C1", Date: "2026-12-04", Kind: VisitCall, Notes: "x"}, "date"},
		{VisitInput{CustomerID: "C1", Date: "2026-08-01", Kind: VisitCall, Notes: "x"}, "date"},
		{VisitInput{CustomerID: "C1", Date: "2026-12-1", Kind: VisitCall, Notes: "x"}, "date"},
		{VisitInput{CustomerID: "C1", Date: "2026-12-01", Kind: "lunch", Notes: "x"}, "kind"},
		{VisitInput{CustomerID: "C1", Date: "2026-12-01", Kind: VisitCall}, "notes"},
		{VisitInput{CustomerID: "C1", Date: "2026-12-01", Kind: VisitCall, Notes: "x", FollowUpDue: "2026-12-05"}, "follow_up_due"},
		{VisitInput{CustomerID: "C1", Date: "2026-12-01", Kind: VisitCall, Notes: "x", FollowUp: "y", FollowUpDue: "2026-11-30"}, "follow_up_due"},
	}
	for _, c := range cases {
		p := c.in.Validate(now)
		if len(p) != 1 || p[0].Field != c.field {
			t.Errorf("%+v: %v, want one problem on %s", c.in, p, c.field)
		}
	}
}

func TestBuildVisitReportCountsOnlyTheDutysCustomersAndWholeWeeks(t *testing.T) {
	p, _ := DaysPeriod("2026-11-30", "2026-12-13") // two weeks
	duties := []VisitDuty{
		{UserID: "kam1", Role: RoleFSF, Market: "华东", Customers: []string{"C1", "C2"}},
		{UserID: "ssg1", Role: RoleSSG, Market: "华东", Customers: []string{"C1", "C2", "C3"}},
	}
	markets := map[string][]string{"华东": {"C1", "C2", "C3"}}
	var visits []Visit
	for _, c := range []string{"C1", "C1", "C2", "C2", "C3"} { // C3 is not kam1's
		visits = append(visits, Visit{By: "kam1", CustomerID: c})
	}
	visits = append(visits, Visit{By: "ssg1", CustomerID: "C3"})
	r := BuildVisitReport(p, VisitPolicy{KAMPerCustomer: 1, SSGPerCustomer: 2}, duties, markets, visits)
	if r.Weeks != 2 || len(r.People) != 2 {
		t.Fatalf("report %+v", r)
	}
	kam, ssg := r.People[0], r.People[1]
	if kam.UserID != "kam1" || kam.Expected != 4 || kam.Logged != 4 || kam.Covered != 2 || kam.Behind {
		t.Errorf("kam1: %+v", kam)
	}
	if ssg.UserID != "ssg1" || ssg.Expected != 12 || ssg.Logged != 1 || !ssg.Behind {
		t.Errorf("ssg1: %+v", ssg)
	}
	if m := r.Markets[0]; m.Logged != 6 || m.Covered != 3 || m.Expected != 16 || m.Behind != 1 {
		t.Errorf("market: %+v", m)
	}
	if len(r.Behind) != 1 || r.Behind[0] != "ssg1" {
		t.Errorf("behind %v", r.Behind)
	}
	// Enough visits to one customer do not make up for another never contacted.
	r = BuildVisitReport(p, DefaultVisitPolicy(), duties[:1], markets, []Visit{{By: "kam1", CustomerID: "C1"}, {By: "kam1", CustomerID: "C1"}, {By: "kam1", CustomerID: "C1"}, {By: "kam1", CustomerID: "C1"}})
	if !r.People[0].Behind {
		t.Errorf("kam1 never called C2 but is not behind: %+v", r.People[0])
	}
}
