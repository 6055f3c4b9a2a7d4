package postgres_test

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"osb/postgres"
	"osb/sales"
)

// The demo's 华东 customers are C001–C005; SKU-1006 is quota-controlled,
// SKU-1001 is not.
const (
	period  = "2026-11"
	quotaSK = "SKU-1006"
)

func allocs(pairs ...any) sales.QuotaAllocations {
	var q sales.QuotaAllocations
	for i := 0; i+1 < len(pairs); i += 2 {
		q.Allocations = append(q.Allocations, sales.QuotaAllocation{SKU: pairs[i].(string), Quantity: int64(pairs[i+1].(int))})
	}
	return q
}

func problemFields(err error) []string {
	e, ok := err.(*sales.Error)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+": "+f.Message)
	}
	return out
}

func TestQuotaAllocationsNeverExceedTheMarket(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	wantCode(t, st.SetCustomerQuota(ctx, period, "C001", allocs(quotaSK, 10), "ssg-lead", t0), sales.ErrInvalid) // no market allocation yet
	if err := st.SetMarketQuota(ctx, period, "华东", allocs(quotaSK, 100), "ssg-lead", t0); err != nil {
		t.Fatalf("SetMarketQuota: %v", err)
	}
	if err := st.SetCustomerQuota(ctx, period, "C001", allocs(quotaSK, 60), "ssg-lead", t0); err != nil {
		t.Fatalf("SetCustomerQuota C001: %v", err)
	}
	err := st.SetCustomerQuota(ctx, period, "C002", allocs(quotaSK, 41), "ssg-lead", t0)
	wantCode(t, err, sales.ErrInvalid)
	if got := strings.Join(problemFields(err), ""); !strings.Contains(got, "more than the market's 100 (40 left to allocate)") {
		t.Errorf("problem %q", got)
	}
	if err := st.SetCustomerQuota(ctx, period, "C002", allocs(quotaSK, 40), "dsd", t0); err != nil {
		t.Fatalf("SetCustomerQuota C002: %v", err)
	}
	// C001 may be lowered and raised within what the market has left.
	if err := st.SetCustomerQuota(ctx, period, "C001", allocs(quotaSK, 55), "ssg-lead", t0); err != nil {
		t.Fatalf("lowering C001: %v", err)
	}
	wantCode(t, st.SetMarketQuota(ctx, period, "华东", allocs(quotaSK, 94), "ssg-lead", t0), sales.ErrInvalid)
	wantCode(t, st.SetMarketQuota(ctx, period, "华东", allocs("SKU-1001", 5), "ssg-lead", t0), sales.ErrInvalid)
	wantCode(t, st.SetMarketQuota(ctx, period, "火星", allocs(quotaSK, 5), "ssg-lead", t0), sales.ErrNotFound)
	wantCode(t, st.SetMarketQuota(ctx, "2026-13", "华东", allocs(quotaSK, 5), "ssg-lead", t0), sales.ErrInvalid)
	wantCode(t, st.SetCustomerQuota(ctx, period, "C999", allocs(quotaSK, 5), "ssg-lead", t0), sales.ErrNotFound)

	rep, err := st.QuotaReport(ctx, period, sales.Scope{All: true})
	if err != nil {
		t.Fatalf("QuotaReport: %v", err)
	}
	wantMarkets := []sales.MarketQuota{{Period: period, Market: "华东", SKU: quotaSK, Allocated: 100, ToCustomers: 95}}
	if !reflect.DeepEqual(rep.Markets, wantMarkets) {
		t.Errorf("markets %+v", rep.Markets)
	}
	if len(rep.Customers) != 2 || rep.Customers[0].CustomerID != "C001" || rep.Customers[0].Allocated != 55 || rep.Customers[1].Allocated != 40 {
		t.Errorf("customers %+v", rep.Customers)
	}
	// kam-huadong-1 owns C001 and C002; kam-huadong-2 only C003.
	rep, err = st.QuotaReport(ctx, period, sales.Scope{KAMIDs: []string{"kam-huadong-2"}})
	if err != nil || len(rep.Customers) != 0 || len(rep.Markets) != 1 {
		t.Errorf("scoped report %+v %v", rep, err)
	}
}

// consumption is an order of C001 for 10 of the quota SKU with the given moves.
func consumption(no string, version int, moves ...sales.QuotaMove) sales.OrderChanges {
	o := order(no, "C001", sales.StatusReleased, sales.SP1Plan, sales.LevelNone)
	o.Version = version
	o.Lines = []sales.Line{{LineNo: 1, SKU: quotaSK, Quantity: 10, UnitPrice: 7200}}
	return sales.OrderChanges{Order: o, Quota: moves}
}

func move(no, why string, qty int64) sales.QuotaMove {
	return sales.QuotaMove{Key: sales.QuotaMoveKey(no, 1, why), Period: period, SKU: quotaSK, CustomerID: "C001",
		OrderNo: no, LineNo: 1, Quantity: qty, At: t0}
}

// allocateC001 gives 华东 100 of quotaSK for the period and C001 qty of them.
func allocateC001(t *testing.T, st *postgres.Store, qty int) {
	t.Helper()
	ctx := testContext(t)
	if err := st.SetMarketQuota(ctx, period, "华东", allocs(quotaSK, 100), "ssg-lead", t0); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCustomerQuota(ctx, period, "C001", allocs(quotaSK, qty), "ssg-lead", t0); err != nil {
		t.Fatal(err)
	}
}

func TestQuotaMovesCountOnceAndNeverGoBelowZero(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	allocateC001(t, st, 12)
	const no = "SO-2026-000001"
	confirm := consumption(no, 1, move(no, "confirm", 10))
	applyChanges(t, st, confirm)
	applyChanges(t, st, confirm) // a retried write
	q, err := st.CustomerQuota(ctx, "C001", period, []string{quotaSK, "SKU-1012"})
	if err != nil {
		t.Fatalf("CustomerQuota: %v", err)
	}
	want := []sales.CustomerQuota{
		{Period: period, CustomerID: "C001", Market: "华东", SKU: quotaSK, Allocated: 12, Consumed: 10},
		{Period: period, CustomerID: "C001", Market: "华东", SKU: "SKU-1012"},
	}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("CustomerQuota =\n%+v\nwant\n%+v", q, want)
	}
	// No allocation may fall below what was consumed.
	wantCode(t, st.SetCustomerQuota(ctx, period, "C001", allocs(quotaSK, 9), "ssg-lead", t0), sales.ErrInvalid)

	applyChanges(t, st, consumption(no, 2, move(no, "return/RT-2026-000001-1", -4)))
	err = st.ApplyOrderChanges(ctx, consumption(no, 3, move(no, "cancel", -7)))
	wantCode(t, err, sales.ErrInvalid)
	if v := scalar[int](t, url, "SELECT version FROM orders WHERE order_no = $1", no); v != 2 {
		t.Errorf("a refused give-back wrote the order (version %d)", v)
	}
	if net := scalar[int64](t, url, "SELECT sum(quantity) FROM quota_moves WHERE order_no = $1", no); net != 6 {
		t.Errorf("net consumption %d, want 6", net)
	}
	rep, err := st.QuotaReport(ctx, period, sales.Scope{All: true})
	if err != nil || rep.Markets[0].Consumed != 6 || rep.Customers[0].Consumed != 6 {
		t.Errorf("report %+v %v", rep, err)
	}
}

func popStore(t *testing.T) (*postgres.Store, string) {
	t.Helper()
	st, url := demoStore(t)
	ctx := testContext(t)
	for _, it := range []sales.POPItem{
		{Code: "POSTER", Name: "海报", Unit: "张", UnitCost: sales.Yuan(5), Currency: sales.CNY, Active: true},
		{Code: "SHELF", Name: "货架贴", Unit: "张", UnitCost: sales.Yuan(2), Currency: sales.CNY, Active: true},
	} {
		if err := st.SavePOPItem(ctx, it); err != nil {
			t.Fatalf("SavePOPItem: %v", err)
		}
	}
	if _, err := st.SetPOPBudget(ctx, period, "华东", sales.Yuan(100), "ssg-lead", t0); err != nil {
		t.Fatalf("SetPOPBudget: %v", err)
	}
	return st, url
}

func TestStandAlonePOPRequestsAreCheckedAgainstTheBudget(t *testing.T) {
	st, url := popStore(t)
	ctx := testContext(t)
	req := sales.POPStandalone{CustomerID: "C001", Month: period, Items: []sales.POPRequest{{Item: "POSTER", Quantity: 10}, {Item: "SHELF", Quantity: 5}}}
	rec, err := st.RequestPOP(ctx, req, "kam-huadong-1", t0)
	if err != nil {
		t.Fatalf("RequestPOP: %v", err)
	}
	if rec.Cost != sales.Yuan(60) || rec.Market != "华东" || rec.Budget.Used != sales.Yuan(60) || !strings.HasPrefix(rec.RequestNo, "PR-2026-") {
		t.Errorf("record %+v", rec)
	}
	_, err = st.RequestPOP(ctx, req, "kam-huadong-1", t0)
	wantCode(t, err, sales.ErrConflict)
	if msg := sales.ErrorMessage(err); !strings.Contains(msg, "40.00 is left and this request needs 60.00") {
		t.Errorf("refusal %q", msg)
	}
	_, err = st.RequestPOP(ctx, sales.POPStandalone{CustomerID: "C006", Month: period, Items: req.Items[:1]}, "ssg-lead", t0)
	if wantCode(t, err, sales.ErrConflict); !strings.Contains(sales.ErrorMessage(err), "华南 POP budget for 2026-11: the budget is 0.00") {
		t.Errorf("no budget: %v", err)
	}
	_, err = st.RequestPOP(ctx, sales.POPStandalone{CustomerID: "C001", Month: period, Items: []sales.POPRequest{{Item: "BALLOON", Quantity: 1}}}, "ssg-lead", t0)
	wantCode(t, err, sales.ErrInvalid)
	_, err = st.SetPOPBudget(ctx, period, "华东", sales.Yuan(50), "ssg-lead", t0)
	wantCode(t, err, sales.ErrInvalid)

	if n := scalar[int](t, url, "SELECT count(*) FROM notifications WHERE recipient_id = 'dept:logistics' AND kind = 'pop_dispatch'"); n != 1 {
		t.Errorf("%d POP dispatch notifications, want 1", n)
	}
	use, err := st.POPUsage(ctx, "C001", "")
	if err != nil {
		t.Fatalf("POPUsage: %v", err)
	}
	wantRows := []sales.POPUsageRow{
		{Month: period, Item: "POSTER", Name: "海报", Quantity: 10, Cost: sales.Yuan(50)},
		{Month: period, Item: "SHELF", Name: "货架贴", Quantity: 5, Cost: sales.Yuan(10)},
	}
	if !reflect.DeepEqual(use.Rows, wantRows) || use.Total != sales.Yuan(60) || use.Market != "华东" {
		t.Errorf("usage %+v", use)
	}
	if len(use.Budgets) != 1 || use.Budgets[0].Budget != sales.Yuan(100) || use.Budgets[0].Used != sales.Yuan(60) {
		t.Errorf("budgets %+v", use.Budgets)
	}
}

func TestOrderPOPIsReservedOnceAndReleasedOnCancel(t *testing.T) {
	st, url := popStore(t)
	ctx := testContext(t)
	const no = "SO-2026-000001"
	items := []sales.POPRequest{{Item: "POSTER", Quantity: 4}}
	first, err := st.ReservePOP(ctx, no, "C001", period, items, t0)
	if err != nil || !first.Reserved || first.Cost != sales.Yuan(20) || len(first.Usage) != 1 {
		t.Fatalf("ReservePOP: %+v %v", first, err)
	}
	again, err := st.ReservePOP(ctx, no, "C001", period, items, t0)
	if err != nil || !again.Reserved || again.Cost != first.Cost {
		t.Errorf("a retried reservation %+v %v", again, err)
	}
	if used := scalar[int64](t, url, "SELECT sum(cost_fen) FROM pop_usage"); used != int64(sales.Yuan(20)) {
		t.Errorf("used %d after a retried reservation", used)
	}
	over, err := st.ReservePOP(ctx, "SO-2026-000002", "C002", period, []sales.POPRequest{{Item: "POSTER", Quantity: 17}}, t0)
	if err != nil || over.Reserved || !strings.Contains(over.Reason, "over the 华东 POP budget") {
		t.Errorf("over budget %+v %v", over, err)
	}
	unknown, err := st.ReservePOP(ctx, "SO-2026-000003", "C002", period, []sales.POPRequest{{Item: "BALLOON", Quantity: 1}}, t0)
	if err != nil || unknown.Reserved || !strings.Contains(unknown.Reason, "unknown POP item") {
		t.Errorf("unknown item %+v %v", unknown, err)
	}

	release := first.Usage[0]
	release.Key, release.Quantity, release.Cost = release.Key+"/release", -release.Quantity, -release.Cost
	c := consumption(no, 1)
	c.Quota, c.POP = nil, []sales.POPUsage{release}
	applyChanges(t, st, c)
	applyChanges(t, st, c)
	if used := scalar[int64](t, url, "SELECT sum(cost_fen) FROM pop_usage"); used != 0 {
		t.Errorf("used %d after the release", used)
	}
	use, err := st.POPUsage(ctx, "C001", period)
	if err != nil || len(use.Rows) != 0 || use.Budgets[0].Used != 0 {
		t.Errorf("usage after release %+v %v", use, err)
	}
}

func TestReturnsAndCreditNotesAreWrittenOnce(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	const no = "SO-2026-000001"
	c := fullChanges(no, 5)
	c.Order.Shipments[0].POP = []sales.POPRequest{{Item: "POSTER", Quantity: 3}}
	rt := sales.Return{No: "RT-2026-000001-1", Source: sales.ReturnByRequest, Reason: "破损",
		Lines: []sales.LineQty{{LineNo: 1, Quantity: 3}}, Value: 8640, Approver: sales.LevelUM,
		Status: sales.ReturnRequested, RequestedBy: "csr1", RequestedAt: *at(5), Since: *at(5), UpdatedAt: *at(5)}
	c.Returns = []sales.Return{rt}
	applyChanges(t, st, c)
	if pop := scalar[string](t, url, "SELECT pop::text FROM shipments WHERE shipment_no = $1", "SH-"+no+"-1"); pop != `[{"item": "POSTER", "quantity": 3}]` {
		t.Errorf("shipment POP %s", pop)
	}

	received := rt
	now := *at(8)
	received.Status, received.Received, received.ReceivedBy, received.ReceivedAt = sales.ReturnReceived, []sales.LineQty{{LineNo: 1, Quantity: 2}}, "log1", &now
	received.CreditNote, received.UpdatedAt = "CN-2026-000001-1", now
	cn := sales.CreditNote{No: "CN-2026-000001-1", ReturnNo: rt.No, OrderNo: no, CustomerID: "C001", Currency: sales.CNY,
		Lines: received.Received, Amount: 5760, Allocations: []sales.Allocation{{InvoiceNo: "IV-" + no + "-1", Amount: 5760}}, IssuedAt: now}
	later := sales.OrderChanges{Returns: []sales.Return{received}, CreditNotes: []sales.CreditNote{cn}}
	applyChanges(t, st, later)
	applyChanges(t, st, later)
	applyChanges(t, st, sales.OrderChanges{Returns: []sales.Return{rt}}) // an older state arriving late

	got, err := st.Returns(ctx, no)
	if err != nil || len(got) != 1 {
		t.Fatalf("Returns: %+v %v", got, err)
	}
	if r := got[0]; r.Status != sales.ReturnReceived || r.CreditNote != cn.No || !reflect.DeepEqual(r.Received, received.Received) || r.Value != 8640 {
		t.Errorf("stored return %+v", r)
	}
	notes, err := st.CreditNotes(ctx, "C001")
	if err != nil || len(notes) != 1 || notes[0].Amount != 5760 || notes[0].Allocations[0].Amount != 5760 {
		t.Errorf("credit notes %+v %v", notes, err)
	}
	if of, err := st.OrderCreditNotes(ctx, no); err != nil || !reflect.DeepEqual(of, notes) {
		t.Errorf("credit notes of %s: %+v %v", no, of, err)
	}
	if none, err := st.OrderCreditNotes(ctx, "SO-2026-999999"); err != nil || len(none) != 0 {
		t.Errorf("credit notes of an unknown order: %+v %v", none, err)
	}
	if n := rowCounts(t, url, "returns", "credit_notes"); n["returns"] != 1 || n["credit_notes"] != 1 {
		t.Errorf("rows %v", n)
	}
	// A credit note of a return the store does not know is refused whole.
	bad := cn
	bad.No, bad.ReturnNo = "CN-2026-000001-2", "RT-2026-000001-9"
	wantCode(t, st.ApplyOrderChanges(ctx, sales.OrderChanges{CreditNotes: []sales.CreditNote{bad}}), sales.ErrInvalid)
}

func TestTakeQuotaConsumesWhatIsLeftOnceAndOneOrderAtATime(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	allocateC001(t, st, 12)
	take := func(no string, qty int64) (int64, bool, error) {
		left, taken, err := st.TakeQuota(ctx, "C001", period, []sales.QuotaMove{move(no, "confirm", qty)})
		return left[quotaSK], taken, err
	}
	// 10 of the 12 fit; the same take again (a retried activity) sees the
	// same and consumes nothing more.
	for range 2 {
		if left, taken, err := take("SO-2026-000001", 10); err != nil || !taken || left != 12 {
			t.Fatalf("take 10: left %d, taken %v, %v", left, taken, err)
		}
	}
	// 5 more do not fit: nothing is consumed.
	if left, taken, err := take("SO-2026-000002", 5); err != nil || taken || left != 2 {
		t.Errorf("take 5 of 2: left %d, taken %v, %v", left, taken, err)
	}
	// Two orders at once for the last 2 units: one gets them.
	var wg sync.WaitGroup
	results := make([]bool, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Go(func() { _, results[i], errs[i] = take(fmt.Sprintf("SO-2026-00001%d", i), 2) })
	}
	wg.Wait()
	won := 0
	for i, ok := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if ok {
			won++
		}
	}
	if won != 1 {
		t.Errorf("%d of 4 simultaneous orders took the last 2 units, want 1", won)
	}
	if net := scalar[int64](t, url, "SELECT sum(quantity) FROM quota_moves WHERE customer_id = 'C001'"); net != 12 {
		t.Errorf("consumed %d, want the 12 allocated", net)
	}
	// Moves of another customer, period or order, or give-backs, are refused.
	for _, bad := range [][]sales.QuotaMove{
		{move("SO-2026-000003", "confirm", 1), move("SO-2026-000004", "confirm", 1)},
		{move("SO-2026-000003", "cancel", -1)},
	} {
		_, _, err := st.TakeQuota(ctx, "C001", period, bad)
		wantCode(t, err, sales.ErrInvalid)
	}
	_, _, err := st.TakeQuota(ctx, "C002", period, []sales.QuotaMove{move("SO-2026-000003", "confirm", 1)})
	wantCode(t, err, sales.ErrInvalid)
}

func TestTakeQuotaUpToCutsEachLineToWhatIsLeft(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	allocateC001(t, st, 12)
	const no = "SO-2026-000001"
	line2 := move(no, "confirm", 8)
	line2.Key, line2.LineNo = sales.QuotaMoveKey(no, 2, "confirm"), 2
	moves := []sales.QuotaMove{move(no, "confirm", 8), line2}
	for range 2 { // a retried activity takes the same
		taken, err := st.TakeQuotaUpTo(ctx, "C001", period, moves)
		if err != nil || len(taken) != 2 || taken[0].Quantity != 8 || taken[1].Quantity != 4 {
			t.Fatalf("taken %+v, %v; want 8 and the 4 left", taken, err)
		}
	}
	if net := scalar[int64](t, url, "SELECT sum(quantity) FROM quota_moves WHERE order_no = $1", no); net != 12 {
		t.Errorf("consumed %d, want 12", net)
	}
	if taken, err := st.TakeQuotaUpTo(ctx, "C001", period, []sales.QuotaMove{move("SO-2026-000002", "confirm", 3)}); err != nil || len(taken) != 0 {
		t.Errorf("nothing left: taken %+v, %v", taken, err)
	}
}
