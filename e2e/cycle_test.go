package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"osb/sales"
	"osb/workflows"
)

func TestOrderFromRegisterToRemitted(t *testing.T) {
	a := newAPI(t, sales.DefaultPolicy())
	sku := a.plainSKU()
	no := a.order("C001", sku, 10)

	v := a.waitStatus(no, sales.StatusReleased)
	if v.Step != sales.SP1Plan || v.Total != 10*sku.ListPrice {
		t.Fatalf("released order at %s, total %s", v.Step, v.Total)
	}
	var acked workflows.Progress
	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/acknowledge",
		map[string]string{"planned_date": time.Now().AddDate(0, 0, 2).Format(time.DateOnly)}, &acked)
	// The answer is where the order now waits: picking, Logistics' own step.
	if acked.Step != sales.SP3Pick || acked.StepOwner != sales.RoleLogistics {
		t.Fatalf("acknowledgement answered step %s (%s), want SP3 (logistics)", acked.Step, acked.StepOwner)
	}
	var gi workflows.GoodsIssueResult
	a.must(201, token("log1"), "POST", "/v1/orders/"+no+"/goods-issues", map[string]any{
		"carrier": "顺丰速运", "waybill": "SF100200300", "lines": []sales.LineQty{{LineNo: 1, Quantity: 10}},
	}, &gi)
	if gi.Amount != 10*sku.ListPrice || gi.Backorder != 0 {
		t.Fatalf("goods issue %+v", gi)
	}
	var delivered workflows.Progress
	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/shipments/"+gi.ShipmentNo+"/delivery", map[string]any{}, &delivered)
	if delivered.Step != sales.BC2Acknowledge {
		t.Fatalf("delivery answered step %s, want BC2", delivered.Step)
	}
	a.must(202, token("ssg-lead"), "POST", "/v1/orders/"+no+"/invoices/"+gi.InvoiceNo+"/acknowledge", map[string]any{}, nil)
	pay := map[string]any{"reference": "BANK-" + no, "amount_fen": gi.Amount, "currency": "CNY"}
	var paid workflows.ConfirmPaymentResult
	a.must(201, token("fin1"), "POST", "/v1/orders/"+no+"/receipts", pay, &paid)
	if paid.Outstanding != 0 || paid.Duplicate {
		t.Fatalf("payment %+v", paid)
	}
	a.waitStatus(no, sales.StatusRemitted)

	snap, err := a.sys.store.Order(context.Background(), no)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Status != sales.StatusRemitted || len(snap.Invoices) != 1 || snap.Invoices[0].PaidAt == nil || len(snap.Receipts) != 1 {
		t.Fatalf("store has %+v", snap)
	}
	var events []sales.Event
	a.must(200, token("ssg-lead"), "GET", "/v1/orders/"+no+"/events", nil, &events)
	steps := map[sales.Step]bool{}
	for _, e := range events {
		steps[e.Step] = true
	}
	for _, s := range []sales.Step{sales.OP1Register, sales.OP4Credit, sales.OP7Release, sales.SP1Plan, sales.SP4GoodsIssue, sales.SP7Close, sales.BC7Close} {
		if !steps[s] {
			t.Errorf("no audit event in %s", s)
		}
	}
	var list []sales.OrderSummary
	a.must(200, token("ssg-lead"), "GET", "/v1/orders?status=remitted&customer_id=C001", nil, &list)
	if !hasOrder(list, no) {
		t.Errorf("remitted order not listed")
	}
	eventually(t, 15*time.Second, "the Web UI filter to find the remitted order", func() bool {
		return a.sys.visible(t, fmt.Sprintf(`OrderNo = %q AND OrderStatus = "remitted" AND OSBStep = "BC7"`, no)) == 1
	})
	a.sys.saveHistory(t, no, "clean_cycle")
}

func hasOrder(list []sales.OrderSummary, no string) bool {
	for _, o := range list {
		if o.OrderNo == no {
			return true
		}
	}
	return false
}

func TestOverdueInvoiceClimbsTheLadder(t *testing.T) {
	p := sales.DefaultPolicy()
	p.ReminderBeforeDue = 0
	p.Dunning = []sales.DunningRung{
		{After: sales.D(1 * time.Second), Level: sales.LevelUM},
		{After: sales.D(2 * time.Second), Level: sales.LevelMM},
		{After: sales.D(3 * time.Second), Level: sales.LevelSLT},
		{After: sales.D(4 * time.Second), Level: sales.LevelGM, Freeze: true},
	}
	a := newAPI(t, p)
	sku := a.plainSKU()
	no := a.order(dueAtOnce, sku, 2)
	a.waitStatus(no, sales.StatusReleased)
	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/acknowledge", map[string]string{"planned_date": time.Now().Format(time.DateOnly)}, nil)
	var gi workflows.GoodsIssueResult
	a.must(201, token("log1"), "POST", "/v1/orders/"+no+"/goods-issues", map[string]any{
		"carrier": "EMS", "lines": []sales.LineQty{{LineNo: 1, Quantity: 2}},
	}, &gi)

	var escalations []sales.Escalation
	eventually(t, 30*time.Second, "the dunning ladder to reach the GM", func() bool {
		a.must(200, token("ssg-lead"), "GET", "/v1/escalations?order_no="+no, nil, &escalations)
		return len(escalations) >= 4
	})
	levels := map[sales.Level]bool{}
	for _, e := range escalations {
		levels[e.Level] = true
		if e.Kind != sales.EscalateDunning || len(e.Recipients) == 0 {
			t.Errorf("escalation %+v", e)
		}
	}
	for _, l := range []sales.Level{sales.LevelUM, sales.LevelMM, sales.LevelSLT, sales.LevelGM} {
		if !levels[l] {
			t.Errorf("ladder skipped %s", l)
		}
	}
	c, err := a.sys.store.Customer(context.Background(), dueAtOnce)
	if err != nil || !c.Frozen {
		t.Fatalf("customer not frozen after the GM rung: %+v %v", c, err)
	}
	var notes []sales.NotificationRecord
	a.must(200, token("ssg-lead"), "GET", "/v1/notifications?order_no="+no, nil, &notes)
	keys := map[string]bool{}
	for _, n := range notes {
		if keys[n.Key] {
			t.Errorf("notification %s twice", n.Key)
		}
		keys[n.Key] = true
	}
	if len(notes) < 5 {
		t.Errorf("only %d notifications", len(notes))
	}
	deliverOutbox(t, a.sys, no, keys)
	eventually(t, 15*time.Second, "the Web UI filter on escalation level", func() bool {
		return a.sys.visible(t, fmt.Sprintf(`OrderNo = %q AND EscalationLevel >= 4`, no)) == 1
	})

	// A frozen customer's next order is held for the SLT.
	next := a.order(dueAtOnce, sku, 1)
	if v := a.waitStatus(next, sales.StatusHeld); !strings.Contains(v.Hold.Reason, "frozen") {
		t.Errorf("hold reason %q", v.Hold.Reason)
	}
	a.must(200, token("sd"), "POST", "/v1/orders/"+next+"/decision", map[string]string{"decision": "reject", "reason": "pay first"}, nil)
	a.waitStatus(next, sales.StatusRejected)

	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/shipments/"+gi.ShipmentNo+"/delivery", map[string]any{}, nil)
	a.must(201, token("fin1"), "POST", "/v1/orders/"+no+"/receipts", map[string]any{"reference": "LATE-" + no, "amount_fen": gi.Amount, "currency": "CNY"}, nil)
	a.waitStatus(no, sales.StatusRemitted)
	a.sys.saveHistory(t, no, "dunning_to_gm")
	a.sys.saveHistory(t, next, "frozen_hold_rejected")
}

func TestCreditHoldDecidedBySLT(t *testing.T) {
	a := newAPI(t, sales.DefaultPolicy())
	sku := a.plainSKU()
	no := a.order(tinyCredit, sku, 3)
	v := a.waitStatus(no, sales.StatusHeld)
	if v.Step != sales.OP5Hold || !strings.Contains(v.Hold.Reason, "exceeds credit limit") {
		t.Fatalf("held at %s: %+v", v.Step, v.Hold)
	}
	eventually(t, 15*time.Second, "the Web UI filter on the held step", func() bool {
		return a.sys.visible(t, fmt.Sprintf(`OrderNo = %q AND OSBStep = "OP5" AND OrderStatus = "held"`, no)) == 1
	})
	a.must(http.StatusForbidden, token("ssg-lead"), "POST", "/v1/orders/"+no+"/decision", map[string]string{"decision": "approve"}, nil)
	a.must(200, token("dsd"), "POST", "/v1/orders/"+no+"/decision", map[string]any{
		"decision": "approve_part", "lines": []sales.LineQty{{LineNo: 1, Quantity: 1}}, "reason": "one case only",
	}, nil)
	v = a.waitStatus(no, sales.StatusReleased)
	if v.Total != sku.ListPrice {
		t.Errorf("total after partial approval %s", v.Total)
	}
	a.must(200, token("ssg-lead"), "POST", "/v1/orders/"+no+"/cancel", map[string]string{"reason": "customer withdrew"}, nil)
	a.waitStatus(no, sales.StatusCancelled)
	a.sys.saveHistory(t, no, "hold_part_approved_cancelled")
}

func TestForbiddenActionsAreRefused(t *testing.T) {
	a := newAPI(t, sales.DefaultPolicy())
	sku := a.plainSKU()
	no := a.order("C001", sku, 1)
	a.waitStatus(no, sales.StatusReleased)

	var e struct {
		Error sales.Error `json:"error"`
	}
	if got := a.call(token("log1"), "POST", "/v1/orders/"+no+"/receipts", map[string]any{"reference": "X", "amount_fen": 1, "currency": "CNY"}, &e); got != 403 || e.Error.Code != sales.ErrForbidden {
		t.Errorf("logistics confirming a payment: %d %+v", got, e)
	}
	if got := a.call("", "GET", "/v1/orders/"+no, nil, &e); got != 401 {
		t.Errorf("no token: %d", got)
	}
	if got := a.call("wrong", "GET", "/v1/orders/"+no, nil, &e); got != 401 {
		t.Errorf("bad token: %d", got)
	}
	// Goods issue before acknowledgement: the workflow refuses, nothing changes.
	if got := a.call(token("log1"), "POST", "/v1/orders/"+no+"/goods-issues", map[string]any{"carrier": "EMS", "lines": []sales.LineQty{{LineNo: 1, Quantity: 1}}}, &e); got != 409 {
		t.Errorf("goods issue before acknowledgement: %d %+v", got, e)
	}
	// An invalid order leaves nothing behind and names every field.
	before, _ := a.sys.store.ListOrders(context.Background(), sales.OrderFilter{Scope: sales.Scope{All: true}, Limit: 500})
	got := a.call(token("ssg-lead"), "POST", "/v1/orders", map[string]any{
		"customer_id": "NOPE", "lines": []map[string]any{{"sku": "NOPE", "quantity": 0, "unit_price_fen": -1}},
	}, &e)
	if got != 422 || len(e.Error.Fields) < 3 {
		t.Errorf("invalid order: %d %+v", got, e)
	}
	after, _ := a.sys.store.ListOrders(context.Background(), sales.OrderFilter{Scope: sales.Scope{All: true}, Limit: 500})
	if len(after) != len(before) {
		t.Errorf("an invalid order left %d rows behind", len(after)-len(before))
	}
	a.must(200, token("ssg-lead"), "POST", "/v1/orders/"+no+"/cancel", map[string]string{"reason": "test over"}, nil)
	a.waitStatus(no, sales.StatusCancelled)
	a.sys.saveHistory(t, no, "cancel_before_goods_issue")
}
