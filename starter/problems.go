package starter

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// problemStatuses are the statuses problems can be filtered by.
var problemStatuses = []string{string(sales.ProblemOpen), string(sales.ProblemInProgress), string(sales.ProblemResolved)}

// departmentNames are the departments problems can be filtered by.
var departmentNames = []string{string(sales.DeptSales), string(sales.DeptFinance), string(sales.DeptLogistics)}

// sourceNames are the sources problems can be filtered by.
var sourceNames = []string{string(sales.SourceEscalation), string(sales.SourceDispute), string(sales.SourceStuckStep), string(sales.SourceManual)}

// listProblems lists the OSB problem log, newest first; the FSF see the
// problems of their customers.
func (a *api) listProblems(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "status", "open", "department", "source", "order_no", "customer_id", "month", "limit", "format")
	f := sales.ProblemFilter{
		Status:     sales.ProblemStatus(q.oneOf("status", "", problemStatuses...)),
		Open:       q.flag("open"),
		Department: sales.Department(q.oneOf("department", "", departmentNames...)),
		Source:     sales.ProblemSource(q.oneOf("source", "", sourceNames...)),
		OrderNo:    q.orderNo("order_no"),
		CustomerID: q.text("customer_id"),
		Month:      q.month("month", ""),
		Limit:      q.limit("limit"),
	}
	q.format()
	list, ok := listInScope(a, w, r, q, &f.Scope, func(ctx context.Context) ([]sales.Problem, error) { return a.reports.ListProblems(ctx, f) })
	if !ok {
		return
	}
	now := a.now()
	a.download(w, r, "osb-problems", nonNil(list), func() sales.Table {
		rows := make([]sales.ReviewedProblem, len(list))
		for i, p := range list {
			rows[i] = sales.ReviewProblem(p, now, sales.DefaultProblemOverdueDays)
		}
		return sales.ProblemTable("OSB问题记录", "OSB problem log", rows)
	})
}

// fileProblem files a problem reported by a person: the SSG, the SLT and
// admins for any department, Finance and Logistics for their own.
func (a *api) fileProblem(w http.ResponseWriter, r *http.Request) {
	var req sales.ProblemRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	req.Normalize()
	if err := req.Validate().Err("invalid problem"); err != nil {
		a.fail(w, r, err)
		return
	}
	actor := actorOf(r)
	if err := sales.CanManageProblems(actor, req.Department); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.reports.FileProblem(r.Context(), req.Filing(actor, a.now()))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/problems/"+p.Number)
	writeJSON(w, http.StatusCreated, p)
}

// visibleProblem reads the problem of the path, refusing the FSF one whose
// customer is not theirs.
func (a *api) visibleProblem(r *http.Request) (sales.Problem, error) {
	number := chi.URLParam(r, "number")
	if !sales.ValidProblemNo(number) {
		return sales.Problem{}, sales.Errorf(sales.ErrNotFound, "%q is not a problem number like OSB-2026-11-007", number)
	}
	p, err := a.reports.Problem(r.Context(), number)
	if err != nil {
		return p, err
	}
	scope, err := a.scopeOf(r)
	if err != nil || scope.All {
		return p, err
	}
	kam := ""
	if p.CustomerID != "" {
		c, err := a.store.Customer(r.Context(), p.CustomerID)
		if err != nil && sales.ErrorCode(err) != sales.ErrNotFound {
			return p, err
		}
		kam = c.KAMID
	}
	if kam == "" || !scope.Allows(kam) {
		return sales.Problem{}, sales.Errorf(sales.ErrForbidden, "problem %s is not about one of your customers", number)
	}
	return p, nil
}

// getProblem returns one problem.
func (a *api) getProblem(w http.ResponseWriter, r *http.Request) {
	p, err := a.visibleProblem(r)
	a.reply(w, r, http.StatusOK, p, err)
}

// updateProblem changes a problem's status, owner or resolution.
func (a *api) updateProblem(w http.ResponseWriter, r *http.Request) {
	var u sales.ProblemUpdate
	if err := decode(r, &u); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := u.Validate().Err("invalid problem update"); err != nil {
		a.fail(w, r, err)
		return
	}
	number := chi.URLParam(r, "number")
	if !sales.ValidProblemNo(number) {
		a.fail(w, r, sales.Errorf(sales.ErrNotFound, "%q is not a problem number like OSB-2026-11-007", number))
		return
	}
	p, err := a.reports.UpdateProblem(r.Context(), number, u, actorOf(r), a.now())
	a.reply(w, r, http.StatusOK, p, err)
}

// reviewProblems is the monthly OSB meeting view: per department what was
// filed and resolved in the month, what is open, how old, what is overdue.
func (a *api) reviewProblems(w http.ResponseWriter, r *http.Request) {
	now := a.now()
	q := newParams(r, "month", "overdue_days", "format")
	month := q.month("month", sales.MonthOf(now))
	overdue := q.integer("overdue_days", 1, 365, "must be a number of days from 1 to 365")
	q.format()
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	if overdue == 0 {
		overdue = sales.DefaultProblemOverdueDays
	}
	period, _ := sales.MonthPeriod(month)
	scope, err := a.scopeOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.reports.ProblemsToReview(r.Context(), period, scope)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	review := sales.ReviewProblems(list, period, now, overdue)
	tables := sales.ReviewTables(review)
	if formatOf(r) == formatXLSX {
		a.workbook(w, r, "osb-problem-review-"+month, tables)
		return
	}
	a.download(w, r, "osb-problem-review-"+month, review, func() sales.Table { return tables[0] })
}
