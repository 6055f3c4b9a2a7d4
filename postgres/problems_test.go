package postgres_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"osb/postgres"
	"osb/sales"
)

var (
	ssgActor     = sales.Actor{UserID: "csr1", Role: sales.RoleSSG}
	financeActor = sales.Actor{UserID: "fin1", Role: sales.RoleFinance}
	logActor     = sales.Actor{UserID: "log1", Role: sales.RoleLogistics}
)

func manualFiling(d sales.Department, title string, at time.Time) sales.ProblemFiling {
	return sales.ProblemRequest{Department: d, Title: title}.Filing(ssgActor, at)
}

func TestProblemNumbersHaveNoGapsWhenTwentyAreFiledAtOnce(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, sales.Beijing)
	var wg sync.WaitGroup
	numbers := make([]string, 20)
	errs := make([]error, 20)
	for i := range 20 {
		wg.Go(func() {
			p, err := st.FileProblem(ctx, manualFiling(sales.DeptSales, fmt.Sprintf("problem %d", i), at))
			numbers[i], errs[i] = p.Number, err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("filing %d: %v", i, err)
		}
	}
	slices.Sort(numbers)
	for i, no := range numbers {
		if want := fmt.Sprintf("OSB-2026-11-%03d", i+1); no != want {
			t.Fatalf("numbers = %v, want OSB-2026-11-001 … 020 each once", numbers)
		}
	}
	// The next month starts again at 001; the month is Beijing's.
	p, err := st.FileProblem(ctx, manualFiling(sales.DeptFinance, "next month", time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC)))
	if err != nil || p.Number != "OSB-2026-12-001" {
		t.Fatalf("a problem filed on 1 December in Beijing is %q (%v), want OSB-2026-12-001", p.Number, err)
	}
}

func TestAFailedFilingGivesItsNumberBack(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	at := time.Date(2026, 5, 6, 9, 0, 0, 0, sales.Beijing)
	f := manualFiling(sales.DeptSales, "about an order that does not exist", at)
	f.OrderNo = "SO-2026-999999"
	if _, err := st.FileProblem(ctx, f); sales.ErrorCode(err) != sales.ErrInvalid {
		t.Fatalf("filing about an unknown order: %v, want invalid", err)
	}
	p, err := st.FileProblem(ctx, manualFiling(sales.DeptSales, "real", at))
	if err != nil || p.Number != "OSB-2026-05-001" {
		t.Fatalf("the next filing is %q (%v), want OSB-2026-05-001", p.Number, err)
	}
}

// stuck is an order of C001 written with a step-overdue escalation of step
// since since at level.
func stuck(no string, version int, step sales.Step, since time.Time, level sales.Level, at time.Time) sales.OrderChanges {
	o := order(no, "C001", sales.StatusReleased, step, sales.LevelNone)
	o.Version, o.UpdatedAt = version, at
	return sales.OrderChanges{Order: o, Escalations: []sales.Escalation{{
		Key:     fmt.Sprintf("%s/%s/%s@%d/%d", no, sales.EscalateStep, step, since.Unix(), level),
		OrderNo: no, CustomerID: "C001", Market: "华东", Kind: sales.EscalateStep, Level: level,
		Subject:    fmt.Sprintf("%s is stuck in %s", no, step),
		Recipients: []string{"kam-huadong-1", "um-huadong-1"}, At: at,
	}}}
}

func problemsOf(t *testing.T, st *postgres.Store, orderNo string) []sales.Problem {
	t.Helper()
	list, err := st.ListProblems(testContext(t), sales.ProblemFilter{OrderNo: orderNo, Scope: sales.Scope{All: true}})
	if err != nil {
		t.Fatalf("ListProblems: %v", err)
	}
	return list
}

func TestAStepPastItsDeadlineFilesOneProblemUntilTheStepMovesOn(t *testing.T) {
	st, url := demoStore(t)
	no := "SO-2026-000101"
	since := t0
	first := stuck(no, 3, sales.SP1Plan, since, sales.LevelKAM, t0.Add(25*time.Hour))
	applyChanges(t, st, first)
	applyChanges(t, st, first) // a retried write
	applyChanges(t, st, stuck(no, 4, sales.SP1Plan, since, sales.LevelUM, t0.Add(49*time.Hour)))

	list := problemsOf(t, st, no)
	if len(list) != 1 {
		t.Fatalf("problems = %+v, want one", list)
	}
	p := list[0]
	if p.Number != "OSB-2026-03-001" || p.Source != sales.SourceStuckStep || p.Department != sales.DeptLogistics ||
		p.Step != sales.SP1Plan || p.Status != sales.ProblemOpen || p.Owner != "dept:logistics" ||
		p.CustomerID != "C001" || p.Level != sales.LevelUM || !p.CreatedAt.Equal(t0.Add(25*time.Hour)) {
		t.Errorf("problem = %+v", p)
	}
	if n := scalar[int](t, url, "SELECT last FROM problem_counters WHERE month = '2026-03'"); n != 1 {
		t.Errorf("the counter gave %d numbers, want 1", n)
	}

	moved := order(no, "C001", sales.StatusReleased, sales.SP3Pick, sales.LevelNone)
	moved.Version, moved.UpdatedAt = 5, t0.Add(50*time.Hour)
	applyChanges(t, st, sales.OrderChanges{Order: moved})
	p = problemsOf(t, st, no)[0]
	if p.Status != sales.ProblemResolved || p.Resolution != sales.NoteStepMoved || p.ResolvedBy != "system" ||
		p.ResolvedAt == nil || !p.ResolvedAt.Equal(t0.Add(50*time.Hour)) {
		t.Errorf("after the step moved on the problem is %+v, want resolved with a note", p)
	}
}

func TestAStuckStepResolvesWhenTheOrderCloses(t *testing.T) {
	st, _ := demoStore(t)
	no := "SO-2026-000102"
	applyChanges(t, st, stuck(no, 2, sales.OP7Release, t0, sales.LevelKAM, t0.Add(5*time.Hour)))
	if p := problemsOf(t, st, no)[0]; p.Department != sales.DeptSales || p.Owner != "dept:ssg" {
		t.Errorf("a stuck OP7 is %s owned by %s, want sales owned by dept:ssg", p.Department, p.Owner)
	}
	closed := order(no, "C001", sales.StatusCancelled, sales.OP7Release, sales.LevelNone)
	closed.Version, closed.UpdatedAt, closed.ClosedAt = 3, t0.Add(6*time.Hour), at(0)
	applyChanges(t, st, sales.OrderChanges{Order: closed})
	if p := problemsOf(t, st, no)[0]; p.Status != sales.ProblemResolved || p.Resolution != sales.NoteOrderClosed {
		t.Errorf("after cancellation the problem is %+v", p)
	}
}

// billedOrder is an order of C001 with one open invoice.
func billedOrder(no string, version int, paid sales.Fen, paidAt *time.Time) *sales.OrderSnapshot {
	o := order(no, "C001", sales.StatusBilled, sales.BC2Acknowledge, sales.LevelNone)
	o.Version, o.UpdatedAt, o.Unbilled = version, t0.Add(time.Duration(version)*time.Hour), 0
	o.Shipments = []sales.Shipment{{No: "SH-" + no, Lines: []sales.LineQty{{LineNo: 1, Quantity: 10}},
		IssuedAt: *at(1), InvoiceNo: "IV-" + no}}
	o.Invoices = []sales.Invoice{{No: "IV-" + no, ShipmentNo: "SH-" + no, Currency: sales.CNY, Amount: 28800,
		Paid: paid, IssuedAt: *at(1), DueAt: *at(31), PaidAt: paidAt}}
	if paidAt != nil {
		o.Status, o.Step, o.ClosedAt = sales.StatusRemitted, sales.BC7Close, paidAt
	}
	return o
}

func TestADisputedInvoiceFilesAProblemThatPayingResolves(t *testing.T) {
	st, _ := demoStore(t)
	no := "SO-2026-000103"
	disputed := sales.OrderChanges{Order: billedOrder(no, 4, 0, nil), Events: []sales.Event{{
		Seq: 4, At: *at(2), Step: sales.BC2Acknowledge, Kind: sales.EventInvoiceDisputed, Actor: "csr1",
		Detail: map[string]string{"invoice": "IV-" + no, "reason": "价格与合同不符"},
	}}}
	applyChanges(t, st, disputed)
	applyChanges(t, st, disputed)
	list := problemsOf(t, st, no)
	if len(list) != 1 {
		t.Fatalf("problems = %+v, want one", list)
	}
	if p := list[0]; p.Source != sales.SourceDispute || p.Department != sales.DeptFinance || p.InvoiceNo != "IV-"+no ||
		p.Detail != "价格与合同不符" || p.CreatedBy != "csr1" || p.Status != sales.ProblemOpen {
		t.Errorf("problem = %+v", p)
	}
	// A partial payment leaves it open, the last one resolves it.
	applyChanges(t, st, sales.OrderChanges{Order: billedOrder(no, 5, 10000, nil)})
	if p := problemsOf(t, st, no)[0]; p.Status != sales.ProblemOpen {
		t.Fatalf("after a partial payment the problem is %s", p.Status)
	}
	applyChanges(t, st, sales.OrderChanges{Order: billedOrder(no, 6, 28800, at(40))})
	if p := problemsOf(t, st, no)[0]; p.Status != sales.ProblemResolved || p.Resolution != sales.NoteInvoicePaid {
		t.Errorf("after payment the problem is %+v", p)
	}
}

func TestDunningFilesAProblemOnlyWhenItReachesTheSLT(t *testing.T) {
	st, _ := demoStore(t)
	no := "SO-2026-000104"
	dun := func(version int, level sales.Level, recipients ...string) sales.OrderChanges {
		return sales.OrderChanges{Order: billedOrder(no, version, 0, nil), Escalations: []sales.Escalation{{
			Key:     fmt.Sprintf("%s/dunning/IV-%s@%d/%d", no, no, at(31).Unix(), level),
			OrderNo: no, CustomerID: "C001", Market: "华东", Kind: sales.EscalateDunning, Level: level,
			Subject: "IV-" + no + " overdue", Recipients: recipients, At: *at(31 + 7*int(level)),
		}}}
	}
	applyChanges(t, st, dun(4, sales.LevelMM, "kam-huadong-1", "mm-huadong"))
	if list := problemsOf(t, st, no); len(list) != 0 {
		t.Fatalf("dunning at the MM filed %+v", list)
	}
	applyChanges(t, st, dun(5, sales.LevelSLT, "kam-huadong-1", "dsd"))
	applyChanges(t, st, dun(6, sales.LevelGM, "kam-huadong-1", "gm"))
	list := problemsOf(t, st, no)
	if len(list) != 1 {
		t.Fatalf("problems = %+v, want one", list)
	}
	if p := list[0]; p.Source != sales.SourceEscalation || p.Owner != "dsd" || p.InvoiceNo != "IV-"+no ||
		p.Level != sales.LevelGM || p.Department != sales.DeptSales {
		t.Errorf("problem = %+v", p)
	}
	applyChanges(t, st, sales.OrderChanges{Order: billedOrder(no, 7, 28800, at(70))})
	if p := problemsOf(t, st, no)[0]; p.Status != sales.ProblemResolved || p.Resolution != sales.NoteInvoicePaid {
		t.Errorf("after payment the problem is %+v", p)
	}
}

func TestAHoldEscalatedToTheSLTIsResolvedByTheDecision(t *testing.T) {
	st, _ := demoStore(t)
	no := "SO-2026-000105"
	held := order(no, "C001", sales.StatusHeld, sales.OP5Hold, sales.LevelSLT)
	held.Version = 3
	applyChanges(t, st, sales.OrderChanges{Order: held, Escalations: []sales.Escalation{{
		Key: fmt.Sprintf("%s/hold_pending/OP5@%d/4", no, t0.Unix()), OrderNo: no, CustomerID: "C001", Market: "华东",
		Kind: sales.EscalateHold, Level: sales.LevelSLT, Subject: no + " waits for an SLT decision",
		Recipients: []string{"kam-huadong-1", "dsd"}, At: *at(3),
	}}})
	if p := problemsOf(t, st, no)[0]; p.Step != sales.OP5Hold || p.Status != sales.ProblemOpen {
		t.Fatalf("problem = %+v", p)
	}
	released := order(no, "C001", sales.StatusReleased, sales.SP1Plan, sales.LevelSLT)
	released.Version = 4
	applyChanges(t, st, sales.OrderChanges{Order: released})
	if p := problemsOf(t, st, no)[0]; p.Status != sales.ProblemResolved || p.Resolution != sales.NoteHoldDecided {
		t.Errorf("after the decision the problem is %+v", p)
	}
}

func TestAnOlderSnapshotDoesNotResolveWhatTheNewerOneKeepsOpen(t *testing.T) {
	st, _ := demoStore(t)
	no := "SO-2026-000106"
	applyChanges(t, st, stuck(no, 6, sales.SP3Pick, t0, sales.LevelKAM, t0.Add(80*time.Hour)))
	// A late retry of an older write, when the order was still in SP1.
	old := order(no, "C001", sales.StatusReleased, sales.SP1Plan, sales.LevelNone)
	old.Version = 2
	applyChanges(t, st, sales.OrderChanges{Order: old})
	if p := problemsOf(t, st, no)[0]; p.Status != sales.ProblemOpen {
		t.Errorf("an older snapshot resolved the problem: %+v", p)
	}
}

func TestPeopleUpdateProblemsOfTheirDepartment(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, sales.Beijing)
	p, err := st.FileProblem(ctx, manualFiling(sales.DeptLogistics, "托盘短缺", at))
	if err != nil {
		t.Fatal(err)
	}
	resolved := sales.ProblemResolved
	_, err = st.UpdateProblem(ctx, p.Number, sales.ProblemUpdate{Status: &resolved}, logActor, at.Add(time.Hour))
	wantCode(t, err, sales.ErrInvalid) // no resolution
	note := "补充托盘到货"
	_, err = st.UpdateProblem(ctx, p.Number, sales.ProblemUpdate{Status: &resolved, Resolution: &note}, financeActor, at.Add(time.Hour))
	wantCode(t, err, sales.ErrForbidden)
	got, err := st.UpdateProblem(ctx, p.Number, sales.ProblemUpdate{Status: &resolved, Resolution: &note}, logActor, at.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	read, err := st.Problem(ctx, p.Number)
	if err != nil {
		t.Fatal(err)
	}
	if read.Status != sales.ProblemResolved || read.Resolution != note || read.ResolvedBy != "log1" ||
		!read.ResolvedAt.Equal(at.Add(2*time.Hour)) || read.Number != got.Number {
		t.Errorf("read back %+v", read)
	}
	_, err = st.UpdateProblem(ctx, "OSB-2026-04-099", sales.ProblemUpdate{Resolution: &note}, logActor, at)
	wantCode(t, err, sales.ErrNotFound)
}

func TestProblemsToReviewAreOpenOnesAndTheMonthsAndFollowScope(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	march, _ := sales.MonthPeriod("2026-03")
	file := func(title, customer string, at time.Time) sales.Problem {
		f := manualFiling(sales.DeptSales, title, at)
		f.CustomerID = customer
		p, err := st.FileProblem(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	resolve := func(p sales.Problem, at time.Time) {
		done, note := sales.ProblemResolved, "done"
		if _, err := st.UpdateProblem(ctx, p.Number, sales.ProblemUpdate{Status: &done, Resolution: &note}, ssgActor, at); err != nil {
			t.Fatal(err)
		}
	}
	febOpen := file("open since February", "C001", march.From.AddDate(0, -1, 3))
	febDone := file("resolved in February", "C003", march.From.AddDate(0, -1, 4))
	resolve(febDone, march.From.AddDate(0, 0, -2))
	marDone := file("resolved in March", "C003", march.From.AddDate(0, 0, 2))
	resolve(marDone, march.From.AddDate(0, 0, 5))
	aprOpen := file("filed in April", "C006", march.To.AddDate(0, 0, 1))

	got, err := st.ProblemsToReview(ctx, march, sales.Scope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{febOpen.Number, marDone.Number, aprOpen.Number}; !slices.Equal(numbersOf(got), want) {
		t.Errorf("to review %v, want %v", numbersOf(got), want)
	}
	kam := sales.Scope{KAMIDs: []string{"kam-huadong-2"}}
	got, err = st.ProblemsToReview(ctx, march, kam)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{marDone.Number}; !slices.Equal(numbersOf(got), want) {
		t.Errorf("kam-huadong-2 reviews %v, want %v", numbersOf(got), want)
	}
	list, err := st.ListProblems(ctx, sales.ProblemFilter{Open: true, Scope: sales.Scope{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{aprOpen.Number, febOpen.Number}; !slices.Equal(numbersOf(list), want) {
		t.Errorf("open problems newest first %v, want %v", numbersOf(list), want)
	}
}

func numbersOf(list []sales.Problem) []string {
	out := make([]string, len(list))
	for i, p := range list {
		out[i] = p.Number
	}
	return out
}
