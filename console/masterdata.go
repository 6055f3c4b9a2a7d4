package console

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// The master data pages: the department's customers with their shipment
// information and KAM (a tab of the customer page), the catalogue and its
// prices with the SLT's approval of price changes, users and markets, the
// spreadsheet import of each kind with its dry run, and the audit trail of
// each record. Every read and write goes through the API's /v1/master
// routes as the signed-in person (con.call), so a page meets exactly the
// API's permissions, scope and validation; a page offers a form only to
// those sales.Permissions allows.

func init() { pageNames = append(pageNames, "masterdata") }

// masterRoutes mounts the master data pages.
func (con *console) masterRoutes(r chi.Router) {
	r.Get("/master", con.masterIndex)
	r.Get("/master/import/{kind}", con.masterImportPage)
	r.Post("/master/import/{kind}", con.masterImport)
	r.Get("/master/export/{file}", con.masterExport)
	r.Post("/master/shipment-info/keep", con.keepShipmentMonth)
	r.Post("/master/customers", con.createCustomer)
	r.Get("/customers/{customerID}/master", con.customerMasterPage)
	r.Post("/customers/{customerID}/master/{action}", con.customerMasterAct)
	r.Get("/master/catalogue", con.cataloguePage)
	r.Post("/master/catalogue/{action}", con.catalogueAct)
	r.Get("/master/users", con.usersPage)
	r.Post("/master/users", con.createUserAct)
	r.Get("/master/users/{userID}", con.userPage)
	r.Post("/master/users/{userID}/{action}", con.userAct)
	r.Get("/master/markets/{market}", con.marketPage)
	r.Post("/master/markets/{market}/save", con.marketAct)
}

// maxSheetUpload bounds a master data file uploaded through the console:
// the file and the form around it.
const maxSheetUpload = 16<<20 + 64<<10

// masterUploads reads a master data import's multipart form before the
// session's CSRF check, which would otherwise read it within the limit of
// ordinary forms; a file too large is refused with 413.
func (con *console) masterUploads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/master/import/") {
			r.Body = http.MaxBytesReader(w, r.Body, maxSheetUpload)
			var tooLarge *http.MaxBytesError
			if err := r.ParseMultipartForm(1 << 20); errors.As(err, &tooLarge) {
				con.fail(w, r, http.StatusRequestEntityTooLarge, "md.too_large")
				return
			}
			defer func() {
				if r.MultipartForm != nil {
					_ = r.MultipartForm.RemoveAll()
				}
			}()
		}
		next.ServeHTTP(w, r)
	})
}

// mdPage names which master data page a template shows.
type mdPage string

// Page is the page's name for the template.
func (p mdPage) Page() string { return string(p) }

// sheetLink is one kind of sheet on the index: what it is, whether the
// viewer may import it, and where its records are kept.
type sheetLink struct {
	Kind      sales.SheetKind
	CanImport bool
	Records   string // the page that lists them
}

// masterIndexData is what the master data index shows.
type masterIndexData struct {
	mdPage
	Sheets       []sheetLink
	Versions     []sales.ShipmentInfoVersion
	CanKeep      bool
	Form         *form // keeping a month
	NewCustomer  *form // for those who may change customers
	Markets      []sales.MarketRecord
	KAMs         []sales.UserRecord
	Done         string
	PendingCount int
	CanApprove   bool
}

// sheetRecords is the page that lists each kind's records.
var sheetRecords = map[sales.SheetKind]string{
	sales.SheetCustomers: "/customers", sales.SheetShipmentInfo: "/customers",
	sales.SheetSKUs: "/master/catalogue", sales.SheetPrices: "/master/catalogue#prices",
	sales.SheetCustomerPrices: "/master/catalogue#customer-prices",
	sales.SheetUsers:          "/master/users", sales.SheetMarkets: "/master/users#markets",
}

func (con *console) masterIndex(w http.ResponseWriter, r *http.Request) {
	con.showMasterIndex(w, r, http.StatusOK, &form{Action: "keep"})
}

func (con *console) showMasterIndex(w http.ResponseWriter, r *http.Request, status int, f *form) {
	con.showMasterIndexWith(w, r, status, f, &form{Action: "new-customer"})
}

func (con *console) showMasterIndexWith(w http.ResponseWriter, r *http.Request, status int, f, nc *form) {
	if !con.mayRead(w, r, sales.PermReadMasterData) {
		return
	}
	u := sessionOf(r).User
	d := masterIndexData{mdPage: "index", CanKeep: u.May(sales.PermManageCustomers), Form: f,
		CanApprove: u.May(sales.PermApprovePrice), Done: doneOf(r, "kept")}
	for _, k := range sales.SheetKinds {
		d.Sheets = append(d.Sheets, sheetLink{Kind: k, CanImport: u.May(k.Permission()), Records: sheetRecords[k]})
	}
	if err := con.call(r, http.MethodGet, "/v1/master/shipment-info/versions", nil, &d.Versions); err != nil {
		con.failWith(w, r, err)
		return
	}
	var pending []sales.PriceChange
	if err := con.call(r, http.MethodGet, "/v1/master/price-changes?status=pending", nil, &pending); err != nil {
		con.failWith(w, r, err)
		return
	}
	d.PendingCount = len(pending)
	if d.CanKeep {
		d.NewCustomer = nc
		if err := con.call(r, http.MethodGet, "/v1/master/markets", nil, &d.Markets); err != nil {
			con.failWith(w, r, err)
			return
		}
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
	}
	con.render(w, r, status, "masterdata", langOf(r).text("md.title"), d)
}

// doneOf is the ?done= of a page when it is one of known, else "".
func doneOf(r *http.Request, known ...string) string {
	d := r.URL.Query().Get("done")
	if slices.Contains(known, d) {
		return d
	}
	return ""
}

// keepShipmentMonth keeps this month's (or the month typed) version of
// every customer's shipment information.
func (con *console) keepShipmentMonth(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	f := &form{Action: "keep", Values: r.PostForm}
	month := strings.TrimSpace(r.PostForm.Get("month"))
	if month == "" {
		month = sales.PeriodOf(con.now())
	}
	if err := con.call(r, http.MethodPost, "/v1/master/shipment-info/versions/"+url.PathEscape(month), nil, nil); err != nil {
		con.mdRefused(w, r, err, f, sales.PermManageCustomers, func(status int) { con.showMasterIndex(w, r, status, f) })
		return
	}
	http.Redirect(w, r, "/master?done=kept", http.StatusSeeOther)
}

// createCustomer adds a customer (its shipment information is then kept on
// its master data tab) and goes to it.
func (con *console) createCustomer(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	pf := r.PostForm
	f := &form{Action: "new-customer", Values: pf}
	show := func(status int) { con.showMasterIndexWith(w, r, status, &form{Action: "keep"}, f) }
	terms, err := strconv.Atoi(strings.TrimSpace(pf.Get("payment_terms_days")))
	if err != nil {
		f.Errors = map[string]string{"payment_terms_days": langOf(r).text("md.bad_number")}
		show(http.StatusUnprocessableEntity)
		return
	}
	c := sales.CustomerRecord{ID: strings.TrimSpace(pf.Get("id")), Name: strings.TrimSpace(pf.Get("name")), Market: pf.Get("market"),
		KAMID: pf.Get("kam_id"), PaymentTermsDays: terms, Currency: sales.Currency(strings.TrimSpace(pf.Get("currency"))), Active: true}
	if err := con.call(r, http.MethodPost, "/v1/master/customers", c, nil); err != nil {
		con.mdRefused(w, r, err, f, sales.PermManageCustomers, show)
		return
	}
	http.Redirect(w, r, "/customers/"+url.PathEscape(c.ID)+"/master?done=created", http.StatusSeeOther)
}

// mdRefused shows a refused form again (show), or the error page for a
// failure or for a form the page never offered (perm not held).
func (con *console) mdRefused(w http.ResponseWriter, r *http.Request, err error, f *form, perm sales.Permission, show func(status int)) {
	status := con.refusal(err, f)
	switch {
	case status >= 500:
		con.failWith(w, r, err)
	case status == http.StatusForbidden && !sessionOf(r).User.May(perm):
		con.fail(w, r, status, "error.forbidden")
	default:
		show(status)
	}
}

// importData is what the import page of a kind shows: its downloads, the
// upload form and, after an upload, the report.
type importData struct {
	mdPage
	Kind       sales.SheetKind
	Columns    []sales.Column
	CanImport  bool
	Form       *form
	FileErrors []string
	Report     *sales.ImportReport
	Refused    bool   // an import with problems: nothing was written
	FileName   string // the file the report is of
	Carry      string // after a clean dry run: the file, base64, for the import button (too large: "")
	CarryMonth string
	Records    string
	Month      bool // the kind keeps a month's version with an import
}

// sheetKindOf reads the kind of a path, false when there is none such.
func sheetKindOf(r *http.Request) (sales.SheetKind, bool) {
	k := sales.SheetKind(chi.URLParam(r, "kind"))
	return k, k.Valid()
}

func (con *console) masterImportPage(w http.ResponseWriter, r *http.Request) {
	kind, ok := sheetKindOf(r)
	if !ok {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	con.showImport(w, r, http.StatusOK, importData{Kind: kind, Form: &form{Action: "import"}})
}

func (con *console) showImport(w http.ResponseWriter, r *http.Request, status int, d importData) {
	if !con.mayRead(w, r, sales.PermReadMasterData) {
		return
	}
	d.mdPage, d.Columns, d.Records = "import", d.Kind.Columns(), sheetRecords[d.Kind]
	d.CanImport = sessionOf(r).User.May(d.Kind.Permission())
	d.Month = d.Kind == sales.SheetShipmentInfo
	l := langOf(r)
	con.render(w, r, status, "masterdata", l.text("md.import_title", l.text("md.kind."+string(d.Kind))), d)
}

// importAnswer is the API's answer to an import, or to an import refused
// for its problems.
type importAnswer struct {
	sales.ImportReport
	Report *sales.ImportReport `json:"report"` // a refusal's
}

// masterImport sends the uploaded file to the API, as a dry run or as the
// import itself (all or nothing), and shows the report: every row's
// problem, or what was (or would be) created, changed and left unchanged.
func (con *console) masterImport(w http.ResponseWriter, r *http.Request) {
	kind, ok := sheetKindOf(r)
	if !ok {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	d := importData{Kind: kind, Form: &form{Action: "import", Values: r.PostForm}}
	dry := r.PostForm.Get("mode") != "import"
	q := url.Values{"dry_run": {fmt.Sprint(dry)}}
	if m := strings.TrimSpace(r.PostForm.Get("month")); m != "" && kind == sales.SheetShipmentInfo {
		q.Set("month", m)
	}
	var name string
	var content []byte
	if file, h, err := r.FormFile("file"); err == nil {
		content, err = io.ReadAll(file)
		file.Close()
		if err != nil {
			con.fail(w, r, http.StatusBadRequest, "error.bad_form")
			return
		}
		name = h.Filename
	} else if carried := r.PostForm.Get("carry"); carried != "" { // the file of a clean dry run, imported
		if content, err = base64.StdEncoding.DecodeString(carried); err != nil {
			con.fail(w, r, http.StatusBadRequest, "error.bad_form")
			return
		}
		name = r.PostForm.Get("file_name")
	}
	d.FileName = name
	rec, err := con.sendFile(r, "/v1/master/"+string(kind)+"/import?"+q.Encode(), name, content)
	var ans importAnswer
	if rec != nil && rec.Body.Len() > 0 {
		_ = json.Unmarshal(rec.Body.Bytes(), &ans)
	}
	if err != nil {
		if ans.Report != nil { // refused for its problems: nothing was written
			d.Report, d.Refused = ans.Report, true
			con.showImport(w, r, http.StatusUnprocessableEntity, d)
			return
		}
		status := con.refusal(err, d.Form)
		if status >= 500 {
			con.failWith(w, r, err)
			return
		}
		if status == http.StatusForbidden && !sessionOf(r).User.May(kind.Permission()) {
			con.fail(w, r, status, "error.forbidden")
			return
		}
		if msg := d.Form.Err("file"); msg != "" {
			d.FileErrors = append(d.FileErrors, msg)
		}
		con.showImport(w, r, status, d)
		return
	}
	d.Report = &ans.ImportReport
	status := http.StatusOK
	if len(ans.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	} else if dry && len(content) <= maxCarried {
		d.Carry, d.CarryMonth = base64.StdEncoding.EncodeToString(content), q.Get("month")
	}
	con.showImport(w, r, status, d)
}

// maxCarried bounds the file a clean dry run's page carries to its import
// button; a larger one is uploaded again.
const maxCarried = 4 << 20

// sendFile posts a file to the API as a multipart form's "file", as the
// signed-in person.
func (con *console) sendFile(r *http.Request, path, name string, content []byte) (*recorder, error) {
	if con.api == nil {
		return nil, fmt.Errorf("console: no API to send POST %s to", path)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if name != "" {
		part, err := mw.CreateFormFile("file", name)
		if err != nil {
			return nil, err
		}
		if _, err := part.Write(content); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(apiContext(r), http.MethodPost, path, &body)
	if err != nil {
		return nil, fmt.Errorf("console: POST %s: %w", path, err)
	}
	req.RemoteAddr = r.RemoteAddr
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := &recorder{header: http.Header{}, Code: http.StatusOK}
	con.api.ServeHTTP(rec, req)
	if rec.Code >= 300 {
		var e struct {
			Error *sales.Error `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == nil {
			return rec, fmt.Errorf("console: POST %s answered %d", path, rec.Code)
		}
		return rec, e.Error
	}
	return rec, nil
}

// masterExport passes on the API's download of a kind's sheet:
// customers.csv, skus.xlsx…; month= picks a kept version of the shipment
// information.
func (con *console) masterExport(w http.ResponseWriter, r *http.Request) {
	file := chi.URLParam(r, "file")
	base, ext, _ := strings.Cut(file, ".")
	if !sales.SheetKind(base).Valid() || (ext != "csv" && ext != "xlsx") {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	path := "/v1/master/" + file
	if m := r.URL.Query().Get("month"); m != "" && base == string(sales.SheetShipmentInfo) {
		path += "?" + url.Values{"month": {m}}.Encode()
	}
	con.streamAPI(w, r, path)
}

// auditRow is one change of a record as a page shows it: who, when, what,
// and each field that changed.
type auditRow struct {
	sales.AuditEntry
	Changes []fieldChange
}

// fieldChange is one field of a record before and after a change.
type fieldChange struct {
	Field, Before, After string
}

// auditTrail reads the changes of records (entity, key pairs), newest
// first.
func (con *console) auditTrail(r *http.Request, records ...[2]string) ([]auditRow, error) {
	var out []auditRow
	for _, rec := range records {
		var list []sales.AuditEntry
		q := url.Values{"entity": {rec[0]}, "key": {rec[1]}, "limit": {"100"}}
		if err := con.call(r, http.MethodGet, "/v1/audit?"+q.Encode(), nil, &list); err != nil {
			return nil, err
		}
		for _, e := range list {
			out = append(out, auditRow{AuditEntry: e, Changes: fieldChanges(e.Before, e.After)})
		}
	}
	slices.SortStableFunc(out, func(a, b auditRow) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	return out, nil
}

// fieldChanges lists the fields of a record whose values differ between
// before and after (JSON objects; either may be absent).
func fieldChanges(before, after json.RawMessage) []fieldChange {
	var b, a map[string]any
	_ = json.Unmarshal(before, &b)
	_ = json.Unmarshal(after, &a)
	if b == nil && a == nil {
		if len(after) > 0 {
			return []fieldChange{{After: string(after)}}
		}
		return nil
	}
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []fieldChange
	for _, k := range keys {
		if reflect.DeepEqual(a[k], b[k]) {
			continue
		}
		out = append(out, fieldChange{Field: k, Before: auditValue(b[k]), After: auditValue(a[k])})
	}
	return out
}

// auditValue writes a value of an audited record.
func auditValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		if x == "" {
			return "—"
		}
		return x
	case float64, bool:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// SheetKind names a kind of sheet.
func (v view) SheetKind(k sales.SheetKind) string { return v.lang.text("md.kind." + string(k)) }

// AuditAction names an action of the audit trail.
func (v view) AuditAction(a string) string { return v.lang.text("md.audit." + a) }

// Blank is the new user form's starting record.
func (usersData) Blank() sales.UserRecord {
	return sales.UserRecord{User: sales.User{Role: sales.RoleFSF, Title: sales.TitleKAM}, Active: true}
}
