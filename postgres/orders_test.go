package postgres_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"osb/demo"
	"osb/postgres"
	"osb/sales"
)

// t0 is when the test orders were registered.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func at(days int) *time.Time {
	v := t0.Add(time.Duration(days) * sales.Day)
	return &v
}

// order is a minimal snapshot of one line for a demo customer.
func order(no, customerID string, status sales.OrderStatus, step sales.Step, level sales.Level) *sales.OrderSnapshot {
	var c sales.Customer
	for _, dc := range demo.Organisation().Customers {
		if dc.ID == customerID {
			c = dc
		}
	}
	return &sales.OrderSnapshot{
		OrderNo: no, Version: 1, CustomerID: c.ID, Market: c.Market, KAMID: c.KAMID, Currency: sales.CNY,
		Total: 28800, Status: status, Step: step, Level: level, Unbilled: 28800, CreatedBy: "csr1",
		CreatedAt: t0, UpdatedAt: t0,
		Lines: []sales.Line{{LineNo: 1, SKU: "SKU-1001", Quantity: 10, UnitPrice: 2880}},
	}
}

// fullChanges is an order of C001 in dunning at version: shipped in part,
// invoiced, paid in part, escalated to the UM, the customer frozen, an
// overpayment elsewhere credited.
func fullChanges(no string, version int) sales.OrderChanges {
	o := order(no, "C001", sales.StatusShipping, sales.BC5Dunning, sales.LevelUM)
	o.Version, o.ClientRef, o.RequestedDate, o.UpdatedAt = version, "PO-"+no, "2026-03-20", *at(32)
	o.NextDeadline = at(38)
	o.Lines = []sales.Line{
		{LineNo: 1, SKU: "SKU-1001", Quantity: 100, UnitPrice: 2880},
		{LineNo: 2, SKU: "SKU-1006", Quantity: 50, UnitPrice: 7200},
	}
	o.Total, o.Unbilled, o.Outstanding = 648000, 144000, 204000
	o.Shipments = []sales.Shipment{{
		No: "SH-" + no + "-1", Lines: []sales.LineQty{{LineNo: 1, Quantity: 100}, {LineNo: 2, Quantity: 30}},
		Carrier: "顺丰速运", Waybill: "SF1234567890", IssuedAt: *at(1), DeliveredAt: at(3),
		Shortages: []sales.LineQty{{LineNo: 2, Quantity: 1}}, DeliveryNote: "一箱外包装破损", InvoiceNo: "IV-" + no + "-1",
		POP: []sales.POPRequest{{Item: "POP-POSTER", Quantity: 20}},
	}}
	o.Invoices = []sales.Invoice{{
		No: "IV-" + no + "-1", ShipmentNo: "SH-" + no + "-1", Currency: sales.CNY, Amount: 504000, Paid: 300000,
		IssuedAt: *at(1), DueAt: *at(31), Acknowledged: true, Reminded: true, Level: sales.LevelUM,
	}}
	o.Receipts = []sales.Receipt{{
		Reference: "BANK-001", Amount: 300000, Currency: sales.CNY, ReceivedAt: *at(20), ConfirmedBy: "fin1",
		Allocations: []sales.Allocation{{InvoiceNo: "IV-" + no + "-1", Amount: 300000}},
	}}
	escKey := no + "/dunning/IV-" + no + "-1/2"
	return sales.OrderChanges{
		Order: o,
		Events: []sales.Event{
			{Seq: 1, At: t0, Step: sales.OP1Register, Kind: "registered", Actor: "csr1"},
			{Seq: 2, At: *at(1), Step: sales.SP4GoodsIssue, Kind: "goods_issued", Actor: "log1", Detail: map[string]string{"shipment": "SH-" + no + "-1"}},
			{Seq: 3, At: *at(20), Step: sales.BC6Payment, Kind: "payment_confirmed", Actor: "fin1", Detail: map[string]string{"reference": "BANK-001"}},
		},
		Escalations: []sales.Escalation{{
			Key: escKey, OrderNo: no, CustomerID: "C001", Market: "华东", Kind: sales.EscalateDunning,
			Subject: "IV-" + no + "-1 overdue", Level: sales.LevelUM, Recipients: []string{"kam-huadong-1", "um-huadong-1"}, At: *at(32),
		}},
		Notifications: []sales.Notification{
			{Key: escKey + "/kam-huadong-1", OrderNo: no, RecipientID: "kam-huadong-1", Kind: "dunning", Subject: "发票逾期", Body: "IV overdue", At: *at(32)},
			{Key: escKey + "/um-huadong-1", OrderNo: no, RecipientID: "um-huadong-1", Kind: "dunning", Subject: "发票逾期", Body: "IV overdue", At: *at(32)},
		},
		Freeze:  &sales.Freeze{CustomerID: "C001", Reason: "IV-" + no + "-1 overdue", At: *at(32)},
		Credits: []sales.CreditEntry{{Key: no + "/BANK-000/excess", CustomerID: "C001", Amount: 5000, Currency: sales.CNY, Note: "overpayment", At: *at(20)}},
	}
}

func applyChanges(t *testing.T, st *postgres.Store, c sales.OrderChanges) {
	t.Helper()
	if err := st.ApplyOrderChanges(testContext(t), c); err != nil {
		t.Fatalf("ApplyOrderChanges: %v", err)
	}
}

var orderTables = []string{"orders", "order_lines", "shipments", "invoices", "receipts", "order_events",
	"escalations", "notifications", "customer_credit"}

func TestApplyOrderChangesTwiceDoublesNothing(t *testing.T) {
	st, url := demoStore(t)
	c := fullChanges("SO-2026-000001", 5)
	applyChanges(t, st, c)
	first := rowCounts(t, url, orderTables...)
	want := map[string]int{"orders": 1, "order_lines": 2, "shipments": 1, "invoices": 1, "receipts": 1,
		"order_events": 3, "escalations": 1, "notifications": 2, "customer_credit": 1}
	if !reflect.DeepEqual(first, want) {
		t.Errorf("after the first write the tables hold %v, want %v", first, want)
	}

	applyChanges(t, st, c)
	if again := rowCounts(t, url, orderTables...); !reflect.DeepEqual(again, first) {
		t.Errorf("writing the same changes again changed the row counts from %v to %v", first, again)
	}
	shipped := scalar[string](t, url, "SELECT string_agg(line_no || ':' || shipped, ' ' ORDER BY line_no) FROM order_lines")
	if shipped != "1:100 2:30" {
		t.Errorf("shipped per line = %q, want 1:100 2:30", shipped)
	}
	if frozen := scalar[bool](t, url, "SELECT frozen FROM customers WHERE id = 'C001'"); !frozen {
		t.Error("customer C001 is not frozen")
	}
}

func TestOrderReturnsWhatWasWritten(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	c := fullChanges("SO-2026-000001", 5)
	applyChanges(t, st, c)

	got, err := st.Order(ctx, "SO-2026-000001")
	if err != nil {
		t.Fatalf("Order: %v", err)
	}
	if got := inUTC(got); !reflect.DeepEqual(got, *c.Order) {
		t.Errorf("Order =\n%+v\nwant\n%+v", got, *c.Order)
	}
	events, err := st.OrderEvents(ctx, "SO-2026-000001")
	if err != nil {
		t.Fatalf("OrderEvents: %v", err)
	}
	for i := range events {
		events[i].At = events[i].At.UTC()
	}
	if !reflect.DeepEqual(events, c.Events) {
		t.Errorf("OrderEvents =\n%+v\nwant\n%+v", events, c.Events)
	}

	_, err = st.Order(ctx, "SO-2026-999999")
	wantCode(t, err, sales.ErrNotFound)
	_, err = st.OrderEvents(ctx, "SO-2026-999999")
	wantCode(t, err, sales.ErrNotFound)

	// A remitted order's reopen input comes with its snapshot: none until a
	// write carries one; a later snapshot without one keeps it, an older
	// snapshot (a retried write) changes nothing.
	if r, err := st.OrderResume(ctx, "SO-2026-000001"); err != nil || r != nil {
		t.Errorf("resume before any: %s, %v", r, err)
	}
	snap := *c.Order
	for _, w := range []struct {
		version int
		resume  string
	}{{6, `{"order_no":"SO-2026-000001","code":3}`}, {7, ""}, {5, `{"stale":true}`}} {
		s := snap
		s.Version = w.version
		applyChanges(t, st, sales.OrderChanges{Order: &s, Resume: json.RawMessage(w.resume)})
	}
	if r, err := st.OrderResume(ctx, "SO-2026-000001"); err != nil || !strings.Contains(string(r), `"code": 3`) {
		t.Errorf("resume: %s, %v", r, err)
	}
	_, err = st.OrderResume(ctx, "SO-2026-999999")
	wantCode(t, err, sales.ErrNotFound)
}

func TestApplyOrderChangesKeepsTheNewerSnapshot(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	newer := fullChanges("SO-2026-000001", 5)
	applyChanges(t, st, newer)

	older := fullChanges("SO-2026-000001", 4)
	older.Order.Status, older.Order.Step = sales.StatusReleased, sales.SP1Plan
	older.Order.Lines[0].Quantity = 1
	older.Order.Invoices[0].Paid = 0
	older.Order.Receipts[0].Amount = 1
	older.Order.Shipments[0].Waybill = "old"
	applyChanges(t, st, older)

	got, err := st.Order(ctx, "SO-2026-000001")
	if err != nil {
		t.Fatalf("Order: %v", err)
	}
	if got := inUTC(got); !reflect.DeepEqual(got, *newer.Order) {
		t.Errorf("an older snapshot overwrote the newer one: Order =\n%+v\nwant\n%+v", got, *newer.Order)
	}

	paid := fullChanges("SO-2026-000001", 6)
	paid.Order.Invoices[0].Paid = 504000
	paid.Order.Invoices[0].PaidAt = at(40)
	paid.Order.Status = sales.StatusRemitted
	applyChanges(t, st, paid)
	got, err = st.Order(ctx, "SO-2026-000001")
	if err != nil {
		t.Fatalf("Order: %v", err)
	}
	if got.Version != 6 || got.Status != sales.StatusRemitted || got.Invoices[0].Paid != 504000 || got.Invoices[0].PaidAt == nil {
		t.Errorf("the newer snapshot was not written: version %d, status %s, invoice %+v", got.Version, got.Status, got.Invoices[0])
	}
	if n := scalar[int](t, url, "SELECT count(*) FROM receipts"); n != 1 {
		t.Errorf("%d receipts, want 1", n)
	}
}

// A write that carries only what changed (as the workflow's writes do) keeps
// the rest of the order; a late older one changes nothing.
func TestApplyOrderChangesTakesOnlyWhatChanged(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	full := fullChanges("SO-2026-000001", 5)
	applyChanges(t, st, full)

	paid := *full.Order
	paid.Version, paid.Status, paid.Outstanding = 6, sales.StatusShipping, 0
	inv := full.Order.Invoices[0]
	inv.Paid, inv.PaidAt = 504000, at(40)
	paid.Lines, paid.Shipments, paid.Receipts = nil, nil, []sales.Receipt{{
		Reference: "BANK-002", Amount: 204000, Currency: sales.CNY, ReceivedAt: *at(40), ConfirmedBy: "fin1",
	}}
	paid.Invoices = []sales.Invoice{inv}
	paid.Shipped = map[int]int64{1: 100, 2: 30}
	applyChanges(t, st, sales.OrderChanges{Order: &paid})

	late := paid
	late.Version = 4
	late.Invoices = []sales.Invoice{full.Order.Invoices[0]}
	late.Lines = []sales.Line{{LineNo: 1, SKU: "SKU-1001", Quantity: 1, UnitPrice: 2880}}
	applyChanges(t, st, sales.OrderChanges{Order: &late})

	got, err := st.Order(ctx, "SO-2026-000001")
	if err != nil {
		t.Fatalf("Order: %v", err)
	}
	if got.Version != 6 || len(got.Lines) != 2 || got.Lines[0].Quantity != 100 || len(got.Shipments) != 1 {
		t.Errorf("the rest of the order was lost: %+v", got)
	}
	if len(got.Invoices) != 1 || got.Invoices[0].Paid != 504000 || got.Invoices[0].PaidAt == nil {
		t.Errorf("invoice %+v", got.Invoices)
	}
	if len(got.Receipts) != 2 {
		t.Errorf("receipts %+v", got.Receipts)
	}
	if n := scalar[int](t, url, "SELECT sum(shipped) FROM order_lines WHERE order_no = 'SO-2026-000001'"); n != 130 {
		t.Errorf("shipped %d, want 130", n)
	}
}

func TestApplyOrderChangesRejectsBadChangesWhole(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)

	unknownCustomer := order("SO-2026-000001", "C001", sales.StatusOpen, sales.OP1Register, sales.LevelNone)
	unknownCustomer.CustomerID = "C999"
	wantCode(t, st.ApplyOrderChanges(ctx, sales.OrderChanges{Order: unknownCustomer}), sales.ErrInvalid)

	unknownSKU := fullChanges("SO-2026-000002", 1)
	unknownSKU.Order.Lines[1].SKU = "SKU-9999"
	err := st.ApplyOrderChanges(ctx, unknownSKU)
	wantCode(t, err, sales.ErrInvalid)
	if n := rowCounts(t, url, orderTables...); n["orders"]+n["order_events"]+n["notifications"] != 0 {
		t.Errorf("a rejected write left rows behind: %v", n)
	}

	events := fullChanges("SO-2026-000003", 1)
	events.Order = nil
	wantCode(t, st.ApplyOrderChanges(ctx, events), sales.ErrInvalid)

	applyChanges(t, st, fullChanges("SO-2026-000004", 1))
	thief := fullChanges("SO-2026-000005", 1)
	thief.Order.Shipments[0].No = "SH-SO-2026-000004-1"
	wantCode(t, st.ApplyOrderChanges(ctx, thief), sales.ErrConflict)

	wantCode(t, st.ApplyOrderChanges(ctx, sales.OrderChanges{Freeze: &sales.Freeze{CustomerID: "C999", At: t0}}), sales.ErrNotFound)
}

func TestFreezeKeepsTheFirstReason(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	applyChanges(t, st, sales.OrderChanges{Freeze: &sales.Freeze{CustomerID: "C002", Reason: "first", At: t0}})
	applyChanges(t, st, sales.OrderChanges{Freeze: &sales.Freeze{CustomerID: "C002", Reason: "second", At: *at(1)}})
	p, err := st.CreditPosition(ctx, "C002", "", 0)
	if err != nil || !p.Frozen || p.Reason != "first" {
		t.Errorf("CreditPosition(C002) = %+v, %v; want frozen for the first reason", p, err)
	}
}

func TestNextOrderNoIncrements(t *testing.T) {
	st, _ := newStore(t)
	ctx := testContext(t)
	a, err := st.NextOrderNo(ctx, 2026)
	if err != nil {
		t.Fatalf("NextOrderNo: %v", err)
	}
	b, err := st.NextOrderNo(ctx, 2026)
	if err != nil {
		t.Fatalf("NextOrderNo: %v", err)
	}
	if a != "SO-2026-000001" || b != "SO-2026-000002" {
		t.Errorf("NextOrderNo twice = %s, %s; want SO-2026-000001, SO-2026-000002", a, b)
	}
	_, err = st.NextOrderNo(ctx, 0)
	wantCode(t, err, sales.ErrInvalid)
}

func TestClaimOrderReturnsTheFirstOrderAndWhetherItIsTheSameRequest(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	ref := []sales.OrderClaim{{Kind: sales.ClaimClientRef, Scope: "C001", Key: "PO-77"}}
	claim := func(no, hash string, claims ...sales.OrderClaim) (string, bool) {
		t.Helper()
		owner, same, err := st.ClaimOrder(ctx, no, hash, claims)
		if err != nil {
			t.Fatalf("claim %s: %v", no, err)
		}
		return owner, same
	}
	if owner, _ := claim("SO-2026-000001", "h1", ref...); owner != "SO-2026-000001" {
		t.Fatalf("first claim owned by %s", owner)
	}
	if owner, same := claim("SO-2026-000002", "h1", ref...); owner != "SO-2026-000001" || !same {
		t.Errorf("the same request again: %s, same %v; want SO-2026-000001, true", owner, same)
	}
	if owner, same := claim("SO-2026-000003", "h2", ref...); owner != "SO-2026-000001" || same {
		t.Errorf("another request with the reference: %s, same %v; want SO-2026-000001, false", owner, same)
	}
	if owner, _ := claim("SO-2026-000004", "h1", sales.OrderClaim{Kind: sales.ClaimClientRef, Scope: "C002", Key: "PO-77"}); owner != "SO-2026-000004" {
		t.Errorf("the same reference of another customer is owned by %s", owner)
	}
	// All or none: a new key with a taken reference records nothing.
	key := sales.OrderClaim{Kind: sales.ClaimIdempotencyKey, Scope: "ssg-lead", Key: "k-1"}
	if owner, _ := claim("SO-2026-000005", "h1", key, ref[0]); owner != "SO-2026-000001" {
		t.Fatalf("owned by %s", owner)
	}
	if owner, _ := claim("SO-2026-000006", "h9", key); owner != "SO-2026-000006" {
		t.Errorf("the key was recorded with the refused claim: owned by %s", owner)
	}
	// A number found taken moves its claims to the next.
	if err := st.MoveOrderClaims(ctx, "SO-2026-000006", "SO-2026-000007"); err != nil {
		t.Fatal(err)
	}
	if owner, same := claim("SO-2026-000008", "h9", key); owner != "SO-2026-000007" || !same {
		t.Errorf("after the move the key is owned by %s (same %v)", owner, same)
	}
}

func TestSkipOrderNosMovesTheSequenceAhead(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	a, err := st.NextOrderNo(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SkipOrderNos(ctx, 10); err != nil {
		t.Fatal(err)
	}
	b, err := st.NextOrderNo(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if a != "SO-2026-000001" || b != "SO-2026-000012" {
		t.Errorf("NextOrderNo, skip 10, NextOrderNo = %s, %s; want SO-2026-000001, SO-2026-000012", a, b)
	}
	wantCode(t, st.SkipOrderNos(ctx, 0), sales.ErrInvalid)
}

// listFixture writes six orders:
//
//	1 C001 华东 kam-huadong-1 open     OP4 none
//	2 C003 华东 kam-huadong-2 held     OP5 MM
//	3 C006 华南 kam-huanan-1  shipping SP5 KAM
//	4 C011 华北 kam-huabei-1  remitted BC7 none
//	5 C001 华东 kam-huadong-1 held     OP5 SLT
//	6 C004 华东 kam-huadong-3 billed   BC5 GM
func listFixture(t *testing.T, st *postgres.Store) {
	t.Helper()
	rows := []struct {
		customer string
		status   sales.OrderStatus
		step     sales.Step
		level    sales.Level
	}{
		{"C001", sales.StatusOpen, sales.OP4Credit, sales.LevelNone},
		{"C003", sales.StatusHeld, sales.OP5Hold, sales.LevelMM},
		{"C006", sales.StatusShipping, sales.SP5InTransit, sales.LevelKAM},
		{"C011", sales.StatusRemitted, sales.BC7Close, sales.LevelNone},
		{"C001", sales.StatusHeld, sales.OP5Hold, sales.LevelSLT},
		{"C004", sales.StatusBilled, sales.BC5Dunning, sales.LevelGM},
	}
	for i, r := range rows {
		applyChanges(t, st, sales.OrderChanges{Order: order(fmt.Sprintf("SO-2026-%06d", i+1), r.customer, r.status, r.step, r.level)})
	}
}

func TestListOrdersFiltersAndPages(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	listFixture(t, st)
	all := sales.Scope{All: true}
	cases := []struct {
		name   string
		filter sales.OrderFilter
		want   []int
	}{
		{"everything newest first", sales.OrderFilter{Scope: all}, []int{6, 5, 4, 3, 2, 1}},
		{"market", sales.OrderFilter{Scope: all, Market: "华东"}, []int{6, 5, 2, 1}},
		{"status", sales.OrderFilter{Scope: all, Status: sales.StatusHeld}, []int{5, 2}},
		{"step", sales.OrderFilter{Scope: all, Step: sales.OP5Hold}, []int{5, 2}},
		{"min level", sales.OrderFilter{Scope: all, MinLevel: sales.LevelMM}, []int{6, 5, 2}},
		{"customer", sales.OrderFilter{Scope: all, CustomerID: "C001"}, []int{5, 1}},
		{"KAM", sales.OrderFilter{Scope: all, KAMID: "kam-huanan-1"}, []int{3}},
		{"open", sales.OrderFilter{Scope: all, Open: true}, []int{6, 5, 3, 2, 1}},
		{"scope", sales.OrderFilter{Scope: sales.Scope{KAMIDs: []string{"kam-huadong-1", "kam-huadong-2"}}}, []int{5, 2, 1}},
		{"empty scope", sales.OrderFilter{}, nil},
		{"combined", sales.OrderFilter{Scope: all, Market: "华东", Status: sales.StatusHeld, MinLevel: sales.LevelSLT}, []int{5}},
		{"first page", sales.OrderFilter{Scope: all, Limit: 2}, []int{6, 5}},
		{"second page", sales.OrderFilter{Scope: all, Limit: 2, Before: "SO-2026-000005"}, []int{4, 3}},
		{"last page", sales.OrderFilter{Scope: all, Limit: 2, Before: "SO-2026-000003"}, []int{2, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.ListOrders(ctx, tc.filter)
			if err != nil {
				t.Fatalf("ListOrders: %v", err)
			}
			var nos []int
			for _, o := range got {
				var n int
				fmt.Sscanf(o.OrderNo, "SO-2026-%d", &n)
				nos = append(nos, n)
			}
			if !slices.Equal(nos, tc.want) {
				t.Errorf("ListOrders = %v, want %v", nos, tc.want)
			}
		})
	}
}

// An FSF user's order list follows the customer's KAM now: a customer
// handed to another KAM takes its orders along, old ones included.
func TestListOrdersScopeFollowsTheCustomersCurrentKAM(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	listFixture(t, st) // C001's orders 1 and 5 were placed under kam-huadong-1
	c, err := st.Customer(ctx, "C001")
	if err != nil {
		t.Fatal(err)
	}
	c.KAMID = "kam-huadong-3"
	if err := st.SaveOrganisation(ctx, sales.Organisation{Customers: []sales.Customer{c}}); err != nil {
		t.Fatal(err)
	}
	for kam, want := range map[string][]string{
		"kam-huadong-1": nil,
		"kam-huadong-3": {"SO-2026-000006", "SO-2026-000005", "SO-2026-000001"},
	} {
		got, err := st.ListOrders(ctx, sales.OrderFilter{Scope: sales.Scope{KAMIDs: []string{kam}}})
		if err != nil {
			t.Fatal(err)
		}
		var nos []string
		for _, o := range got {
			nos = append(nos, o.OrderNo)
		}
		if !slices.Equal(nos, want) {
			t.Errorf("%s lists %v, want %v", kam, nos, want)
		}
	}
}

func TestListOrdersSummarisesWithTheCustomerName(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	c := fullChanges("SO-2026-000001", 5)
	applyChanges(t, st, c)
	got, err := st.ListOrders(ctx, sales.OrderFilter{Scope: sales.Scope{All: true}})
	if err != nil || len(got) != 1 {
		t.Fatalf("ListOrders = %d orders, %v; want 1", len(got), err)
	}
	o := got[0]
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	deadline := o.NextDeadline.UTC()
	o.NextDeadline = &deadline
	want := sales.OrderSummary{
		OrderNo: "SO-2026-000001", CustomerID: "C001", CustomerName: "杭州宏达商贸有限公司", Market: "华东",
		KAMID: "kam-huadong-1", Currency: sales.CNY, Total: 648000, Outstanding: 204000,
		Status: sales.StatusShipping, Step: sales.BC5Dunning, Level: sales.LevelUM, NextDeadline: at(38),
		CreatedAt: t0, UpdatedAt: *at(32),
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("summary =\n%+v\nwant\n%+v", o, want)
	}
}

func TestListEscalationsFiltersByOrderMarketLevelAndScope(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	applyChanges(t, st, fullChanges("SO-2026-000001", 1))
	other := order("SO-2026-000002", "C006", sales.StatusBilled, sales.BC5Dunning, sales.LevelSLT)
	applyChanges(t, st, sales.OrderChanges{Order: other, Escalations: []sales.Escalation{{
		Key: "SO-2026-000002/dunning/IV/4", OrderNo: other.OrderNo, CustomerID: "C006", Market: "华南",
		Kind: sales.EscalateDunning, Subject: "overdue", Level: sales.LevelSLT, Recipients: []string{"kam-huanan-1", "dsd"}, At: *at(50),
	}}})
	all := sales.Scope{All: true}
	cases := []struct {
		name   string
		filter sales.EscalationFilter
		want   []string
	}{
		{"everything newest first", sales.EscalationFilter{Scope: all}, []string{"SO-2026-000002", "SO-2026-000001"}},
		{"order", sales.EscalationFilter{Scope: all, OrderNo: "SO-2026-000001"}, []string{"SO-2026-000001"}},
		{"market", sales.EscalationFilter{Scope: all, Market: "华南"}, []string{"SO-2026-000002"}},
		{"min level", sales.EscalationFilter{Scope: all, MinLevel: sales.LevelMM}, []string{"SO-2026-000002"}},
		{"scope", sales.EscalationFilter{Scope: sales.Scope{KAMIDs: []string{"kam-huadong-1"}}}, []string{"SO-2026-000001"}},
		{"limit", sales.EscalationFilter{Scope: all, Limit: 1}, []string{"SO-2026-000002"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.ListEscalations(ctx, tc.filter)
			if err != nil {
				t.Fatalf("ListEscalations: %v", err)
			}
			var orders []string
			for _, e := range got {
				orders = append(orders, e.OrderNo)
			}
			if !slices.Equal(orders, tc.want) {
				t.Errorf("ListEscalations = %v, want %v", orders, tc.want)
			}
		})
	}
	got, err := st.ListEscalations(ctx, sales.EscalationFilter{Scope: all, OrderNo: "SO-2026-000001"})
	if err != nil || len(got) != 1 {
		t.Fatalf("ListEscalations = %v, %v", got, err)
	}
	got[0].At = got[0].At.UTC()
	if want := fullChanges("SO-2026-000001", 1).Escalations[0]; !reflect.DeepEqual(got[0], want) {
		t.Errorf("escalation =\n%+v\nwant\n%+v", got[0], want)
	}
}

// inUTC returns o with every time in UTC, as the fixtures are written.
func inUTC(o sales.OrderSnapshot) sales.OrderSnapshot {
	utc := func(t *time.Time) {
		if t != nil {
			*t = t.UTC()
		}
	}
	utc(&o.CreatedAt)
	utc(&o.UpdatedAt)
	utc(o.NextDeadline)
	utc(o.ClosedAt)
	for i := range o.Shipments {
		utc(&o.Shipments[i].IssuedAt)
		utc(o.Shipments[i].DeliveredAt)
	}
	for i := range o.Invoices {
		utc(&o.Invoices[i].IssuedAt)
		utc(&o.Invoices[i].DueAt)
		utc(o.Invoices[i].PaidAt)
	}
	for i := range o.Receipts {
		utc(&o.Receipts[i].ReceivedAt)
	}
	return o
}
