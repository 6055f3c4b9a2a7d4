package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"osb/sales"
	"osb/workflows"
)

type created struct {
	OrderNo  string `json:"order_no"`
	Existing bool   `json:"existing"`
}

// plainSKU returns an active SKU that is not quota-controlled.
func (a *api) plainSKU() sales.SKU {
	a.t.Helper()
	var skus []sales.SKU
	a.must(200, token("ssg-lead"), "GET", "/v1/skus", nil, &skus)
	for _, s := range skus {
		if s.Active && !s.Quota {
			return s
		}
	}
	a.t.Fatal("no plain SKU in the demo catalog")
	return sales.SKU{}
}

// order places an order of qty units of sku for customer as the SSG.
func (a *api) order(customer string, sku sales.SKU, qty int64) string {
	a.t.Helper()
	var out created
	a.must(201, token("ssg-lead"), "POST", "/v1/orders", sales.OrderRequest{
		CustomerID: customer, Lines: []sales.LineRequest{{SKU: sku.Code, Quantity: qty, UnitPrice: sku.ListPrice}},
	}, &out)
	return out.OrderNo
}

// status reads the order's live status.
func (a *api) status(no string) workflows.OrderView {
	a.t.Helper()
	var v workflows.OrderView
	a.must(200, token("ssg-lead"), "GET", "/v1/orders/"+no, nil, &v)
	return v
}

// waitStatus waits until the order reaches status.
func (a *api) waitStatus(no string, want sales.OrderStatus) workflows.OrderView {
	a.t.Helper()
	var v workflows.OrderView
	eventually(a.t, 30*time.Second, fmt.Sprintf("%s to be %s", no, want), func() bool {
		v = a.status(no)
		return v.Status == want
	})
	return v
}

// visible counts workflows the Temporal visibility query finds.
func (s *system) visible(t testing.TB, query string) int {
	t.Helper()
	resp, err := s.client.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Query: query})
	if err != nil {
		t.Fatalf("visibility query %q: %v", query, err)
	}
	return len(resp.Executions)
}

// saveHistory writes the order's workflow history for the replay tests when
// OSB_RECORD_HISTORIES is set: `OSB_RECORD_HISTORIES=1 go test ./e2e/`.
func (s *system) saveHistory(t testing.TB, orderNo, name string) {
	t.Helper()
	s.saveWorkflowHistory(t, workflows.WorkflowID(orderNo), "histories", name)
}

// saveWorkflowHistory writes a workflow's history to
// workflows/testdata/<dir>/<release>-<name>.json when OSB_RECORD_HISTORIES
// is set.
func (s *system) saveWorkflowHistory(t testing.TB, workflowID, dir, name string) {
	t.Helper()
	if os.Getenv("OSB_RECORD_HISTORIES") == "" {
		return
	}
	iter := s.client.GetWorkflowHistory(context.Background(), workflowID, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var h historypb.History
	for iter.HasNext() {
		e, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, e)
	}
	b, err := protojson.MarshalOptions{Indent: " "}.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "workflows", "testdata", dir, workflows.Release+"-"+name+".json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("saved history %s", path)
}
