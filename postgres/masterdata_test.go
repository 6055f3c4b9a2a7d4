package postgres_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"osb/sales"
)

var (
	ssg = sales.Actor{UserID: "csr1", Role: sales.RoleSSG}
	sd  = sales.Actor{UserID: "sd", Role: sales.RoleSLT}
	dsd = sales.Actor{UserID: "dsd", Role: sales.RoleSLT}
)

func TestSaveCustomerAuditsEachChangeAndNothingElse(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	c := sales.CustomerRecord{ID: "C100", Name: "合肥新客商贸", Market: "华东", KAMID: "kam-huadong-2", PaymentTermsDays: 30, Currency: sales.CNY, Active: true}
	if _, _, err := st.SaveCustomer(ctx, c, true, ssg, t0); err != nil {
		t.Fatalf("create: %v", err)
	}
	_, _, err := st.SaveCustomer(ctx, c, true, ssg, t0)
	wantCode(t, err, sales.ErrConflict)
	if _, _, err := st.SaveCustomer(ctx, c, false, ssg, t0.Add(time.Minute)); err != nil {
		t.Fatalf("save unchanged: %v", err)
	}
	if n := scalar[int](t, url, `SELECT count(*) FROM audit_log WHERE entity = 'customer' AND key = 'C100'`); n != 1 {
		t.Errorf("creating and saving unchanged wrote %d audit rows, want 1", n)
	}
	c.Name, c.PaymentTermsDays = "合肥新客商贸有限公司", 45
	if _, h, err := st.SaveCustomer(ctx, c, false, ssg, t0.Add(2*time.Minute)); err != nil || h != nil {
		t.Fatalf("update: %v (KAM change %v)", err, h)
	}
	trail, err := st.AuditTrail(ctx, sales.EntityCustomer, "C100", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(trail) != 2 || trail[0].Action != sales.AuditUpdate || trail[1].Action != sales.AuditCreate {
		t.Fatalf("trail = %+v, want update then create", trail)
	}
	var before, after sales.CustomerRecord
	if json.Unmarshal(trail[0].Before, &before) != nil || json.Unmarshal(trail[0].After, &after) != nil ||
		before.PaymentTermsDays != 30 || after.PaymentTermsDays != 45 || trail[0].Actor != "csr1" || !trail[0].At.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("update's record: %s → %s by %s at %v", trail[0].Before, trail[0].After, trail[0].Actor, trail[0].At)
	}
	_, _, err = st.SaveCustomer(ctx, sales.CustomerRecord{ID: "C404", Name: "x", Market: "华东", KAMID: "kam-huadong-2", Currency: sales.CNY}, false, ssg, t0)
	wantCode(t, err, sales.ErrNotFound)
	c.Market, c.ID = "火星", "C101"
	_, _, err = st.SaveCustomer(ctx, c, true, ssg, t0)
	wantCode(t, err, sales.ErrInvalid)
}

func TestChangeKAMKeepsHistoryAndMovesScope(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	h, changed, err := st.ChangeKAM(ctx, "C001", sales.KAMChange{KAMID: "kam-huadong-2", Reason: "彭磊调岗"}, ssg, t0)
	if err != nil || !changed {
		t.Fatalf("ChangeKAM: %v (changed %v)", err, changed)
	}
	if h.From != "kam-huadong-1" || h.To != "kam-huadong-2" || h.By != "csr1" || h.ChangeID == "" {
		t.Errorf("handover = %+v", h)
	}
	again, changed, err := st.ChangeKAM(ctx, "C001", sales.KAMChange{KAMID: "kam-huadong-2"}, ssg, t0.Add(time.Minute))
	if err != nil || changed || again.ChangeID != h.ChangeID {
		t.Errorf("retried change = %+v, changed %v, %v; want the first change %s again", again, changed, err, h.ChangeID)
	}
	hist, err := st.KAMHistory(ctx, "C001")
	if err != nil || len(hist) != 1 || hist[0].Reason != "彭磊调岗" {
		t.Errorf("history = %+v, %v", hist, err)
	}
	old, _ := st.Customers(ctx, sales.Scope{KAMIDs: []string{"kam-huadong-1"}})
	now, _ := st.Customers(ctx, sales.Scope{KAMIDs: []string{"kam-huadong-2"}})
	has := func(cs []sales.Customer, id string) bool {
		return slices.ContainsFunc(cs, func(c sales.Customer) bool { return c.ID == id })
	}
	if has(old, "C001") || !has(now, "C001") {
		t.Errorf("after the change C001 is in the old KAM's scope %v, the new KAM's %v", has(old, "C001"), has(now, "C001"))
	}
	if l, err := st.Ladder(ctx, "C001"); err != nil || l.KAM != "kam-huadong-2" || l.UM != "um-huadong-1" {
		t.Errorf("ladder = %+v, %v", l, err)
	}
	if n := scalar[int](t, url, `SELECT count(*) FROM audit_log WHERE entity = 'customer' AND key = 'C001' AND action = 'kam_change'`); n != 1 {
		t.Errorf("%d KAM change audit rows, want 1", n)
	}
	for _, kam := range []string{"nobody", "csr2", "mm-huadong"} {
		if kam == "mm-huadong" {
			continue
		}
		_, _, err := st.ChangeKAM(ctx, "C001", sales.KAMChange{KAMID: kam}, ssg, t0)
		wantCode(t, err, sales.ErrInvalid)
	}
}

func TestShipmentInfoKeepsMonthlyVersions(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	info, err := st.CustomerShipmentInfo(ctx, "C001", "")
	if err != nil || len(info.Addresses) != 1 || !info.Addresses[0].Default || !strings.Contains(info.Addresses[0].Address, "文一西路") {
		t.Fatalf("demo C001's shipment information = %+v, %v; want its ship-to as the default", info, err)
	}
	if _, err := st.KeepShipmentMonth(ctx, "2026-11", ssg, t0); err != nil {
		t.Fatal(err)
	}
	addrs := []sales.ShipTo{
		{Code: "1", Address: "浙江省杭州市余杭区仓前街道文一西路1288号", Consignee: "王仓管", Phone: "0571-5555-0101", Carrier: "顺丰"},
		{Code: "WH2", Address: "浙江省杭州市萧山区新街镇1号仓", Consignee: "李收货", UnloadingNotes: "9:00–16:00 卸货", Default: true},
	}
	changed, err := st.SaveShipmentInfo(ctx, sales.ShipmentInfo{CustomerID: "C001", Addresses: addrs}, ssg, t0.Add(time.Hour))
	if err != nil || !changed {
		t.Fatalf("SaveShipmentInfo: %v (changed %v)", err, changed)
	}
	if changed, err := st.SaveShipmentInfo(ctx, sales.ShipmentInfo{CustomerID: "C001", Addresses: addrs}, ssg, t0.Add(time.Hour)); err != nil || changed {
		t.Errorf("saving the same again: changed %v, %v", changed, err)
	}
	if c, _ := st.Customer(ctx, "C001"); c.ShipTo != "浙江省杭州市萧山区新街镇1号仓" {
		t.Errorf("customers.ship_to = %q, want the new default address", c.ShipTo)
	}
	nov, err := st.CustomerShipmentInfo(ctx, "C001", "2026-11")
	if err != nil || len(nov.Addresses) != 1 || nov.Addresses[0].Consignee != "" {
		t.Errorf("November's version = %+v, %v; want the one address as it was", nov, err)
	}
	cur, _ := st.CustomerShipmentInfo(ctx, "C001", "")
	if !slices.Equal(cur.Addresses, addrs) {
		t.Errorf("current = %+v, want %+v", cur.Addresses, addrs)
	}
	if _, err := st.KeepShipmentMonth(ctx, "2026-12", ssg, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	dec, _ := st.CustomerShipmentInfo(ctx, "C001", "2026-12")
	if !slices.Equal(dec.Addresses, addrs) {
		t.Errorf("December's version = %+v, want %+v", dec.Addresses, addrs)
	}
	_, err = st.CustomerShipmentInfo(ctx, "C001", "2026-10")
	wantCode(t, err, sales.ErrNotFound)
	vs, err := st.ShipmentInfoVersions(ctx)
	if err != nil || len(vs) != 2 || vs[0].Month != "2026-12" || vs[1].Addresses != 20 {
		t.Errorf("versions = %+v, %v", vs, err)
	}
	bad := []sales.ShipTo{{Code: "1", Address: "x", Default: true}}
	_, err = st.SaveShipmentInfo(ctx, sales.ShipmentInfo{CustomerID: "C404", Addresses: bad}, ssg, t0)
	wantCode(t, err, sales.ErrNotFound)
	if n := scalar[int](t, url, `SELECT count(*) FROM audit_log WHERE entity = 'shipment_info'`); n != 3 {
		t.Errorf("%d shipment information audit rows, want 3 (two months kept, one change)", n)
	}
}

func day(s string) time.Time {
	d, err := sales.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestThePriceInForceOnADate(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	const bp = 500
	save := func(e sales.PriceEntry) sales.PriceSaved {
		t.Helper()
		e.Currency = sales.CNY
		s, err := st.SavePrice(ctx, e, bp, ssg, t0)
		if err != nil {
			t.Fatalf("SavePrice %+v: %v", e, err)
		}
		if s.Pending != nil {
			t.Fatalf("SavePrice %+v is pending", e)
		}
		return s
	}
	save(sales.PriceEntry{SKU: "SKU-1001", Price: 2900, EffectiveFrom: "2026-12-01"})
	save(sales.PriceEntry{SKU: "SKU-1001", Price: 3000, EffectiveFrom: "2027-01-01"})
	save(sales.PriceEntry{CustomerID: "C001", SKU: "SKU-1001", Price: 2800, EffectiveFrom: "2026-12-10", EffectiveTo: "2026-12-20"})
	for _, c := range []struct {
		customer, on string
		want         sales.Fen
		source       string
	}{
		{"C001", "2026-11-30", 2880, sales.PriceFromSKU},
		{"C001", "2026-12-01", 2900, sales.PriceFromPriceList},
		{"C001", "2026-12-10", 2800, sales.PriceFromCustomer},
		{"C001", "2026-12-20", 2800, sales.PriceFromCustomer},
		{"C001", "2026-12-21", 2900, sales.PriceFromPriceList},
		{"C002", "2026-12-15", 2900, sales.PriceFromPriceList},
		{"C001", "2027-01-01", 3000, sales.PriceFromPriceList},
	} {
		got, err := st.PricedCatalogue(ctx, c.customer, day(c.on), []string{"SKU-1001", "SKU-1002"})
		if err != nil {
			t.Fatal(err)
		}
		if k := got["SKU-1001"]; k.ListPrice != c.want || k.Source != c.source || got["SKU-1002"].ListPrice != 3360 {
			t.Errorf("%s on %s: %s from %s, want %s from %s", c.customer, c.on, k.ListPrice, k.Source, c.want, c.source)
		}
		skus, err := st.PricedSKUs(ctx, c.customer, day(c.on).Add(23*time.Hour), []string{"SKU-1001", "NOPE"})
		if err != nil || skus["SKU-1001"].ListPrice != c.want || len(skus) != 1 {
			t.Errorf("PricedSKUs %s late on %s = %+v, %v", c.customer, c.on, skus, err)
		}
	}
	if s := save(sales.PriceEntry{SKU: "SKU-1001", Price: 2900, EffectiveFrom: "2026-12-01"}); s.Changed {
		t.Error("saving the same entry again changed it")
	}
	_, err := st.SavePrice(ctx, sales.PriceEntry{SKU: "SKU-9999", Price: 100, Currency: sales.CNY, EffectiveFrom: "2026-12-01"}, bp, ssg, t0)
	wantCode(t, err, sales.ErrInvalid)
}

func TestAPriceBelowTheDiscountAuthorityWaitsForAnotherSLTMember(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	const bp = 500 // SKU-1003 lists at 45.00: 42.75 is the floor
	within, err := st.SavePrice(ctx, sales.PriceEntry{SKU: "SKU-1003", Price: 4275, Currency: sales.CNY, EffectiveFrom: "2026-12-01"}, bp, ssg, t0)
	if err != nil || within.Pending != nil || !within.Changed {
		t.Fatalf("a price within the authority: %+v, %v", within, err)
	}
	below, err := st.SavePrice(ctx, sales.PriceEntry{CustomerID: "C002", SKU: "SKU-1003", Price: 3000, Currency: sales.CNY, EffectiveFrom: "2026-12-05"}, bp, sd, t0)
	if err != nil || below.Pending == nil || below.Pending.InForce != 4275 || below.Changed {
		t.Fatalf("a price far below: %+v, %v; want pending against 42.75", below, err)
	}
	if k, _ := st.PricedCatalogue(ctx, "C002", day("2026-12-06"), []string{"SKU-1003"}); k["SKU-1003"].ListPrice != 4275 {
		t.Errorf("the pending price is in force already: %s", k["SKU-1003"].ListPrice)
	}
	if again, _ := st.SavePrice(ctx, below.Entry, bp, sd, t0); again.Pending == nil || again.Pending.ID != below.Pending.ID {
		t.Errorf("asking again made another change: %+v", again.Pending)
	}
	pending, err := st.PriceChanges(ctx, sales.PricePending)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending = %+v, %v", pending, err)
	}
	_, err = st.DecidePriceChange(ctx, pending[0].ID, sales.PriceDecision{Approve: true}, sd, t0)
	wantCode(t, err, sales.ErrForbidden)
	c, err := st.DecidePriceChange(ctx, pending[0].ID, sales.PriceDecision{Approve: true}, dsd, t0.Add(time.Hour))
	if err != nil || c.Status != sales.PriceApproved || c.DecidedBy != "dsd" {
		t.Fatalf("approve: %+v, %v", c, err)
	}
	if k, _ := st.PricedCatalogue(ctx, "C002", day("2026-12-06"), []string{"SKU-1003"}); k["SKU-1003"].ListPrice != 3000 {
		t.Errorf("the approved price is not in force: %s", k["SKU-1003"].ListPrice)
	}
	_, err = st.DecidePriceChange(ctx, pending[0].ID, sales.PriceDecision{Reason: "no"}, dsd, t0)
	wantCode(t, err, sales.ErrConflict)

	r, _ := st.SavePrice(ctx, sales.PriceEntry{SKU: "SKU-1004", Price: 100, Currency: sales.CNY, EffectiveFrom: "2026-12-01"}, bp, ssg, t0)
	rejected, err := st.DecidePriceChange(ctx, r.Pending.ID, sales.PriceDecision{Reason: "低于成本"}, sd, t0)
	if err != nil || rejected.Status != sales.PriceRejected || rejected.Reason != "低于成本" {
		t.Fatalf("reject: %+v, %v", rejected, err)
	}
	if k, _ := st.PricedCatalogue(ctx, "", day("2026-12-06"), []string{"SKU-1004"}); k["SKU-1004"].ListPrice != 4800 {
		t.Errorf("the rejected price is in force: %s", k["SKU-1004"].ListPrice)
	}
	trail, _ := st.AuditTrail(ctx, sales.EntityCustomerPrice, "C002/SKU-1003/2026-12-05", 0)
	if len(trail) != 1 || trail[0].Actor != "dsd" {
		t.Errorf("the approved price's trail = %+v, want one record by its approver", trail)
	}
}
