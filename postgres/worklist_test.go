package postgres_test

import (
	"slices"
	"testing"
	"time"

	"osb/sales"
)

func TestMarketsNameTheirSLTMember(t *testing.T) {
	st, _ := demoStore(t)
	markets, err := st.Markets(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]string{}
	for _, m := range markets {
		owners[m.Code] = m.SLTOwner
	}
	if len(markets) != 7 || owners["华东"] != "dsd" || owners["西南"] != "sd" {
		t.Errorf("markets %+v", markets)
	}
}

func TestOpenReturnsWaitingForADecisionOrTheGoods(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	o := order("SO-2026-000001", "C001", sales.StatusBilled, sales.BC5Dunning, sales.LevelNone)
	decided := t0.Add(3 * sales.Day)
	rt := func(n string, status sales.ReturnStatus, requested time.Duration) sales.Return {
		r := sales.Return{No: "RT-2026-000001-" + n, Source: sales.ReturnByRequest, Reason: "damaged", Status: status,
			Lines: []sales.LineQty{{LineNo: 1, Quantity: 1}}, Value: 2880, Approver: sales.LevelUM, RequestedBy: "csr1",
			RequestedAt: t0.Add(requested), UpdatedAt: t0.Add(requested)}
		if status != sales.ReturnRequested {
			r.DecidedBy, r.DecidedAt, r.UpdatedAt = "um-huadong-1", &decided, decided
		}
		return r
	}
	applyChanges(t, st, sales.OrderChanges{Order: o, Returns: []sales.Return{
		rt("1", sales.ReturnRequested, 2*sales.Day), rt("2", sales.ReturnApproved, sales.Day), rt("3", sales.ReturnRejected, sales.Day),
		rt("4", sales.ReturnRequested, sales.Day)}})

	requested, err := st.OpenReturns(ctx, sales.ReturnRequested, sales.Scope{All: true}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(requested) != 2 || requested[0].No != "RT-2026-000001-4" || requested[1].No != "RT-2026-000001-1" {
		t.Fatalf("requested returns, longest waiting first: %+v", requested)
	}
	r := requested[0]
	if r.OrderNo != o.OrderNo || r.CustomerName != "杭州宏达商贸有限公司" || r.UMID != "um-huadong-1" || r.KAMID != "kam-huadong-1" ||
		r.Currency != sales.CNY || r.RequestedBy != "csr1" || !r.Since.Equal(t0.Add(sales.Day)) || r.Value != 2880 {
		t.Errorf("requested return %+v", r)
	}
	approved, err := st.OpenReturns(ctx, sales.ReturnApproved, sales.Scope{All: true}, 10)
	if err != nil || len(approved) != 1 || approved[0].No != "RT-2026-000001-2" || !approved[0].Since.Equal(decided) {
		t.Errorf("approved returns wait since their decision: %+v %v", approved, err)
	}
	other, err := st.OpenReturns(ctx, sales.ReturnRequested, sales.Scope{KAMIDs: []string{"kam-huanan-1"}}, 10)
	if err != nil || len(other) != 0 {
		t.Errorf("another KAM's scope sees %+v %v", other, err)
	}
}

func TestOpenEscalationsAreTheHighestRungOfWhatStillWaits(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	esc := func(no, kind, ref string, level sales.Level, day int, recipients ...string) sales.Escalation {
		return sales.Escalation{Key: no + "/" + kind + "/" + ref + "/" + string(rune('0'+level)), OrderNo: no, CustomerID: "C001",
			Market: "华东", Kind: sales.EscalationKind(kind), Subject: kind + " " + ref, Level: level, Recipients: recipients, At: *at(day)}
	}
	held := order("SO-2026-000001", "C001", sales.StatusHeld, sales.OP5Hold, sales.LevelGM)
	applyChanges(t, st, sales.OrderChanges{Order: held, Escalations: []sales.Escalation{
		esc(held.OrderNo, "hold_pending", "OP5@1", sales.LevelSLT, 1, "kam-huadong-1", "dsd"),
		esc(held.OrderNo, "hold_pending", "OP5@1", sales.LevelGM, 2, "kam-huadong-1", "gm"),
	}})
	atStep := order("SO-2026-000002", "C001", sales.StatusReleased, sales.SP1Plan, sales.LevelKAM)
	applyChanges(t, st, sales.OrderChanges{Order: atStep, Escalations: []sales.Escalation{
		esc(atStep.OrderNo, "step_overdue", "SP1@1", sales.LevelKAM, 1, "kam-huadong-1"),
		esc(atStep.OrderNo, "step_overdue", "OP7@1", sales.LevelKAM, 0, "kam-huadong-1"), // the order moved on
		esc(atStep.OrderNo, "reminder", "IV-1@1", sales.LevelKAM, 0, "kam-huadong-1"),
	}})
	done := order("SO-2026-000003", "C001", sales.StatusCancelled, sales.SP1Plan, sales.LevelKAM)
	applyChanges(t, st, sales.OrderChanges{Order: done, Escalations: []sales.Escalation{
		esc(done.OrderNo, "step_overdue", "SP1@1", sales.LevelKAM, 1, "kam-huadong-1"),
	}})

	// Release 1.2: a late step's owners hold its first rung together, the
	// KAM copied; a market's SLT members hold a hold's rung together.
	owned := order("SO-2026-000004", "C001", sales.StatusReleased, sales.SP3Pick, sales.LevelKAM)
	applyChanges(t, st, sales.OrderChanges{Order: owned, Escalations: []sales.Escalation{
		esc(owned.OrderNo, "step_overdue", "SP3@1", sales.LevelKAM, 3, "kam-huadong-1", "log1", "log2"),
	}})
	held2 := order("SO-2026-000005", "C001", sales.StatusHeld, sales.OP5Hold, sales.LevelSLT)
	applyChanges(t, st, sales.OrderChanges{Order: held2, Escalations: []sales.Escalation{
		esc(held2.OrderNo, "hold_pending", "OP5@2", sales.LevelSLT, 4, "sd", "dsd"),
	}})

	list := func(holder string, scope sales.Scope) []string {
		t.Helper()
		got, err := st.OpenEscalations(ctx, holder, scope, 10)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, e := range got {
			keys = append(keys, e.Key)
		}
		return keys
	}
	if got := list("gm", sales.Scope{All: true}); !slices.Equal(got, []string{held.OrderNo + "/hold_pending/OP5@1/5"}) {
		t.Errorf("the GM's: %v", got)
	}
	if got := list("dsd", sales.Scope{All: true}); !slices.Equal(got, []string{held2.OrderNo + "/hold_pending/OP5@2/4"}) {
		t.Errorf("the deputy's (a rung passed on is no longer the SLT member's; one held with the director is): %v", got)
	}
	if got := list("sd", sales.Scope{All: true}); !slices.Equal(got, []string{held2.OrderNo + "/hold_pending/OP5@2/4"}) {
		t.Errorf("the director's (held together with the deputy): %v", got)
	}
	for _, desk := range []string{"log1", "log2"} {
		if got := list(desk, sales.Scope{All: true}); !slices.Equal(got, []string{owned.OrderNo + "/step_overdue/SP3@1/1"}) {
			t.Errorf("%s's (Logistics owns SP3's first rung together): %v", desk, got)
		}
	}
	kam := sales.Scope{KAMIDs: []string{"kam-huadong-1"}}
	if got := list("kam-huadong-1", kam); !slices.Equal(got, []string{atStep.OrderNo + "/step_overdue/SP1@1/1"}) {
		t.Errorf("the KAM's (copied on the hold, not its holder; the step left and the cancelled order not listed): %v", got)
	}
	if got := list("kam-huadong-1", sales.Scope{KAMIDs: []string{"kam-huanan-1"}}); len(got) != 0 {
		t.Errorf("out of scope: %v", got)
	}

	// An adjustment's escalation waits while the proposal is undecided.
	adj := sales.CreditAdjustment{ID: "CA-2026-000001", CustomerID: "C001", Amount: sales.Yuan(10_000), Reason: "season",
		ProposedBy: "fin1", ProposedAt: t0, ExpiresAt: t0.Add(30 * sales.Day)}
	if _, err := st.RecordAdjustment(ctx, adj, nil); err != nil {
		t.Fatal(err)
	}
	e := sales.Escalation{Key: "credit-adjustment/CA-2026-000001/escalated/1", Kind: sales.EscalateAdjustment,
		Subject: "still waits", Level: sales.LevelGM, Recipients: []string{"gm"}, At: t0.Add(2 * sales.Day)}
	if err := st.EscalateAdjustment(ctx, adj.ID, sales.LevelGM, nil, &e); err != nil {
		t.Fatal(err)
	}
	if got := list("gm", sales.Scope{All: true}); len(got) != 2 || got[1] != e.Key {
		t.Errorf("the GM's with the adjustment: %v", got)
	}
	if _, _, err := st.DecideAdjustment(ctx, sales.AdjustmentDecision{ID: adj.ID, Approve: true, By: "gm", At: t0.Add(3 * sales.Day)}, nil); err != nil {
		t.Fatal(err)
	}
	if got := list("gm", sales.Scope{All: true}); len(got) != 1 {
		t.Errorf("a decided adjustment still waits: %v", got)
	}
}

func TestOwnedProblemsAreTheOpenOnesOfTheirOwner(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	file := func(title, owner, customer string, day int) sales.Problem {
		t.Helper()
		f := sales.ProblemRequest{Department: sales.DeptSales, Title: title, Owner: owner, CustomerID: customer}.Filing(ssgActor, *at(day))
		p, err := st.FileProblem(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	file("newer", "kam-huadong-1", "C001", 2)
	older := file("older", "kam-huadong-1", "", 1)
	file("someone else's", "kam-huadong-2", "C003", 1)
	file("the department's", "dept:ssg", "", 1)
	done := file("resolved", "kam-huadong-1", "C001", 0)
	resolved, note := sales.ProblemResolved, "fixed"
	if _, err := st.UpdateProblem(ctx, done.Number, sales.ProblemUpdate{Status: &resolved, Resolution: &note}, ssgActor, *at(3)); err != nil {
		t.Fatal(err)
	}
	got, err := st.OwnedProblems(ctx, []string{"kam-huadong-1"}, sales.Scope{KAMIDs: []string{"kam-huadong-1"}}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Number != older.Number || got[1].Title != "newer" {
		t.Errorf("owned problems, oldest first: %+v", got)
	}
	if got, err := st.OwnedProblems(ctx, []string{"dept:ssg", "ssg-lead"}, sales.Scope{All: true}, 10); err != nil || len(got) != 1 || got[0].Title != "the department's" {
		t.Errorf("the department's problems: %+v %v", got, err)
	}
}
