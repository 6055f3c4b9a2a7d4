package e2e

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/projection"
	"osb/sales"
	"osb/workflows"
)

// After PostgreSQL is restored from a backup taken before the goods issue,
// the store is behind Temporal: the rebuild rewrites the order's whole
// record from its workflow, reports what it changed, and changes nothing
// when run again.
func TestTheStoreIsRebuiltFromTheWorkflowsAfterARestore(t *testing.T) {
	a := newAPI(t, sales.DefaultPolicy())
	sku := a.plainSKU()
	no := a.order("C001", sku, 10)
	a.waitStatus(no, sales.StatusReleased)
	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/acknowledge",
		map[string]string{"planned_date": time.Now().AddDate(0, 0, 2).Format(time.DateOnly)}, nil)
	var gi workflows.GoodsIssueResult
	a.must(201, token("log1"), "POST", "/v1/orders/"+no+"/goods-issues", map[string]any{
		"carrier": "顺丰速运", "waybill": "SF1", "lines": []sales.LineQty{{LineNo: 1, Quantity: 10}},
	}, &gi)
	a.waitStatus(no, sales.StatusBilled)

	// The "restore": the order as it stood at its release.
	ctx := context.Background()
	db, err := pgx.Connect(ctx, a.sys.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	for _, sql := range []string{
		`DELETE FROM receipts WHERE order_no = $1`,
		`DELETE FROM invoices WHERE order_no = $1`,
		`DELETE FROM shipments WHERE order_no = $1`,
		`UPDATE orders SET version = 1, status = 'released', step = 'SP1', unbilled_fen = total_fen, outstanding_fen = 0 WHERE order_no = $1`,
	} {
		if _, err := db.Exec(ctx, sql, no); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}

	src := projection.Temporal{Client: a.sys.client, Namespace: a.sys.server.Namespace()}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	rep, err := projection.Rebuild(ctx, src, a.sys.store, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failed) != 0 {
		t.Fatalf("failed: %+v", rep.Failed)
	}
	var what string
	for _, c := range rep.Changes {
		if c.OrderNo == no {
			what = c.What
		}
	}
	for _, want := range []string{"status released→billed", "shipments 0→1", "invoices 0→1"} {
		if !strings.Contains(what, want) {
			t.Errorf("the rebuild reported %q for %s, want it to name %q", what, no, want)
		}
	}
	snap, err := a.sys.store.Order(ctx, no)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Status != sales.StatusBilled || len(snap.Shipments) != 1 || len(snap.Invoices) != 1 || snap.Outstanding != gi.Amount {
		t.Errorf("after the rebuild the store has %s, %d shipments, %d invoices, %s outstanding",
			snap.Status, len(snap.Shipments), len(snap.Invoices), snap.Outstanding)
	}

	again, err := projection.Rebuild(ctx, src, a.sys.store, quiet)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range again.Changes {
		if c.OrderNo == no {
			t.Errorf("run again, the rebuild changed %s: %s", no, c.What)
		}
	}
	if again.Orders < 1 || again.Unchanged < 1 {
		t.Errorf("run again: %+v", again)
	}
}
