package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"osb/demo"
	"osb/sales"
	"osb/worker"
	"osb/workflows"
)

// Test customers of credit management, beside the demo ones.
const (
	goodPayer = "T951" // invoiced every month, pays early
	latePayer = "T952" // one invoice paid 45 days late
	dunned    = "T953" // due at once, for the dunning freeze
)

// creditCustomers adds the credit test customers (owned by kam-huadong-1),
// and puts the organisation's limits and ratings back when the test ends: a
// review recomputes every customer, and the other tests count on the demo
// limits.
func creditCustomers(t *testing.T, sys *system) {
	t.Helper()
	ctx := context.Background()
	org := demo.Organisation()
	base := org.Customers[0]
	var cs []sales.Customer
	for _, id := range []string{goodPayer, latePayer, dunned} {
		c := base
		c.ID, c.Name, c.CreditLimit, c.Rating, c.Frozen = id, "信用测试客户 "+id, sales.Yuan(5_000_000), "C", false
		if id == dunned {
			c.PaymentTermsDays = 0
		}
		cs = append(cs, c)
	}
	if err := sys.store.SaveOrganisation(ctx, sales.Organisation{Customers: cs}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		org.Customers = append(org.Customers, testCustomers(org)...)
		if err := sys.store.SaveOrganisation(context.Background(), org); err != nil {
			t.Errorf("restoring the demo limits: %v", err)
		}
	})
}

// history writes paid invoices of customer as remitted orders: one per
// issue date, due after terms days, paid paidAfter days after the due date.
func (s *system) history(t *testing.T, customer string, terms, paidAfter int, amount sales.Fen, issued ...time.Time) {
	t.Helper()
	for _, at := range issued {
		no := "SO-2000-" + customer[1:] + at.Format("060102")
		due, paid := at.AddDate(0, 0, terms), at.AddDate(0, 0, terms+paidAfter)
		closed := paid
		o := &sales.OrderSnapshot{OrderNo: no, Version: 1, CustomerID: customer, Market: "华东", KAMID: "kam-huadong-1",
			Currency: sales.CNY, Total: amount, Status: sales.StatusRemitted, Step: sales.BC7Close, CreatedBy: "csr1",
			CreatedAt: at, UpdatedAt: paid, ClosedAt: &closed,
			Lines: []sales.Line{{LineNo: 1, SKU: "SKU-1001", Quantity: int64(amount / 2880), UnitPrice: 2880}},
			Invoices: []sales.Invoice{{No: "IV-" + no[3:] + "-1", ShipmentNo: "SH-" + no[3:] + "-1", Currency: sales.CNY,
				Amount: amount, Paid: amount, IssuedAt: at, DueAt: due, PaidAt: &paid, Acknowledged: true}},
		}
		if err := s.store.ApplyOrderChanges(context.Background(), sales.OrderChanges{Order: o}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCreditReviewAdjustmentAndFreezeThroughTheAPI(t *testing.T) {
	a := newAPI(t, sales.DefaultPolicy())
	creditCustomers(t, a.sys)
	now := time.Now()
	lastQuarter := sales.QuarterStart(now).AddDate(0, -3, 0)
	// ¥100,000 in each month of the last quarter, ¥250,000 in the same
	// quarter a year earlier, always paid five days early: A, H ¥100,000,
	// g +20% → 100,000 × 2 × 1.1 = ¥220,000.
	a.sys.history(t, goodPayer, 20, -5, sales.Yuan(100_000),
		lastQuarter, lastQuarter.AddDate(0, 1, 0), lastQuarter.AddDate(0, 2, 0))
	a.sys.history(t, goodPayer, 20, -5, sales.Yuan(250_000), lastQuarter.AddDate(-1, 0, 0))
	// ¥90,000 paid 45 days late: C, H ¥30,000, no base a year earlier → ¥30,000.
	a.sys.history(t, latePayer, 10, 45, sales.Yuan(90_000), lastQuarter)

	// The SLT starts a review; Finance may not.
	a.must(http.StatusForbidden, token("fin1"), "POST", "/v1/credit/reviews", nil, nil)
	var started struct {
		ReviewID string `json:"review_id"`
		Quarter  string `json:"quarter"`
	}
	a.must(http.StatusAccepted, token("sd"), "POST", "/v1/credit/reviews", nil, &started)
	if !strings.HasPrefix(started.ReviewID, "credit-review/"+sales.QuarterOf(now)+"/") {
		t.Fatalf("review id %q", started.ReviewID)
	}
	all, err := a.sys.store.Customers(context.Background(), sales.Scope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	var review sales.CreditReview
	eventually(t, 60*time.Second, "the review to finish", func() bool {
		var list []sales.CreditReview
		a.must(http.StatusOK, token("fin1"), "GET", "/v1/credit/reviews", nil, &list)
		for _, r := range list {
			if r.ID == started.ReviewID {
				review = r
			}
		}
		return review.FinishedAt != nil
	})
	if review.CustomersDone != len(all) || review.StartedBy != "sd" || review.Quarter != started.Quarter {
		t.Errorf("review %+v, want every one of the %d customers done", review, len(all))
	}
	eventually(t, 15*time.Second, "the Web UI to show the review's progress", func() bool {
		return a.sys.visible(t, fmt.Sprintf(`ReviewQuarter = %q AND ReviewProcessed = %d`, started.Quarter, len(all))) >= 1
	})

	// Each limit with the inputs that made it.
	good := a.credit(token("kam-huadong-1"), goodPayer)
	if good.Rating != sales.RatingA || good.Limit != sales.Yuan(220_000) || len(good.History) == 0 {
		t.Fatalf("good payer after the review: %s %s, history %d", good.Rating, good.Limit, len(good.History))
	}
	h := good.History[0]
	if h.Kind != sales.CreditChangeReview || h.Ref != started.ReviewID || h.OldLimit != sales.Yuan(5_000_000) || h.Result == nil {
		t.Fatalf("history %+v", h)
	}
	if r := h.Result; r.H != sales.Yuan(100_000) || r.Growth != 2000 || r.Cover != 20000 || len(r.Inputs.Months) != 24 ||
		len(r.Inputs.Payments) != 3 || r.Inputs.Payments[0].DaysLate != 0 {
		t.Errorf("inputs behind the limit: %+v", r)
	}
	late := a.credit(token("fin1"), latePayer)
	if late.Rating != sales.RatingC || late.Limit != sales.Yuan(30_000) || !strings.Contains(late.History[0].Result.Reasons[0], "45 days late") {
		t.Errorf("late payer: %s %s %v", late.Rating, late.Limit, late.History[0].Result.Reasons)
	}
	a.must(http.StatusForbidden, token("kam-huanan-1"), "GET", "/v1/customers/"+goodPayer+"/credit", nil, nil)

	// Finance proposes, an SLT member approves: the limit moves at once.
	var adj sales.CreditAdjustment
	a.must(http.StatusCreated, token("fin1"), "POST", "/v1/customers/"+goodPayer+"/credit/adjustments", map[string]any{
		"amount_fen": sales.Yuan(50_000), "reason": "新店开业备货", "expires_on": now.AddDate(0, 0, 30).In(sales.Beijing).Format(time.DateOnly),
	}, &adj)
	eventually(t, 15*time.Second, "the SLT member over 华东 to be asked", func() bool {
		var notes []sales.NotificationRecord
		a.must(http.StatusOK, token("dsd"), "GET", "/v1/notifications?recipient_id=me", nil, &notes)
		for _, n := range notes {
			if strings.Contains(n.Key, adj.ID) && n.Kind == "credit_adjustment_proposed" {
				return true
			}
		}
		return false
	})
	decision := map[string]string{"decision": "approve", "note": "同意"}
	a.must(http.StatusForbidden, token("fin1"), "POST", "/v1/credit/adjustments/"+adj.ID+"/decision", decision, nil)
	var decided workflows.AdjustmentView
	a.must(http.StatusOK, token("dsd"), "POST", "/v1/credit/adjustments/"+adj.ID+"/decision", decision, &decided)
	if decided.Adjustment.Status != sales.AdjustmentApproved || decided.Adjustment.DecidedBy != "dsd" || decided.Limit != sales.Yuan(270_000) {
		t.Fatalf("decision answered %+v", decided)
	}
	a.must(http.StatusConflict, token("gm"), "POST", "/v1/credit/adjustments/"+adj.ID+"/decision", decision, nil)
	good = a.credit(token("sd"), goodPayer)
	if good.Limit != sales.Yuan(270_000) || good.BaseLimit != sales.Yuan(220_000) || len(good.Adjustments) != 1 ||
		good.History[0].Kind != sales.CreditChangeAdjustment || good.History[0].Actor != "dsd" {
		t.Errorf("after the approval: limit %s base %s adjustments %d history %+v", good.Limit, good.BaseLimit, len(good.Adjustments), good.History[0])
	}
	// The KAM proposes a cut; the SLT rejects it: nothing changes.
	var cut sales.CreditAdjustment
	a.must(http.StatusCreated, token("kam-huadong-1"), "POST", "/v1/customers/"+goodPayer+"/credit/adjustments", map[string]any{
		"amount_fen": -sales.Yuan(100_000), "reason": "回款变慢", "expires_on": now.AddDate(0, 2, 0).In(sales.Beijing).Format(time.DateOnly),
	}, &cut)
	a.must(http.StatusForbidden, token("kam-huanan-1"), "POST", "/v1/customers/"+goodPayer+"/credit/adjustments", map[string]any{
		"amount_fen": sales.Yuan(1), "reason": "x", "expires_on": now.AddDate(0, 1, 0).In(sales.Beijing).Format(time.DateOnly),
	}, nil)
	a.must(http.StatusOK, token("sd"), "POST", "/v1/credit/adjustments/"+cut.ID+"/decision", map[string]string{"decision": "reject", "note": "回款正常"}, &decided)
	if decided.Adjustment.Status != sales.AdjustmentRejected || decided.Limit != sales.Yuan(270_000) {
		t.Errorf("rejection answered %+v", decided)
	}
	eventually(t, 15*time.Second, "the rejected adjustment's workflow to end", func() bool {
		return a.sys.visible(t, fmt.Sprintf(`WorkflowId = %q AND ExecutionStatus = "Completed"`, workflows.AdjustmentWorkflowID(cut.ID))) == 1
	})
	a.must(http.StatusConflict, token("gm"), "POST", "/v1/credit/adjustments/"+cut.ID+"/decision", decision, nil)
	a.must(http.StatusNotFound, token("gm"), "POST", "/v1/credit/adjustments/CA-1999-999999/decision", decision, nil)
	var ended workflows.AdjustmentView
	a.must(http.StatusOK, token("kam-huadong-1"), "GET", "/v1/credit/adjustments/"+cut.ID, nil, &ended)
	if ended.Adjustment.Status != sales.AdjustmentRejected || ended.Adjustment.DecidedBy != "sd" {
		t.Errorf("the rejected adjustment shows %+v", ended.Adjustment)
	}
	var approved []sales.CreditAdjustment
	a.must(http.StatusOK, token("kam-huadong-1"), "GET", "/v1/credit/adjustments?status=approved&customer_id="+goodPayer, nil, &approved)
	if len(approved) != 1 || approved[0].ID != adj.ID {
		t.Errorf("approved adjustments %+v", approved)
	}

	// The SLT freezes: the next order is held; the SLT unfreezes.
	a.must(http.StatusForbidden, token("fin1"), "POST", "/v1/customers/"+goodPayer+"/freeze", map[string]string{"reason": "x"}, nil)
	var frozen sales.CreditView
	a.must(http.StatusOK, token("sd"), "POST", "/v1/customers/"+goodPayer+"/freeze", map[string]string{"reason": "核查经营状况"}, &frozen)
	if !frozen.Frozen || frozen.FrozenBy != sales.FrozenBySLT {
		t.Fatalf("after the freeze: %+v", frozen)
	}
	sku := a.plainSKU()
	no := a.order(goodPayer, sku, 1)
	if v := a.waitStatus(no, sales.StatusHeld); !strings.Contains(v.Hold.Reason, "核查经营状况") {
		t.Errorf("hold reason %q", v.Hold.Reason)
	}
	a.must(http.StatusOK, token("dsd"), "POST", "/v1/customers/"+goodPayer+"/unfreeze", map[string]string{"reason": "核查完毕"}, &frozen)
	if frozen.Frozen || frozen.History[0].Kind != sales.CreditChangeUnfreeze || frozen.History[1].Kind != sales.CreditChangeFreeze {
		t.Errorf("after the unfreeze: frozen %v, history %+v", frozen.Frozen, frozen.History[:2])
	}
	a.must(http.StatusOK, token("sd"), "POST", "/v1/orders/"+no+"/decision", map[string]string{"decision": "reject", "reason": "test over"}, nil)
	a.sys.saveCreditHistory(t, workflows.AdjustmentWorkflowID(adj.ID), "adjustment_approved")
	a.sys.saveCreditHistory(t, workflows.AdjustmentWorkflowID(cut.ID), "adjustment_rejected")
	a.sys.saveCreditHistory(t, started.ReviewID, "review")
}

func TestPayingTheOverdueInvoiceLiftsTheDunningFreeze(t *testing.T) {
	p := sales.DefaultPolicy()
	p.ReminderBeforeDue = 0
	p.Dunning = []sales.DunningRung{
		{After: sales.D(1 * time.Second), Level: sales.LevelMM},
		{After: sales.D(2 * time.Second), Level: sales.LevelGM, Freeze: true},
	}
	a := newAPI(t, p)
	creditCustomers(t, a.sys)
	sku := a.plainSKU()
	no := a.order(dunned, sku, 2)
	a.waitStatus(no, sales.StatusReleased)
	a.must(http.StatusOK, token("log1"), "POST", "/v1/orders/"+no+"/acknowledge", map[string]string{"planned_date": time.Now().Format(time.DateOnly)}, nil)
	var gi workflows.GoodsIssueResult
	a.must(http.StatusCreated, token("log1"), "POST", "/v1/orders/"+no+"/goods-issues", map[string]any{
		"carrier": "EMS", "lines": []sales.LineQty{{LineNo: 1, Quantity: 2}},
	}, &gi)
	eventually(t, 30*time.Second, "the dunning ladder to freeze the customer", func() bool {
		return a.credit(token("fin1"), dunned).Frozen
	})
	v := a.credit(token("fin1"), dunned)
	if v.FrozenBy != sales.FrozenByDunning || v.Overdue != gi.Amount || v.History[0].Kind != sales.CreditChangeFreeze {
		t.Fatalf("frozen by dunning: %+v", v)
	}
	a.must(http.StatusCreated, token("fin1"), "POST", "/v1/orders/"+no+"/receipts",
		map[string]any{"reference": "PAY-" + no, "amount_fen": gi.Amount, "currency": "CNY"}, nil)
	eventually(t, 30*time.Second, "paying to lift the freeze", func() bool {
		return !a.credit(token("fin1"), dunned).Frozen
	})
	v = a.credit(token("fin1"), dunned)
	if v.History[0].Kind != sales.CreditChangeUnfreeze || v.History[0].Actor != sales.System.UserID || v.Overdue != 0 {
		t.Errorf("after paying: %+v", v.History[0])
	}
}

func TestTheQuarterlyReviewIsScheduledOnQuarterDaysInBeijing(t *testing.T) {
	sys := osb(t)
	ctx := context.Background()
	var credit []worker.Schedule
	for _, s := range worker.Schedules() {
		if s.ID == worker.CreditReviewSchedule {
			credit = append(credit, s)
		}
	}
	if len(credit) != 1 {
		t.Fatalf("worker.Schedules() has %d credit review schedules", len(credit))
	}
	if err := worker.EnsureSchedules(ctx, sys.client, credit); err != nil {
		t.Fatal(err)
	}
	h := sys.client.ScheduleClient().GetHandle(ctx, worker.CreditReviewSchedule)
	t.Cleanup(func() { _ = h.Delete(context.Background()) })
	d, err := h.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if act, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction); !ok || act.Workflow != workflows.CreditReviewWorkflowName {
		t.Errorf("action %+v", d.Schedule.Action)
	}
	next := d.Info.NextActionTimes
	if len(next) < 4 {
		t.Fatalf("next runs %v", next)
	}
	seen := map[time.Month]bool{}
	for _, at := range next[:4] {
		b := at.In(sales.Beijing)
		if b.Day() != 1 || b.Hour() != 2 || b.Minute() != 0 || (b.Month()-1)%3 != 0 {
			t.Errorf("next run at %s (Beijing), want 02:00 on the first day of a quarter", b)
		}
		seen[b.Month()] = true
	}
	if len(seen) != 4 {
		t.Errorf("the next four runs fall in %d distinct months", len(seen))
	}
}

// saveCreditHistory writes a credit workflow's history for the replay test
// when OSB_RECORD_HISTORIES is set.
func (s *system) saveCreditHistory(t testing.TB, workflowID, name string) {
	t.Helper()
	s.saveWorkflowHistory(t, workflowID, "credit-histories", name)
}

// credit reads a customer's credit as the holder of tok.
func (a *api) credit(tok, customer string) sales.CreditView {
	a.t.Helper()
	var v sales.CreditView
	a.must(http.StatusOK, tok, "GET", "/v1/customers/"+customer+"/credit", nil, &v)
	return v
}

// A proposal nobody decides climbs its ladder: the rung it reached is listed
// with the orders' escalations, to those who see the customer.
func TestAnUnansweredAdjustmentIsListedWithTheEscalations(t *testing.T) {
	credit := sales.DefaultCreditPolicy()
	credit.DecisionTime, credit.EscalateEvery = sales.D(2*time.Second), sales.D(time.Hour)
	a := newAPIWith(t, sales.DefaultPolicy(), credit)
	var adj sales.CreditAdjustment
	a.must(http.StatusCreated, token("fin1"), "POST", "/v1/customers/C001/credit/adjustments", map[string]any{
		"amount_fen": sales.Yuan(10_000), "reason": "旺季备货", "expires_on": time.Now().AddDate(0, 0, 30).In(sales.Beijing).Format(time.DateOnly),
	}, &adj)
	var list []sales.Escalation
	eventually(t, 30*time.Second, "the proposal's escalation to the GM", func() bool {
		a.must(http.StatusOK, token("sd"), "GET", "/v1/escalations?adjustment_id="+adj.ID, nil, &list)
		return len(list) == 1
	})
	if e := list[0]; e.AdjustmentID != adj.ID || e.OrderNo != "" || e.CustomerID != "C001" || e.Kind != sales.EscalateAdjustment ||
		e.Level != sales.LevelGM || strings.Join(e.Recipients, ",") != "gm" {
		t.Errorf("escalation %+v", e)
	}
	c, err := a.sys.store.Customer(context.Background(), "C001")
	if err != nil {
		t.Fatal(err)
	}
	for tok, want := range map[string]int{c.KAMID: 1, "kam-huanan-1": 0} {
		var mine []sales.Escalation
		a.must(http.StatusOK, token(tok), "GET", "/v1/escalations?adjustment_id="+adj.ID, nil, &mine)
		if len(mine) != want {
			t.Errorf("%s sees %d escalations of %s, want %d", tok, len(mine), adj.ID, want)
		}
	}
}
