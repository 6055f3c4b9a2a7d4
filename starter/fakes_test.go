package starter

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"osb/sales"
	"osb/workflows"
)

// fakeStore is an in-memory Store that records what was asked of it.
type fakeStore struct {
	mu        sync.Mutex
	tokens    map[string]sales.User
	reports   map[string][]string
	customers map[string]sales.Customer
	skus      map[string]sales.SKU
	snapshots map[string]sales.OrderSnapshot
	resumes   map[string][]byte // order → reopen input (JSON)
	returns   map[string][]sales.Return
	credits   map[string][]sales.CreditNote // by order
	refs      map[string][2]string          // kind/scope/key → order number, request hash
	summaries []sales.OrderSummary
	pingErr   error
	listErr   error

	seq           int
	orderNoYears  []int
	claims        int
	orderFilter   *sales.OrderFilter
	escFilter     *sales.EscalationFilter
	notifyFilter  *sales.NotificationFilter
	customerScope *sales.Scope
}

func notFound(what string) error { return sales.Errorf(sales.ErrNotFound, "%s not found", what) }

func (s *fakeStore) Ping(context.Context) error { return s.pingErr }

func (s *fakeStore) Authenticate(_ context.Context, token string) (sales.User, error) {
	if token == "t-panic" {
		panic("the token table is on fire")
	}
	u, ok := s.tokens[token]
	if !ok {
		return sales.User{}, sales.Errorf(sales.ErrUnauthorized, "unknown token")
	}
	return u, nil
}

func (s *fakeStore) Reports(_ context.Context, managerID string) ([]string, error) {
	return s.reports[managerID], nil
}

func (s *fakeStore) Customer(_ context.Context, id string) (sales.Customer, error) {
	c, ok := s.customers[id]
	if !ok {
		return c, notFound("customer " + id)
	}
	return c, nil
}

func (s *fakeStore) Ladder(_ context.Context, customerID string) (sales.Ladder, error) {
	c, ok := s.customers[customerID]
	if !ok {
		return sales.Ladder{}, notFound("customer " + customerID)
	}
	return sales.Ladder{KAM: c.KAMID, UM: "u-um", MM: "u-mm", SLT: "u-slt", GM: "u-gm"}, nil
}

func (s *fakeStore) POPItems(_ context.Context, codes []string) (map[string]sales.POPItem, error) {
	out := map[string]sales.POPItem{}
	for _, c := range codes {
		if c == "POP-POSTER" {
			out[c] = sales.POPItem{Code: c, Name: "海报", UnitCost: 500, Active: true}
		}
	}
	return out, nil
}

func (s *fakeStore) Customers(_ context.Context, scope sales.Scope) ([]sales.Customer, error) {
	s.customerScope = &scope
	var out []sales.Customer
	for _, id := range []string{"C-001", "C-002", "C-003"} {
		if c, ok := s.customers[id]; ok && scope.Allows(c.KAMID) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *fakeStore) SKUs(_ context.Context, codes []string) (map[string]sales.SKU, error) {
	if codes == nil {
		return s.skus, nil
	}
	out := map[string]sales.SKU{}
	for _, c := range codes {
		if k, ok := s.skus[c]; ok {
			out[c] = k
		}
	}
	return out, nil
}

func (s *fakeStore) PricedSKUs(ctx context.Context, _ string, _ time.Time, codes []string) (map[string]sales.SKU, error) {
	return s.SKUs(ctx, codes)
}

func (s *fakeStore) NextOrderNo(_ context.Context, year int) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.orderNoYears = append(s.orderNoYears, year)
	return sales.FormatOrderNo(year, int64(s.seq)), nil
}

func (s *fakeStore) ClaimOrder(_ context.Context, orderNo, hash string, claims []sales.OrderClaim) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.claims++
	for _, c := range claims {
		if had, ok := s.refs[c.Kind+"/"+c.Scope+"/"+c.Key]; ok && had[0] != orderNo {
			return had[0], had[1] == "" || had[1] == hash, nil
		}
	}
	for _, c := range claims {
		s.refs[c.Kind+"/"+c.Scope+"/"+c.Key] = [2]string{orderNo, hash}
	}
	return orderNo, true, nil
}

func (s *fakeStore) MoveOrderClaims(_ context.Context, from, to string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.refs {
		if v[0] == from {
			s.refs[k] = [2]string{to, v[1]}
		}
	}
	return nil
}

func (s *fakeStore) SkipOrderNos(_ context.Context, n int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq += int(n)
	return nil
}

func (s *fakeStore) Order(_ context.Context, orderNo string) (sales.OrderSnapshot, error) {
	o, ok := s.snapshots[orderNo]
	if !ok {
		return o, notFound("order " + orderNo)
	}
	return o, nil
}

func (s *fakeStore) OrderResume(_ context.Context, orderNo string) ([]byte, error) {
	if _, ok := s.snapshots[orderNo]; !ok {
		return nil, notFound("order " + orderNo)
	}
	return s.resumes[orderNo], nil
}

func (s *fakeStore) Returns(_ context.Context, orderNo string) ([]sales.Return, error) {
	return s.returns[orderNo], nil
}

func (s *fakeStore) OrderCreditNotes(_ context.Context, orderNo string) ([]sales.CreditNote, error) {
	return s.credits[orderNo], nil
}

func (s *fakeStore) ListOrders(_ context.Context, f sales.OrderFilter) ([]sales.OrderSummary, error) {
	s.orderFilter = &f
	return s.summaries, s.listErr
}

func (s *fakeStore) OrderEvents(_ context.Context, orderNo string) ([]sales.Event, error) {
	return []sales.Event{{Seq: 1, Step: sales.OP1Register, Kind: "registered", Actor: "u-ssg"}}, nil
}

func (s *fakeStore) ListEscalations(_ context.Context, f sales.EscalationFilter) ([]sales.Escalation, error) {
	s.escFilter = &f
	return nil, nil
}

func (s *fakeStore) ListNotifications(_ context.Context, f sales.NotificationFilter) ([]sales.NotificationRecord, error) {
	s.notifyFilter = &f
	return nil, nil
}

type startCall struct {
	in       workflows.OrderInput
	customer sales.Customer
}

type updateCall struct {
	orderNo, name, id string
	arg               any
}

type signalCall struct {
	orderNo, name string
	arg           any
}

// reopenCall is an update sent to a new run of a completed workflow.
type reopenCall struct {
	updateCall
	from workflows.OrderInput
}

// fakeOrders keeps running workflows as views and records every message.
type fakeOrders struct {
	mu        sync.Mutex
	views     map[string]workflows.OrderView
	starts    []startCall
	updates   []updateCall
	reopens   []reopenCall
	signals   []signalCall
	healthErr error
	// updateErr refuses the next updates; updateResult answers them (as JSON).
	updateErr    error
	updateResult any
}

func (o *fakeOrders) Start(_ context.Context, in workflows.OrderInput, c sales.Customer) (workflows.Progress, bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if v, ok := o.views[in.OrderNo]; ok {
		return progressOf(v), true, nil
	}
	o.starts = append(o.starts, startCall{in: in, customer: c})
	v := workflows.OrderView{OrderState: workflows.OrderState{
		OrderNo: in.OrderNo, CustomerID: c.ID, CustomerName: c.Name, Market: c.Market,
		Ladder: sales.Ladder{KAM: c.KAMID}, Currency: in.Request.Currency, Lines: in.Request.OrderLines(),
		CreatedBy: in.CreatedBy, Status: sales.StatusReleased, Step: sales.SP1Plan,
	}}
	o.views[in.OrderNo] = v
	return progressOf(v), false, nil
}

func progressOf(v workflows.OrderView) workflows.Progress {
	return workflows.Progress{OrderNo: v.OrderNo, Status: v.Status, Step: v.Step, Reason: v.Reason, Currency: v.Currency}
}

func (o *fakeOrders) Status(_ context.Context, orderNo string) (workflows.OrderView, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	v, ok := o.views[orderNo]
	if !ok {
		return v, notFound("order " + orderNo)
	}
	return v, nil
}

func (o *fakeOrders) Update(_ context.Context, orderNo, name, id string, arg, result any) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.updates = append(o.updates, updateCall{orderNo: orderNo, name: name, id: id, arg: arg})
	v, ok := o.views[orderNo]
	if !ok {
		return notFound("order " + orderNo)
	}
	if o.updateErr != nil {
		return o.updateErr
	}
	answer := o.updateResult
	if answer == nil {
		answer = progressOf(v)
	}
	b, err := json.Marshal(answer)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, result)
}

// Reopen starts a run from from and answers the update as Update does.
func (o *fakeOrders) Reopen(_ context.Context, orderNo string, from workflows.OrderInput, name, id string, arg, result any) error {
	o.mu.Lock()
	o.reopens = append(o.reopens, reopenCall{updateCall{orderNo: orderNo, name: name, id: id, arg: arg}, from})
	o.views[orderNo] = workflows.OrderView{OrderState: *from.State}
	o.mu.Unlock()
	return o.Update(context.Background(), orderNo, name, id, arg, result)
}

func (o *fakeOrders) Signal(_ context.Context, orderNo, name string, arg any) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.views[orderNo]; !ok {
		return notFound("order " + orderNo)
	}
	o.signals = append(o.signals, signalCall{orderNo: orderNo, name: name, arg: arg})
	return nil
}

func (o *fakeOrders) Healthy(context.Context) error { return o.healthErr }

// fixture is the API over fakes, with one token per kind of user.
type fixture struct {
	store   *fakeStore
	orders  *fakeOrders
	quota   *fakeQuota
	reports *fakeReports
	credit  *fakeCredit
	cash    *fakeCash
	docs    *fakeDocuments
	handler http.Handler
	policy  sales.Policy
}

// now is the clock of every fixture: 10 March 2026, 09:00 in Shanghai.
var now = time.Date(2026, 3, 10, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

func newFixture(t *testing.T) *fixture {
	t.Helper()
	store := &fakeStore{
		tokens: map[string]sales.User{
			"t-ssg":   {ID: "u-ssg", Name: "秘书", Role: sales.RoleSSG, Title: sales.TitleCSR},
			"t-kam1":  {ID: "u-kam1", Name: "客户经理一", Role: sales.RoleFSF, Title: sales.TitleKAM, Market: "华东", ManagerID: "u-um"},
			"t-kam2":  {ID: "u-kam2", Name: "客户经理二", Role: sales.RoleFSF, Title: sales.TitleKAM, Market: "华南"},
			"t-um":    {ID: "u-um", Name: "区域经理", Role: sales.RoleFSF, Title: sales.TitleUM, Market: "华东"},
			"t-slt":   {ID: "u-sd", Name: "销售总监", Role: sales.RoleSLT, Title: sales.TitleDirector},
			"t-log":   {ID: "u-log", Name: "储运", Role: sales.RoleLogistics, Title: sales.TitleLogistic},
			"t-fin":   {ID: "u-fin", Name: "财务", Role: sales.RoleFinance, Title: sales.TitleFinance},
			"t-admin": {ID: "u-admin", Name: "管理员", Role: sales.RoleAdmin, Title: sales.TitleAdmin},
		},
		reports: map[string][]string{"u-um": {"u-kam1"}},
		customers: map[string]sales.Customer{
			"C-001": {ID: "C-001", Name: "上海分销", Market: "华东", KAMID: "u-kam1", PaymentTermsDays: 30, Active: true, CreditLimit: sales.Yuan(100000), Rating: "B", Currency: sales.CNY},
			"C-002": {ID: "C-002", Name: "广州分销", Market: "华南", KAMID: "u-kam2", PaymentTermsDays: 30, Active: true, CreditLimit: sales.Yuan(100000), Rating: "A", Currency: sales.CNY},
			"C-003": {ID: "C-003", Name: "苏州分销", Market: "华东", KAMID: "u-kam1", PaymentTermsDays: 30, Active: true, Frozen: true, Rating: "D", Currency: sales.CNY},
		},
		skus: map[string]sales.SKU{
			"SKU-A":   {Code: "SKU-A", Name: "A", Unit: "箱", ListPrice: 10000, Currency: sales.CNY, Active: true},
			"SKU-B":   {Code: "SKU-B", Name: "B", Unit: "箱", ListPrice: 5000, Currency: sales.CNY, Active: true, Quota: true},
			"SKU-OLD": {Code: "SKU-OLD", Name: "Old", Unit: "箱", ListPrice: 1000, Currency: sales.CNY},
		},
		snapshots: map[string]sales.OrderSnapshot{},
		resumes:   map[string][]byte{},
		refs:      map[string][2]string{},
	}
	orders := &fakeOrders{views: map[string]workflows.OrderView{}}
	quota := &fakeQuota{}
	reports := newFakeReports()
	credit := &fakeCredit{}
	cash := newFakeCash(store)
	docs := newFakeDocuments()
	policy := sales.DefaultPolicy()
	h := New(Config{
		Store: store, Orders: orders, Policy: policy, Quota: quota, Reports: reports, Credit: credit, Statements: testStatements(), Cash: cash, Documents: docs,
		MasterData: fakeMasterData{}, Invoices: &fakeInvoiceLists{},
		Calendar: newFakeCalendar(),
		Visits:   newFakeVisits(store),
		Logger:   slog.New(slog.DiscardHandler),
		Now:      func() time.Time { return now },
	})
	return &fixture{store: store, orders: orders, quota: quota, reports: reports, credit: credit, cash: cash, docs: docs, handler: h, policy: policy}
}

// do sends a request with token ("" for none); body is sent as is when it is a
// string, as JSON otherwise. headers are name, value pairs.
func (f *fixture) do(t *testing.T, method, path, token string, body any, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	var buf bytes.Buffer
	switch b := body.(type) {
	case nil:
	case string:
		buf.WriteString(b)
	default:
		if err := json.NewEncoder(&buf).Encode(b); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, path, &buf)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return rec
}

// decodeAs reads a JSON response.
func decodeAs[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, rec.Body)
	}
	return v
}

// wantStatus fails unless the response has status.
func wantStatus(t *testing.T, rec *httptest.ResponseRecorder, status int) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body: %s", rec.Code, status, rec.Body)
	}
}

// wantError checks an error response and returns its error.
func wantError(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) sales.Error {
	t.Helper()
	wantStatus(t, rec, status)
	body := decodeAs[struct {
		Error *sales.Error `json:"error"`
	}](t, rec)
	if body.Error == nil {
		t.Fatalf("no error in %s", rec.Body)
	}
	if body.Error.Code != code {
		t.Fatalf("error code = %q, want %q; body: %s", body.Error.Code, code, rec.Body)
	}
	if body.Error.Message == "" {
		t.Fatalf("error without message: %s", rec.Body)
	}
	return *body.Error
}

// startOrder registers an order for customer as SSG and returns its number.
func (f *fixture) startOrder(t *testing.T, customer string) string {
	t.Helper()
	rec := f.do(t, "POST", "/v1/orders", "t-ssg", validOrder(customer))
	wantStatus(t, rec, http.StatusCreated)
	return decodeAs[createdOrder](t, rec).OrderNo
}

// validOrder is an order that passes validation.
func validOrder(customer string) map[string]any {
	return map[string]any{
		"customer_id":    customer,
		"requested_date": "2026-03-20",
		"lines": []map[string]any{
			{"sku": "SKU-A", "quantity": 10, "unit_price_fen": 9500},
			{"sku": "SKU-B", "quantity": 4, "unit_price_fen": 5000},
		},
	}
}
