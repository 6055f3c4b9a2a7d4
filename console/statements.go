package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// The bank statement import: Finance uploads a statement file, sees what
// became of its lines, and works the queue of lines that matched no open
// invoice (assign to a customer, or reject). Every action goes through the
// API's /v1/statements routes.

func init() { pageNames = append(pageNames, "statements", "statement", "statementqueue") }

// statementRoutes mounts the statement pages.
func (con *console) statementRoutes(r chi.Router) {
	r.Get("/statements", con.statementList)
	r.Post("/statements", con.uploadStatement)
	r.Get("/statements/queue", con.statementQueue)
	r.Get("/statements/{id}", con.statementPage)
	r.Get("/statements/{id}/stamp", con.statementPage)
	r.Post("/statements/lines/{id}/{action}", con.decideStatementLine)
}

// maxStatementUpload bounds a statement upload through the console: the
// file and the form around it.
const maxStatementUpload = 16<<20 + 64<<10

// statementUploads reads a statement upload's multipart form before the
// session's CSRF check, which would otherwise read the form within its
// limit for ordinary forms; a file too large is refused with 413, anything
// else passes as it came.
func (con *console) statementUploads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/statements" {
			r.Body = http.MaxBytesReader(w, r.Body, maxStatementUpload)
			var tooLarge *http.MaxBytesError
			if err := r.ParseMultipartForm(1 << 20); errors.As(err, &tooLarge) {
				con.fail(w, r, http.StatusRequestEntityTooLarge, "stmt.too_large")
				return
			} // any other bad form fails the CSRF check
			defer func() {
				if r.MultipartForm != nil {
					_ = r.MultipartForm.RemoveAll() // the parts kept on disk, refused or not
				}
			}()
		}
		next.ServeHTTP(w, r)
	})
}

// uploadForm is the upload form after a refusal: what was typed and what
// is wrong, every row of a bad file.
type uploadForm struct {
	*form
	FileErrors []string
}

// ColumnsGiven reports whether the refused upload named any column, so
// that the form shows them again.
func (f uploadForm) ColumnsGiven() bool {
	for _, c := range statementColumns {
		if f.Val("col_"+c, "") != "" {
			return true
		}
	}
	return false
}

// statementsData is what the statement list shows.
type statementsData struct {
	Imports   []sales.BankImport
	CanImport bool
	Form      uploadForm
	Columns   []string // the column fields of the upload form
}

// statementColumns are the upload form's column fields, by their API keys.
var statementColumns = []string{"date", "credit", "debit", "payer_name", "payer_account", "remittance", "reference", "currency", "amount", "direction"}

func (con *console) mayRead(w http.ResponseWriter, r *http.Request, p sales.Permission) bool {
	if !sessionOf(r).User.May(p) {
		con.fail(w, r, http.StatusForbidden, "error.forbidden")
		return false
	}
	return true
}

// statementList lists the latest imports, with the upload form for Finance.
func (con *console) statementList(w http.ResponseWriter, r *http.Request) {
	con.showStatements(w, r, http.StatusOK, uploadForm{form: &form{Action: "upload"}})
}

func (con *console) showStatements(w http.ResponseWriter, r *http.Request, status int, f uploadForm) {
	if !con.mayRead(w, r, sales.PermReadStatements) {
		return
	}
	d := statementsData{CanImport: sessionOf(r).User.May(sales.PermImportStatement), Form: f, Columns: statementColumns}
	if err := con.call(r, http.MethodGet, "/v1/statements?limit=100", nil, &d.Imports); err != nil {
		con.failWith(w, r, err)
		return
	}
	con.render(w, r, status, "statements", langOf(r).text("stmt.title"), d)
}

// uploadStatement sends the uploaded file to the API; success shows the
// import, a refusal the form again with its errors beside its fields.
func (con *console) uploadStatement(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	f := uploadForm{form: &form{Action: "upload", Values: r.PostForm}}
	body := map[string]any{"bank_account": r.PostForm.Get("bank_account")}
	cols := map[string]any{}
	for _, c := range statementColumns {
		v := strings.TrimSpace(r.PostForm.Get("col_" + c))
		switch {
		case v == "":
		case c == "remittance":
			cols[c] = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == '/' })
		default:
			cols[c] = v
		}
	}
	body["columns"] = cols
	if file, h, err := r.FormFile("file"); err == nil {
		content, err := io.ReadAll(file)
		file.Close()
		if err != nil {
			con.fail(w, r, http.StatusBadRequest, "error.bad_form")
			return
		}
		body["file_name"], body["content"] = h.Filename, content
	}
	var imp sales.BankImport
	rec, err := con.send(r, http.MethodPost, "/v1/statements", "", body)
	if err == nil {
		err = decodeRecorded(rec, &imp)
	}
	if err != nil {
		status := con.refusal(err, f.form)
		if status >= 500 {
			con.failWith(w, r, err)
			return
		}
		if e, ok := err.(*sales.Error); ok {
			for _, fe := range e.Fields {
				if fe.Field == "file" {
					f.FileErrors = append(f.FileErrors, fe.Message)
				}
				if name, ok := strings.CutPrefix(fe.Field, "columns."); ok {
					f.Errors["col_"+name] = fe.Message
				}
			}
		}
		con.showStatements(w, r, status, f)
		return
	}
	done := "imported"
	if rec.Code == http.StatusOK {
		done = "again"
	}
	http.Redirect(w, r, fmt.Sprintf("/statements/%d?done=%s", imp.ID, done), http.StatusSeeOther)
}

// statementData is what an import's page shows.
type statementData struct {
	Import sales.BankImport
	Done   string
	Groups []lineGroup
	Stamp  string // the counts: while lines are being applied, the page reloads when they change
}

// countsStamp names an import's counts.
func countsStamp(c sales.BankLineCounts) string {
	return fmt.Sprintf("%d-%d-%d-%d-%d-%d-%d", c.Matched, c.Applied, c.Queued, c.Assigned, c.Rejected, c.Duplicate, c.Skipped)
}

// lineGroup is an import's lines of one status: the first groupRows of
// them unless the page asks for the status whole.
type lineGroup struct {
	Status sales.LineStatus
	Lines  []sales.BankLine
	Total  int
}

// groupRows bounds the lines an import's page shows of each status, so that
// a statement of ten thousand lines is a page a browser shows at once.
const groupRows = 200

// statementPage shows an import: its counts and its lines by status; at
// /stamp, the stamp of its counts.
func (con *console) statementPage(w http.ResponseWriter, r *http.Request) {
	if !con.mayRead(w, r, sales.PermReadStatements) {
		return
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	d := statementData{Done: r.URL.Query().Get("done")}
	if err := con.call(r, http.MethodGet, "/v1/statements/"+strconv.FormatInt(id, 10), nil, &d.Import); err != nil {
		con.failWith(w, r, err)
		return
	}
	d.Stamp = countsStamp(d.Import.Counts)
	if strings.HasSuffix(r.URL.Path, "/stamp") {
		writeStamp(w, d.Stamp)
		return
	}
	whole := sales.LineStatus(r.URL.Query().Get("status"))
	for _, s := range sales.LineStatuses {
		g := lineGroup{Status: s}
		for _, l := range d.Import.Lines {
			if l.Status == s {
				g.Total++
				if g.Total <= groupRows || s == whole {
					g.Lines = append(g.Lines, l)
				}
			}
		}
		if g.Total > 0 {
			d.Groups = append(d.Groups, g)
		}
	}
	con.render(w, r, http.StatusOK, "statement", langOf(r).text("stmt.import_title", d.Import.ID, d.Import.FileName), d)
}

// queueData is what the queue shows: the lines waiting for Finance, each
// with its assign and reject forms.
type queueData struct {
	Lines     []sales.BankLine
	CanDecide bool
	Done      string
	Failed    *form // the form refused, shown again with its errors
}

// Form is the form of a line's action: the refused one as typed, else
// an empty one.
func (d queueData) Form(action string, l sales.BankLine) *form {
	target := strconv.FormatInt(l.ID, 10)
	if d.Failed != nil && d.Failed.Action == action && d.Failed.Target == target {
		return d.Failed
	}
	return &form{Action: action, Target: target}
}

// statementQueue lists the lines waiting for Finance.
func (con *console) statementQueue(w http.ResponseWriter, r *http.Request) {
	con.showQueue(w, r, http.StatusOK, nil)
}

func (con *console) showQueue(w http.ResponseWriter, r *http.Request, status int, failed *form) {
	if !con.mayRead(w, r, sales.PermReadStatements) {
		return
	}
	d := queueData{CanDecide: sessionOf(r).User.May(sales.PermDecideStatementLine), Done: r.URL.Query().Get("done"), Failed: failed}
	if failed != nil {
		d.Done = ""
	}
	if err := con.call(r, http.MethodGet, "/v1/statement-lines?status=queued&limit=500", nil, &d.Lines); err != nil {
		con.failWith(w, r, err)
		return
	}
	con.render(w, r, status, "statementqueue", langOf(r).text("stmt.queue_title"), d)
}

// decideStatementLine assigns or rejects a queued line through the API.
func (con *console) decideStatementLine(w http.ResponseWriter, r *http.Request) {
	action, id := chi.URLParam(r, "action"), chi.URLParam(r, "id")
	if action != "assign" && action != "reject" {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	f := &form{Action: action, Target: id, Values: r.PostForm}
	var body any = map[string]any{"reason": r.PostForm.Get("reason")}
	if action == "assign" {
		body = map[string]any{"customer_id": strings.TrimSpace(r.PostForm.Get("customer_id")),
			"invoice_nos": strings.FieldsFunc(r.PostForm.Get("invoice_nos"), func(r rune) bool {
				return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\r'
			})}
	}
	if err := con.call(r, http.MethodPost, "/v1/statement-lines/"+url.PathEscape(id)+"/"+action, body, nil); err != nil {
		status := con.refusal(err, f)
		switch {
		case status >= 500:
			con.failWith(w, r, err)
		case status == http.StatusForbidden && !sessionOf(r).User.May(sales.PermDecideStatementLine):
			con.fail(w, r, status, "error.forbidden")
		default:
			con.showQueue(w, r, status, f)
		}
		return
	}
	http.Redirect(w, r, "/statements/queue?done="+action, http.StatusSeeOther)
}

// LineStatus names a statement line's status.
func (v view) LineStatus(s sales.LineStatus) string { return v.lang.text("stmt.status." + string(s)) }

// MatchedBy says how a line's customer was found.
func (v view) MatchedBy(by string) string {
	if by == "" {
		return ""
	}
	return v.lang.text("stmt.by." + by)
}

// decodeRecorded reads the API's answer to an in-process call.
func decodeRecorded(rec *recorder, out any) error {
	if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
		return fmt.Errorf("console: decoding the API's answer: %w", err)
	}
	return nil
}

// Join lists invoice numbers as a form field holds them.
func (v view) Join(s []string) string { return strings.Join(s, ", ") }

// LineWhy says in the page's language why a line stands where it is: the
// matcher's reasons for a queued line and a debit are the catalogue's; a
// refusal of the cash application, a duplicate's earlier record and
// Finance's reason are shown as they were written.
func (v view) LineWhy(l sales.BankLine) string {
	switch {
	case l.Status == sales.LineSkipped:
		return v.lang.text("stmt.why.debit")
	case l.Status != sales.LineQueued || strings.HasPrefix(l.Note, "the cash application refused"):
		return l.Note
	case l.CustomerID == "":
		return v.lang.text("stmt.why.unknown")
	case l.MatchedBy == sales.MatchByReference:
		return v.lang.text("stmt.why.reference", l.CustomerID)
	}
	return v.lang.text("stmt.why.no_invoice", l.CustomerID)
}
