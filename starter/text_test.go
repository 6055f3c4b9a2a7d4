package starter

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"osb/sales"
)

// A NUL byte in a dispute's reason was answered 200; PostgreSQL then refused
// the write and the order's workflow failed. The API refuses it first.
func TestADisputeWithANulByteIsRefusedBeforeTheWorkflow(t *testing.T) {
	f := newFixture(t)
	no := f.startOrder(t, "C-001")
	rec := f.do(t, "POST", "/v1/orders/"+no+"/invoices/IV-1/dispute", "t-fin", `{"reason":"wrong price\u0000x"}`)
	e := wantError(t, rec, http.StatusUnprocessableEntity, sales.ErrInvalid)
	if len(e.Fields) != 1 || e.Fields[0].Field != "reason" {
		t.Errorf("fields = %+v, want reason", e.Fields)
	}
	if len(f.orders.updates) != 0 {
		t.Errorf("the workflow was sent %+v", f.orders.updates)
	}
}

// freeText is one free-text field of a request body: where it is sent, the
// field the 422 names, its limit and where the OpenAPI states that limit.
type freeText struct {
	method, path, token string
	body                string // JSON with § where the field's value goes ({no} is the order)
	field               string
	max                 int
	schema, property    string // property "x[]" is the items of array x
}

// freeTexts is every free-text field of every request body.
var freeTexts = []freeText{
	{"POST", "/v1/orders", "t-ssg", `{"customer_id":"C-001","lines":[{"sku":"SKU-A","quantity":1,"unit_price_fen":9500}],"note":§}`, "note", sales.MaxNote, "OrderRequest", "note"},
	{"POST", "/v1/orders", "t-ssg", `{"customer_id":"C-001","client_ref":§,"lines":[{"sku":"SKU-A","quantity":1,"unit_price_fen":9500}]}`, "client_ref", 64, "OrderRequest", "client_ref"},
	{"POST", "/v1/orders", "t-ssg", `{"customer_id":§,"lines":[{"sku":"SKU-A","quantity":1,"unit_price_fen":9500}]}`, "customer_id", sales.MaxCode, "OrderRequest", "customer_id"},
	{"POST", "/v1/orders", "t-ssg", `{"customer_id":"C-001","lines":[{"sku":§,"quantity":1,"unit_price_fen":9500}]}`, "lines[0].sku", sales.MaxCode, "LineRequest", "sku"},
	{"POST", "/v1/orders", "t-ssg", `{"customer_id":"C-001","lines":[{"sku":"SKU-A","quantity":1,"unit_price_fen":9500}],"pop":[{"item":§,"quantity":1}]}`, "pop[0].item", sales.MaxCode, "POPRequest", "item"},
	{"POST", "/v1/orders/{no}/decision", "t-slt", `{"decision":"approve","reason":§}`, "reason", sales.MaxReason, "DecisionRequest", "reason"},
	{"POST", "/v1/orders/{no}/goods-issues", "t-log", `{"lines":[{"line_no":1,"quantity":1}],"carrier":§}`, "carrier", sales.MaxCarrier, "GoodsIssueRequest", "carrier"},
	{"POST", "/v1/orders/{no}/goods-issues", "t-log", `{"lines":[{"line_no":1,"quantity":1}],"carrier":"SF","waybill":§}`, "waybill", sales.MaxWaybill, "GoodsIssueRequest", "waybill"},
	{"POST", "/v1/orders/{no}/shipments/SH-1/delivery", "t-log", `{"note":§}`, "note", sales.MaxNote, "DeliveryRequest", "note"},
	{"POST", "/v1/orders/{no}/invoices/IV-1/dispute", "t-fin", `{"reason":§}`, "reason", sales.MaxReason, "DisputeRequest", "reason"},
	{"POST", "/v1/orders/{no}/invoices/IV-1/extension", "t-slt", `{"due_date":"2026-05-01","reason":§}`, "reason", sales.MaxReason, "ExtensionRequest", "reason"},
	{"POST", "/v1/orders/{no}/receipts", "t-fin", `{"reference":§,"amount_fen":100,"currency":"CNY"}`, "reference", sales.MaxReference, "ReceiptRequest", "reference"},
	{"POST", "/v1/orders/{no}/receipts", "t-fin", `{"reference":"B-1","amount_fen":100,"currency":"CNY","invoice_no":§}`, "invoice_no", sales.MaxCode, "ReceiptRequest", "invoice_no"},
	{"POST", "/v1/orders/{no}/cancel", "t-ssg", `{"reason":§}`, "reason", sales.MaxReason, "CancelRequest", "reason"},
	{"POST", "/v1/orders/{no}/returns", "t-ssg", `{"lines":[{"line_no":1,"quantity":1}],"reason":§}`, "reason", sales.MaxReason, "ReturnRequest", "reason"},
	{"POST", "/v1/orders/{no}/returns/RT-1/decision", "t-slt", `{"decision":"approve","reason":§}`, "reason", sales.MaxReason, "ReturnDecisionRequest", "reason"},
	{"POST", "/v1/orders/{no}/returns/RT-1/receipt", "t-log", `{"lines":[{"line_no":1,"quantity":1}],"note":§}`, "note", sales.MaxNote, "ReturnReceiptRequest", "note"},
	{"POST", "/v1/customers/C-001/credit/adjustments", "t-fin", `{"amount_fen":100,"reason":§,"expires_on":"2026-04-01"}`, "reason", sales.MaxReason, "AdjustmentRequest", "reason"},
	{"POST", "/v1/credit/adjustments/CA-2026-000001/decision", "t-slt", `{"decision":"approve","note":§}`, "note", sales.MaxReason, "AdjustmentDecisionRequest", "note"},
	{"POST", "/v1/customers/C-001/freeze", "t-slt", `{"reason":§}`, "reason", sales.MaxReason, "FreezeRequest", "reason"},
	{"POST", "/v1/customers/C-001/unfreeze", "t-slt", `{"reason":§}`, "reason", sales.MaxReason, "FreezeRequest", "reason"},
	{"PUT", "/v1/quota/2026-03/markets/华东", "t-ssg", `{"allocations":[{"sku":§,"quantity":1}]}`, "allocations[0].sku", sales.MaxCode, "QuotaAllocation", "sku"},
	{"PUT", "/v1/quota/2026-03/customers/C-001", "t-ssg", `{"allocations":[{"sku":§,"quantity":1}]}`, "allocations[0].sku", sales.MaxCode, "QuotaAllocation", "sku"},
	{"POST", "/v1/pop/items", "t-ssg", `{"code":§,"name":"海报","unit_cost_fen":100}`, "code", 32, "POPItem", "code"},
	{"POST", "/v1/pop/items", "t-ssg", `{"code":"POP-1","name":§,"unit_cost_fen":100}`, "name", sales.MaxName, "POPItem", "name"},
	{"POST", "/v1/pop/items", "t-ssg", `{"code":"POP-1","name":"海报","unit":§,"unit_cost_fen":100}`, "unit", sales.MaxUnit, "POPItem", "unit"},
	{"POST", "/v1/pop/requests", "t-ssg", `{"customer_id":§,"items":[{"item":"POP-POSTER","quantity":1}]}`, "customer_id", sales.MaxCode, "POPStandalone", "customer_id"},
	{"POST", "/v1/pop/requests", "t-ssg", `{"customer_id":"C-001","items":[{"item":§,"quantity":1}]}`, "items[0].item", sales.MaxCode, "POPRequest", "item"},
	{"POST", "/v1/pop/requests", "t-ssg", `{"customer_id":"C-001","items":[{"item":"POP-POSTER","quantity":1}],"note":§}`, "note", sales.MaxNote, "POPStandalone", "note"},
	{"POST", "/v1/problems", "t-ssg", `{"department":"sales","title":§}`, "title", sales.MaxTitle, "ProblemRequest", "title"},
	{"POST", "/v1/problems", "t-ssg", `{"department":"sales","title":"T","detail":§}`, "detail", sales.MaxDetail, "ProblemRequest", "detail"},
	{"POST", "/v1/problems", "t-ssg", `{"department":"sales","title":"T","customer_id":§}`, "customer_id", sales.MaxCode, "ProblemRequest", "customer_id"},
	{"POST", "/v1/problems", "t-ssg", `{"department":"sales","title":"T","owner":§}`, "owner", sales.MaxCode, "ProblemRequest", "owner"},
	{"PATCH", "/v1/problems/OSB-2026-03-001", "t-ssg", `{"owner":§}`, "owner", sales.MaxCode, "ProblemUpdate", "owner"},
	{"PATCH", "/v1/problems/OSB-2026-03-001", "t-ssg", `{"resolution":§}`, "resolution", sales.MaxDetail, "ProblemUpdate", "resolution"},
	{"PUT", "/v1/targets", "t-slt", `{"month":"2026-03","targets":[{"dimension":"market","key":§,"sales_fen":1,"collections_fen":1}]}`, "targets[0].key", sales.MaxCode, "TargetEntry", "key"},
	{"POST", "/v1/orders/{no}/receipts", "t-fin", `{"reference":"B-1","amount_fen":100,"currency":"CNY","bank_account":§}`, "bank_account", sales.MaxReference, "ReceiptRequest", "bank_account"},
	{"POST", "/v1/receipts", "t-fin", receiptWith(`"reference":§`), "reference", sales.MaxReference, "ReceiptInput", "reference"},
	{"POST", "/v1/receipts", "t-fin", receiptWith(`"bank_account":§`), "bank_account", sales.MaxReference, "ReceiptInput", "bank_account"},
	{"POST", "/v1/receipts", "t-fin", receiptWith(`"payer_name":§`), "payer_name", sales.MaxName, "ReceiptInput", "payer_name"},
	{"POST", "/v1/receipts", "t-fin", receiptWith(`"remittance":§`), "remittance", sales.MaxReason, "ReceiptInput", "remittance"},
	{"POST", "/v1/customers/C-001/refunds", "t-fin", `{"amount_fen":1,"bank_account":§,"reason":"r"}`, "bank_account", sales.MaxReference, "RefundRequest", "bank_account"},
	{"POST", "/v1/customers/C-001/refunds", "t-fin", `{"amount_fen":1,"bank_account":"6222","reason":§}`, "reason", sales.MaxReason, "RefundRequest", "reason"},
	{"POST", "/v1/refunds/1/decision", "t-slt", `{"decision":"approve","note":§}`, "note", sales.MaxReason, "RefundDecisionRequest", "note"},
	{"PUT", "/v1/focus/2026-03", "t-slt", `{"main":§,"secondary":["a","b"]}`, "main", sales.MaxFocusItem, "FocusRequest", "main"},
	{"PUT", "/v1/focus/2026-03", "t-slt", `{"main":"m","secondary":[§,"b"]}`, "secondary[0]", sales.MaxFocusItem, "FocusRequest", "secondary[]"},
}

func TestEveryFreeTextFieldRefusesControlCharactersAndOverlongText(t *testing.T) {
	schemas := openAPISchemas(t)
	for _, c := range freeTexts {
		t.Run(c.method+" "+c.path+" "+c.field, func(t *testing.T) {
			if got := maxLengthOf(schemas, c.schema, c.property); got != c.max {
				t.Errorf("the OpenAPI states maxLength %d for %s.%s, want %d", got, c.schema, c.property, c.max)
			}
			f := newFixture(t)
			path := strings.ReplaceAll(c.path, "{no}", f.startOrder(t, "C-001"))
			send := func(value string) (sales.Error, int) {
				v, _ := json.Marshal(value)
				before := f.effects()
				rec := f.do(t, c.method, path, c.token, strings.Replace(c.body, "§", string(v), 1))
				var body struct{ Error sales.Error }
				_ = json.Unmarshal(rec.Body.Bytes(), &body)
				if rec.Code == http.StatusUnprocessableEntity && f.effects() != before {
					t.Errorf("%q: refused, yet something was written or sent", value)
				}
				return body.Error, rec.Code
			}
			for _, bad := range []string{"x\u0000y", "x\u001b[31m", strings.Repeat("价", c.max+1)} {
				e, status := send(bad)
				if status != http.StatusUnprocessableEntity || e.Code != sales.ErrInvalid || !namesTextProblem(e, c.field) {
					t.Errorf("%.12q: %d %+v, want 422 naming %s", bad, status, e, c.field)
				}
			}
			if e, _ := send(strings.Repeat("x", c.max)); namesTextProblem(e, c.field) {
				t.Errorf("%d characters refused: %+v", c.max, e)
			}
		})
	}
}

// receiptWith is a valid receipt of C-001 with field (holding §) in place
// of its default.
func receiptWith(field string) string {
	fields := map[string]string{"customer_id": `"C-001"`, "bank_account": `"ICBC-01"`, "reference": `"B-1"`, "value_date": `"2026-03-09"`,
		"amount_fen": "100", "currency": `"CNY"`}
	name, _, _ := strings.Cut(field, ":")
	delete(fields, strings.Trim(name, `"`))
	parts := []string{field}
	for _, k := range []string{"customer_id", "bank_account", "reference", "value_date", "amount_fen", "currency"} {
		if v, ok := fields[k]; ok {
			parts = append(parts, `"`+k+`":`+v)
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// namesTextProblem reports whether e refuses field as free text.
func namesTextProblem(e sales.Error, field string) bool {
	for _, fe := range e.Fields {
		if fe.Field == field && (strings.Contains(fe.Message, "control characters") || strings.Contains(fe.Message, "at most") ||
			strings.Contains(fe.Message, "letters, digits")) {
			return true
		}
	}
	return false
}

// effects counts what the fakes were asked to write or send.
func (f *fixture) effects() string {
	return fmt.Sprint(len(f.orders.starts), len(f.orders.updates), len(f.orders.signals), len(f.quota.calls),
		len(f.credit.proposals), len(f.credit.decisions), len(f.credit.freezes),
		len(f.reports.filings), len(f.reports.updates), f.reports.targets != nil, len(f.reports.focus),
		len(f.cash.records), len(f.cash.refunds), len(f.cash.unapplied), len(f.cash.decisions))
}

// openAPISchemas returns the component schemas of the served OpenAPI document.
func openAPISchemas(t *testing.T) map[string]any {
	t.Helper()
	var doc struct {
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas
}

// maxLengthOf is the maxLength the schema states for property (0 if none).
func maxLengthOf(schemas map[string]any, schema, property string) int {
	s, _ := schemas[schema].(map[string]any)
	props, _ := s["properties"].(map[string]any)
	name, items := strings.CutSuffix(property, "[]")
	p, _ := props[name].(map[string]any)
	if items {
		p, _ = p["items"].(map[string]any)
	}
	n, _ := p["maxLength"].(float64)
	return int(n)
}

func TestControlCharactersInThePathOrQueryNeverReachTheStore(t *testing.T) {
	f := newFixture(t)
	e := wantError(t, f.do(t, "GET", "/v1/orders?customer_id=C%00", "t-ssg", nil), http.StatusBadRequest, sales.ErrInvalid)
	if len(e.Fields) != 1 || e.Fields[0].Field != "customer_id" {
		t.Errorf("fields = %+v, want customer_id", e.Fields)
	}
	if f.store.orderFilter != nil {
		t.Error("the store was asked")
	}
	e = wantError(t, f.do(t, "PUT", "/v1/quota/2026-03/markets/%E5%8D%8E%00", "t-ssg", `{"allocations":[{"sku":"SKU-B","quantity":1}]}`),
		http.StatusBadRequest, sales.ErrInvalid)
	if len(e.Fields) != 1 || e.Fields[0].Field != "path" || len(f.quota.calls) != 0 {
		t.Errorf("fields = %+v, quota calls %v", e.Fields, f.quota.calls)
	}
}
