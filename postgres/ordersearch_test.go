package postgres_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"osb/postgres"
	"osb/sales"
)

// searchFixture writes five orders to search among (Beijing times):
//
//	SO-2025-000009  C003  2025-12-31 10:00  SKU-1003
//	SO-2026-000001  C001  2026-03-01 23:30  SKU-1001; ref PO-A; shipped on SF100 and invoiced (IV-1)
//	SO-2026-000002  C001  2026-03-02 00:30  SKU-1006; ref PO-B
//	SO-2026-000010  C006  2026-02-28 10:00  SKU-1001, SKU-1006; shipped on SF100 and SF200, invoiced (IV-10)
//	SO-2026-1000000 C006  2026-03-05 12:00  SKU-1010; ref PO-A
func searchFixture(t *testing.T, st *postgres.Store) {
	t.Helper()
	bj := func(d string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", d, sales.Beijing)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	type shipment struct{ waybill, invoice string }
	rows := []struct {
		no, customer, ref, created string
		skus                       []string
		shipments                  []shipment
	}{
		{"SO-2025-000009", "C003", "", "2025-12-31 10:00", []string{"SKU-1003"}, nil},
		{"SO-2026-000001", "C001", "PO-A", "2026-03-01 23:30", []string{"SKU-1001"}, []shipment{{"SF100", "IV-1"}}},
		{"SO-2026-000002", "C001", "PO-B", "2026-03-02 00:30", []string{"SKU-1006"}, nil},
		{"SO-2026-000010", "C006", "", "2026-02-28 10:00", []string{"SKU-1001", "SKU-1006"}, []shipment{{"SF100", ""}, {"SF200", "IV-10"}}},
		{"SO-2026-1000000", "C006", "PO-A", "2026-03-05 12:00", []string{"SKU-1010"}, nil},
	}
	for _, r := range rows {
		o := order(r.no, r.customer, sales.StatusShipping, sales.SP4GoodsIssue, sales.LevelNone)
		o.ClientRef, o.CreatedAt, o.UpdatedAt = r.ref, bj(r.created), bj(r.created)
		o.Lines = nil
		for i, sku := range r.skus {
			o.Lines = append(o.Lines, sales.Line{LineNo: i + 1, SKU: sku, Quantity: 10, UnitPrice: 2880})
		}
		for i, sh := range r.shipments {
			no := fmt.Sprintf("SH-%s-%d", r.no, i+1)
			o.Shipments = append(o.Shipments, sales.Shipment{No: no, Lines: []sales.LineQty{{LineNo: 1, Quantity: 1}},
				Carrier: "顺丰速运", Waybill: sh.waybill, IssuedAt: o.CreatedAt.Add(sales.Day), InvoiceNo: sh.invoice})
			if sh.invoice != "" {
				o.Invoices = append(o.Invoices, sales.Invoice{No: sh.invoice, ShipmentNo: no, Currency: sales.CNY,
					Amount: 2880, IssuedAt: o.CreatedAt.Add(sales.Day), DueAt: o.CreatedAt.Add(31 * sales.Day)})
			}
		}
		applyChanges(t, st, sales.OrderChanges{Order: o})
	}
}

func TestListOrdersSearches(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	searchFixture(t, st)
	all := sales.Scope{All: true}
	cases := []struct {
		name   string
		filter sales.OrderFilter
		want   []string
	}{
		{"everything, newest first", sales.OrderFilter{}, []string{"SO-2026-1000000", "SO-2026-000010", "SO-2026-000002", "SO-2026-000001", "SO-2025-000009"}},
		{"number", sales.OrderFilter{OrderNo: "SO-2026-000010"}, []string{"SO-2026-000010"}},
		{"a number is not a beginning of itself with more digits", sales.OrderFilter{OrderNo: "SO-2026-000001"}, []string{"SO-2026-000001"}},
		{"number's beginning", sales.OrderFilter{OrderNo: "SO-2026-00000"}, []string{"SO-2026-000002", "SO-2026-000001"}},
		{"year", sales.OrderFilter{OrderNo: "SO-2026"}, []string{"SO-2026-1000000", "SO-2026-000010", "SO-2026-000002", "SO-2026-000001"}},
		{"seven-digit sequence's beginning", sales.OrderFilter{OrderNo: "SO-2026-1"}, []string{"SO-2026-1000000"}},
		{"no such number", sales.OrderFilter{OrderNo: "SO-2026-000003"}, nil},
		{"client reference", sales.OrderFilter{ClientRef: "PO-A"}, []string{"SO-2026-1000000", "SO-2026-000001"}},
		{"client reference and customer", sales.OrderFilter{ClientRef: "PO-A", CustomerID: "C001"}, []string{"SO-2026-000001"}},
		{"client reference is whole", sales.OrderFilter{ClientRef: "PO-"}, nil},
		{"created on a Beijing day: 23:30 is still that day", sales.OrderFilter{CreatedFrom: "2026-03-01", CreatedTo: "2026-03-01"}, []string{"SO-2026-000001"}},
		{"created on the next Beijing day", sales.OrderFilter{CreatedFrom: "2026-03-02", CreatedTo: "2026-03-02"}, []string{"SO-2026-000002"}},
		{"created from", sales.OrderFilter{CreatedFrom: "2026-03-02"}, []string{"SO-2026-1000000", "SO-2026-000002"}},
		{"created to", sales.OrderFilter{CreatedTo: "2026-02-28"}, []string{"SO-2026-000010", "SO-2025-000009"}},
		{"created range", sales.OrderFilter{CreatedFrom: "2026-01-01", CreatedTo: "2026-03-01"}, []string{"SO-2026-000010", "SO-2026-000001"}},
		{"SKU", sales.OrderFilter{SKU: "SKU-1001"}, []string{"SO-2026-000010", "SO-2026-000001"}},
		{"SKU on a second line", sales.OrderFilter{SKU: "SKU-1006"}, []string{"SO-2026-000010", "SO-2026-000002"}},
		{"SKU nobody ordered", sales.OrderFilter{SKU: "SKU-1015"}, nil},
		{"invoice", sales.OrderFilter{InvoiceNo: "IV-10"}, []string{"SO-2026-000010"}},
		{"invoice is whole", sales.OrderFilter{InvoiceNo: "IV-"}, nil},
		{"waybill on two orders", sales.OrderFilter{Waybill: "SF100"}, []string{"SO-2026-000010", "SO-2026-000001"}},
		{"waybill of a second shipment", sales.OrderFilter{Waybill: "SF200"}, []string{"SO-2026-000010"}},
		{"every search at once", sales.OrderFilter{OrderNo: "SO-2026-0000", SKU: "SKU-1001", Waybill: "SF100", InvoiceNo: "IV-1",
			CreatedFrom: "2026-03-01", CreatedTo: "2026-03-01", ClientRef: "PO-A"}, []string{"SO-2026-000001"}},
		{"searches within the scope", sales.OrderFilter{Waybill: "SF100", Scope: sales.Scope{KAMIDs: []string{"kam-huadong-1"}}}, []string{"SO-2026-000001"}},
		{"searches page", sales.OrderFilter{SKU: "SKU-1001", Limit: 1, Before: "SO-2026-000010"}, []string{"SO-2026-000001"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.filter
			if f.Scope.KAMIDs == nil {
				f.Scope = all
			}
			got, err := st.ListOrders(ctx, f)
			if err != nil {
				t.Fatalf("ListOrders: %v", err)
			}
			var nos []string
			for _, o := range got {
				nos = append(nos, o.OrderNo)
			}
			if !slices.Equal(nos, tc.want) {
				t.Errorf("ListOrders = %v, want %v", nos, tc.want)
			}
		})
	}
}

func TestListOrdersRefusesBadSearchesByField(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	for _, tc := range []struct {
		filter sales.OrderFilter
		field  string
	}{
		{sales.OrderFilter{OrderNo: "PO-2026"}, "order_no"},
		{sales.OrderFilter{OrderNo: "SO-2026-000001%"}, "order_no"},
		{sales.OrderFilter{CreatedFrom: "2026-3-1"}, "created_from"},
		{sales.OrderFilter{CreatedTo: "2026-02-30"}, "created_to"},
		{sales.OrderFilter{CreatedFrom: "2026-03-02", CreatedTo: "2026-03-01"}, "created_to"},
		{sales.OrderFilter{SKU: "SKU\x00"}, "sku"},
	} {
		tc.filter.Scope = sales.Scope{All: true}
		_, err := st.ListOrders(ctx, tc.filter)
		wantCode(t, err, sales.ErrInvalid)
		var fields []string
		for _, p := range tc.filter.Validate() {
			fields = append(fields, p.Field)
		}
		if !slices.Equal(fields, []string{tc.field}) {
			t.Errorf("%+v: problems in %v, want %s", tc.filter, fields, tc.field)
		}
	}
}
