package e2e

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"osb/demo"
	"osb/sales"
	"osb/starter"
	"osb/workflows"
)

// The backorder test uses 华中's C015 (kam-huazhong-2) and the
// quota-controlled SKU-1012; no other test orders either.
const (
	backorderCustomer = "C015"
	backorderSKU      = "SKU-1012"
)

// A partly shipped order is closed short by the SSG: the rest's quota goes
// back, the order bills what shipped and is remitted once that is delivered
// and paid. Meanwhile the customer's KAM changes and the order's ladder is
// refreshed.
func TestBackorderClosedShortIsRemitted(t *testing.T) {
	a := newAPI(t, sales.DefaultPolicy())
	ctx := context.Background()
	period := sales.PeriodOf(time.Now())
	a.must(200, token("ssg-lead"), "PUT", "/v1/quota/"+period+"/markets/华中", map[string]any{
		"allocations": []sales.QuotaAllocation{{SKU: backorderSKU, Quantity: 20}}}, nil)
	a.must(200, token("ssg-lead"), "PUT", "/v1/quota/"+period+"/customers/"+backorderCustomer, map[string]any{
		"allocations": []sales.QuotaAllocation{{SKU: backorderSKU, Quantity: 10}}}, nil)
	plain := a.plainSKU()
	no, status := a.orderLines(backorderCustomer, []sales.LineRequest{
		{SKU: backorderSKU, Quantity: 10, UnitPrice: 58800},
		{SKU: plain.Code, Quantity: 5, UnitPrice: plain.ListPrice},
	}, nil)
	if status != string(sales.StatusReleased) {
		t.Fatalf("order is %s, want released", status)
	}
	consumed := func() int64 {
		_, c := consumedBy(a.quotaReport(period), backorderCustomer, backorderSKU)
		return c
	}
	eventually(t, 15*time.Second, "10 units consumed", func() bool { return consumed() == 10 })
	closeShort := func(want int, user, reason string) workflows.Progress {
		t.Helper()
		var p workflows.Progress
		a.must(want, token(user), "POST", "/v1/orders/"+no+"/close-backorder", map[string]string{"reason": reason}, &p)
		return p
	}
	closeShort(http.StatusConflict, "ssg-lead", "nothing shipped yet") // a cancellation, not a close

	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/acknowledge",
		map[string]string{"planned_date": time.Now().AddDate(0, 0, 1).Format(time.DateOnly)}, nil)
	var gi workflows.GoodsIssueResult
	a.must(201, token("log1"), "POST", "/v1/orders/"+no+"/goods-issues", map[string]any{
		"carrier": "德邦物流", "waybill": "DB-BO-1", "lines": []sales.LineQty{{LineNo: 1, Quantity: 6}, {LineNo: 2, Quantity: 5}},
	}, &gi)
	if gi.Backorder != 4 {
		t.Fatalf("goods issue left %d to ship, want 4", gi.Backorder)
	}

	// The customer's KAM changes: the order's ladder follows.
	refreshKAM(t, a, backorderCustomer, "kam-huazhong-1", "test-kam-change-"+no)
	eventually(t, 30*time.Second, "the order's ladder to name the new KAM", func() bool {
		return a.status(no).Ladder.KAM == "kam-huazhong-1"
	})

	closeShort(http.StatusForbidden, "kam-huazhong-1", "the FSF may not")
	closeShort(http.StatusUnprocessableEntity, "ssg-lead", " ")
	p := closeShort(http.StatusOK, "ssg-lead", "SKU-1012 已停产")
	want := 6*58800 + 5*plain.ListPrice
	if p.Backorder != 0 || p.Total != want || p.Unbilled != 0 || p.Status != sales.StatusBilled {
		t.Fatalf("after closing short: %+v; want nothing to ship and total %s", p, want)
	}
	closeShort(http.StatusConflict, "ssg-lead", "again")
	eventually(t, 15*time.Second, "the 4 unshipped units given back", func() bool { return consumed() == 6 })

	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/shipments/"+gi.ShipmentNo+"/delivery", map[string]any{}, nil)
	a.must(202, token("ssg-lead"), "POST", "/v1/orders/"+no+"/invoices/"+gi.InvoiceNo+"/acknowledge", map[string]any{}, nil)
	a.must(201, token("fin1"), "POST", "/v1/orders/"+no+"/receipts",
		map[string]any{"reference": "BANK-" + no, "amount_fen": gi.Amount, "currency": "CNY"}, nil)
	v := a.waitStatus(no, sales.StatusRemitted)
	if c := v.BackorderClosed; c == nil || c.By != "ssg-lead" || len(c.Lines) != 1 || c.Lines[0] != (sales.LineQty{LineNo: 1, Quantity: 4}) {
		t.Errorf("backorder close %+v, want line 1 ×4 by ssg-lead", c)
	}
	snap, err := a.sys.store.Order(ctx, no)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Total != want || snap.KAMID != "kam-huazhong-1" {
		t.Errorf("store: total %s KAM %s; want %s and the new KAM", snap.Total, snap.KAMID, want)
	}
	var events []sales.Event
	a.must(200, token("ssg-lead"), "GET", "/v1/orders/"+no+"/events", nil, &events)
	kinds := make([]string, len(events))
	for i, e := range events {
		kinds[i] = e.Kind
	}
	for _, k := range []string{"ladder_refreshed", "backorder_closed", "remitted"} {
		if !slices.Contains(kinds, k) {
			t.Errorf("no %s event: %v", k, kinds)
		}
	}
	a.sys.saveHistory(t, no, "backorder_closed_short_kam_changed")
}

// refreshKAM makes kam the customer's KAM in the store, as the master data
// does, and refreshes the ladders of its open orders; the test's end puts
// the demo's KAM back.
func refreshKAM(t *testing.T, a *api, customerID, kam, changeID string) {
	t.Helper()
	ctx := context.Background()
	var c sales.Customer
	for _, d := range demo.Organisation().Customers {
		if d.ID == customerID {
			c = d
		}
	}
	before := c.KAMID
	moved := c
	moved.KAMID = kam
	if err := a.sys.store.SaveOrganisation(ctx, sales.Organisation{Customers: []sales.Customer{moved}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := a.sys.store.SaveOrganisation(ctx, sales.Organisation{Customers: []sales.Customer{c}}); err != nil {
			t.Errorf("putting KAM %s back: %v", before, err)
		}
	})
	r := starter.NewLadderRefresher(a.sys.client)
	if err := r.RefreshLadders(ctx, customerID, changeID); err != nil {
		t.Fatal(err)
	}
	if err := r.RefreshLadders(ctx, customerID, changeID); err != nil { // the same change again: one refresh
		t.Fatalf("the same change refreshed again: %v", err)
	}
	if err := r.RefreshLadders(ctx, customerID, ""); sales.ErrorCode(err) != sales.ErrInvalid {
		t.Errorf("a refresh without its change id: %v, want invalid", err)
	}
}
