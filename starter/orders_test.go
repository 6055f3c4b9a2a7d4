package starter

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"osb/sales"
	"osb/workflows"
)

func TestCreateOrderStartsTheWorkflowAsTheTokenUser(t *testing.T) {
	f := newFixture(t)
	body := validOrder(" C-001 ")
	body["note"] = "spring promotion"
	rec := f.do(t, "POST", "/v1/orders", "t-kam1", body)

	wantStatus(t, rec, http.StatusCreated)
	got := decodeAs[createdOrder](t, rec)
	want := createdOrder{OrderNo: "SO-2026-000001", WorkflowID: "order/SO-2026-000001", Status: sales.StatusReleased, Step: sales.SP1Plan}
	if got != want {
		t.Errorf("response = %+v, want %+v", got, want)
	}
	if loc := rec.Header().Get("Location"); loc != "/v1/orders/SO-2026-000001" {
		t.Errorf("Location = %q", loc)
	}
	if !reflect.DeepEqual(f.store.orderNoYears, []int{2026}) {
		t.Errorf("order numbers asked for years %v, want [2026]", f.store.orderNoYears)
	}
	if len(f.orders.starts) != 1 {
		t.Fatalf("%d workflows started, want 1", len(f.orders.starts))
	}
	start := f.orders.starts[0]
	in := start.in
	if in.OrderNo != "SO-2026-000001" {
		t.Errorf("OrderNo = %q", in.OrderNo)
	}
	if in.CreatedBy != (sales.Actor{UserID: "u-kam1", Role: sales.RoleFSF}) {
		t.Errorf("CreatedBy = %+v, want the token's user", in.CreatedBy)
	}
	if !reflect.DeepEqual(in.Policy, f.policy) {
		t.Errorf("Policy = %+v, want the configured policy", in.Policy)
	}
	if in.Request.CustomerID != "C-001" || in.Request.Currency != sales.CNY || in.Request.Note != "spring promotion" || len(in.Request.Lines) != 2 {
		t.Errorf("Request = %+v, want the normalized order", in.Request)
	}
	if start.customer.ID != "C-001" || start.customer.KAMID != "u-kam1" {
		t.Errorf("customer = %+v", start.customer)
	}
	// What OP1 registers comes with the start: the workflow need not read it again.
	p := in.Prepared
	if p == nil || p.Customer == nil || p.Customer.ID != "C-001" || len(p.SKUs) != 2 || p.Ladder.KAM != "u-kam1" || p.Ladder.GM != "u-gm" {
		t.Errorf("Prepared = %+v, want the customer, its SKUs and its ladder", p)
	}
}

func TestCreateOrderReportsEveryProblemAndWritesNothing(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, "POST", "/v1/orders", "t-ssg", map[string]any{
		"customer_id":    "C-001",
		"requested_date": "2026-03-01",
		"lines": []map[string]any{
			{"sku": "SKU-A", "quantity": 0, "unit_price_fen": 10000},
			{"sku": "SKU-X", "quantity": 1, "unit_price_fen": 100},
			{"sku": "SKU-B", "quantity": 1, "unit_price_fen": 6000},
			{"sku": "SKU-OLD", "quantity": 1, "unit_price_fen": 1000},
		},
	})

	e := wantError(t, rec, http.StatusUnprocessableEntity, sales.ErrInvalid)
	var fields []string
	for _, fe := range e.Fields {
		fields = append(fields, fe.Field)
	}
	want := []string{"requested_date", "lines[0].quantity", "lines[1].sku", "lines[2].unit_price_fen", "lines[3].sku"}
	if !reflect.DeepEqual(fields, want) {
		t.Errorf("fields = %v, want %v\n%s", fields, want, rec.Body)
	}
	if f.store.seq != 0 || f.store.claims != 0 || len(f.orders.starts) != 0 {
		t.Errorf("a bad order wrote something: %d numbers, %d claims, %d starts", f.store.seq, f.store.claims, len(f.orders.starts))
	}
}

func TestCreateOrderNamesAnUnknownCustomer(t *testing.T) {
	f := newFixture(t)
	e := wantError(t, f.do(t, "POST", "/v1/orders", "t-ssg", validOrder("C-404")), http.StatusUnprocessableEntity, sales.ErrInvalid)
	if len(e.Fields) != 1 || e.Fields[0].Field != "customer_id" {
		t.Errorf("fields = %+v, want customer_id", e.Fields)
	}
}

func TestCreateOrderRefusesBodiesThatAreNotTheExpectedJSON(t *testing.T) {
	for name, tc := range map[string]struct {
		body, field string
	}{
		"unknown field":        {`{"customer_id":"C-001","lines":[],"colour":"red"}`, "colour"},
		"unknown nested field": {`{"customer_id":"C-001","lines":[{"sku":"SKU-A","qty":1}]}`, "qty"},
		"wrong type":           {`{"customer_id":7,"lines":[]}`, "customer_id"},
		"malformed":            {`{"customer_id":"C-001",`, ""},
		"not JSON":             {`customer=C-001`, ""},
		"two values":           {`{"customer_id":"C-001"} {}`, ""},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			e := wantError(t, f.do(t, "POST", "/v1/orders", "t-ssg", tc.body), http.StatusBadRequest, sales.ErrInvalid)
			if tc.field != "" {
				if len(e.Fields) != 1 || e.Fields[0].Field != tc.field || !strings.Contains(e.Message, tc.field) {
					t.Errorf("error = %+v, want it to name %s", e, tc.field)
				}
			}
			if f.store.seq != 0 || len(f.orders.starts) != 0 {
				t.Error("a refused body wrote something")
			}
		})
	}
}

func TestCreateOrderWithTheSameClientRefReturnsTheSameOrder(t *testing.T) {
	f := newFixture(t)
	body := validOrder("C-001")
	body["client_ref"] = "PO-7781"

	first := f.do(t, "POST", "/v1/orders", "t-ssg", body)
	wantStatus(t, first, http.StatusCreated)
	second := f.do(t, "POST", "/v1/orders", "t-ssg", body)
	wantStatus(t, second, http.StatusOK)

	a, b := decodeAs[createdOrder](t, first), decodeAs[createdOrder](t, second)
	if a.Existing || !b.Existing || a.OrderNo != b.OrderNo {
		t.Errorf("first %+v, second %+v: want the same order, the second marked existing", a, b)
	}
	if len(f.orders.starts) != 1 {
		t.Errorf("%d workflows started, want 1", len(f.orders.starts))
	}
}

// The same client_ref or Idempotency-Key with a different body is another
// request: refused as a conflict, never answered with the first order.
func TestCreateOrderRefusesAReferenceUsedForADifferentRequest(t *testing.T) {
	f := newFixture(t)
	body := validOrder("C-001")
	body["client_ref"] = "PO-7782"
	wantStatus(t, f.do(t, "POST", "/v1/orders", "t-ssg", body), http.StatusCreated)
	other := validOrder("C-001")
	other["client_ref"] = "PO-7782"
	other["note"] = "a different order under the same reference"
	e := wantError(t, f.do(t, "POST", "/v1/orders", "t-ssg", other), http.StatusConflict, sales.ErrConflict)
	if !strings.Contains(e.Message, "PO-7782") {
		t.Errorf("message %q does not name the reference", e.Message)
	}

	// The Idempotency-Key: the same request twice is one order.
	req := func(b map[string]any, key string) *httptest.ResponseRecorder {
		return f.do(t, "POST", "/v1/orders", "t-ssg", b, "Idempotency-Key", key)
	}
	first, again := req(validOrder("C-001"), "key-1"), req(validOrder("C-001"), "key-1")
	wantStatus(t, first, http.StatusCreated)
	wantStatus(t, again, http.StatusOK)
	if a, b := decodeAs[createdOrder](t, first), decodeAs[createdOrder](t, again); a.OrderNo != b.OrderNo || !b.Existing {
		t.Errorf("the same key twice: %+v then %+v", a, b)
	}
	changed := validOrder("C-001")
	changed["note"] = "changed"
	wantError(t, req(changed, "key-1"), http.StatusConflict, sales.ErrConflict)
	wantError(t, req(validOrder("C-001"), "bad\x01key"), http.StatusUnprocessableEntity, sales.ErrInvalid)
	if len(f.orders.starts) != 2 {
		t.Errorf("%d workflows started, want 2", len(f.orders.starts))
	}
}

// When the store's order-number sequence is behind the workflows Temporal
// has (a restored database), a new order takes a number further on and is
// never answered with another customer's order.
func TestANewOrderIsNeverAnsweredWithAnOldOneOfTheSameNumber(t *testing.T) {
	f := newFixture(t)
	for i := 1; i <= 5; i++ { // the workflows of an earlier life of the database
		no := sales.FormatOrderNo(2026, int64(i))
		f.orders.views[no] = workflows.OrderView{OrderState: workflows.OrderState{OrderNo: no, CustomerID: "C-002", Status: sales.StatusRemitted}}
	}
	body := validOrder("C-001")
	body["client_ref"] = "PO-NEW"
	rec := f.do(t, "POST", "/v1/orders", "t-ssg", body)
	wantStatus(t, rec, http.StatusCreated)
	got := decodeAs[createdOrder](t, rec)
	if got.Existing || got.Status == sales.StatusRemitted || f.orders.views[got.OrderNo].CustomerID != "C-001" {
		t.Fatalf("answered %+v (customer %s)", got, f.orders.views[got.OrderNo].CustomerID)
	}
	if len(f.orders.starts) != 1 || f.orders.starts[0].in.OrderNo != got.OrderNo {
		t.Errorf("starts %+v", f.orders.starts)
	}
	// The reference follows the order to its number.
	again := f.do(t, "POST", "/v1/orders", "t-ssg", body)
	wantStatus(t, again, http.StatusOK)
	if b := decodeAs[createdOrder](t, again); b.OrderNo != got.OrderNo {
		t.Errorf("the reference answers %s, the order is %s", b.OrderNo, got.OrderNo)
	}
}

func TestCreateOrderWithAClaimedRefStartsAnOrderThatNeverStarted(t *testing.T) {
	f := newFixture(t)
	f.store.refs["client_ref/C-001/PO-1"] = [2]string{"SO-2026-000099", ""} // claimed, then the request failed
	body := validOrder("C-001")
	body["client_ref"] = "PO-1"

	rec := f.do(t, "POST", "/v1/orders", "t-ssg", body)
	wantStatus(t, rec, http.StatusCreated)
	if got := decodeAs[createdOrder](t, rec).OrderNo; got != "SO-2026-000099" {
		t.Errorf("order = %s, want the one owning the reference", got)
	}
	if len(f.orders.starts) != 1 || f.orders.starts[0].in.OrderNo != "SO-2026-000099" {
		t.Errorf("starts = %+v", f.orders.starts)
	}
}

func TestCreateOrderAcceptsAFrozenCustomer(t *testing.T) {
	f := newFixture(t)
	wantStatus(t, f.do(t, "POST", "/v1/orders", "t-ssg", validOrder("C-003")), http.StatusCreated)
}

func TestFSFOrdersOnlyForTheirOwnCustomers(t *testing.T) {
	f := newFixture(t)
	e := wantError(t, f.do(t, "POST", "/v1/orders", "t-kam1", validOrder("C-002")), http.StatusForbidden, sales.ErrForbidden)
	if !strings.Contains(e.Message, "C-002") {
		t.Errorf("message %q does not name the customer", e.Message)
	}
	if f.store.seq != 0 || len(f.orders.starts) != 0 {
		t.Error("a refused order wrote something")
	}
	// A unit manager orders for the customers of the KAMs who report to them.
	wantStatus(t, f.do(t, "POST", "/v1/orders", "t-um", validOrder("C-001")), http.StatusCreated)
}

// fsfOrderRoutes are the order routes an FSF user may call, with a body
// each accepts; {no} is the order's number.
var fsfOrderRoutes = []struct{ method, path, body string }{
	{"GET", "/v1/orders/{no}", ""},
	{"GET", "/v1/orders/{no}/events", ""},
	{"POST", "/v1/orders/{no}/cancel", `{"reason":"x"}`},
	{"POST", "/v1/orders/{no}/invoices/INV-1/acknowledge", `{}`},
	{"POST", "/v1/orders/{no}/invoices/INV-1/dispute", `{"reason":"wrong price"}`},
	{"POST", "/v1/orders/{no}/returns", `{"lines":[{"line_no":1,"quantity":1}],"reason":"broken"}`},
	{"POST", "/v1/orders/{no}/returns/RT-1/decision", `{"decision":"approve"}`},
}

// An FSF user gets for another customer's order exactly what they get for
// an order that does not exist, on every order route they may call.
func TestFSFCannotTellAnotherCustomersOrderFromNone(t *testing.T) {
	f := newFixture(t)
	no := f.startOrder(t, "C-002")
	const missing = "SO-2026-999999"
	for _, tok := range []string{"t-kam1", "t-um"} {
		for _, rt := range fsfOrderRoutes {
			theirs := f.do(t, rt.method, strings.ReplaceAll(rt.path, "{no}", no), tok, rt.body)
			none := f.do(t, rt.method, strings.ReplaceAll(rt.path, "{no}", missing), tok, rt.body)
			e := wantError(t, theirs, http.StatusNotFound, sales.ErrNotFound)
			wantError(t, none, http.StatusNotFound, sales.ErrNotFound)
			if got, want := strings.ReplaceAll(theirs.Body.String(), no, missing), none.Body.String(); got != want {
				t.Errorf("%s %s %s: another customer's order answers\n%s\nwhere none answers\n%s", tok, rt.method, rt.path, got, want)
			}
			if strings.Contains(e.Message, "C-002") {
				t.Errorf("the answer names the customer: %s", e.Message)
			}
		}
	}
	if len(f.orders.updates)+len(f.orders.signals) != 0 {
		t.Error("a message outside the scope reached the workflow")
	}
	rec := f.do(t, "GET", "/v1/orders/"+no, "t-kam2", nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decodeAs[map[string]any](t, rec); got["status"] != "released" || got["order_no"] != no {
		t.Errorf("order = %v", got)
	}
}

// The scope follows the customer's KAM now, read from the store on every
// request, not the KAM the order was placed under: live orders and those
// whose workflow is gone alike.
func TestFSFScopeFollowsTheCustomersCurrentKAM(t *testing.T) {
	f := newFixture(t)
	live := f.startOrder(t, "C-001") // placed under u-kam1
	const stored = "SO-2025-000007"
	f.store.snapshots[stored] = sales.OrderSnapshot{OrderNo: stored, CustomerID: "C-001", KAMID: "u-kam1", Status: sales.StatusRemitted, Step: sales.BC7Close}
	for _, no := range []string{live, stored} {
		wantStatus(t, f.do(t, "GET", "/v1/orders/"+no, "t-kam1", nil), http.StatusOK)
	}

	c := f.store.customers["C-001"]
	c.KAMID = "u-kam2" // handed over to the KAM of 华南
	f.store.customers["C-001"] = c
	for _, no := range []string{live, stored} {
		for _, tok := range []string{"t-kam1", "t-um"} {
			for _, rt := range fsfOrderRoutes {
				rec := f.do(t, rt.method, strings.ReplaceAll(rt.path, "{no}", no), tok, rt.body)
				wantError(t, rec, http.StatusNotFound, sales.ErrNotFound)
			}
		}
		wantStatus(t, f.do(t, "GET", "/v1/orders/"+no, "t-kam2", nil), http.StatusOK)
		wantStatus(t, f.do(t, "GET", "/v1/orders/"+no+"/events", "t-kam2", nil), http.StatusOK)
	}
	wantStatus(t, f.do(t, "POST", "/v1/orders/"+live+"/cancel", "t-kam2", `{"reason":"x"}`), http.StatusOK)
	if n := len(f.orders.updates); n != 1 || f.orders.updates[0].arg.(workflows.CancelInput).Actor.UserID != "u-kam2" {
		t.Errorf("updates %+v, want the new KAM's cancel only", f.orders.updates)
	}
}

func TestGetOrderFallsBackToTheStoreWhenTheWorkflowIsGone(t *testing.T) {
	f := newFixture(t)
	f.store.snapshots["SO-2025-000007"] = sales.OrderSnapshot{OrderNo: "SO-2025-000007", CustomerID: "C-001", KAMID: "u-kam1", Status: sales.StatusRemitted, Step: sales.BC7Close}
	f.store.returns = map[string][]sales.Return{"SO-2025-000007": {{No: "RT-2025-000007-1", Status: sales.ReturnReceived}}}
	f.store.credits = map[string][]sales.CreditNote{"SO-2025-000007": {{No: "CN-2025-000007-1", ReturnNo: "RT-2025-000007-1"}}}

	rec := f.do(t, "GET", "/v1/orders/SO-2025-000007", "t-kam1", nil)
	wantStatus(t, rec, http.StatusOK)
	got := decodeAs[storedOrder](t, rec)
	if got.Live || got.Status != sales.StatusRemitted || len(got.Returns) != 1 || len(got.CreditNotes) != 1 ||
		got.CreditNotes[0].No != "CN-2025-000007-1" {
		t.Errorf("order = %+v, want the snapshot with its returns and credit notes, live false", got)
	}
	wantError(t, f.do(t, "GET", "/v1/orders/SO-2025-000008", "t-ssg", nil), http.StatusNotFound, sales.ErrNotFound)
	wantError(t, f.do(t, "GET", "/v1/orders/SO-1", "t-ssg", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
}

func TestRoleRefusals(t *testing.T) {
	f := newFixture(t)
	no := f.startOrder(t, "C-001")
	receipt := `{"reference":"BANK-1","amount_fen":100,"currency":"CNY"}`

	e := wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/receipts", "t-log", receipt), http.StatusForbidden, sales.ErrForbidden)
	if !strings.Contains(e.Message, "finance") || !strings.Contains(e.Message, "logistics") {
		t.Errorf("message %q should name the allowed role and the user's", e.Message)
	}
	e = wantError(t, f.do(t, "POST", "/v1/orders", "t-fin", validOrder("C-001")), http.StatusForbidden, sales.ErrForbidden)
	if !strings.Contains(e.Message, "ssg, fsf or admin") {
		t.Errorf("message %q should name the allowed roles", e.Message)
	}

	rec := f.do(t, "POST", "/v1/orders/"+no+"/receipts", "", receipt)
	wantError(t, rec, http.StatusUnauthorized, sales.ErrUnauthorized)
	if rec.Header().Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
	wantError(t, f.do(t, "GET", "/v1/me", "t-forged", nil), http.StatusUnauthorized, sales.ErrUnauthorized)
	wantError(t, f.do(t, "GET", "/v1/me", "", nil, "Authorization", "Basic dTpw"), http.StatusUnauthorized, sales.ErrUnauthorized)

	if len(f.orders.updates) != 0 {
		t.Errorf("refused requests reached the workflow: %+v", f.orders.updates)
	}
}

func TestUpdateRefusedByTheWorkflowIsAConflictWithItsMessage(t *testing.T) {
	f := newFixture(t)
	no := f.startOrder(t, "C-001")
	f.orders.updateErr = sales.Errorf(sales.ErrConflict, "order %s is not held (status released)", no)

	e := wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/decision", "t-slt", `{"decision":"approve","reason":"good customer"}`),
		http.StatusConflict, sales.ErrConflict)
	if e.Message != "order "+no+" is not held (status released)" {
		t.Errorf("message = %q", e.Message)
	}
	want := updateCall{orderNo: no, name: workflows.UpdateDecide, arg: workflows.DecideInput{
		Actor: sales.Actor{UserID: "u-sd", Role: sales.RoleSLT}, Decision: "approve", Reason: "good customer",
	}}
	if len(f.orders.updates) != 1 || !reflect.DeepEqual(f.orders.updates[0], want) {
		t.Errorf("updates = %+v, want %+v", f.orders.updates, want)
	}
}

func TestUpdateRefusalWithFieldErrorsIs422(t *testing.T) {
	f := newFixture(t)
	no := f.startOrder(t, "C-001")
	f.orders.updateErr = &sales.Error{Code: sales.ErrInvalid, Message: "invalid goods issue", Fields: []sales.FieldError{{Field: "carrier", Message: "is required"}}}
	e := wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/goods-issues", "t-log", `{"lines":[{"line_no":1,"quantity":1}]}`),
		http.StatusUnprocessableEntity, sales.ErrInvalid)
	if len(e.Fields) != 1 || e.Fields[0].Field != "carrier" {
		t.Errorf("fields = %+v", e.Fields)
	}
}

func TestUpdateActsAsTheTokenUserWithTheIdempotencyKey(t *testing.T) {
	f := newFixture(t)
	no := f.startOrder(t, "C-001")

	rec := f.do(t, "POST", "/v1/orders/"+no+"/cancel", "t-ssg", `{"reason":"customer withdrew"}`, "Idempotency-Key", "k-42")
	wantStatus(t, rec, http.StatusOK)
	want := updateCall{orderNo: no, name: workflows.UpdateCancel, id: "cancel/k-42",
		arg: workflows.CancelInput{Actor: sales.Actor{UserID: "u-ssg", Role: sales.RoleSSG}, Reason: "customer withdrew"}}
	if len(f.orders.updates) != 1 || !reflect.DeepEqual(f.orders.updates[0], want) {
		t.Errorf("updates = %+v, want %+v", f.orders.updates, want)
	}
	if got := decodeAs[map[string]any](t, rec); got["status"] != "released" || got["order_no"] != no {
		t.Errorf("response = %v", got)
	}

	// The actor cannot be chosen in the body.
	wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/cancel", "t-ssg", `{"actor":{"user_id":"u-sd","role":"slt"}}`),
		http.StatusBadRequest, sales.ErrInvalid)
}

func TestPathNumbersGoIntoTheUpdate(t *testing.T) {
	f := newFixture(t)
	no := f.startOrder(t, "C-001")

	wantStatus(t, f.do(t, "POST", "/v1/orders/"+no+"/shipments/SH-1/delivery", "t-log", `{"damaged":true}`), http.StatusOK)
	wantStatus(t, f.do(t, "POST", "/v1/orders/"+no+"/invoices/IV-1/dispute", "t-fin", `{"reason":"price"}`), http.StatusOK)
	wantStatus(t, f.do(t, "POST", "/v1/orders/"+no+"/invoices/IV-1/extension", "t-slt", `{"due_date":"2026-06-30"}`), http.StatusOK)
	wantStatus(t, f.do(t, "POST", "/v1/orders/"+no+"/acknowledge", "t-log", `{"planned_date":"2026-03-12"}`), http.StatusOK)

	log := sales.Actor{UserID: "u-log", Role: sales.RoleLogistics}
	want := []any{
		workflows.DeliverInput{Actor: log, ShipmentNo: "SH-1", Damaged: true},
		workflows.DisputeInput{Actor: sales.Actor{UserID: "u-fin", Role: sales.RoleFinance}, InvoiceNo: "IV-1", Reason: "price"},
		workflows.ExtendDueInput{Actor: sales.Actor{UserID: "u-sd", Role: sales.RoleSLT}, InvoiceNo: "IV-1", DueDate: "2026-06-30"},
		workflows.AcknowledgeInput{Actor: log, PlannedDate: "2026-03-12"},
	}
	for i, w := range want {
		if i >= len(f.orders.updates) || !reflect.DeepEqual(f.orders.updates[i].arg, w) {
			t.Errorf("update %d = %+v, want %+v", i, f.orders.updates, w)
		}
	}
}

func TestGoodsIssueAnswers201WithTheShipment(t *testing.T) {
	f := newFixture(t)
	no := f.startOrder(t, "C-001")
	f.orders.updateResult = workflows.GoodsIssueResult{ShipmentNo: "SH-2026-000001-1", InvoiceNo: "IV-2026-000001-1", Amount: 95000}

	rec := f.do(t, "POST", "/v1/orders/"+no+"/goods-issues", "t-log", `{"lines":[{"line_no":1,"quantity":10}],"carrier":"顺丰"}`)
	wantStatus(t, rec, http.StatusCreated)
	if got := decodeAs[workflows.GoodsIssueResult](t, rec); got.ShipmentNo != "SH-2026-000001-1" {
		t.Errorf("result = %+v", got)
	}
}

func TestUpdateOnAFinishedOrderIsAConflict(t *testing.T) {
	f := newFixture(t)
	f.store.snapshots["SO-2025-000007"] = sales.OrderSnapshot{OrderNo: "SO-2025-000007", CustomerID: "C-001", KAMID: "u-kam1", Status: sales.StatusRemitted}

	e := wantError(t, f.do(t, "POST", "/v1/orders/SO-2025-000007/cancel", "t-ssg", nil), http.StatusConflict, sales.ErrConflict)
	if !strings.Contains(e.Message, "remitted") {
		t.Errorf("message = %q", e.Message)
	}
	wantError(t, f.do(t, "POST", "/v1/orders/SO-2025-000008/cancel", "t-ssg", nil), http.StatusNotFound, sales.ErrNotFound)
}

func TestInvoiceAcknowledgementIsSignalled(t *testing.T) {
	f := newFixture(t)
	no := f.startOrder(t, "C-001")
	v := f.orders.views[no]
	v.Invoices = []sales.Invoice{{No: "IV-1", Amount: 1000}}
	f.orders.views[no] = v

	rec := f.do(t, "POST", "/v1/orders/"+no+"/invoices/IV-1/acknowledge", "t-kam1", nil)
	wantStatus(t, rec, http.StatusAccepted)
	want := signalCall{orderNo: no, name: workflows.SignalInvoiceAcked,
		arg: workflows.InvoiceAckInput{Actor: sales.Actor{UserID: "u-kam1", Role: sales.RoleFSF}, InvoiceNo: "IV-1"}}
	if len(f.orders.signals) != 1 || !reflect.DeepEqual(f.orders.signals[0], want) {
		t.Errorf("signals = %+v, want %+v", f.orders.signals, want)
	}
	wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/invoices/IV-9/acknowledge", "t-ssg", nil), http.StatusNotFound, sales.ErrNotFound)
}

func TestListOrdersParsesEveryFilterWithinTheUsersScope(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, "GET", "/v1/orders?customer_id=C-001&market=%E5%8D%8E%E4%B8%9C&kam_id=u-kam1&status=held&step=op5&min_level=2&open=true&before=SO-2026-000010&limit=20"+
		"&order_no=so-2026-0000&client_ref=PO-7&created_from=2026-03-01&created_to=2026-03-31&sku=SKU-1001&invoice_no=IV-1&waybill=SF100", "t-um", nil)
	wantStatus(t, rec, http.StatusOK)
	want := sales.OrderFilter{
		CustomerID: "C-001", Market: "华东", KAMID: "u-kam1", Status: sales.StatusHeld, Step: sales.OP5Hold,
		MinLevel: sales.LevelUM, Open: true, Before: "SO-2026-000010", Limit: 20,
		OrderNo: "SO-2026-0000", ClientRef: "PO-7", CreatedFrom: "2026-03-01", CreatedTo: "2026-03-31",
		SKU: "SKU-1001", InvoiceNo: "IV-1", Waybill: "SF100",
		Scope: sales.Scope{KAMIDs: []string{"u-um", "u-kam1"}},
	}
	if f.store.orderFilter == nil || !reflect.DeepEqual(*f.store.orderFilter, want) {
		t.Errorf("filter = %+v, want %+v", f.store.orderFilter, want)
	}
	if got := decodeAs[[]sales.OrderSummary](t, rec); got == nil {
		t.Errorf("the list is null: %s", rec.Body)
	}
}

func TestListOrdersNamesEveryBadParameter(t *testing.T) {
	f := newFixture(t)
	for query, fields := range map[string][]string{
		"min_level=9":    {"min_level"},
		"min_level=high": {"min_level"},
		"status=lost&step=XX9&open=maybe&limit=0":       {"limit", "open", "status", "step"},
		"before=42&colour=red":                          {"before", "colour"},
		"customer_id=C-001&customer_id=C-002":           {"customer_id"},
		"limit=501&kam_id=u-kam1&min_level=-1&open=no":  {"limit", "min_level", "open"},
		"created_from=2026-3-1":                         {"created_from"},
		"created_from=2026-03-01&created_to=31.03.2026": {"created_to"},
		"created_from=2026-03-02&created_to=2026-03-01": {"created_to"},
		"order_no=PO-123&sku=SKU-1001":                  {"order_no"},
		"waybill=" + strings.Repeat("9", 65):            {"waybill"},
	} {
		t.Run(query, func(t *testing.T) {
			e := wantError(t, f.do(t, "GET", "/v1/orders?"+query, "t-ssg", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
			var got []string
			for _, fe := range e.Fields {
				got = append(got, fe.Field)
			}
			slices.Sort(got)
			if !reflect.DeepEqual(got, fields) {
				t.Errorf("fields = %v, want %v", got, fields)
			}
		})
	}
}

func TestListOrdersLinksAFullPageToTheNext(t *testing.T) {
	f := newFixture(t)
	f.store.summaries = []sales.OrderSummary{{OrderNo: "SO-2026-000009"}, {OrderNo: "SO-2026-000008"}}
	rec := f.do(t, "GET", "/v1/orders?limit=2&status=open", "t-ssg", nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decodeAs[[]sales.OrderSummary](t, rec); len(got) != 2 {
		t.Errorf("orders = %+v", got)
	}
	want := `</v1/orders?before=SO-2026-000008&limit=2&status=open>; rel="next"`
	if got := rec.Header().Get("Link"); got != want {
		t.Errorf("Link = %q, want %q", got, want)
	}
	if got := f.do(t, "GET", "/v1/orders?limit=3", "t-ssg", nil).Header().Get("Link"); got != "" {
		t.Errorf("Link = %q on the last page", got)
	}
}

// An order registered at 01:00 on New Year's Day in Beijing (17:00 UTC on 31
// December) is numbered in the new year.
func TestOrderNumberYearIsTheBeijingYear(t *testing.T) {
	f := newFixture(t)
	newYear := time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC)
	f.handler = New(Config{Store: f.store, Orders: f.orders, Policy: f.policy, Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return newYear }})
	body := validOrder("C-001")
	body["requested_date"] = "2027-01-15"
	rec := f.do(t, "POST", "/v1/orders", "t-kam1", body)
	wantStatus(t, rec, http.StatusCreated)
	if !reflect.DeepEqual(f.store.orderNoYears, []int{2027}) {
		t.Errorf("order numbers asked for years %v, want [2027]", f.store.orderNoYears)
	}
}
