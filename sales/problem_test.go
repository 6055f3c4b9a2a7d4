package sales

import (
	"reflect"
	"testing"
	"time"
)

func TestProblemNumbersAreOfTheBeijingMonth(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		n    int
		want string
	}{
		{time.Date(2026, 11, 3, 9, 0, 0, 0, Beijing), 7, "OSB-2026-11-007"},
		{time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC), 1, "OSB-2026-12-001"}, // 00:00 on 1 December in Beijing
		{time.Date(2026, 11, 30, 15, 59, 0, 0, time.UTC), 999, "OSB-2026-11-999"},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, Beijing), 1000, "OSB-2027-01-1000"},
	} {
		got := FormatProblemNo(ProblemMonth(tc.at), tc.n)
		if got != tc.want || !ValidProblemNo(got) {
			t.Errorf("problem %d filed at %s is %q (valid %v), want %q", tc.n, tc.at, got, ValidProblemNo(got), tc.want)
		}
	}
	for _, bad := range []string{"OSB-2026-13-001", "OSB-2026-11-01", "osb-2026-11-001", "SO-2026-000001"} {
		if ValidProblemNo(bad) {
			t.Errorf("%q passes as a problem number", bad)
		}
	}
}

// escalation is an escalation of order SO-2026-000001 as the order workflow
// keys it: order/kind/ref/level.
func escalation(kind EscalationKind, ref string, level Level, recipients ...string) Escalation {
	return Escalation{
		Key: "SO-2026-000001/" + string(kind) + "/" + ref + "/" + string(rune('0'+level)), OrderNo: "SO-2026-000001",
		CustomerID: "C001", Kind: kind, Subject: string(kind) + " " + ref, Level: level, Recipients: recipients,
		At: time.Date(2026, 3, 5, 10, 0, 0, 0, Beijing),
	}
}

func TestWhichChangesFileAProblemOfWhichDepartment(t *testing.T) {
	type filed struct {
		Key        string
		Source     ProblemSource
		Department Department
		Owner      string
		Step       Step
		Invoice    string
		Level      Level
	}
	order := &OrderSnapshot{OrderNo: "SO-2026-000001", CustomerID: "C001"}
	for _, tc := range []struct {
		name    string
		changes OrderChanges
		want    []filed
	}{
		{"a late plan is Logistics' stuck step", OrderChanges{Escalations: []Escalation{escalation(EscalateStep, "SP1@100", LevelKAM, "kam1")}},
			[]filed{{"SO-2026-000001/step_overdue/SP1@100", SourceStuckStep, DeptLogistics, "dept:logistics", SP1Plan, "", LevelKAM}}},
		{"a late invoice is Finance's", OrderChanges{Escalations: []Escalation{escalation(EscalateStep, "BC1@100", LevelUM, "kam1", "um1")}},
			[]filed{{"SO-2026-000001/step_overdue/BC1@100", SourceStuckStep, DeptFinance, "dept:finance", BC1Invoice, "", LevelUM}}},
		{"a late release is the SSG's", OrderChanges{Escalations: []Escalation{escalation(EscalateStep, "OP7@100", LevelKAM, "kam1")}},
			[]filed{{"SO-2026-000001/step_overdue/OP7@100", SourceStuckStep, DeptSales, "dept:ssg", OP7Release, "", LevelKAM}}},
		{"dunning below the SLT files nothing", OrderChanges{Escalations: []Escalation{escalation(EscalateDunning, "IV-1@100", LevelMM, "kam1", "mm1")}}, nil},
		{"dunning at the SLT is the SLT member's", OrderChanges{Escalations: []Escalation{escalation(EscalateDunning, "IV-1@100", LevelSLT, "kam1", "dsd")}},
			[]filed{{"SO-2026-000001/dunning/IV-1@100", SourceEscalation, DeptSales, "dsd", "", "IV-1", LevelSLT}}},
		{"a hold at the GM", OrderChanges{Escalations: []Escalation{escalation(EscalateHold, "OP5@100", LevelGM, "kam1", "gm")}},
			[]filed{{"SO-2026-000001/hold_pending/OP5@100", SourceEscalation, DeptSales, "gm", OP5Hold, "", LevelGM}}},
		{"a reminder never", OrderChanges{Escalations: []Escalation{escalation(EscalateRemind, "IV-1@100", LevelSLT, "kam1")}}, nil},
		{"a dispute is Finance's", OrderChanges{Order: order, Events: []Event{
			{Seq: 9, Step: BC2Acknowledge, Kind: "invoice_acknowledged", Detail: map[string]string{"invoice": "IV-0"}},
			{Seq: 12, Step: BC2Acknowledge, Kind: EventInvoiceDisputed, Actor: "csr1", Detail: map[string]string{"invoice": "IV-1", "reason": "价格"}},
		}}, []filed{{"SO-2026-000001/invoice_disputed/12", SourceDispute, DeptFinance, "dept:finance", BC2Acknowledge, "IV-1", LevelNone}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []filed
			for _, f := range AutoProblems(tc.changes) {
				got = append(got, filed{f.Key, f.Source, f.Department, f.Owner, f.Step, f.InvoiceNo, f.Level})
				if f.Title == "" || f.OrderNo != "SO-2026-000001" || f.CustomerID != "C001" {
					t.Errorf("filing %+v lacks its title, order or customer", f)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("filed %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestEveryRungOfOneLateThingHasTheSameKey(t *testing.T) {
	a := AutoProblems(OrderChanges{Escalations: []Escalation{
		escalation(EscalateStep, "SP3@100", LevelKAM), escalation(EscalateStep, "SP3@100", LevelGM),
		escalation(EscalateStep, "SP3@200", LevelKAM), // the same step entered again later
	}})
	if len(a) != 3 || a[0].Key != a[1].Key || a[0].Key == a[2].Key {
		t.Errorf("keys %q %q %q: rungs of one wait must share a key, another wait must not", a[0].Key, a[1].Key, a[2].Key)
	}
}

func TestFinanceAndLogisticsManageOnlyTheirOwnProblems(t *testing.T) {
	for _, tc := range []struct {
		role Role
		dept Department
		ok   bool
	}{
		{RoleSSG, DeptLogistics, true}, {RoleSLT, DeptFinance, true}, {RoleAdmin, DeptSales, true},
		{RoleFinance, DeptFinance, true}, {RoleFinance, DeptLogistics, false},
		{RoleLogistics, DeptLogistics, true}, {RoleLogistics, DeptSales, false},
		{RoleFSF, DeptSales, false},
	} {
		err := CanManageProblems(Actor{UserID: "u", Role: tc.role}, tc.dept)
		if (err == nil) != tc.ok || (err != nil && ErrorCode(err) != ErrForbidden) {
			t.Errorf("%s on %s problems: %v", tc.role, tc.dept, err)
		}
	}
}

func TestProblemRequestsAreValidatedWhole(t *testing.T) {
	r := ProblemRequest{Department: "hr", Title: "  ", OrderNo: "42"}
	r.Normalize()
	p := r.Validate()
	if len(p) != 3 {
		t.Errorf("problems %+v, want department, title and order_no", p)
	}
	ok := ProblemRequest{Department: DeptSales, Title: "客户要求改期"}
	if p := ok.Validate(); len(p) != 0 {
		t.Errorf("a good request has problems %+v", p)
	}
	f := ok.Filing(Actor{UserID: "csr1", Role: RoleSSG}, time.Unix(0, 0))
	if f.Owner != "dept:ssg" || f.Source != SourceManual || f.CreatedBy != "csr1" || f.Key != "" {
		t.Errorf("filing %+v", f)
	}
}

func TestApplyingAnUpdateResolvesAndReopens(t *testing.T) {
	at := time.Date(2026, 3, 9, 10, 0, 0, 0, Beijing)
	ssg := Actor{UserID: "csr1", Role: RoleSSG}
	p := Problem{Number: "OSB-2026-03-001", Department: DeptSales, Status: ProblemOpen, Owner: "dept:ssg"}
	st := func(s ProblemStatus) *ProblemStatus { return &s }
	text := func(s string) *string { return &s }

	if _, err := p.Apply(ProblemUpdate{Status: st(ProblemResolved)}, ssg, at); ErrorCode(err) != ErrInvalid {
		t.Errorf("resolving without a resolution: %v", err)
	}
	if _, err := p.Apply(ProblemUpdate{}, ssg, at); ErrorCode(err) != ErrInvalid {
		t.Errorf("an empty update: %v", err)
	}
	done, err := p.Apply(ProblemUpdate{Status: st(ProblemResolved), Resolution: text(" 已补发 "), Owner: text("csr1")}, ssg, at)
	if err != nil || done.Status != ProblemResolved || done.Resolution != "已补发" || done.ResolvedBy != "csr1" ||
		!done.ResolvedAt.Equal(at) || done.Owner != "csr1" || !done.UpdatedAt.Equal(at) {
		t.Fatalf("resolved %+v (%v)", done, err)
	}
	again, err := done.Apply(ProblemUpdate{Status: st(ProblemInProgress)}, ssg, at.Add(time.Hour))
	if err != nil || again.ResolvedAt != nil || again.ResolvedBy != "" || again.Resolution != "已补发" {
		t.Errorf("reopened %+v (%v)", again, err)
	}
	if _, err := p.Apply(ProblemUpdate{Owner: text("x")}, Actor{UserID: "fin1", Role: RoleFinance}, at); ErrorCode(err) != ErrForbidden {
		t.Errorf("finance on a sales problem: %v", err)
	}
}

func TestTheMeetingViewCountsAgesAndOverdue(t *testing.T) {
	march, _ := MonthPeriod("2026-03")
	asOf := time.Date(2026, 4, 8, 9, 0, 0, 0, Beijing)
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, Beijing) }
	resolvedAt := func(m time.Month, d int) *time.Time { t := day(m, d); return &t }
	list := []Problem{
		{Number: "OSB-2026-02-003", Department: DeptSales, Status: ProblemOpen, CreatedAt: day(2, 20)},                                       // 47 days
		{Number: "OSB-2026-03-001", Department: DeptSales, Status: ProblemInProgress, CreatedAt: day(3, 25)},                                 // 14 days: not yet overdue
		{Number: "OSB-2026-03-002", Department: DeptSales, Status: ProblemOpen, CreatedAt: day(3, 24)},                                       // 15 days: overdue
		{Number: "OSB-2026-03-003", Department: DeptFinance, Status: ProblemResolved, CreatedAt: day(3, 2), ResolvedAt: resolvedAt(3, 12)},   // 10 days to resolve
		{Number: "OSB-2026-02-009", Department: DeptLogistics, Status: ProblemResolved, CreatedAt: day(2, 27), ResolvedAt: resolvedAt(3, 1)}, // filed before, resolved in March
		{Number: "OSB-2026-04-001", Department: DeptLogistics, Status: ProblemOpen, CreatedAt: day(4, 2)},                                    // filed after the month, open now
		{Number: "OSB-2026-03-004", Department: DeptLogistics, Status: ProblemResolved, CreatedAt: day(3, 30), ResolvedAt: resolvedAt(4, 1)}, // resolved after the month
	}
	r := ReviewProblems(list, march, asOf, 14)
	want := []DepartmentReview{
		{Department: DeptSales, Filed: 2, Open: 3, InProgress: 1, Overdue: 2, OldestOpenDays: 47, MeanOpenDays: (47 + 14 + 15) / 3},
		{Department: DeptFinance, Filed: 1, Resolved: 1},
		{Department: DeptLogistics, Filed: 1, Resolved: 1, Open: 1, OldestOpenDays: 6, MeanOpenDays: 6},
	}
	if !reflect.DeepEqual(r.Departments, want) {
		t.Errorf("departments\n got %+v\nwant %+v", r.Departments, want)
	}
	var open []string
	for _, p := range r.Open {
		open = append(open, p.Number)
	}
	if !reflect.DeepEqual(open, []string{"OSB-2026-02-003", "OSB-2026-03-002", "OSB-2026-03-001", "OSB-2026-04-001"}) {
		t.Errorf("open, oldest first: %v", open)
	}
	if len(r.Resolved) != 2 || r.Resolved[0].Number != "OSB-2026-02-009" || r.Resolved[1].AgeDays != 10 {
		t.Errorf("resolved in March: %+v", r.Resolved)
	}
}
