package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"osb/sales"
	"osb/workflows"
)

// formValues are the fields of the form with id in the page, as a browser
// would post them untouched: hidden and text inputs, checked radios and
// boxes, the selected option of each select, textareas.
func formValues(t *testing.T, p page, id string) url.Values {
	t.Helper()
	start := strings.Index(p.body, `id="`+id+`"`)
	if start < 0 {
		t.Fatalf("no form %s in the page:\n%s", id, p.body)
	}
	body := p.body[start:]
	body = body[:strings.Index(body, "</form>")]
	v := url.Values{}
	for _, m := range regexp.MustCompile(`<input ([^>]*)>`).FindAllStringSubmatch(body, -1) {
		attrs := m[1]
		name, value, typ := attr(attrs, "name"), attr(attrs, "value"), attr(attrs, "type")
		if name == "" || ((typ == "radio" || typ == "checkbox") && !strings.Contains(attrs, " checked")) {
			continue
		}
		if (typ == "checkbox") && value == "" {
			value = "on"
		}
		v.Add(name, value)
	}
	for _, m := range regexp.MustCompile(`(?s)<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(body, -1) {
		sel := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m[2])
		if sel != nil {
			v.Set(m[1], sel[1])
		} else {
			v.Set(m[1], "")
		}
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(body, -1) {
		v.Set(m[1], m[2])
	}
	return v
}

func attr(attrs, name string) string {
	m := regexp.MustCompile(`\b` + name + `="([^"]*)"`).FindStringSubmatch(attrs)
	if m == nil {
		return ""
	}
	return m[1]
}

// lastSent is the last update or signal the API sent, decoded into arg.
func (f *fixture) lastSent(t *testing.T, arg any) sent {
	t.Helper()
	all := f.orders.Sent()
	if len(all) == 0 {
		t.Fatal("nothing was sent to a workflow")
	}
	s := all[len(all)-1]
	if arg != nil {
		if err := json.Unmarshal(s.Arg, arg); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestOrderActions(t *testing.T) {
	f := newFixture(t, false)

	t.Run("the SLT decides on a held order from its page, through the API", func(t *testing.T) {
		b := f.browser()
		b.signIn("dsd")
		p := b.get("/orders/" + heldOrder)
		if !p.has(`id="act-decide"`) || p.has(`id="act-goods-issue"`) {
			t.Fatalf("the held order offers:\n%s", p.body)
		}
		form := formValues(t, p, "act-decide")
		form.Set("decision", "reject")
		form.Set("reason", "客户信用不足")
		r := b.post("/orders/"+heldOrder+"/act/decide", form)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/orders/"+heldOrder+"?done=decide#top" {
			t.Fatalf("posted: %d %q\n%s", r.status, r.header.Get("Location"), r.body)
		}
		var in workflows.DecideInput
		s := f.lastSent(t, &in)
		if s.OrderNo != heldOrder || s.Name != workflows.UpdateDecide || in.Decision != "reject" || in.Reason != "客户信用不足" ||
			in.Actor.UserID != "dsd" || in.Actor.Role != sales.RoleSLT {
			t.Errorf("sent %+v %+v", s, in)
		}
		if p := b.get(r.header.Get("Location")); !p.has("审批已提交") {
			t.Errorf("no confirmation:\n%s", p.body)
		}
	})

	t.Run("approving part sends the quantities typed per line", func(t *testing.T) {
		b := f.browser()
		b.signIn("dsd")
		form := formValues(t, b.get("/orders/"+heldOrder), "act-decide")
		form.Set("decision", "approve_part")
		form.Set("qty-1", "60")
		form.Set("qty-2", "0")
		if r := b.post("/orders/"+heldOrder+"/act/decide", form); r.status != http.StatusSeeOther {
			t.Fatalf("%d\n%s", r.status, r.body)
		}
		var in workflows.DecideInput
		f.lastSent(t, &in)
		if in.Decision != "approve_part" || len(in.Lines) != 1 || in.Lines[0] != (sales.LineQty{LineNo: 1, Quantity: 60}) {
			t.Errorf("sent %+v", in)
		}
	})

	t.Run("a role without the permission sees no form, and a forged post is refused by the API", func(t *testing.T) {
		b := f.browser()
		b.signIn("log1")
		p := b.get("/orders/" + heldOrder)
		if p.has(`id="act-decide"`) || p.has(`id="act-cancel"`) {
			t.Errorf("Logistics is offered the SLT's decision:\n%s", p.body)
		}
		before := len(f.orders.Sent())
		r := b.post("/orders/"+heldOrder+"/act/decide", url.Values{"csrf": {p.csrf(t)}, "decision": {"approve"}})
		if r.status != http.StatusForbidden || !r.has("only slt may do this") || len(f.orders.Sent()) != before {
			t.Errorf("forged decision: %d\n%s", r.status, r.body)
		}
	})

	t.Run("an FSF user cannot act on another KAM's order: it does not exist for them", func(t *testing.T) {
		b := f.browser()
		p := b.signIn("kam-huadong-1")
		before := len(f.orders.Sent())
		r := b.post("/orders/"+logisticsWait+"/act/cancel", url.Values{"csrf": {p.csrf(t)}, "reason": {"x"}})
		if r.status != http.StatusNotFound || len(f.orders.Sent()) != before {
			t.Errorf("%d\n%s", r.status, r.body)
		}
	})

	t.Run("Logistics acknowledges at SP1; goods issue is not offered before", func(t *testing.T) {
		b := f.browser()
		b.signIn("log1")
		p := b.get("/orders/" + logisticsWait)
		if !p.has(`id="act-acknowledge"`) || p.has(`id="act-goods-issue"`) {
			t.Fatalf("offers:\n%s", p.body)
		}
		form := formValues(t, p, "act-acknowledge")
		form.Set("planned_date", "2026-12-20")
		if r := b.post("/orders/"+logisticsWait+"/act/acknowledge", form); r.status != http.StatusSeeOther {
			t.Fatalf("%d\n%s", r.status, r.body)
		}
		var in workflows.AcknowledgeInput
		if s := f.lastSent(t, &in); s.Name != workflows.UpdateAcknowledge || in.PlannedDate != "2026-12-20" {
			t.Errorf("sent %+v %+v", s, in)
		}
	})

	t.Run("a refusal shows the API's message beside the field, with what was typed", func(t *testing.T) {
		b := f.browser()
		b.signIn("fin1")
		p := b.get("/orders/" + overdueOrder)
		form := formValues(t, p, "act-receipt")
		if form.Get("amount") != "4680.00" || form.Get("currency") != "CNY" {
			t.Errorf("the receipt form starts with %v", form)
		}
		form.Set("reference", "")
		form.Set("amount", "12,3x")
		r := b.post("/orders/"+overdueOrder+"/act/receipt", form)
		if r.status != http.StatusUnprocessableEntity || !r.has(`id="act-receipt-amount-err"`) || !r.has(`value="12,3x"`) {
			t.Errorf("a bad amount: %d\n%s", r.status, r.body)
		}
		form = formValues(t, r, "act-receipt")
		form.Set("amount", "1,000.50")
		r = b.post("/orders/"+overdueOrder+"/act/receipt", form)
		if r.status != http.StatusUnprocessableEntity || !r.has(`id="act-receipt-reference-err"`) {
			t.Errorf("no reference: %d\n%s", r.status, r.body)
		}
		form.Set("reference", "BANK-20261202-7")
		if r := b.post("/orders/"+overdueOrder+"/act/receipt", form); r.status != http.StatusSeeOther {
			t.Fatalf("%d\n%s", r.status, r.body)
		}
		var in workflows.ConfirmPaymentInput
		if s := f.lastSent(t, &in); s.Name != workflows.UpdateConfirmPay || in.Amount != 100050 || in.Reference != "BANK-20261202-7" {
			t.Errorf("sent %+v %+v", s, in)
		}
	})

	t.Run("the workflow's refusal comes back beside the field it names", func(t *testing.T) {
		b := f.browser()
		b.signIn("dsd")
		form := formValues(t, b.get("/orders/"+overdueOrder), "act-extension-INV-2026-000003-1")
		form.Set("due_date", "2027-01-15")
		f.orders.refuse = &sales.Error{Code: sales.ErrInvalid, Message: "the extension is invalid",
			Fields: []sales.FieldError{{Field: "due_date", Message: "must be within 90 days of the original due date"}}}
		defer func() { f.orders.refuse = nil }()
		r := b.post("/orders/"+overdueOrder+"/act/extension", form)
		if r.status != http.StatusUnprocessableEntity || !r.has("must be within 90 days") ||
			!r.has(`id="act-extension-INV-2026-000003-1-due_date-err"`) || !r.has(`value="2027-01-15"`) {
			t.Errorf("%d\n%s", r.status, r.body)
		}
	})

	t.Run("a form without the session's CSRF token is refused", func(t *testing.T) {
		b := f.browser()
		b.signIn("dsd")
		before := len(f.orders.Sent())
		r := b.post("/orders/"+heldOrder+"/act/decide", url.Values{"decision": {"approve"}})
		if r.status != http.StatusForbidden || len(f.orders.Sent()) != before {
			t.Errorf("%d\n%s", r.status, r.body)
		}
	})

	t.Run("the order page shows its audit trail and answers its stamp for the live refresh", func(t *testing.T) {
		b := f.browser()
		b.signIn("ssg-lead")
		p := b.get("/orders/" + remitted)
		if !p.has("操作记录") || !p.has(`data-stamp-url="/orders/`+remitted+`/stamp"`) || !p.has(`<script src="/static/live.js">`) {
			t.Errorf("order page:\n%s", p.body)
		}
		s := b.get("/orders/" + remitted + "/stamp")
		if s.status != http.StatusOK || !p.has(`data-stamp="`+s.body+`"`) {
			t.Errorf("stamp %d %q", s.status, s.body)
		}
		o, err := f.store.Order(t.Context(), remitted)
		if err != nil {
			t.Fatal(err)
		}
		o.Version++
		o.UpdatedAt = o.UpdatedAt.Add(1e9)
		if err := f.store.ApplyOrderChanges(t.Context(), sales.OrderChanges{Order: &o}); err != nil {
			t.Fatal(err)
		}
		if s2 := b.get("/orders/" + remitted + "/stamp"); s2.body == s.body {
			t.Errorf("the stamp did not change with the order: %q", s2.body)
		}
		k := f.browser()
		k.signIn("kam-huadong-1")
		if s := k.get("/orders/" + logisticsWait + "/stamp"); s.status != http.StatusNotFound {
			t.Errorf("another KAM's order's stamp: %d", s.status)
		}
	})
}

func TestParseYuan(t *testing.T) {
	for in, want := range map[string]sales.Fen{"1234.56": 123456, "1,234.5": 123450, "¥80": 8000, "0.07": 7, "12": 1200} {
		if got, ok := parseYuan(in); !ok || got != want {
			t.Errorf("%q: %d %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "-5", "1.234", "12.", "abc", "1e3", "."} {
		if got, ok := parseYuan(in); ok {
			t.Errorf("%q read as %d", in, got)
		}
	}
}

func TestNewOrder(t *testing.T) {
	f := newFixture(t, false)

	t.Run("the SSG places an order; a blank price is the list price", func(t *testing.T) {
		b := f.browser()
		b.signIn("ssg-lead")
		p := b.get("/orders/new")
		if p.status != http.StatusOK || !p.has(`name="customer_id"`) || !p.has("C001") {
			t.Fatalf("%d\n%s", p.status, p.body)
		}
		form := formValues(t, p, "new-form")
		form.Set("customer_id", "C001")
		form.Set("client_ref", "PO-7788")
		form.Set("sku-0", "SKU-1001")
		form.Set("qty-0", "20")
		r := b.post("/orders/new", form)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/orders/SO-") {
			t.Fatalf("%d %q\n%s", r.status, r.header.Get("Location"), r.body)
		}
		var in workflows.OrderInput
		s := f.lastSent(t, &in)
		if s.Name != "start" || in.Request.CustomerID != "C001" || in.Request.ClientRef != "PO-7788" || len(in.Request.Lines) != 1 ||
			in.Request.Lines[0].Quantity != 20 || in.Request.Lines[0].UnitPrice <= 0 {
			t.Errorf("started %+v", in)
		}
	})

	t.Run("problems are shown beside the row and field they are about", func(t *testing.T) {
		b := f.browser()
		b.signIn("ssg-lead")
		form := formValues(t, b.get("/orders/new"), "new-form")
		form.Set("customer_id", "C001")
		form.Set("sku-2", "SKU-1001")
		form.Set("qty-2", "zwei")
		r := b.post("/orders/new", form)
		if r.status != http.StatusUnprocessableEntity || !r.has(`id="new-qty-2-err"`) {
			t.Errorf("%d\n%s", r.status, r.body)
		}
		form.Set("qty-2", "5")
		form.Set("price-2", "9999999")
		r = b.post("/orders/new", form)
		if r.status != http.StatusUnprocessableEntity || !r.has(`id="new-price-2-err"`) || !r.has("above the list price") {
			t.Errorf("%d\n%s", r.status, r.body)
		}
	})

	t.Run("an FSF user orders only for their own customers", func(t *testing.T) {
		b := f.browser()
		b.signIn("kam-huadong-1")
		p := b.get("/orders/new")
		if !p.has("C001") || p.has("C006") {
			t.Errorf("customers offered:\n%s", p.body)
		}
		form := formValues(t, p, "new-form")
		form.Set("customer_id", "C006")
		form.Set("sku-0", "SKU-1001")
		form.Set("qty-0", "1")
		if r := b.post("/orders/new", form); r.status != http.StatusForbidden {
			t.Errorf("another KAM's customer: %d\n%s", r.status, r.body)
		}
	})

	t.Run("Logistics may not place orders", func(t *testing.T) {
		b := f.browser()
		b.signIn("log1")
		if p := b.get("/orders/new"); p.status != http.StatusForbidden {
			t.Errorf("%d", p.status)
		}
	})
}
