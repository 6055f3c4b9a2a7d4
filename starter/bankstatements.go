package starter

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"osb/bankfile"
	"osb/sales"
)

// StatementService is the bank statement import: Finance uploads a
// statement, its matched lines are applied, the others wait in a queue for
// Finance to assign or reject.
type StatementService interface {
	// ImportStatement imports a file; created is false when the same file
	// was imported before (its import is returned, nothing changes).
	ImportStatement(ctx context.Context, up StatementUpload, by sales.Actor) (imp sales.BankImport, created bool, err error)
	BankImports(ctx context.Context, limit int) ([]sales.BankImport, error)
	BankImport(ctx context.Context, id int64, withLines bool) (sales.BankImport, error)
	BankLines(ctx context.Context, f sales.BankLineFilter) ([]sales.BankLine, error)
	AssignBankLine(ctx context.Context, id int64, a sales.LineAssignment, by sales.Actor) (sales.BankLine, error)
	RejectBankLine(ctx context.Context, id int64, r sales.LineRejection, by sales.Actor) (sales.BankLine, error)
}

// StatementUpload is a statement file and how to read it: as a multipart
// form (file, bank_account, columns as JSON) or as JSON with the file's
// content in base64.
type StatementUpload struct {
	FileName    string           `json:"file_name"`
	Content     []byte           `json:"content"`
	BankAccount string           `json:"bank_account,omitempty"` // our account; "" = as the file's header says
	Columns     bankfile.Columns `json:"columns"`
}

// Validate checks an upload before its file is read.
func (u StatementUpload) Validate() sales.Problems {
	var p sales.Problems
	p.Text("file_name", u.FileName, sales.MaxName, true)
	if len(u.Content) == 0 {
		p.Add("file", "choose the statement file (CSV or XLSX)")
	} else if len(u.Content) > MaxStatementBytes {
		p.Add("file", "must be at most %d MiB", MaxStatementBytes>>20)
	}
	p.Text("bank_account", u.BankAccount, sales.MaxReference, false)
	return append(p, u.Columns.Validate()...)
}

// account is our account the statement is of: the one typed, which must
// agree with the one the file names, if any.
func (u StatementUpload) account(inFile string) (string, error) {
	typed, found := sales.NormalizeAccount(u.BankAccount), sales.NormalizeAccount(inFile)
	var p sales.Problems
	switch {
	case typed == "" && found == "":
		p.Add("bank_account", "is required: the file does not say which of our accounts it is a statement of")
	case typed != "" && found != "" && typed != found:
		p.Add("bank_account", "the file is a statement of account %s", inFile)
	case typed == "":
		return found, nil
	}
	if err := p.Err("invalid statement"); err != nil {
		return "", err
	}
	return typed, nil
}

// Sizes of a statement upload.
const (
	MaxStatementBytes = 16 << 20
	// maxStatementBody bounds the request: the file in base64 and the form.
	maxStatementBody = MaxStatementBytes*4/3 + 1<<20
)

// limitBody bounds every request body: a statement upload to
// maxStatementBody, the rest to maxBodyBytes.
func limitBody(next http.Handler) http.Handler {
	small, large := middleware.RequestSize(maxBodyBytes)(next), middleware.RequestSize(maxStatementBody)(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && (r.URL.Path == "/v1/statements" || isSheetImport(r.URL.Path)) {
			large.ServeHTTP(w, r)
			return
		}
		small.ServeHTTP(w, r)
	})
}

// statementRoutes mounts the bank statement import.
func (a *api) statementRoutes(r chi.Router) {
	r.With(a.allow(sales.PermImportStatement)).Post("/statements", a.importStatement)
	r.With(a.allow(sales.PermReadStatements)).Get("/statements", a.listStatements)
	r.With(a.allow(sales.PermReadStatements)).Get("/statements/{id}", a.getStatement)
	r.With(a.allow(sales.PermReadStatements)).Get("/statement-lines", a.listStatementLines)
	r.With(a.allow(sales.PermDecideStatementLine)).Post("/statement-lines/{id}/assign", a.assignStatementLine)
	r.With(a.allow(sales.PermDecideStatementLine)).Post("/statement-lines/{id}/reject", a.rejectStatementLine)
}

// importStatement imports a statement file: 201 with the new import and its
// counts, 200 with the earlier one when the same file comes again.
func (a *api) importStatement(w http.ResponseWriter, r *http.Request) {
	up, err := readUpload(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := up.Validate().Err("invalid statement"); err != nil {
		a.fail(w, r, err)
		return
	}
	imp, created, err := a.statements.ImportStatement(r.Context(), up, actorOf(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		a.log.InfoContext(r.Context(), "statement imported", "import", imp.ID, "file", imp.FileName, "lines", imp.Counts.Lines,
			"matched", imp.Counts.Matched, "queued", imp.Counts.Queued, "duplicate", imp.Counts.Duplicate, "by", actorOf(r).UserID)
	}
	w.Header().Set("Location", "/v1/statements/"+strconv.FormatInt(imp.ID, 10))
	writeJSON(w, status, imp)
}

// readUpload reads a statement upload as a multipart form or as JSON.
func readUpload(r *http.Request) (StatementUpload, error) {
	var up StatementUpload
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return up, decode(r, &up)
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return up, decodeError(err)
		}
		return up, malformed("the form could not be read: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	up.BankAccount = strings.TrimSpace(r.FormValue("bank_account"))
	if cols := strings.TrimSpace(r.FormValue("columns")); cols != "" {
		dec := json.NewDecoder(strings.NewReader(cols))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&up.Columns); err != nil {
			return up, malformedField("columns", "must be a JSON object like {\"credit\": \"收入金额\"}", "the columns are not valid: %v", err)
		}
	}
	f, h, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return up, nil // Validate names it
	}
	if err != nil {
		return up, malformedField("file", "could not be read", "the file could not be read: %v", err)
	}
	defer f.Close()
	up.FileName = h.Filename
	if up.Content, err = io.ReadAll(io.LimitReader(f, MaxStatementBytes+1)); err != nil {
		return up, malformedField("file", "could not be read", "the file could not be read: %v", err)
	}
	return up, nil
}

// listStatements lists the latest imports with their counts.
func (a *api) listStatements(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "limit")
	limit := q.limit("limit")
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.statements.BankImports(r.Context(), limit)
	a.reply(w, r, http.StatusOK, nonNil(list), err)
}

// pathID reads a numeric id from the path; anything else is not found.
func pathID(r *http.Request, what string) (int64, error) {
	s := chi.URLParam(r, "id")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, sales.Errorf(sales.ErrNotFound, "%q is not the number of a %s", s, what)
	}
	return id, nil
}

// getStatement returns an import with its lines.
func (a *api) getStatement(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "statement import")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	imp, err := a.statements.BankImport(r.Context(), id, true)
	if err == nil {
		imp.Lines = nonNil(imp.Lines)
	}
	a.reply(w, r, http.StatusOK, imp, err)
}

// listStatementLines lists statement lines by status and import: the queue
// is ?status=queued.
func (a *api) listStatementLines(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "status", "import_id", "limit")
	statuses := make([]string, len(sales.LineStatuses))
	for i, s := range sales.LineStatuses {
		statuses[i] = string(s)
	}
	f := sales.BankLineFilter{Status: sales.LineStatus(q.oneOf("status", "", statuses...)), Limit: q.limit("limit")}
	f.ImportID = int64(q.integer("import_id", 1, 1<<31-1, "must be the number of an import"))
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.statements.BankLines(r.Context(), f)
	a.reply(w, r, http.StatusOK, nonNil(list), err)
}

// assignStatementLine records a queued line as the receipt of the customer
// Finance names.
func (a *api) assignStatementLine(w http.ResponseWriter, r *http.Request) {
	var in sales.LineAssignment
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := in.Validate().Err("invalid assignment"); err != nil {
		a.fail(w, r, err)
		return
	}
	id, err := pathID(r, "statement line")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	l, err := a.statements.AssignBankLine(r.Context(), id, in, actorOf(r))
	a.reply(w, r, http.StatusOK, l, err)
}

// rejectStatementLine takes a queued line out of the queue with a reason.
func (a *api) rejectStatementLine(w http.ResponseWriter, r *http.Request) {
	var in sales.LineRejection
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := in.Validate().Err("invalid rejection"); err != nil {
		a.fail(w, r, err)
		return
	}
	id, err := pathID(r, "statement line")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	l, err := a.statements.RejectBankLine(r.Context(), id, in, actorOf(r))
	a.reply(w, r, http.StatusOK, l, err)
}
