package postgres_test

import (
	"testing"
	"time"

	"osb/sales"
)

// The customer shipment information table shows each customer's default
// address as the SSG maintains it, and for a month whose version was kept,
// as it was kept.
func TestShipmentInfoReportReadsTheKeptMonth(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	if _, err := st.KeepShipmentMonth(ctx, "2026-11", ssg, t0); err != nil {
		t.Fatal(err)
	}
	addrs := []sales.ShipTo{
		{Code: "1", Address: "浙江省杭州市余杭区仓前街道文一西路1288号"},
		{Code: "WH2", Address: "浙江省杭州市萧山区新街镇1号仓", Consignee: "李收货", Phone: "0571-5555-0102",
			UnloadingNotes: "9:00–16:00 卸货", Carrier: "德邦", Default: true},
	}
	if _, err := st.SaveShipmentInfo(ctx, sales.ShipmentInfo{CustomerID: "C001", Addresses: addrs}, ssg, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	row := func(month string) sales.ShipmentInfoRow {
		t.Helper()
		p, err := sales.MonthPeriod(month)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := st.ShipmentInfo(ctx, sales.ReportFilter{Scope: sales.Scope{All: true}, Period: p, CustomerID: "C001"})
		if err != nil || len(rows) != 1 {
			t.Fatalf("shipment information of %s: %d rows, %v", month, len(rows), err)
		}
		return rows[0]
	}
	nov := row("2026-11")
	if nov.KeptMonth != "2026-11" || nov.ShipTo != "浙江省杭州市余杭区仓前街道文一西路1288号" || nov.Consignee != "" {
		t.Errorf("November = %+v; want the address kept for November", nov)
	}
	dec := row("2026-12")
	if dec.KeptMonth != "" || dec.ShipTo != addrs[1].Address || dec.Consignee != "李收货" || dec.Phone != "0571-5555-0102" ||
		dec.UnloadingNotes != "9:00–16:00 卸货" || dec.PreferredCarrier != "德邦" {
		t.Errorf("December (no version kept) = %+v; want the default address as it stands", dec)
	}
}
