package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// An order page offers the actions its viewer may take on the order now, as
// forms. Each is sent to the JSON API route it stands for (con.call), so the
// API's permissions, scope and validation decide; the page only chooses
// which forms to show: those sales.Permissions grants the viewer's role, on
// orders where the action makes sense in their state.

// orderAction is one kind of action on an order.
type orderAction struct {
	Name   string // the form's name, in its address and anchor
	Perm   sales.Permission
	Method string // the API route's method; "" is POST
	// call turns the posted form into the API call: the route's path and
	// body. Problems are the form's own (a number that is not one), named
	// by the form's fields.
	call func(o sales.OrderSnapshot, target string, f url.Values) (path string, body any, p sales.Problems)
}

// orderActions are the actions an order page offers, by name.
var orderActions = map[string]orderAction{
	"decide": {Name: "decide", Perm: sales.PermDecideOrder, call: func(o sales.OrderSnapshot, _ string, f url.Values) (string, any, sales.Problems) {
		var p sales.Problems
		body := map[string]any{"decision": f.Get("decision"), "reason": f.Get("reason")}
		if f.Get("decision") == "approve_part" {
			body["lines"] = lineQuantities(o, f, "qty", &p)
		}
		return orderPath(o, "decision"), body, p
	}},
	"acknowledge": {Name: "acknowledge", Perm: sales.PermAcknowledgeOrder, call: func(o sales.OrderSnapshot, _ string, f url.Values) (string, any, sales.Problems) {
		return orderPath(o, "acknowledge"), map[string]any{"planned_date": f.Get("planned_date")}, nil
	}},
	"goods-issue": {Name: "goods-issue", Perm: sales.PermIssueGoods, call: func(o sales.OrderSnapshot, _ string, f url.Values) (string, any, sales.Problems) {
		var p sales.Problems
		lines := lineQuantities(o, f, "qty", &p)
		return orderPath(o, "goods-issues"), map[string]any{"lines": lines, "carrier": f.Get("carrier"), "waybill": f.Get("waybill")}, p
	}},
	"delivery": {Name: "delivery", Perm: sales.PermRecordDelivery, call: func(o sales.OrderSnapshot, shipment string, f url.Values) (string, any, sales.Problems) {
		var p sales.Problems
		shortages := lineQuantities(o, f, "short", &p)
		return orderPath(o, "shipments", shipment, "delivery"),
			map[string]any{"shortages": shortages, "damaged": f.Get("damaged") == "on", "note": f.Get("note")}, p
	}},
	"invoice-ack": {Name: "invoice-ack", Perm: sales.PermAcknowledgeInvoice, call: func(o sales.OrderSnapshot, invoice string, _ url.Values) (string, any, sales.Problems) {
		return orderPath(o, "invoices", invoice, "acknowledge"), map[string]any{}, nil
	}},
	"dispute": {Name: "dispute", Perm: sales.PermDisputeInvoice, call: func(o sales.OrderSnapshot, invoice string, f url.Values) (string, any, sales.Problems) {
		return orderPath(o, "invoices", invoice, "dispute"), map[string]any{"reason": f.Get("reason")}, nil
	}},
	"extension": {Name: "extension", Perm: sales.PermExtendDue, call: func(o sales.OrderSnapshot, invoice string, f url.Values) (string, any, sales.Problems) {
		return orderPath(o, "invoices", invoice, "extension"), map[string]any{"due_date": f.Get("due_date"), "reason": f.Get("reason")}, nil
	}},
	"receipt": {Name: "receipt", Perm: sales.PermConfirmReceipt, call: func(o sales.OrderSnapshot, _ string, f url.Values) (string, any, sales.Problems) {
		var p sales.Problems
		amount, ok := parseYuan(f.Get("amount"))
		if !ok {
			p.Add("amount", "must be an amount in yuan, such as 1234.56")
		}
		return orderPath(o, "receipts"), map[string]any{"reference": f.Get("reference"), "amount_fen": amount,
			"currency": f.Get("currency"), "invoice_no": f.Get("invoice_no")}, p
	}},
	"dispute-withdraw": {Name: "dispute-withdraw", Perm: sales.PermDisputeInvoice, call: func(o sales.OrderSnapshot, invoice string, f url.Values) (string, any, sales.Problems) {
		return orderPath(o, "invoices", invoice, "dispute", "withdrawal"), map[string]any{"reason": f.Get("reason")}, nil
	}},
	"credit-note": {Name: "credit-note", Perm: sales.PermRequestCreditNote, call: func(o sales.OrderSnapshot, invoice string, f url.Values) (string, any, sales.Problems) {
		var p sales.Problems
		body := map[string]any{"kind": f.Get("kind"), "reason": f.Get("reason")}
		switch f.Get("kind") {
		case sales.ReturnByPrice:
			amount, ok := parseYuan(f.Get("amount"))
			if !ok {
				p.Add("amount", "must be an amount in yuan, such as 1234.56")
			}
			body["amount_fen"] = amount
		case sales.ReturnByQuantity:
			body["lines"] = lineQuantities(o, f, "qty", &p)
		}
		return orderPath(o, "invoices", invoice, "credit-notes"), body, p
	}},
	"vat-invoice": {Name: "vat-invoice", Perm: sales.PermRecordVATInvoice, Method: http.MethodPut, call: func(o sales.OrderSnapshot, invoice string, f url.Values) (string, any, sales.Problems) {
		return orderPath(o, "invoices", invoice, "vat-invoice"),
			map[string]any{"vat_invoice_no": strings.TrimSpace(f.Get("vat_invoice_no")), "vat_invoice_date": f.Get("vat_invoice_date")}, nil
	}},
	"extension-request": {Name: "extension-request", Perm: sales.PermRequestExtension, call: func(o sales.OrderSnapshot, invoice string, f url.Values) (string, any, sales.Problems) {
		return orderPath(o, "invoices", invoice, "extension-request"), map[string]any{"due_date": f.Get("due_date"), "reason": f.Get("reason")}, nil
	}},
	"extension-decide": {Name: "extension-decide", Perm: sales.PermExtendDue, call: func(o sales.OrderSnapshot, invoice string, f url.Values) (string, any, sales.Problems) {
		return orderPath(o, "invoices", invoice, "extension-request", "decision"), map[string]any{"decision": f.Get("decision"), "reason": f.Get("reason")}, nil
	}},
	"cancel": {Name: "cancel", Perm: sales.PermCancelOrder, call: func(o sales.OrderSnapshot, _ string, f url.Values) (string, any, sales.Problems) {
		return orderPath(o, "cancel"), map[string]any{"reason": f.Get("reason")}, nil
	}},
	"close-backorder": {Name: "close-backorder", Perm: sales.PermCloseBackorder, call: func(o sales.OrderSnapshot, _ string, f url.Values) (string, any, sales.Problems) {
		return orderPath(o, "close-backorder"), map[string]any{"reason": f.Get("reason")}, nil
	}},
	"return": {Name: "return", Perm: sales.PermRequestReturn, call: func(o sales.OrderSnapshot, _ string, f url.Values) (string, any, sales.Problems) {
		var p sales.Problems
		lines := lineQuantities(o, f, "qty", &p)
		return orderPath(o, "returns"), map[string]any{"lines": lines, "reason": f.Get("reason")}, p
	}},
	"return-decide": {Name: "return-decide", Perm: sales.PermDecideReturn, call: func(o sales.OrderSnapshot, ret string, f url.Values) (string, any, sales.Problems) {
		return orderPath(o, "returns", ret, "decision"), map[string]any{"decision": f.Get("decision"), "reason": f.Get("reason")}, nil
	}},
	"return-receive": {Name: "return-receive", Perm: sales.PermReceiveReturn, call: func(o sales.OrderSnapshot, ret string, f url.Values) (string, any, sales.Problems) {
		var p sales.Problems
		lines := lineQuantities(o, f, "qty", &p)
		return orderPath(o, "returns", ret, "receipt"), map[string]any{"lines": lines, "note": f.Get("note")}, p
	}},
}

// orderPath is the API path of an order's route: /v1/orders/{no}/parts…
func orderPath(o sales.OrderSnapshot, parts ...string) string {
	p := "/v1/orders/" + url.PathEscape(o.OrderNo)
	for _, s := range parts {
		p += "/" + url.PathEscape(s)
	}
	return p
}

// lineQuantities reads the quantities typed per order line (fields
// prefix-<line no>); blank and zero lines are left out.
func lineQuantities(o sales.OrderSnapshot, f url.Values, prefix string, p *sales.Problems) []sales.LineQty {
	var out []sales.LineQty
	for _, l := range o.Lines {
		field := prefix + "-" + strconv.Itoa(l.LineNo)
		s := strings.TrimSpace(f.Get(field))
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			p.Add(field, "must be a whole number, 0 or more")
			continue
		}
		if n > 0 {
			out = append(out, sales.LineQty{LineNo: l.LineNo, Quantity: n})
		}
	}
	return out
}

// parseYuan reads an amount typed in yuan ("1,234.56", "¥80", "12.5") as
// fen; more than two decimals, signs and anything else are refused.
func parseYuan(s string) (sales.Fen, bool) {
	s = strings.NewReplacer(",", "", "，", "", "¥", "", "￥", "", " ", "").Replace(s)
	whole, frac, dotted := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || len(frac) > 2 || (dotted && frac == "") {
		return 0, false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	frac += strings.Repeat("0", 2-len(frac))
	y, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	return sales.Fen(y*100 + f), true
}

// form is one action form on a page: what to act on, and after a refused
// post what was typed and what is wrong.
type form struct {
	Action  string // orderActions' name
	Target  string // the shipment, invoice or return it acts on; "" for the order
	Values  url.Values
	Errors  map[string]string // by form field
	Message string            // what the refusal said, when not about one field
	Idem    string            // the form's idempotency key: a form posted twice counts once
}

// ID is the form's anchor on the page: act-<action>[-<target>].
func (f *form) ID() string {
	if f.Target == "" {
		return "act-" + f.Action
	}
	return "act-" + f.Action + "-" + f.Target
}

// Val is what the field holds: as typed after a refusal, else def.
func (f *form) Val(field string, def any) string {
	if f.Values != nil {
		if v, ok := f.Values[field]; ok && len(v) > 0 {
			return v[0]
		}
	}
	switch d := def.(type) {
	case nil:
		return ""
	case string:
		return d
	case sales.Fen:
		return yuanInput(d)
	default:
		return strconv.FormatInt(toInt64(d), 10)
	}
}

// Err is the error of a field ("" when none).
func (f *form) Err(field string) string { return f.Errors[field] }

// Checked reports whether a radio or checkbox field holds value: as posted
// after a refusal, else def.
func (f *form) Checked(field, value string, def bool) bool {
	if f.Values != nil {
		return f.Values.Get(field) == value
	}
	return def
}

// Field is a field name of the form: prefix-suffix, for per-line fields.
func (f *form) Field(prefix string, n int) string { return prefix + "-" + strconv.Itoa(n) }

func toInt64(v any) int64 {
	switch n := v.(type) {
	case int:
		return int64(n)
	case int64:
		return n
	}
	return 0
}

// yuanInput writes fen as a form's amount: 1234.56 (no separators).
func yuanInput(f sales.Fen) string {
	return strconv.FormatInt(int64(f)/100, 10) + "." + strconv.FormatInt(100+int64(f)%100, 10)[1:]
}

// act runs an action posted from an order page: the form's fields become the
// API call; a success goes back to the order with a confirmation, a refusal
// shows the page again with the form as typed and its errors.
func (con *console) act(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	o, err := con.visibleOrder(r, v, chi.URLParam(r, "orderNo"))
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	a, ok := orderActions[chi.URLParam(r, "action")]
	if !ok {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	target := r.PostForm.Get("target")
	f := &form{Action: a.Name, Target: target, Values: r.PostForm, Idem: r.PostForm.Get("idem")}
	path, body, problems := a.call(o, target, r.PostForm)
	if len(problems) > 0 {
		f.Errors = map[string]string{}
		for _, p := range problems {
			f.Errors[p.Field] = p.Message
		}
		con.showOrder(w, r, v, o, http.StatusUnprocessableEntity, f)
		return
	}
	method := a.Method
	if method == "" {
		method = http.MethodPost
	}
	err = con.callKeyed(r, method, path, f.Idem, body, nil)
	if err != nil {
		status := con.refusal(err, f)
		if status >= 500 {
			con.failWith(w, r, err)
			return
		}
		con.showOrder(w, r, v, o, status, f)
		return
	}
	http.Redirect(w, r, "/orders/"+url.PathEscape(o.OrderNo)+"?done="+url.QueryEscape(a.Name)+"#top", http.StatusSeeOther)
}

// refusal puts the API's refusal into the form (field errors beside their
// fields, by the form's names) and returns the page's status; 500 for a
// failure that is not a refusal (the store or Temporal out of reach too:
// that is the error page's to say).
func (con *console) refusal(err error, f *form) int {
	e, ok := err.(*sales.Error)
	if !ok {
		return http.StatusInternalServerError
	}
	f.Errors = map[string]string{}
	for _, fe := range e.Fields {
		f.Errors[formField(fe.Field)] = fe.Message
	}
	if len(e.Fields) == 0 || f.Errors[""] != "" {
		f.Message = e.Message
	}
	switch e.Code {
	case sales.ErrInvalid, sales.ErrForbidden, sales.ErrNotFound, sales.ErrConflict:
		return refusalStatus(err)
	}
	return http.StatusInternalServerError
}

// formField is the form's name of an API field: amount_fen is typed as
// amount; anything about lines is shown at the lines.
func formField(api string) string {
	switch {
	case api == "amount_fen":
		return "amount"
	case strings.HasPrefix(api, "lines"), strings.HasPrefix(api, "shortages"):
		return "lines"
	}
	return api
}
