package starter

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"osb/sales"
	"osb/workflows"
)

// fakeQuota records what the API asked of the quota and POP store.
type fakeQuota struct {
	mu       sync.Mutex
	calls    []string
	setErr   error
	popErr   error
	period   string
	who      string
	allocs   sales.QuotaAllocations
	by       string
	scope    *sales.Scope
	request  *sales.POPStandalone
	items    []sales.POPItem
	budget   sales.Fen
	usageFor string
}

func (q *fakeQuota) note(call string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.calls = append(q.calls, call)
}

func (q *fakeQuota) SetMarketQuota(_ context.Context, period, market string, a sales.QuotaAllocations, by string, _ time.Time) error {
	q.note("market")
	q.period, q.who, q.allocs, q.by = period, market, a, by
	return q.setErr
}

func (q *fakeQuota) SetCustomerQuota(_ context.Context, period, customer string, a sales.QuotaAllocations, by string, _ time.Time) error {
	q.note("customer")
	q.period, q.who, q.allocs, q.by = period, customer, a, by
	return q.setErr
}

func (q *fakeQuota) QuotaReport(_ context.Context, period string, scope sales.Scope) (sales.QuotaReport, error) {
	q.note("report")
	q.scope = &scope
	return sales.QuotaReport{Period: period, Markets: []sales.MarketQuota{{Period: period, Market: "华东", SKU: "SKU-B", Allocated: 100}}}, nil
}

func (q *fakeQuota) ListPOPItems(context.Context) ([]sales.POPItem, error) {
	q.note("items")
	return q.items, nil
}

func (q *fakeQuota) SavePOPItem(_ context.Context, i sales.POPItem) error {
	q.note("save item")
	q.items = append(q.items, i)
	return nil
}

func (q *fakeQuota) SetPOPBudget(_ context.Context, month, market string, budget sales.Fen, by string, _ time.Time) (sales.POPBudget, error) {
	q.note("budget")
	q.period, q.who, q.budget, q.by = month, market, budget, by
	return sales.POPBudget{Month: month, Market: market, Budget: budget, Currency: sales.CNY}, nil
}

func (q *fakeQuota) RequestPOP(_ context.Context, req sales.POPStandalone, by string, at time.Time) (sales.POPRecord, error) {
	q.note("request")
	q.request, q.by = &req, by
	if q.popErr != nil {
		return sales.POPRecord{}, q.popErr
	}
	return sales.POPRecord{RequestNo: "PR-2026-000001", CustomerID: req.CustomerID, Items: req.Items, RequestedBy: by, RequestedAt: at}, nil
}

func (q *fakeQuota) POPUsage(_ context.Context, customer, month string) (sales.POPUsageReport, error) {
	q.note("usage")
	q.usageFor = customer + "/" + month
	return sales.POPUsageReport{CustomerID: customer, Rows: []sales.POPUsageRow{}, Budgets: []sales.POPBudget{}}, nil
}

func TestQuotaAllocationsAreSetBySSGOrSLT(t *testing.T) {
	f := newFixture(t)
	body := map[string]any{"allocations": []map[string]any{{"sku": "SKU-B", "quantity": 100}}}
	wantError(t, f.do(t, "PUT", "/v1/quota/2026-03/markets/华东", "t-kam1", body), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "PUT", "/v1/quota/2026-13/markets/华东", "t-ssg", body), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantError(t, f.do(t, "PUT", "/v1/quota/2026-03/markets/华东", "t-ssg", `{"allocation":[]}`), http.StatusBadRequest, sales.ErrInvalid)

	rec := f.do(t, "PUT", "/v1/quota/2026-03/markets/华东", "t-ssg", body)
	wantStatus(t, rec, http.StatusOK)
	if got := decodeAs[sales.QuotaReport](t, rec); got.Period != "2026-03" || len(got.Markets) != 1 {
		t.Errorf("report %+v", got)
	}
	want := sales.QuotaAllocations{Allocations: []sales.QuotaAllocation{{SKU: "SKU-B", Quantity: 100}}}
	if f.quota.period != "2026-03" || f.quota.who != "华东" || f.quota.by != "u-ssg" || !reflect.DeepEqual(f.quota.allocs, want) {
		t.Errorf("store asked %s %s by %s: %+v", f.quota.period, f.quota.who, f.quota.by, f.quota.allocs)
	}

	f.quota.setErr = sales.Errorf(sales.ErrInvalid, "the market's customers would hold more than the market")
	wantError(t, f.do(t, "PUT", "/v1/quota/2026-03/customers/C-001", "t-slt", body), http.StatusUnprocessableEntity, sales.ErrInvalid)
	if f.quota.who != "C-001" || f.quota.by != "u-sd" {
		t.Errorf("customer allocation asked for %s by %s", f.quota.who, f.quota.by)
	}
}

func TestQuotaReportIsScoped(t *testing.T) {
	f := newFixture(t)
	wantStatus(t, f.do(t, "GET", "/v1/quota/2026-03", "t-um", nil), http.StatusOK)
	if want := (sales.Scope{KAMIDs: []string{"u-um", "u-kam1"}}); !reflect.DeepEqual(*f.quota.scope, want) {
		t.Errorf("scope %+v, want %+v", *f.quota.scope, want)
	}
	wantStatus(t, f.do(t, "GET", "/v1/quota/2026-03", "t-fin", nil), http.StatusOK)
	if !f.quota.scope.All {
		t.Errorf("finance scope %+v", *f.quota.scope)
	}
	wantError(t, f.do(t, "GET", "/v1/quota/2026-03?market=华东", "t-fin", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
}

func TestPOPItemsAndBudgets(t *testing.T) {
	f := newFixture(t)
	wantError(t, f.do(t, "POST", "/v1/pop/items", "t-ssg", map[string]any{"code": "P 1", "name": "", "unit_cost_fen": 0}),
		http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantError(t, f.do(t, "POST", "/v1/pop/items", "t-kam1", map[string]any{"code": "POSTER", "name": "海报", "unit_cost_fen": 500}),
		http.StatusForbidden, sales.ErrForbidden)
	rec := f.do(t, "POST", "/v1/pop/items", "t-ssg", map[string]any{"code": "POSTER", "name": "海报", "unit_cost_fen": 500, "active": true})
	wantStatus(t, rec, http.StatusCreated)
	if got := decodeAs[sales.POPItem](t, rec); got.Currency != sales.CNY || got.Unit == "" {
		t.Errorf("defaults not filled: %+v", got)
	}
	if got := decodeAs[[]sales.POPItem](t, f.do(t, "GET", "/v1/pop/items", "t-log", nil)); len(got) != 1 || got[0].Code != "POSTER" {
		t.Errorf("items %+v", got)
	}
	rec = f.do(t, "PUT", "/v1/pop/budgets/2026-03/华东", "t-slt", map[string]any{"budget_fen": 500000})
	wantStatus(t, rec, http.StatusOK)
	if f.quota.period != "2026-03" || f.quota.who != "华东" || f.quota.budget != 500000 {
		t.Errorf("budget asked %s %s %d", f.quota.period, f.quota.who, f.quota.budget)
	}
	wantError(t, f.do(t, "PUT", "/v1/pop/budgets/March/华东", "t-slt", map[string]any{"budget_fen": 1}), http.StatusUnprocessableEntity, sales.ErrInvalid)
}

func TestPOPRequestsAndUsageAreScoped(t *testing.T) {
	f := newFixture(t)
	req := map[string]any{"customer_id": "C-002", "items": []map[string]any{{"item": "POSTER", "quantity": 5}}}
	wantError(t, f.do(t, "POST", "/v1/pop/requests", "t-kam1", req), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "POST", "/v1/pop/requests", "t-log", req), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "POST", "/v1/pop/requests", "t-kam1", map[string]any{"items": []any{}}), http.StatusUnprocessableEntity, sales.ErrInvalid)
	if n := len(f.quota.calls); n != 0 {
		t.Errorf("refused requests reached the store: %v", f.quota.calls)
	}
	req["customer_id"] = "C-001"
	rec := f.do(t, "POST", "/v1/pop/requests", "t-kam1", req)
	wantStatus(t, rec, http.StatusCreated)
	if got := decodeAs[sales.POPRecord](t, rec); got.RequestNo == "" || f.quota.by != "u-kam1" {
		t.Errorf("record %+v by %s", got, f.quota.by)
	}
	f.quota.popErr = sales.Errorf(sales.ErrConflict, "POP request refused: over the 华东 POP budget for 2026-03")
	e := wantError(t, f.do(t, "POST", "/v1/pop/requests", "t-ssg", req), http.StatusConflict, sales.ErrConflict)
	if e.Message != "POP request refused: over the 华东 POP budget for 2026-03" {
		t.Errorf("message %q", e.Message)
	}

	wantError(t, f.do(t, "GET", "/v1/pop/usage", "t-ssg", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantError(t, f.do(t, "GET", "/v1/pop/usage?customer_id=C-002", "t-kam1", nil), http.StatusForbidden, sales.ErrForbidden)
	wantStatus(t, f.do(t, "GET", "/v1/pop/usage?customer_id=C-001&month=2026-03", "t-kam1", nil), http.StatusOK)
	if f.quota.usageFor != "C-001/2026-03" {
		t.Errorf("usage asked for %s", f.quota.usageFor)
	}
}

func TestReturnsAreMessagesToTheOrder(t *testing.T) {
	f := newFixture(t)
	no := f.startOrder(t, "C-001")
	f.orders.updateResult = workflows.ReturnResult{Return: sales.Return{No: "RT-2026-000001-1", Status: sales.ReturnRequested}}
	body := map[string]any{"lines": []sales.LineQty{{LineNo: 1, Quantity: 2}}, "reason": "broken"}
	wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/returns", "t-log", body), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/returns", "t-kam2", body), http.StatusNotFound, sales.ErrNotFound)
	rec := f.do(t, "POST", "/v1/orders/"+no+"/returns", "t-kam1", body, "Idempotency-Key", "k1")
	wantStatus(t, rec, http.StatusCreated)
	if got := decodeAs[workflows.ReturnResult](t, rec); got.Return.No != "RT-2026-000001-1" {
		t.Errorf("answer %+v", got)
	}
	u := f.orders.updates[len(f.orders.updates)-1]
	in, ok := u.arg.(workflows.ReturnRequestInput)
	if u.name != workflows.UpdateRequestReturn || u.id != workflows.UpdateRequestReturn+"/k1" || !ok ||
		in.Actor.UserID != "u-kam1" || in.Reason != "broken" || len(in.Lines) != 1 {
		t.Errorf("update %+v", u)
	}

	wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/returns/RT-2026-000001-1/decision", "t-ssg", map[string]any{"decision": "approve"}),
		http.StatusForbidden, sales.ErrForbidden)
	wantStatus(t, f.do(t, "POST", "/v1/orders/"+no+"/returns/RT-2026-000001-1/decision", "t-um", map[string]any{"decision": "approve"}), http.StatusOK)
	u = f.orders.updates[len(f.orders.updates)-1]
	if d, ok := u.arg.(workflows.ReturnDecisionInput); !ok || d.ReturnNo != "RT-2026-000001-1" || d.Actor.UserID != "u-um" || d.Decision != "approve" {
		t.Errorf("decision %+v", u.arg)
	}

	f.orders.updateErr = sales.Errorf(sales.ErrConflict, "return RT-2026-000001-1 is requested, not waiting for the goods")
	wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/returns/RT-2026-000001-1/receipt", "t-log",
		map[string]any{"lines": []sales.LineQty{{LineNo: 1, Quantity: 1}}}), http.StatusConflict, sales.ErrConflict)
	u = f.orders.updates[len(f.orders.updates)-1]
	if rc, ok := u.arg.(workflows.ReturnReceiptInput); !ok || rc.Actor.UserID != "u-log" || rc.Lines[0].Quantity != 1 {
		t.Errorf("receipt %+v", u.arg)
	}
}

// A remitted order's workflow has completed: a return request within the
// window starts it again from the input its last run left in the store; after
// the window, or with nothing to start from, it is a conflict.
func TestAReturnOnARemittedOrderReopensIt(t *testing.T) {
	f := newFixture(t)
	const no = "SO-2025-000007"
	f.store.snapshots[no] = sales.OrderSnapshot{OrderNo: no, CustomerID: "C-001", KAMID: "u-kam1", Status: sales.StatusRemitted, Step: sales.BC7Close}
	body := map[string]any{"lines": []sales.LineQty{{LineNo: 1, Quantity: 2}}, "reason": "过期"}
	resume := func(until time.Time) {
		in := workflows.OrderInput{OrderNo: no, Reopen: true, State: &workflows.OrderState{OrderNo: no, CustomerID: "C-001",
			Status: sales.StatusRemitted, ReturnsUntil: &until}, Book: &workflows.RunBook{}}
		b, err := workflows.EncodeResume(in)
		if err != nil {
			t.Fatal(err)
		}
		f.store.resumes[no] = b
	}

	// Nothing to start from: the order takes no more changes.
	wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/returns", "t-kam1", body), http.StatusConflict, sales.ErrConflict)
	if len(f.orders.reopens) != 0 {
		t.Fatalf("reopens %+v", f.orders.reopens)
	}

	// The window has closed: refused without starting anything.
	resume(now.Add(-time.Hour))
	rec := f.do(t, "POST", "/v1/orders/"+no+"/returns", "t-kam1", body)
	wantError(t, rec, http.StatusConflict, sales.ErrConflict)
	if len(f.orders.reopens) != 0 || !strings.Contains(rec.Body.String(), "return window has closed") {
		t.Errorf("after the window: %d reopens, %s", len(f.orders.reopens), rec.Body)
	}

	// Within the window the request goes to a new run, with its key.
	resume(now.Add(24 * time.Hour))
	f.orders.updateResult = workflows.ReturnResult{Return: sales.Return{No: "RT-2025-000007-1", Status: sales.ReturnRequested}}
	rec = f.do(t, "POST", "/v1/orders/"+no+"/returns", "t-kam1", body, "Idempotency-Key", "k9")
	wantStatus(t, rec, http.StatusCreated)
	r := f.orders.reopens[len(f.orders.reopens)-1]
	if r.from.OrderNo != no || !r.from.Reopen || r.name != workflows.UpdateRequestReturn || r.id != workflows.UpdateRequestReturn+"/k9" {
		t.Errorf("reopen %+v", r)
	}
	if got := decodeAs[workflows.ReturnResult](t, rec); got.Return.No != "RT-2025-000007-1" {
		t.Errorf("answer %+v", got)
	}
}
