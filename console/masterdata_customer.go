package console

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// The master data tab of a customer's page: the record the SSG keeps (name,
// market, terms, currency, active), its shipment information (客户储运信息维护表)
// now or as kept for a month, the KAM change with its history, and the
// audit trail of the record. The SSG edits; others within scope read.

// customerMasterData is what the master data tab of a customer shows.
type customerMasterData struct {
	mdPage
	Customer sales.CustomerRecord
	Info     sales.ShipmentInfo // the current information, or Month's
	Month    string             // "" = the current information
	Versions []sales.ShipmentInfoVersion
	Rows     []shipToRow // the shipment information form's rows: each address and a blank one
	History  []sales.KAMHandover
	Prices   []sales.PriceEntry // the customer's own prices
	Audit    []auditRow
	KAMs     []sales.UserRecord // the FSF a customer may be handed to
	Markets  []sales.MarketRecord
	Forms    map[string]*form // save, kam, shipping: for those who may change customers
	Done     string
	Ladder   string // after a KAM change: started, not_started or none
}

// shipToRow is one row of the shipment information form.
type shipToRow struct {
	Index int
	sales.ShipTo
}

// Form is the form of action name (nil: not offered).
func (d customerMasterData) Form(name string) *form { return d.Forms[name] }

// shipToFields are the fields of an address row, by their API names.
var shipToFields = []string{"code", "address", "consignee", "phone", "unloading_notes", "carrier"}

// customerMasterActions are the forms of the tab; each needs PermManageCustomers.
var customerMasterActions = []string{"save", "kam", "shipping"}

func (con *console) customerMasterPage(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	c, err := con.visibleCustomer(r, v, chi.URLParam(r, "customerID"))
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	q := r.URL.Query()
	d := customerMasterData{Month: strings.TrimSpace(q.Get("month")), Done: doneOf(r, append(customerMasterActions, "created")...),
		Ladder: q.Get("ladder")}
	con.showCustomerMaster(w, r, c.ID, http.StatusOK, d, nil)
}

// showCustomerMaster renders the tab; f is a refused form to show as typed.
func (con *console) showCustomerMaster(w http.ResponseWriter, r *http.Request, id string, status int, d customerMasterData, f *form) {
	if !con.mayRead(w, r, sales.PermReadMasterData) {
		return
	}
	d.mdPage = "customer"
	base := "/v1/master/customers/" + url.PathEscape(id)
	if err := con.call(r, http.MethodGet, base, nil, &d.Customer); err != nil {
		con.failWith(w, r, err)
		return
	}
	infoPath := base + "/shipment-info"
	if d.Month != "" {
		infoPath += "?" + url.Values{"month": {d.Month}}.Encode()
	}
	if err := con.call(r, http.MethodGet, infoPath, nil, &d.Info); err != nil {
		if sales.ErrorCode(err) != sales.ErrInvalid && sales.ErrorCode(err) != sales.ErrNotFound {
			con.failWith(w, r, err)
			return
		}
		d.Month = "" // a month not kept, or not a month: the current information
		if err := con.call(r, http.MethodGet, base+"/shipment-info", nil, &d.Info); err != nil {
			con.failWith(w, r, err)
			return
		}
	}
	for _, call := range []struct {
		path string
		out  any
	}{
		{"/v1/master/shipment-info/versions", &d.Versions},
		{base + "/kam-history", &d.History},
		{"/v1/master/customer-prices?" + url.Values{"customer_id": {id}}.Encode(), &d.Prices},
		{"/v1/master/markets", &d.Markets},
	} {
		if err := con.call(r, http.MethodGet, call.path, nil, call.out); err != nil {
			con.failWith(w, r, err)
			return
		}
	}
	records := [][2]string{{sales.EntityCustomer, id}, {sales.EntityShipmentInfo, id}}
	for _, e := range d.Prices {
		records = append(records, [2]string{sales.EntityCustomerPrice, id + "/" + e.SKU + "/" + e.EffectiveFrom})
	}
	audit, err := con.auditTrail(r, records...)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	d.Audit = audit
	d.Forms = map[string]*form{}
	if sessionOf(r).User.May(sales.PermManageCustomers) {
		var users []sales.UserRecord
		if err := con.call(r, http.MethodGet, "/v1/master/users", nil, &users); err != nil {
			con.failWith(w, r, err)
			return
		}
		for _, u := range users {
			if u.Role == sales.RoleFSF && u.Active {
				d.KAMs = append(d.KAMs, u)
			}
		}
		for _, a := range customerMasterActions {
			d.Forms[a] = &form{Action: a}
		}
		if f != nil {
			d.Forms[f.Action] = f
		}
	}
	for i, a := range d.Info.Addresses {
		d.Rows = append(d.Rows, shipToRow{Index: i, ShipTo: a})
	}
	if d.Month == "" {
		d.Rows = append(d.Rows, shipToRow{Index: len(d.Rows)})
	}
	if f != nil && f.Action == "shipping" { // the rows as typed
		d.Rows = d.Rows[:0]
		for i := 0; i < rowCount(f.Values); i++ {
			d.Rows = append(d.Rows, shipToRow{Index: i})
		}
	}
	con.render(w, r, status, "masterdata", langOf(r).text("md.customer_title", d.Customer.ID, d.Customer.Name), d)
}

// rowCount is how many address rows a posted form has.
func rowCount(v url.Values) int {
	n, _ := strconv.Atoi(v.Get("rows"))
	return min(max(n, 0), sales.MaxShipTos+1)
}

// customerMasterAct runs a form of the tab through the API: the record
// saved, the KAM changed, or the shipment information saved. A refusal
// shows the tab again with the form as typed and its errors.
func (con *console) customerMasterAct(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	c, err := con.visibleCustomer(r, v, chi.URLParam(r, "customerID"))
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	action := chi.URLParam(r, "action")
	if !slices.Contains(customerMasterActions, action) {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	pf := r.PostForm
	f := &form{Action: action, Values: pf}
	base := "/v1/master/customers/" + url.PathEscape(c.ID)
	show := func(status int) {
		con.showCustomerMaster(w, r, c.ID, status, customerMasterData{}, f)
	}
	back := "/customers/" + url.PathEscape(c.ID) + "/master?done=" + action
	switch action {
	case "save":
		terms, err := strconv.Atoi(strings.TrimSpace(pf.Get("payment_terms_days")))
		if err != nil {
			f.Errors = map[string]string{"payment_terms_days": langOf(r).text("md.bad_number")}
			show(http.StatusUnprocessableEntity)
			return
		}
		rec := sales.CustomerRecord{ID: c.ID, Name: strings.TrimSpace(pf.Get("name")), Market: strings.TrimSpace(pf.Get("market")),
			KAMID: pf.Get("kam_id"), PaymentTermsDays: terms, Currency: sales.Currency(strings.TrimSpace(pf.Get("currency"))),
			Active: pf.Get("active") == "yes"}
		if err := con.call(r, http.MethodPut, base, rec, nil); err != nil {
			con.mdRefused(w, r, err, f, sales.PermManageCustomers, show)
			return
		}
	case "kam":
		var ans struct {
			Changed       bool   `json:"changed"`
			LadderRefresh string `json:"ladder_refresh"`
		}
		k := sales.KAMChange{KAMID: strings.TrimSpace(pf.Get("kam_id")), Reason: strings.TrimSpace(pf.Get("reason"))}
		if err := con.call(r, http.MethodPost, base+"/kam", k, &ans); err != nil {
			con.mdRefused(w, r, err, f, sales.PermManageCustomers, show)
			return
		}
		back += "&ladder=" + url.QueryEscape(ans.LadderRefresh)
	case "shipping":
		info, index := shipmentInfoOf(c.ID, pf)
		if err := con.call(r, http.MethodPut, base+"/shipment-info", info, nil); err != nil {
			status := con.refusal(err, f)
			for field, msg := range f.Errors { // addresses[1].phone is the form's phone-<row>
				if m := addressField.FindStringSubmatch(field); m != nil {
					n, _ := strconv.Atoi(m[1])
					if n < len(index) {
						f.Errors[fmt.Sprintf("%s-%d", m[2], index[n])] = msg
					}
				}
			}
			if status >= 500 || (status == http.StatusForbidden && !v.User.May(sales.PermManageCustomers)) {
				con.mdRefused(w, r, err, f, sales.PermManageCustomers, show)
				return
			}
			show(status)
			return
		}
	}
	http.Redirect(w, r, back+"#top", http.StatusSeeOther)
}

var addressField = regexp.MustCompile(`^addresses\[(\d+)\]\.(\w+)$`)

// shipmentInfoOf reads the shipment information form: a row whose fields
// are all blank is left out (that is how an address is removed); index
// maps each address sent to its row on the form.
func shipmentInfoOf(customer string, pf url.Values) (sales.ShipmentInfo, []int) {
	info := sales.ShipmentInfo{CustomerID: customer, Addresses: []sales.ShipTo{}}
	var index []int
	def := pf.Get("default")
	for i := 0; i < rowCount(pf); i++ {
		get := func(name string) string { return strings.TrimSpace(pf.Get(fmt.Sprintf("%s-%d", name, i))) }
		a := sales.ShipTo{Code: get("code"), Address: get("address"), Consignee: get("consignee"), Phone: get("phone"),
			UnloadingNotes: get("unloading_notes"), Carrier: get("carrier"), Default: def == strconv.Itoa(i)}
		if a == (sales.ShipTo{Default: a.Default}) {
			continue
		}
		info.Addresses = append(info.Addresses, a)
		index = append(index, i)
	}
	return info, index
}

// Cell is the name of an address row's field: code-2.
func (r shipToRow) Cell(field string) string { return fmt.Sprintf("%s-%d", field, r.Index) }

// Value is an address row's field as kept.
func (r shipToRow) Value(field string) string {
	switch field {
	case "code":
		return r.Code
	case "address":
		return r.Address
	case "consignee":
		return r.Consignee
	case "phone":
		return r.Phone
	case "unloading_notes":
		return r.UnloadingNotes
	case "carrier":
		return r.Carrier
	}
	return ""
}

// ShipToFields are the fields of an address row.
func (d customerMasterData) ShipToFields() []string { return shipToFields }

// DefaultRow is the row of the default address as kept or as posted.
func (d customerMasterData) DefaultRow() string {
	if f := d.Forms["shipping"]; f != nil && f.Values != nil {
		return f.Values.Get("default")
	}
	for _, r := range d.Rows {
		if r.Default {
			return strconv.Itoa(r.Index)
		}
	}
	return "0"
}

// FieldSize is the width of an address row's field, in characters.
func (d customerMasterData) FieldSize(field string) int {
	switch field {
	case "address":
		return 30
	case "unloading_notes":
		return 16
	case "phone":
		return 13
	}
	return 8
}
