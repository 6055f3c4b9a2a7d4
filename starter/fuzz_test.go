package starter

// Fuzz tests of the bodies people send most: an order, a goods issue, a
// receipt. As plain tests they run the seeds below; to search further:
//
//	go test ./starter -run '^$' -fuzz '^FuzzCreateOrder$' -fuzztime 10m
//	go test ./starter -run '^$' -fuzz '^FuzzGoodsIssue$' -fuzztime 10m
//	go test ./starter -run '^$' -fuzz '^FuzzReceipt$' -fuzztime 10m
//
// (one -fuzz target per run; a failing input is saved under
// testdata/fuzz/<name>/ and then runs as a seed in every go test).

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"osb/sales"
	"osb/workflows"
)

// orderSeeds are bodies of POST /v1/orders: valid ones and every kind of
// mistake people and programs make.
var orderSeeds = []string{
	`{"customer_id":"C-001","lines":[{"sku":"SKU-A","quantity":10,"unit_price_fen":9500}]}`,
	`{"customer_id":" C-001 ","client_ref":"PO-7/2026","currency":"CNY","requested_date":"2026-03-20","lines":[{"sku":"SKU-A","quantity":1,"unit_price_fen":10000},{"sku":"SKU-B","quantity":4,"unit_price_fen":5000}],"pop":[{"item":"POP-POSTER","quantity":2}],"note":"春季促销\n第二行"}`,
	`{"customer_id":"C-001","lines":[{"sku":"SKU-A","quantity":1,"unit_price_fen":9500}],"note":"wrong\u0000x"}`,
	`{"customer_id":"C-001","lines":[{"sku":"SKU-A\u001b","quantity":1,"unit_price_fen":9500}]}`,
	`{"customer_id":"C-001","lines":[{"sku":"SKU-A","quantity":1,"unit_price_fen":9500},{"sku":"SKU-A","quantity":1,"unit_price_fen":9500}]}`,
	`{"customer_id":"C-001","lines":[{"sku":"SKU-A","quantity":-1,"unit_price_fen":9500}]}`,
	`{"customer_id":"C-001","lines":[{"sku":"SKU-A","quantity":9223372036854775807,"unit_price_fen":9223372036854775807}]}`,
	`{"customer_id":"C-001","lines":[{"sku":"SKU-A","quantity":1e30,"unit_price_fen":1.5}]}`,
	`{"customer_id":"C-001","lines":[{"sku":"SKU-OLD","quantity":1,"unit_price_fen":1000}],"currency":"USD"}`,
	`{"customer_id":"C-404","lines":[]}`,
	`{"customer_id":"C-001","lines":[{"sku":"SKU-A","quantity":1,"unit_price_fen":9500}],"requested_date":"2020-01-01"}`,
	`{"customer_id":"C-001","lines":[{"sku":"SKU-A","quantity":1,"unit_price_fen":9500}],"client_ref":"has space"}`,
	`{"customer_id":"C-001","lines":[{"sku":"SKU-A","quantity":1,"unit_price_fen":9500}],"pop":[{"item":"","quantity":0}]}`,
	`{"customer_id":"C-001","line":[]}`,
	`{"customer_id":1}`,
	`{"":0}`,
	`{"customer_id":"C-001","lines":{}}`,
	`{"customer_id":"C-001","lines":[{"sku":"SKU-A","quantity":1,"unit_price_fen":9500}]}{}`,
	"{\"customer_id\":\"C-\xff\",\"lines\":[]}",
	`[]`, `null`, `""`, `{`, ``, `{}`, `{"customer_id":"C-001","lines":[{"sku":"SKU-A"`,
}

func FuzzCreateOrder(f *testing.F) {
	for _, s := range orderSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"customer_id":"C-001","lines":[` + strings.Repeat(`{"sku":"SKU-A","quantity":1,"unit_price_fen":9500},`, 200) + `{}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		fx := newFixture(t)
		rec := fx.do(t, "POST", "/v1/orders", "t-ssg", string(body))
		if rec.Code == http.StatusCreated {
			if len(fx.orders.starts) != 1 {
				t.Fatalf("201 with %d workflows started", len(fx.orders.starts))
			}
			checkAcceptedOrder(t, fx, fx.orders.starts[0].in.Request)
			return
		}
		checkRefusal(t, rec, body)
		if len(fx.orders.starts) != 0 || fx.store.seq != 0 {
			t.Fatalf("refused, yet %d workflows started and %d order numbers taken", len(fx.orders.starts), fx.store.seq)
		}
	})
}

func FuzzGoodsIssue(f *testing.F) {
	for _, s := range []string{
		`{"lines":[{"line_no":1,"quantity":10}],"carrier":"顺丰","waybill":"SF1234567890"}`,
		`{"lines":[{"line_no":1,"quantity":1}],"carrier":"SF"}`,
		`{"lines":[{"line_no":1,"quantity":1}],"carrier":"SF\u0000","waybill":"W"}`,
		`{"lines":[{"line_no":1,"quantity":1}],"carrier":"SF","waybill":"W\u0085"}`,
		`{"lines":[{"line_no":1,"quantity":1}],"carrier":"  "}`,
		`{"lines":[{"line_no":1,"quantity":1}],"carrier":"` + strings.Repeat("x", sales.MaxCarrier+1) + `"}`,
		`{"lines":[{"line_no":1,"quantity":1}],"carrier":"SF","waybill":"` + strings.Repeat("运", sales.MaxWaybill+1) + `"}`,
		`{"lines":[{"line_no":"1","quantity":1}],"carrier":"SF"}`,
		`{"lines":[{"line_no":1,"quantity":1,"sku":"SKU-A"}],"carrier":"SF"}`,
		`{"lines":null,"carrier":"SF"}`,
		`{"carrier":["SF"]}`,
		`{"lines":[{"line_no":1,"quantity":1}],"carrier":"SF"} x`,
		"{\"carrier\":\"\xfe\"}",
		`[]`, `null`, `1`, ``, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fx := newFixture(t)
		no := fx.startOrder(t, "C-001")
		rec := fx.do(t, "POST", "/v1/orders/"+no+"/goods-issues", "t-log", string(body))
		if rec.Code == http.StatusCreated {
			arg := onlyUpdate(t, fx, workflows.UpdateGoodsIssue)
			in, ok := arg.(workflows.GoodsIssueInput)
			if !ok {
				t.Fatalf("the goods issue was sent as %T", arg)
			}
			if in.Actor.UserID != "u-log" {
				t.Errorf("actor %+v, want the token's user", in.Actor)
			}
			checkText(t, "carrier", in.Carrier, sales.MaxCarrier, true)
			checkText(t, "waybill", in.Waybill, sales.MaxWaybill, false)
			return
		}
		checkRefusal(t, rec, body)
		if len(fx.orders.updates) != 0 {
			t.Fatalf("refused, yet sent %+v", fx.orders.updates)
		}
	})
}

func FuzzReceipt(f *testing.F) {
	for _, s := range []string{
		`{"reference":"BANK-2026-0001","amount_fen":100000,"currency":"CNY"}`,
		`{"reference":" BANK-1 ","amount_fen":1,"currency":"CNY","invoice_no":"IV-2026-000001-1"}`,
		`{"reference":"BANK\u0000-1","amount_fen":1,"currency":"CNY"}`,
		`{"reference":"","amount_fen":1,"currency":"CNY"}`,
		`{"reference":"B","amount_fen":1,"currency":"CNY","invoice_no":"IV\u0007"}`,
		`{"reference":"` + strings.Repeat("R", sales.MaxReference+1) + `","amount_fen":1,"currency":"CNY"}`,
		`{"reference":"B","amount_fen":-5,"currency":"CNY"}`,
		`{"reference":"B","amount_fen":1.25,"currency":"CNY"}`,
		`{"reference":"B","amount_fen":"100","currency":"CNY"}`,
		`{"reference":"B","amount_fen":99999999999999999999,"currency":"CNY"}`,
		`{"reference":"B","amount":1,"currency":"CNY"}`,
		`{"reference":"B","amount_fen":1,"currency":"CNY"}{"reference":"C"}`,
		"{\"reference\":\"\xc3\x28\"}",
		`[]`, `null`, `true`, ``, `{"reference":`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fx := newFixture(t)
		no := fx.billedOrder(t)
		rec := fx.do(t, "POST", "/v1/orders/"+no+"/receipts", "t-fin", string(body))
		if rec.Code == http.StatusCreated || rec.Code == http.StatusOK {
			if len(fx.cash.receipts) != 1 || len(fx.orders.updates) != 0 {
				t.Fatalf("accepted, and recorded %+v, sent %+v; want one receipt", fx.cash.receipts, fx.orders.updates)
			}
			in := fx.cash.records[0].in
			checkText(t, "reference", in.Reference, sales.MaxReference, true)
			if in.Reference != strings.TrimSpace(in.Reference) || in.CustomerID != "C-001" || !in.OnlyNamed {
				t.Errorf("recorded %+v", in)
			}
			for _, inv := range in.Invoices {
				checkText(t, "invoice_no", inv, sales.MaxCode, true)
			}
			return
		}
		checkRefusal(t, rec, body)
		if len(fx.cash.receipts) != 0 || len(fx.orders.updates) != 0 {
			t.Fatalf("refused, yet recorded %+v, sent %+v", fx.cash.receipts, fx.orders.updates)
		}
	})
}

// onlyUpdate returns the argument of the one update sent, which must be name.
func onlyUpdate(t *testing.T, fx *fixture, name string) any {
	t.Helper()
	if len(fx.orders.updates) != 1 || fx.orders.updates[0].name != name {
		t.Fatalf("accepted, and sent %+v; want one %s", fx.orders.updates, name)
	}
	return fx.orders.updates[0].arg
}

// checkRefusal fails unless rec refuses body as a client error in the one
// JSON error shape, naming a field or the body.
func checkRefusal(t *testing.T, rec *httptest.ResponseRecorder, body []byte) {
	t.Helper()
	switch rec.Code {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
	default:
		t.Fatalf("%q: status %d, want 201, 400, 413 or 422: %s", body, rec.Code, rec.Body)
	}
	var got struct{ Error *sales.Error }
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.Error == nil {
		t.Fatalf("%q: the refusal is not the JSON error shape: %s", body, rec.Body)
	}
	e := got.Error
	if e.Code != sales.ErrInvalid || e.Message == "" {
		t.Fatalf("%q: error %+v, want code invalid with a message", body, e)
	}
	if len(e.Fields) == 0 && !strings.Contains(e.Message, "request body") {
		t.Fatalf("%q: %q names neither a field nor the body", body, e.Message)
	}
	for _, f := range e.Fields {
		if f.Field == "" || f.Message == "" {
			t.Fatalf("%q: a field error without field or message: %+v", body, e.Fields)
		}
	}
}

// checkText fails unless value is free text the store and a workflow take:
// valid UTF-8, at most max characters, no control character but tab and
// line breaks, not blank when required. It is written apart from
// sales.Problems.Text on purpose.
func checkText(t *testing.T, field, value string, max int, required bool) {
	t.Helper()
	switch {
	case !utf8.ValidString(value):
		t.Fatalf("%s %q accepted: not UTF-8", field, value)
	case utf8.RuneCountInString(value) > max:
		t.Fatalf("%s accepted with %d characters, more than %d", field, utf8.RuneCountInString(value), max)
	case required && strings.TrimSpace(value) == "":
		t.Fatalf("%s accepted blank", field)
	}
	for _, r := range value {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			t.Fatalf("%s %q accepted with control character %U", field, value, r)
		}
	}
}

var clientRef = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,64}$`)

// checkAcceptedOrder fails unless the order that started is one OP1–OP2
// would take: a known active customer in its currency, 1–200 lines of known
// active SKUs named once, quantities and prices within bounds and the
// discount authority, a date not in the past, and free text within limits.
func checkAcceptedOrder(t *testing.T, fx *fixture, req sales.OrderRequest) {
	t.Helper()
	c, ok := fx.store.customers[req.CustomerID]
	if !ok || !c.Active || c.Currency != req.Currency {
		t.Fatalf("accepted for customer %q in %s: %+v", req.CustomerID, req.Currency, c)
	}
	if req.ClientRef != "" && !clientRef.MatchString(req.ClientRef) {
		t.Fatalf("accepted client_ref %q", req.ClientRef)
	}
	if req.RequestedDate != "" {
		d, err := time.Parse(time.DateOnly, req.RequestedDate)
		if err != nil || d.Before(now.AddDate(0, 0, -2)) {
			t.Fatalf("accepted requested_date %q", req.RequestedDate)
		}
	}
	if n := len(req.Lines); n < 1 || n > 200 {
		t.Fatalf("accepted with %d lines", n)
	}
	seen := map[string]bool{}
	for _, l := range req.Lines {
		sku, ok := fx.store.skus[l.SKU]
		switch {
		case !ok || !sku.Active || seen[l.SKU]:
			t.Fatalf("accepted line %+v (known %v, seen %v)", l, ok, seen[l.SKU])
		case l.Quantity < 1 || l.Quantity > 1_000_000:
			t.Fatalf("accepted quantity %d", l.Quantity)
		case l.UnitPrice > sku.ListPrice || l.UnitPrice < sales.MinPrice(sku.ListPrice, fx.policy.DiscountBasisPoints):
			t.Fatalf("accepted price %s for list price %s", l.UnitPrice, sku.ListPrice)
		}
		seen[l.SKU] = true
	}
	for _, p := range req.POP {
		checkText(t, "pop item", p.Item, sales.MaxCode, true)
		if p.Quantity < 1 || p.Quantity > 1_000_000 {
			t.Fatalf("accepted POP quantity %d", p.Quantity)
		}
	}
	checkText(t, "note", req.Note, sales.MaxNote, false)
}
