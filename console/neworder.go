package console

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"osb/sales"
)

// The new-order form: the SSG (or a KAM for their own customers) places an
// order as the API's POST /v1/orders takes it (OP1); the workflow then runs
// OP2–OP7 and the person lands on the order, held or released.

// Rows the form starts with, and at most.
const (
	orderRows    = 5
	orderRowsMax = 50
	popRows      = 2
)

// newOrderData is what the new-order form shows.
type newOrderData struct {
	Form      *form
	Customers []sales.Customer // those the viewer may order for, active ones
	SKUs      []sales.SKU      // active ones
	POPItems  []sales.POPItem  // active ones
	Rows      []int            // line rows 0…n-1
	POPRows   []int
}

// newOrderPage shows an empty new-order form (?rows= asks for more lines).
func (con *console) newOrderPage(w http.ResponseWriter, r *http.Request) {
	rows, _ := strconv.Atoi(r.URL.Query().Get("rows"))
	con.showNewOrder(w, r, http.StatusOK, &form{Action: "place", Idem: newIdem()}, rows)
}

// showNewOrder renders the form with status, as f holds it.
func (con *console) showNewOrder(w http.ResponseWriter, r *http.Request, status int, f *form, rows int) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	if !v.User.May(sales.PermPlaceOrder) {
		con.fail(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	customers, err := con.store.Customers(r.Context(), v.Scope)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	skus, err := con.store.SKUs(r.Context(), nil)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	pop, err := con.store.POPItems(r.Context(), nil)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	d := newOrderData{Form: f}
	for _, c := range customers {
		if c.Active {
			d.Customers = append(d.Customers, c)
		}
	}
	for _, s := range skus {
		if s.Active {
			d.SKUs = append(d.SKUs, s)
		}
	}
	slices.SortFunc(d.SKUs, func(a, b sales.SKU) int { return cmp.Compare(a.Code, b.Code) })
	for _, p := range pop {
		if p.Active {
			d.POPItems = append(d.POPItems, p)
		}
	}
	slices.SortFunc(d.POPItems, func(a, b sales.POPItem) int { return cmp.Compare(a.Code, b.Code) })
	d.Rows = seq(min(max(rows, orderRows), orderRowsMax))
	d.POPRows = seq(popRows)
	con.render(w, r, status, "neworder", langOf(r).text("neworder.title"), d)
}

// seq is 0…n-1.
func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// placeOrder posts the form to the API. "More lines" shows the form again
// with more rows; a refusal shows it as typed with each problem beside its
// field; an order placed goes to its page.
func (con *console) placeOrder(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	f := &form{Action: "place", Values: r.PostForm, Idem: r.PostForm.Get("idem")}
	rows, _ := strconv.Atoi(r.PostForm.Get("rows"))
	rows = min(max(rows, orderRows), orderRowsMax)
	if r.PostForm.Has("more") {
		f.Idem = newIdem()
		con.showNewOrder(w, r, http.StatusOK, f, rows+orderRows)
		return
	}
	skus, err := con.store.SKUs(r.Context(), nil)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	req, rowOf, problems := orderRequest(r.PostForm, rows, skus)
	if len(problems) == 0 {
		var created struct {
			OrderNo string `json:"order_no"`
		}
		err = con.callKeyed(r, http.MethodPost, "/v1/orders", f.Idem, req, &created)
		if err == nil {
			http.Redirect(w, r, "/orders/"+url.PathEscape(created.OrderNo)+"?done=placed#top", http.StatusSeeOther)
			return
		}
		e, ok := err.(*sales.Error)
		if !ok || e.Code == sales.ErrUnavailable || e.Code == sales.ErrTimeout || e.Code == sales.ErrInternal {
			con.failWith(w, r, err)
			return
		}
		f.Message = e.Message
		problems = e.Fields
	}
	f.Errors = map[string]string{}
	for _, p := range problems {
		f.Errors[orderFormField(p.Field, rowOf)] = p.Message
	}
	f.Idem = newIdem()
	status := http.StatusUnprocessableEntity
	if e, ok := err.(*sales.Error); ok && e.Code == sales.ErrForbidden {
		status = http.StatusForbidden
	}
	con.showNewOrder(w, r, status, f, rows)
}

// orderRequest reads the form as the API's order request. Blank rows are
// left out; rowOf maps the request's line and POP indexes back to the form's
// rows. A blank unit price is the SKU's list price.
func orderRequest(f url.Values, rows int, skus map[string]sales.SKU) (req sales.OrderRequest, rowOf map[string]int, p sales.Problems) {
	rowOf = map[string]int{}
	req = sales.OrderRequest{CustomerID: f.Get("customer_id"), ClientRef: strings.TrimSpace(f.Get("client_ref")),
		Currency: sales.Currency(strings.TrimSpace(f.Get("currency"))), RequestedDate: f.Get("requested_date"), Note: f.Get("note")}
	for i := range rows {
		sku := strings.TrimSpace(f.Get(fmt.Sprintf("sku-%d", i)))
		qty := strings.TrimSpace(f.Get(fmt.Sprintf("qty-%d", i)))
		price := strings.TrimSpace(f.Get(fmt.Sprintf("price-%d", i)))
		if sku == "" && qty == "" && price == "" {
			continue
		}
		l := sales.LineRequest{SKU: sku}
		n, err := strconv.ParseInt(qty, 10, 64)
		if err != nil || n <= 0 {
			p.Add(fmt.Sprintf("qty-%d", i), "must be a whole number above 0")
		}
		l.Quantity = n
		switch fen, ok := parseYuan(price); {
		case price == "":
			l.UnitPrice = skus[sku].ListPrice
		case !ok:
			p.Add(fmt.Sprintf("price-%d", i), "must be an amount in yuan, such as 28.80")
		default:
			l.UnitPrice = fen
		}
		rowOf[fmt.Sprintf("lines[%d]", len(req.Lines))] = i
		req.Lines = append(req.Lines, l)
	}
	for i := range popRows {
		item := strings.TrimSpace(f.Get(fmt.Sprintf("pop-%d", i)))
		qty := strings.TrimSpace(f.Get(fmt.Sprintf("popqty-%d", i)))
		if item == "" && qty == "" {
			continue
		}
		n, err := strconv.ParseInt(qty, 10, 64)
		if err != nil || n <= 0 {
			p.Add(fmt.Sprintf("popqty-%d", i), "must be a whole number above 0")
		}
		rowOf[fmt.Sprintf("pop[%d]", len(req.POP))] = i
		req.POP = append(req.POP, sales.POPRequest{Item: item, Quantity: n})
	}
	if len(req.Lines) == 0 && len(p) == 0 {
		p.Add("lines", "at least one line is required")
	}
	return req, rowOf, p
}

// apiRowField matches an API field of a line or of POP: lines[2].quantity.
var apiRowField = regexp.MustCompile(`^(lines|pop)\[(\d+)\]\.(\w+)$`)

// orderFormField is the form's field of an API field of the order request.
func orderFormField(api string, rowOf map[string]int) string {
	m := apiRowField.FindStringSubmatch(api)
	if m == nil {
		return api
	}
	row, ok := rowOf[m[1]+"["+m[2]+"]"]
	if !ok {
		return m[1]
	}
	if m[1] == "pop" {
		if m[3] == "item" {
			return fmt.Sprintf("pop-%d", row)
		}
		return fmt.Sprintf("popqty-%d", row)
	}
	switch m[3] {
	case "sku":
		return fmt.Sprintf("sku-%d", row)
	case "quantity":
		return fmt.Sprintf("qty-%d", row)
	default:
		return fmt.Sprintf("price-%d", row)
	}
}
