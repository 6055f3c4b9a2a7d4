package e2e

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"osb/sales"
	"osb/workflows"
)

// The quota tests use 华东's C003 (kam-huadong-2) and the quota-controlled
// SKU-1006; no other test orders it.
const quotaCustomer = "C003"

func (a *api) quotaReport(period string) sales.QuotaReport {
	a.t.Helper()
	var rep sales.QuotaReport
	a.must(200, token("ssg-lead"), "GET", "/v1/quota/"+period, nil, &rep)
	return rep
}

func consumedBy(rep sales.QuotaReport, customer, sku string) (allocated, consumed int64) {
	for _, c := range rep.Customers {
		if c.CustomerID == customer && c.SKU == sku {
			return c.Allocated, c.Consumed
		}
	}
	return 0, 0
}

func (a *api) orderLines(customer string, lines []sales.LineRequest, pop []sales.POPRequest) (string, string) {
	a.t.Helper()
	var out createdOrder
	a.must(201, token("ssg-lead"), "POST", "/v1/orders", sales.OrderRequest{CustomerID: customer, Lines: lines, POP: pop}, &out)
	return out.OrderNo, string(out.Status)
}

type createdOrder struct {
	OrderNo string            `json:"order_no"`
	Status  sales.OrderStatus `json:"status"`
	Step    sales.Step        `json:"step"`
	Reason  string            `json:"reason"`
}

func TestQuotaAllocatedConsumedHeldAndGivenBack(t *testing.T) {
	a := newAPI(t, sales.DefaultPolicy())
	period := sales.PeriodOf(time.Now())
	const sku = "SKU-1006"
	price := sales.Fen(7200)
	set := func(want int, token, path string, qty int64) {
		t.Helper()
		a.must(want, token, "PUT", "/v1/quota/"+period+path, map[string]any{
			"allocations": []sales.QuotaAllocation{{SKU: sku, Quantity: qty}}}, nil)
	}
	set(403, token("kam-huadong-2"), "/markets/华东", 30)
	set(422, token("ssg-lead"), "/customers/"+quotaCustomer, 10) // the market has nothing yet
	set(200, token("ssg-lead"), "/markets/华东", 30)
	set(200, token("dsd"), "/customers/"+quotaCustomer, 10)
	set(422, token("ssg-lead"), "/customers/C004", 21) // 10 + 21 > 30
	set(422, token("ssg-lead"), "/markets/华东", 9)      // below what its customers hold

	line := func(qty int64) []sales.LineRequest {
		return []sales.LineRequest{{SKU: sku, Quantity: qty, UnitPrice: price}}
	}
	// Within quota: confirmed at once, 4 consumed.
	within, status := a.orderLines(quotaCustomer, line(4), nil)
	if status != string(sales.StatusReleased) {
		t.Fatalf("order within quota is %s", status)
	}
	// Over quota (6 left): held at OP3 for the SLT, who confirms the part within quota.
	part, _ := a.orderLines(quotaCustomer, line(10), nil)
	v := a.waitStatus(part, sales.StatusHeld)
	if v.Step != sales.OP3Quota || v.Hold.Kind != workflows.HoldQuota || !strings.Contains(v.Hold.Reason, "asks 10, 6 left") {
		t.Fatalf("held at %s: %+v", v.Step, v.Hold)
	}
	a.must(403, token("ssg-lead"), "POST", "/v1/orders/"+part+"/decision", map[string]string{"decision": "within_quota"}, nil)
	a.must(200, token("dsd"), "POST", "/v1/orders/"+part+"/decision", map[string]string{"decision": "within_quota", "reason": "allocation first"}, nil)
	if v = a.waitStatus(part, sales.StatusReleased); v.Total != 6*price || v.Lines[0].Quantity != 6 {
		t.Errorf("confirmed within quota: total %s, lines %+v", v.Total, v.Lines)
	}
	// Nothing left: the SLT allows 5 more over quota, then the order is cancelled.
	over, _ := a.orderLines(quotaCustomer, line(5), nil)
	a.waitStatus(over, sales.StatusHeld)
	a.must(422, token("sd"), "POST", "/v1/orders/"+over+"/decision", map[string]string{"decision": "within_quota"}, nil)
	a.must(200, token("sd"), "POST", "/v1/orders/"+over+"/decision", map[string]string{"decision": "allow", "reason": "key account"}, nil)
	a.waitStatus(over, sales.StatusReleased)
	eventually(t, 15*time.Second, "15 units consumed", func() bool {
		_, c := consumedBy(a.quotaReport(period), quotaCustomer, sku)
		return c == 15
	})
	a.must(200, token("ssg-lead"), "POST", "/v1/orders/"+over+"/cancel", map[string]string{"reason": "customer withdrew"}, nil)
	a.waitStatus(over, sales.StatusCancelled)
	eventually(t, 15*time.Second, "the cancelled order's 5 units given back", func() bool {
		alloc, c := consumedBy(a.quotaReport(period), quotaCustomer, sku)
		return alloc == 10 && c == 10
	})
	rep := a.quotaReport(period)
	for _, m := range rep.Markets {
		if m.Market == "华东" && m.SKU == sku && (m.Allocated != 30 || m.ToCustomers != 10 || m.Consumed != 10) {
			t.Errorf("market %+v", m)
		}
	}
	// The FSF see only their own customers.
	var mine sales.QuotaReport
	a.must(200, token("kam-huadong-1"), "GET", "/v1/quota/"+period, nil, &mine)
	if _, c := consumedBy(mine, quotaCustomer, sku); c != 0 {
		t.Errorf("kam-huadong-1 sees C003's quota: %+v", mine.Customers)
	}
	a.must(200, token("ssg-lead"), "POST", "/v1/orders/"+within+"/cancel", map[string]string{"reason": "test over"}, nil)
	a.must(200, token("ssg-lead"), "POST", "/v1/orders/"+part+"/cancel", map[string]string{"reason": "test over"}, nil)
	a.waitStatus(part, sales.StatusCancelled)
	a.sys.saveHistory(t, part, "quota_within_part_cancelled")
	a.sys.saveHistory(t, over, "quota_allowed_cancelled")
}

func TestPOPMaterialWithAnOrderAndAlone(t *testing.T) {
	a := newAPI(t, sales.DefaultPolicy())
	month := sales.PeriodOf(time.Now())
	a.must(403, token("kam-huadong-2"), "POST", "/v1/pop/items", map[string]any{"code": "POSTER-A", "name": "新品海报", "unit_cost_fen": 500}, nil)
	a.must(201, token("ssg-lead"), "POST", "/v1/pop/items", map[string]any{"code": "POSTER-A", "name": "新品海报", "unit": "张", "unit_cost_fen": 500, "active": true}, nil)
	a.must(200, token("ssg-lead"), "PUT", "/v1/pop/budgets/"+month+"/华东", map[string]any{"budget_fen": 10000}, nil)

	// With an order: reserved at OP6, shipped with the goods, not invoiced.
	sku := a.plainSKU()
	no, status := a.orderLines(quotaCustomer, []sales.LineRequest{{SKU: sku.Code, Quantity: 2, UnitPrice: sku.ListPrice}},
		[]sales.POPRequest{{Item: "POSTER-A", Quantity: 4}})
	if status != string(sales.StatusReleased) {
		t.Fatalf("order with POP is %s", status)
	}
	if v := a.status(no); v.POPState == nil || v.POPState.Status != workflows.POPReserved || v.POPState.Cost != 2000 {
		t.Fatalf("POP %+v", v.POPState)
	}
	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/acknowledge", map[string]string{"planned_date": time.Now().Format(time.DateOnly)}, nil)
	var gi workflows.GoodsIssueResult
	a.must(201, token("log1"), "POST", "/v1/orders/"+no+"/goods-issues", map[string]any{
		"carrier": "EMS", "lines": []sales.LineQty{{LineNo: 1, Quantity: 2}}}, &gi)
	if gi.Amount != 2*sku.ListPrice {
		t.Errorf("invoice %s: POP material must not be billed", gi.Amount)
	}
	v := a.status(no)
	if sh := v.Shipments[0]; len(sh.POP) != 1 || sh.POP[0].Item != "POSTER-A" || sh.POP[0].Quantity != 4 {
		t.Errorf("shipment POP %+v", sh.POP)
	}

	// Alone: refused over budget with the figures, recorded within it.
	var e struct {
		Error sales.Error `json:"error"`
	}
	req := map[string]any{"customer_id": quotaCustomer, "items": []sales.POPRequest{{Item: "POSTER-A", Quantity: 17}}}
	if got := a.call(token("kam-huadong-2"), "POST", "/v1/pop/requests", req, &e); got != 409 || !strings.Contains(e.Error.Message, "80.00 is left and this request needs 85.00") {
		t.Errorf("over budget: %d %+v", got, e.Error)
	}
	a.must(403, token("kam-huadong-1"), "POST", "/v1/pop/requests", req, nil)
	req["items"] = []sales.POPRequest{{Item: "POSTER-A", Quantity: 10}}
	var rec sales.POPRecord
	a.must(201, token("kam-huadong-2"), "POST", "/v1/pop/requests", req, &rec)
	if rec.Cost != 5000 || rec.Budget.Used != 7000 {
		t.Errorf("record %+v", rec)
	}
	var use sales.POPUsageReport
	a.must(200, token("kam-huadong-2"), "GET", "/v1/pop/usage?customer_id="+quotaCustomer, nil, &use)
	if len(use.Rows) != 1 || use.Rows[0].Quantity != 14 || use.Total != 7000 || use.Budgets[0].Budget != 10000 {
		t.Errorf("usage %+v", use)
	}

	// An unknown item refuses the order at OP2 with the reason.
	var bad createdOrder
	a.must(201, token("ssg-lead"), "POST", "/v1/orders", sales.OrderRequest{CustomerID: quotaCustomer,
		Lines: []sales.LineRequest{{SKU: sku.Code, Quantity: 1, UnitPrice: sku.ListPrice}}, POP: []sales.POPRequest{{Item: "NOPE", Quantity: 1}}}, &bad)
	if bad.Status != sales.StatusRejected || !strings.Contains(bad.Reason, `unknown POP item "NOPE"`) {
		t.Errorf("order with an unknown POP item: %+v", bad)
	}
	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/shipments/"+gi.ShipmentNo+"/delivery", map[string]any{}, nil)
	a.must(201, token("fin1"), "POST", "/v1/orders/"+no+"/receipts", map[string]any{"reference": "POP-" + no, "amount_fen": gi.Amount, "currency": "CNY"}, nil)
	a.waitStatus(no, sales.StatusRemitted)
	if _, err := a.sys.store.Order(context.Background(), no); err != nil {
		t.Fatal(err)
	}
	a.sys.saveHistory(t, no, "pop_shipped_remitted")
}

// Orders placed at the same moment cannot share the last units: the check
// and the consumption at OP3 are one step, so of four orders of 4 against an
// allocation of 10, two are confirmed and two wait for the SLT.
func TestSimultaneousOrdersDoNotOvershootTheAllocation(t *testing.T) {
	a := newAPI(t, sales.DefaultPolicy())
	period := sales.PeriodOf(time.Now())
	const customer, sku = "C006", "SKU-1006"
	for _, s := range []struct{ token, path string }{{"ssg-lead", "/markets/华南"}, {"dsd", "/customers/" + customer}} {
		a.must(200, token(s.token), "PUT", "/v1/quota/"+period+s.path, map[string]any{
			"allocations": []sales.QuotaAllocation{{SKU: sku, Quantity: 10}}}, nil)
	}
	orders := make([]createdOrder, 4)
	statuses := make([]int, 4)
	var wg sync.WaitGroup
	for i := range orders {
		wg.Go(func() {
			statuses[i] = a.call(token("ssg-lead"), "POST", "/v1/orders", sales.OrderRequest{CustomerID: customer,
				Lines: []sales.LineRequest{{SKU: sku, Quantity: 4, UnitPrice: 7200}}}, &orders[i])
		})
	}
	wg.Wait()
	count := map[sales.OrderStatus]int{}
	for i, o := range orders {
		if statuses[i] != 201 {
			t.Fatalf("order %d: status %d", i, statuses[i])
		}
		count[o.Status]++
		if o.Status == sales.StatusHeld && (o.Step != sales.OP3Quota || !strings.Contains(o.Reason, "over quota")) {
			t.Errorf("held order %+v", o)
		}
	}
	if count[sales.StatusReleased] != 2 || count[sales.StatusHeld] != 2 {
		t.Errorf("outcomes %v, want 2 released and 2 held over quota", count)
	}
	eventually(t, 15*time.Second, "8 units consumed", func() bool {
		_, c := consumedBy(a.quotaReport(period), customer, sku)
		return c == 8
	})
}
