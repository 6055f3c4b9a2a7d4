package postgres_test

import (
	"slices"
	"testing"

	"osb/sales"
)

func TestOrderNumbersPastSequence999999ListAndPageInOrder(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	scalar[int64](t, url, `SELECT setval('order_no_seq', 999997)`)
	var nos []string
	for range 4 {
		no, err := st.NextOrderNo(ctx, 2026)
		if err != nil {
			t.Fatalf("NextOrderNo: %v", err)
		}
		if !sales.ValidOrderNo(no) {
			t.Fatalf("NextOrderNo = %q, not a valid order number", no)
		}
		nos = append(nos, no)
	}
	if want := []string{"SO-2026-999998", "SO-2026-999999", "SO-2026-1000000", "SO-2026-1000001"}; !slices.Equal(nos, want) {
		t.Fatalf("order numbers = %v, want %v", nos, want)
	}
	nos = append(nos, "SO-2027-1000002") // the sequence runs on across years
	for _, no := range nos {
		applyChanges(t, st, sales.OrderChanges{Order: order(no, "C001", sales.StatusOpen, sales.OP4Credit, sales.LevelNone)})
	}

	all := sales.Scope{All: true}
	kam := sales.Scope{KAMIDs: []string{"kam-huadong-1"}}
	cases := []struct {
		name   string
		filter sales.OrderFilter
		want   []string
	}{
		{"everything newest first", sales.OrderFilter{Scope: all}, []string{"SO-2027-1000002", "SO-2026-1000001", "SO-2026-1000000", "SO-2026-999999", "SO-2026-999998"}},
		{"first page", sales.OrderFilter{Scope: all, Limit: 2}, []string{"SO-2027-1000002", "SO-2026-1000001"}},
		{"second page", sales.OrderFilter{Scope: all, Limit: 2, Before: "SO-2026-1000001"}, []string{"SO-2026-1000000", "SO-2026-999999"}},
		{"last page", sales.OrderFilter{Scope: all, Limit: 2, Before: "SO-2026-999999"}, []string{"SO-2026-999998"}},
		{"past the end", sales.OrderFilter{Scope: all, Before: "SO-2026-999998"}, nil},
		{"a KAM's page", sales.OrderFilter{Scope: kam, Limit: 2, Before: "SO-2026-1000000"}, []string{"SO-2026-999999", "SO-2026-999998"}},
		{"a six-digit cursor", sales.OrderFilter{Scope: all, Before: "SO-2026-999999", Limit: 1}, []string{"SO-2026-999998"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.ListOrders(ctx, tc.filter)
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

func TestHotLookupsHaveIndexes(t *testing.T) {
	_, url := newStore(t)
	for _, want := range []struct{ table, columns string }{
		{"shipments", "(order_no)"},
		{"invoices", "(order_no)"},
		{"notifications", "(order_no, created_at, id)"},
		{"notifications", "(created_at, id)"},
		{"orders", "(order_no_key(order_no))"},
		{"orders", "(kam_id, order_no_key(order_no))"},
	} {
		n := scalar[int](t, url, `SELECT count(*) FROM pg_indexes
			WHERE schemaname = current_schema() AND tablename = $1 AND indexdef LIKE '%USING btree ' || $2`, want.table, want.columns)
		if n != 1 {
			t.Errorf("%d indexes on %s %s, want 1", n, want.table, want.columns)
		}
	}
}
