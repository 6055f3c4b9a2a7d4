package console

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// The OSB problem log as the monthly meeting reviews it: per department what
// is open, what was resolved in the month, how old and how late each is. It
// is the API's review (/v1/problems/review, the FSF's own customers'), with
// forms to file a problem and to update one for those who may
// (sales.PermFileProblem), sent to POST and PATCH /v1/problems.

// problemForm is a form of the problems and packs pages: after a refused
// post, what was typed and what is wrong.
type problemForm struct {
	ID      string // its anchor: "file", "run" or the problem's number
	Values  url.Values
	Errors  map[string]string // by field
	Message string            // a refusal not about one field
}

// Val is what field holds as posted ("" before).
func (f *problemForm) Val(field string) string {
	if f == nil || f.Values == nil {
		return ""
	}
	return strings.TrimSpace(f.Values.Get(field))
}

// Err is the error of a field ("" when none).
func (f *problemForm) Err(field string) string {
	if f == nil {
		return ""
	}
	return f.Errors[field]
}

// refused shows an API refusal of a form's post: beside the form's fields
// when the post was invalid (again, through show, with the status), as an
// error page when the viewer may not do it, and as a failure otherwise.
func (con *console) refused(w http.ResponseWriter, r *http.Request, err error, f *problemForm, show func(status int)) {
	e, ok := err.(*sales.Error)
	if !ok || (e.Code != sales.ErrInvalid && e.Code != sales.ErrConflict) {
		if ok && e.Code == sales.ErrForbidden {
			con.fail(w, r, http.StatusForbidden, "prob.forbidden")
			return
		}
		con.failWith(w, r, err)
		return
	}
	f.Errors = map[string]string{}
	for _, fe := range e.Fields {
		f.Errors[fe.Field] = fe.Message
	}
	if len(e.Fields) == 0 {
		f.Message = e.Message
	}
	show(refusalStatus(err))
}

// problemLogData is what the problem log shows.
type problemLogData struct {
	Month, Status, Department string // the filters as given
	Errors                    map[string]string
	Departments               []sales.Department
	Statuses                  []sales.ProblemStatus
	Review                    sales.ProblemReview
	Groups                    []problemGroup
	File                      *problemForm // nil: the viewer may not file problems
	Update                    *problemForm // a refused update, shown at its problem
	Done                      string       // the problem just filed or updated
}

// problemGroup is one department's part of the meeting view.
type problemGroup struct {
	Summary  sales.DepartmentReview
	Problems []problemRow
}

// problemRow is one problem as the meeting reads it.
type problemRow struct {
	sales.ReviewedProblem
	Due       time.Time // when it becomes overdue
	CanUpdate bool      // the viewer may update it
}

// problemLog shows the month's meeting view of the problem log by department.
func (con *console) problemLog(w http.ResponseWriter, r *http.Request) {
	con.showProblems(w, r, http.StatusOK, nil, nil)
}

// showProblems renders the problem log with status; file and update are
// forms as posted when they were refused.
func (con *console) showProblems(w http.ResponseWriter, r *http.Request, status int, file, update *problemForm) {
	l, q := langOf(r), r.URL.Query()
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	d := problemLogData{Month: strings.TrimSpace(q.Get("month")), Status: q.Get("status"), Department: q.Get("department"),
		Errors: map[string]string{}, Departments: sales.Departments, Update: update,
		Statuses: []sales.ProblemStatus{sales.ProblemOpen, sales.ProblemInProgress, sales.ProblemResolved}}
	if v.User.May(sales.PermFileProblem) {
		d.File = file
		if d.File == nil {
			d.File = &problemForm{ID: "file", Values: url.Values{"department": {string(sales.DepartmentOf(v.User.Role))}}}
		}
	}
	if file == nil && update == nil && sales.ValidProblemNo(q.Get("done")) {
		d.Done = q.Get("done")
	}
	if d.Status != "" && !slices.Contains(d.Statuses, sales.ProblemStatus(d.Status)) {
		d.Errors["status"] = l.text("filter.bad_choice")
	}
	if d.Department != "" && !sales.Department(d.Department).Valid() {
		d.Errors["department"] = l.text("filter.bad_choice")
	}
	path := "/v1/problems/review"
	if d.Month != "" {
		path += "?" + url.Values{"month": {d.Month}}.Encode()
	}
	if len(d.Errors) == 0 {
		err = con.call(r, http.MethodGet, path, nil, &d.Review)
		if e, refused := err.(*sales.Error); refused && e.Code == sales.ErrInvalid {
			for _, fe := range e.Fields {
				d.Errors[fe.Field] = fe.Message
			}
		} else if err != nil {
			con.failWith(w, r, err)
			return
		}
	}
	if len(d.Errors) > 0 {
		con.render(w, r, http.StatusUnprocessableEntity, "problems", l.text("prob.title"), d)
		return
	}
	d.Groups = groupProblems(d.Review, v, sales.ProblemStatus(d.Status), sales.Department(d.Department))
	con.render(w, r, status, "problems", l.text("prob.title_month", d.Review.Month), d)
}

// groupProblems puts the review's problems under their departments, in the
// order the meeting takes them, keeping those of status and department
// (zero: any).
func groupProblems(rv sales.ProblemReview, v Viewer, status sales.ProblemStatus, dept sales.Department) []problemGroup {
	var groups []problemGroup
	mayFile := v.User.May(sales.PermFileProblem)
	for _, s := range rv.Departments {
		if dept != "" && s.Department != dept {
			continue
		}
		g := problemGroup{Summary: s}
		for _, p := range slices.Concat(rv.Open, rv.Resolved) {
			if p.Department != s.Department || (status != "" && p.Status != status) {
				continue
			}
			g.Problems = append(g.Problems, problemRow{ReviewedProblem: p,
				Due:       p.CreatedAt.AddDate(0, 0, rv.OverdueAfterDays),
				CanUpdate: mayFile && sales.CanManageProblems(v.Actor(), p.Department) == nil})
		}
		groups = append(groups, g)
	}
	return groups
}

// fileProblem files a problem from the form (POST /v1/problems).
func (con *console) fileProblem(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "prob.bad_form")
		return
	}
	f := &problemForm{ID: "file", Values: r.PostForm}
	req := sales.ProblemRequest{Department: sales.Department(f.Val("department")), Title: f.Val("title"),
		Detail: f.Val("detail"), OrderNo: f.Val("order_no"), CustomerID: f.Val("customer_id"), Owner: f.Val("owner")}
	var p sales.Problem
	if err := con.call(r, http.MethodPost, "/v1/problems", req, &p); err != nil {
		con.refused(w, r, err, f, func(status int) { con.showProblems(w, r, status, f, nil) })
		return
	}
	con.toProblem(w, r, p)
}

// updateProblem changes a problem's status and resolution from its form
// (PATCH /v1/problems/{number}).
func (con *console) updateProblem(w http.ResponseWriter, r *http.Request) {
	number := chi.URLParam(r, "number")
	if !sales.ValidProblemNo(number) {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "prob.bad_form")
		return
	}
	f := &problemForm{ID: number, Values: r.PostForm}
	var u sales.ProblemUpdate
	if s := f.Val("status"); s != "" {
		status := sales.ProblemStatus(s)
		u.Status = &status
	}
	if s := f.Val("resolution"); s != "" {
		u.Resolution = &s
	}
	var p sales.Problem
	if err := con.call(r, http.MethodPatch, "/v1/problems/"+number, u, &p); err != nil {
		con.refused(w, r, err, f, func(status int) { con.showProblems(w, r, status, nil, f) })
		return
	}
	con.toProblem(w, r, p)
}

// toProblem goes back to the meeting view of the month p is in, at p.
func (con *console) toProblem(w http.ResponseWriter, r *http.Request, p sales.Problem) {
	q := url.Values{"done": {p.Number}}
	if m := r.URL.Query().Get("month"); sales.ValidMonth(m) {
		q.Set("month", m)
	}
	http.Redirect(w, r, "/problems?"+q.Encode()+"#"+p.Number, http.StatusSeeOther)
}

// ProblemOwner names a problem's owner: a person's id, or the department
// (dept:<role>) by its role's name.
func (v view) ProblemOwner(owner string) string {
	if role, ok := strings.CutPrefix(owner, "dept:"); ok {
		return v.Role(sales.Role(role))
	}
	return owner
}

// Department names a department.
func (v view) Department(d sales.Department) string { return v.lang.text("dept." + string(d)) }

// ProblemStatus names a problem's status.
func (v view) ProblemStatus(s sales.ProblemStatus) string {
	return v.lang.text("prob.status." + string(s))
}
