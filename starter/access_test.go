package starter

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"osb/sales"
	"osb/workflows"
)

// reach says how far an FSF user gets on a route their role may call. The
// zero value: as far as anyone of an allowed role (a list is cut to the
// user's customers by the route itself).
type reach int

const (
	// byOrder: the route names an order; another customer's order is not
	// found (404), like one that does not exist.
	byOrder reach = iota + 1
	// byCustomer: the route names a customer, or a problem or credit
	// adjustment about one; another KAM's customer is forbidden (403).
	byCustomer
)

// access is who may call a route: the roles, how an FSF user is held to
// their customers, and a request that passes the route's own checks.
type access struct {
	roles []sales.Role // nil: everyone with a token; public: no token needed
	reach reach
	query string // appended to the path
	body  string // the request body
}

var (
	ssg, fsf, finance, logistics, slt, admin = sales.RoleSSG, sales.RoleFSF, sales.RoleFinance, sales.RoleLogistics, sales.RoleSLT, sales.RoleAdmin

	// public marks the routes that need no token.
	public = []sales.Role{"public"}
)

// accessTable is every route of the API with the roles allowed. A route
// that is not here fails TestEveryRouteAllowsExactlyItsRoles, and so does an
// entry for a route that is gone.
var accessTable = map[string]access{
	"GET /healthz":      {roles: public},
	"GET /openapi.json": {roles: public},

	"GET /v1/me":                         {},
	"GET /v1/invoices":                   {query: "awaiting=dispute"},
	"GET /v1/credit-notes":               {},
	"GET /v1/customers":                  {},
	"GET /v1/skus":                       {},
	"GET /v1/escalations":                {},
	"GET /v1/notifications":              {query: "recipient_id=me"}, // others' only for ssg, slt, admin
	"GET /v1/notifications/dead":         {roles: []sales.Role{finance, ssg, admin}},
	"POST /v1/notifications/{key}/retry": {roles: []sales.Role{finance, ssg, admin}},
	"GET /v1/tokens":                     {roles: []sales.Role{admin}},
	"DELETE /v1/tokens/{id}":             {roles: []sales.Role{admin}},

	"POST /v1/orders":                       {roles: []sales.Role{ssg, fsf, admin}, reach: byCustomer, body: validOrderJSON},
	"GET /v1/orders":                        {},
	"GET /v1/orders/{orderNo}":              {reach: byOrder},
	"GET /v1/orders/{orderNo}/events":       {reach: byOrder},
	"POST /v1/orders/{orderNo}/decision":    {roles: []sales.Role{slt}, reach: byOrder, body: `{"decision":"approve"}`},
	"POST /v1/orders/{orderNo}/acknowledge": {roles: []sales.Role{logistics}, reach: byOrder, body: `{"planned_date":"2026-03-12"}`},
	"POST /v1/orders/{orderNo}/goods-issues": {roles: []sales.Role{logistics}, reach: byOrder,
		body: `{"lines":[{"line_no":1,"quantity":1}],"carrier":"顺丰速运"}`},
	"POST /v1/orders/{orderNo}/shipments/{shipmentNo}/delivery":         {roles: []sales.Role{logistics}, reach: byOrder, body: `{}`},
	"POST /v1/orders/{orderNo}/invoices/{invoiceNo}/acknowledge":        {roles: []sales.Role{ssg, fsf, finance}, reach: byOrder, body: `{}`},
	"POST /v1/orders/{orderNo}/invoices/{invoiceNo}/dispute":            {roles: []sales.Role{ssg, fsf, finance}, reach: byOrder, body: `{"reason":"wrong price"}`},
	"POST /v1/orders/{orderNo}/invoices/{invoiceNo}/extension":          {roles: []sales.Role{slt}, reach: byOrder, body: `{"due_date":"2026-05-01"}`},
	"POST /v1/orders/{orderNo}/invoices/{invoiceNo}/dispute/withdrawal": {roles: []sales.Role{ssg, fsf, finance}, reach: byOrder, body: `{}`},
	"POST /v1/orders/{orderNo}/invoices/{invoiceNo}/credit-notes": {roles: []sales.Role{ssg, fsf}, reach: byOrder,
		body: `{"kind":"price","amount_fen":100,"reason":"agreed price"}`},
	"PUT /v1/orders/{orderNo}/invoices/{invoiceNo}/vat-invoice": {roles: []sales.Role{finance}, reach: byOrder,
		body: `{"vat_invoice_no":"04400123","vat_invoice_date":"2026-03-10"}`},
	"POST /v1/orders/{orderNo}/invoices/{invoiceNo}/extension-request": {roles: []sales.Role{fsf, finance}, reach: byOrder,
		body: `{"due_date":"2026-05-01","reason":"cash flow"}`},
	"POST /v1/orders/{orderNo}/invoices/{invoiceNo}/extension-request/decision": {roles: []sales.Role{slt}, reach: byOrder,
		body: `{"decision":"approve"}`},
	"POST /v1/orders/{orderNo}/receipts":                    {roles: []sales.Role{finance}, reach: byOrder, body: `{"reference":"B-1","amount_fen":100,"currency":"CNY"}`},
	"POST /v1/orders/{orderNo}/cancel":                      {roles: []sales.Role{ssg, fsf, slt, admin}, reach: byOrder, body: `{"reason":"x"}`},
	"POST /v1/orders/{orderNo}/close-backorder":             {roles: []sales.Role{ssg}, reach: byOrder, body: `{"reason":"x"}`},
	"POST /v1/orders/{orderNo}/returns":                     {roles: []sales.Role{ssg, fsf}, reach: byOrder, body: `{"lines":[{"line_no":1,"quantity":1}],"reason":"broken"}`},
	"POST /v1/orders/{orderNo}/returns/{returnNo}/decision": {roles: []sales.Role{fsf, slt}, reach: byOrder, body: `{"decision":"approve"}`},
	"POST /v1/orders/{orderNo}/returns/{returnNo}/receipt":  {roles: []sales.Role{logistics}, reach: byOrder, body: `{"lines":[{"line_no":1,"quantity":1}]}`},

	"GET /v1/customers/{customerID}/credit":               {reach: byCustomer},
	"POST /v1/customers/{customerID}/credit/adjustments":  {roles: []sales.Role{finance, fsf}, reach: byCustomer, body: `{"amount_fen":5000000,"reason":"spring promotion","expires_on":"2026-06-30"}`},
	"POST /v1/customers/{customerID}/freeze":              {roles: []sales.Role{slt}, body: `{"reason":"overdue"}`},
	"POST /v1/customers/{customerID}/unfreeze":            {roles: []sales.Role{slt}, body: `{"reason":"paid"}`},
	"POST /v1/credit/reviews":                             {roles: []sales.Role{slt, admin}},
	"GET /v1/credit/reviews":                              {roles: []sales.Role{ssg, finance, slt, admin}},
	"GET /v1/credit/adjustments":                          {},
	"GET /v1/credit/adjustments/{adjustmentID}":           {reach: byCustomer},
	"POST /v1/credit/adjustments/{adjustmentID}/decision": {roles: []sales.Role{slt}, body: `{"decision":"approve"}`},

	"PUT /v1/quota/{period}/markets/{market}":     {roles: []sales.Role{ssg, slt}, body: `{"allocations":[{"sku":"SKU-B","quantity":10}]}`},
	"PUT /v1/quota/{period}/customers/{customer}": {roles: []sales.Role{ssg, slt}, body: `{"allocations":[{"sku":"SKU-B","quantity":10}]}`},
	"GET /v1/quota/{period}":                      {},
	"GET /v1/pop/items":                           {},
	"POST /v1/pop/items":                          {roles: []sales.Role{ssg, slt, admin}, body: `{"code":"POP-NEW","name":"新海报","unit":"张","unit_cost_fen":500}`},
	"PUT /v1/pop/budgets/{month}/{market}":        {roles: []sales.Role{ssg, slt}, body: `{"budget_fen":500000}`},
	"POST /v1/pop/requests":                       {roles: []sales.Role{ssg, fsf}, reach: byCustomer, body: `{"customer_id":"C-001","items":[{"item":"POSTER","quantity":5}]}`},
	"GET /v1/pop/usage":                           {reach: byCustomer, query: "customer_id=C-001"},

	"GET /v1/problems":            {},
	"POST /v1/problems":           {roles: []sales.Role{ssg, slt, admin, finance, logistics}, body: `{"department":"{dept}","title":"truck late","customer_id":"C-001"}`},
	"GET /v1/problems/review":     {},
	"GET /v1/problems/{number}":   {reach: byCustomer},
	"PATCH /v1/problems/{number}": {roles: []sales.Role{ssg, slt, admin, finance, logistics}, body: `{"status":"resolved","resolution":"done"}`},

	"POST /v1/receipts":                                      {roles: []sales.Role{finance}, body: `{"customer_id":"C-001","bank_account":"ICBC-01","reference":"B-9","value_date":"2026-03-09","amount_fen":100,"currency":"CNY"}`},
	"GET /v1/receipts":                                       {roles: []sales.Role{finance, ssg, slt, fsf}},
	"GET /v1/receipts/{receiptID}":                           {roles: []sales.Role{finance, ssg, slt, fsf}, reach: byCustomer},
	"GET /v1/customers/{customerID}/unapplied":               {roles: []sales.Role{finance, ssg, slt, fsf}, reach: byCustomer},
	"POST /v1/customers/{customerID}/unapplied/applications": {roles: []sales.Role{finance}, reach: byCustomer, body: `{"invoice_nos":["INV-1"],"amount_fen":100}`},
	"POST /v1/customers/{customerID}/refunds":                {roles: []sales.Role{finance}, reach: byCustomer, body: `{"amount_fen":100,"bank_account":"6222-01","reason":"overpaid"}`},
	"GET /v1/refunds":                                        {roles: []sales.Role{finance, ssg, slt, fsf}},
	"POST /v1/refunds/{refundID}/decision":                   {roles: []sales.Role{slt}, body: `{"decision":"approve"}`},

	"GET /v1/orders/{orderNo}/documents/confirmation":                {reach: byOrder},
	"GET /v1/orders/{orderNo}/documents/dispatch-note":               {reach: byOrder, query: "format=html"},
	"GET /v1/orders/{orderNo}/documents/invoices/{invoiceNo}":        {reach: byOrder},
	"GET /v1/orders/{orderNo}/documents/credit-notes/{creditNoteNo}": {reach: byOrder},
	"GET /v1/orders/{orderNo}/documents/dunning-letter":              {reach: byOrder},
	"GET /v1/customers/{customerID}/documents/dunning-letter":        {reach: byCustomer},
	"GET /v1/customers/{customerID}/statements":                      {reach: byCustomer},
	"GET /v1/customers/{customerID}/statements/{month}":              {reach: byCustomer},

	"GET /v1/reports/credit-ratings": {},
	"GET /v1/reports/shipment-info":  {},
	"GET /v1/reports/replenishment":  {},
	"GET /v1/reports/receivables":    {},
	"GET /v1/reports/ageing":         {},
	"GET /v1/reports/dso":            {},
	"GET /v1/reports/targets":        {},
	"GET /v1/reports/reach":          {},

	"GET /v1/targets":       {},
	"PUT /v1/targets":       {roles: []sales.Role{slt, ssg}, body: `{"month":"2026-04","targets":[{"dimension":"kam","key":"u-kam1","sales_fen":100}]}`},
	"GET /v1/focus/{month}": {},
	"PUT /v1/focus/{month}": {roles: []sales.Role{slt}, body: `{"main":"回款","secondary":["铺货","新品"]}`},
	"GET /v1/packs":         {roles: []sales.Role{ssg, finance, logistics, slt, admin}},
	"POST /v1/packs":        {roles: []sales.Role{slt}, body: `{"kind":"slt"}`},
	"GET /v1/packs/{id}":    {roles: []sales.Role{ssg, finance, logistics, slt, admin}},

	"GET /v1/targets/splits": {},
	"GET /v1/targets/split":  {query: "dimension=kam&key=u-kam1", reach: byCustomer},
	"POST /v1/targets/split": {roles: []sales.Role{fsf},
		body: `{"period":"2026-03","dimension":"um","key":"u-um","targets":[{"key":"u-kam1","sales_fen":100}]}`},
	"GET /v1/focus/{month}/markets":          {},
	"GET /v1/plans":                          {},
	"GET /v1/plans/{kind}/{period}":          {},
	"PUT /v1/plans/{kind}/{period}":          {roles: []sales.Role{slt}, body: `{"text":"全年增长"}`},
	"POST /v1/plans/{kind}/{period}/publish": {roles: []sales.Role{slt}},
	"GET /v1/plans/{kind}/{period}/preview":  {roles: []sales.Role{slt}},

	"GET /v1/calendar":                {},
	"GET /v1/calendar/{year}":         {},
	"PUT /v1/calendar/{year}":         {roles: []sales.Role{ssg, admin}, body: `{"days":[{"date":"2026-10-01","kind":"holiday","name":"国庆节"}]}`},
	"POST /v1/calendar/{year}/import": {roles: []sales.Role{ssg, admin}, query: "dry_run=true", body: "date,kind,name\n2026-10-01,holiday,国庆节\n"},
	"POST /v1/visits":                 {roles: []sales.Role{ssg, fsf}, body: `{"customer_id":"C-001","date":"2026-03-10","kind":"call","notes":"订货计划"}`},
	"GET /v1/visits":                  {roles: []sales.Role{ssg, fsf, slt, admin}},
	"GET /v1/reports/visits":          {roles: []sales.Role{ssg, fsf, slt, admin}},

	"POST /v1/statements":                  {roles: []sales.Role{finance}},
	"GET /v1/statements":                   {roles: []sales.Role{finance, ssg, slt}},
	"GET /v1/statements/{id}":              {roles: []sales.Role{finance, ssg, slt}},
	"GET /v1/statement-lines":              {roles: []sales.Role{finance, ssg, slt}, query: "status=queued"},
	"POST /v1/statement-lines/{id}/assign": {roles: []sales.Role{finance}, body: `{"customer_id":"C-001"}`},
	"POST /v1/statement-lines/{id}/reject": {roles: []sales.Role{finance}, body: `{"reason":"interest"}`},
}

// validOrderJSON is validOrder("C-001") as a body.
const validOrderJSON = `{"customer_id":"C-001","requested_date":"2026-03-20","lines":[{"sku":"SKU-A","quantity":10,"unit_price_fen":9500}]}`

// caller is a user the access test calls every route as.
type caller struct {
	name, token string
	role        sales.Role
	outsider    bool // an FSF user whose customers are not C-001's
}

// callers are one user of every role, the three FSF titles over customer
// C-001 (its KAM, their UM, the market's MM), and a KAM of another market.
var callers = []caller{
	{"ssg", "t-ssg", ssg, false},
	{"fsf KAM", "t-kam1", fsf, false},
	{"fsf UM", "t-um", fsf, false},
	{"fsf MM", "t-mm", fsf, false},
	{"finance", "t-fin", finance, false},
	{"logistics", "t-log", logistics, false},
	{"slt", "t-slt", slt, false},
	{"admin", "t-admin", admin, false},
	{"fsf KAM of another market", "t-kam2", fsf, true},
}

// accessFixture is the fixture with an MM over the UM of C-001's KAM, an
// order of C-001 with an invoice and a problem about C-001 for each
// department; it returns the values of path parameters for c ({number}
// is a problem of c's department, which Finance and Logistics may update).
func accessFixture(t *testing.T, c caller) (*fixture, map[string]string) {
	t.Helper()
	f := newFixture(t)
	f.store.tokens["t-mm"] = sales.User{ID: "u-mm", Name: "市场经理", Role: fsf, Title: sales.TitleMM, Market: "华东"}
	f.store.reports["u-mm"] = []string{"u-kam1", "u-um"}
	no := f.startOrder(t, "C-001")
	v := f.orders.views[no]
	v.Invoices = []sales.Invoice{{No: "INV-1"}}
	f.orders.views[no] = v
	problems := map[sales.Department]string{sales.DeptLogistics: "OSB-2026-03-001", sales.DeptFinance: "OSB-2026-03-011", sales.DeptSales: "OSB-2026-03-012"}
	for dept, number := range problems {
		if _, ok := f.reports.problems[number]; !ok {
			f.reports.problems[number] = sales.Problem{Number: number, Department: dept, Source: sales.SourceManual,
				Status: sales.ProblemOpen, Title: "about C-001", CustomerID: "C-001", Owner: sales.DepartmentOwner(dept)}
		}
	}
	f.cash.receipts = []sales.BankReceipt{{ID: 1, CustomerID: "C-001", BankAccount: "ICBC-01", Reference: "B-1", Amount: 100, Currency: sales.CNY}}
	f.cash.balance["C-001"] = 1000
	f.credit.view = workflows.AdjustmentView{Adjustment: sales.CreditAdjustment{ID: "CA-2026-000007", CustomerID: "C-001"}, Ladder: sales.Ladder{KAM: "u-kam1"}}
	return f, map[string]string{
		"orderNo": no, "shipmentNo": "SH-1", "invoiceNo": "INV-1", "returnNo": "RT-1",
		"customerID": "C-001", "customer": "C-001", "period": "2026-03", "month": "2026-03", "year": "2026", "market": "华东", "kind": "monthly",
		"adjustmentID": "CA-2026-000007", "receiptID": "1", "refundID": "1", "number": problems[sales.DepartmentOf(c.role)], "id": "3",
		"key": url.PathEscape("SO-2026-000042/decision_needed/OP5/7/u-slt"),
	}
}

// Every route of the router, called without a token and as every kind of
// user: a public route answers anyone, any other refuses no token (401); an
// allowed role is never refused (401 or 403), any other role is refused with
// 403, and an FSF user outside the customer's scope gets 404 for an order and
// 403 for a customer, from the one table above.
func TestEveryRouteAllowsExactlyItsRoles(t *testing.T) {
	f, _ := accessFixture(t, callers[0])
	var routes []string
	err := chi.Walk(f.handler.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range accessTable {
		if !slices.Contains(routes, name) {
			t.Errorf("the access table names %s, which the router does not have", name)
		}
	}
	slices.Sort(routes)
	for _, route := range routes {
		acc, ok := accessTable[route]
		if !ok {
			t.Errorf("%s has no entry in the access table: say who may call it", route)
			continue
		}
		method, pattern, _ := strings.Cut(route, " ")
		t.Run(route, func(t *testing.T) {
			f, params := accessFixture(t, callers[0])
			rec := f.do(t, method, fill(pattern, params, acc), "", nil)
			if isPublic := slices.Equal(acc.roles, public); isPublic != (rec.Code != http.StatusUnauthorized) {
				t.Errorf("without a token: %d (public %v)", rec.Code, isPublic)
			}
			for _, c := range callers {
				f, params := accessFixture(t, c)
				path := fill(pattern, params, acc)
				var body any
				if acc.body != "" {
					body = strings.ReplaceAll(acc.body, "{dept}", string(sales.DepartmentOf(c.role)))
				}
				rec := f.do(t, method, path, c.token, body)
				checkAccess(t, c, acc, rec.Code, rec.Body.String())
			}
		})
	}
}

// fill makes a route's pattern a path with params and the query of acc.
func fill(pattern string, params map[string]string, acc access) string {
	path := pattern
	for name, value := range params {
		path = strings.ReplaceAll(path, "{"+name+"}", value)
	}
	if acc.query != "" {
		path += "?" + acc.query
	}
	return path
}

// checkAccess judges the answer status to c calling a route of acc.
func checkAccess(t *testing.T, c caller, acc access, status int, body string) {
	t.Helper()
	allowed := acc.roles == nil || slices.Equal(acc.roles, public) || slices.Contains(acc.roles, c.role)
	switch {
	case !allowed:
		if status != http.StatusForbidden || !strings.Contains(body, `"forbidden"`) {
			t.Errorf("%s: %d, want 403 forbidden: %s", c.name, status, body)
		}
	case c.outsider && acc.reach == byOrder:
		if status != http.StatusNotFound || !strings.Contains(body, `"not_found"`) {
			t.Errorf("%s: %d, want 404 not_found (another customer's order is none): %s", c.name, status, body)
		}
	case c.outsider && acc.reach == byCustomer:
		if status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403 (not their customer): %s", c.name, status, body)
		}
	default:
		if status == http.StatusUnauthorized || status == http.StatusForbidden {
			t.Errorf("%s: %d, want it let through: %s", c.name, status, body)
		}
	}
}
