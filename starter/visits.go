package starter

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// VisitService is the weekly visit (call) log (postgres.Store).
type VisitService interface {
	// LogVisit records a visit; key is the client's Idempotency-Key: the
	// same key again returns the visit logged (created false).
	LogVisit(ctx context.Context, in sales.VisitInput, by sales.Actor, key string, at time.Time) (v sales.Visit, created bool, err error)
	Visits(ctx context.Context, f sales.VisitFilter) ([]sales.Visit, error)
	VisitReport(ctx context.Context, p sales.Period, policy sales.VisitPolicy, scope sales.Scope) (sales.VisitReport, error)
}

// visitRoutes mounts the visit log: the SSG and the FSF log visits; the
// SSG, FSF, SLT and admin read them, the FSF their customers' only.
func (a *api) visitRoutes(r chi.Router) {
	r.With(a.allow(sales.PermLogVisit)).Post("/visits", a.logVisit)
	r.With(a.allow(sales.PermReadVisits)).Get("/visits", a.listVisits)
	r.With(a.allow(sales.PermReadVisits)).Get("/reports/visits", a.visitReport)
}

// logVisit logs a visit to a customer in the user's scope: 201 with the
// visit, 200 with the one logged before when the same Idempotency-Key comes
// again.
func (a *api) logVisit(w http.ResponseWriter, r *http.Request) {
	var in sales.VisitInput
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	in.CustomerID, in.Date, in.FollowUpDue = strings.TrimSpace(in.CustomerID), strings.TrimSpace(in.Date), strings.TrimSpace(in.FollowUpDue)
	if err := in.Validate(a.now()).Err("invalid visit"); err != nil {
		a.fail(w, r, err)
		return
	}
	scope, err := a.scopeOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	visible, err := sales.CustomerVisible(r.Context(), a.store, scope, in.CustomerID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !visible {
		a.fail(w, r, sales.Errorf(sales.ErrNotFound, "there is no customer %q", in.CustomerID))
		return
	}
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if len(key) > sales.MaxReference {
		a.fail(w, r, (&sales.Problems{{Field: "Idempotency-Key", Message: "must be at most 64 characters"}}).Err("invalid visit"))
		return
	}
	v, created, err := a.visits.LogVisit(r.Context(), in, actorOf(r), key, a.now())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		a.log.InfoContext(r.Context(), "visit logged", "visit", v.ID, "customer", v.CustomerID, "date", v.Date, "by", v.By)
	}
	w.Header().Set("Location", "/v1/visits?customer_id="+v.CustomerID)
	writeJSON(w, status, v)
}

// listVisits lists visits, newest first: from= and to= (days, both
// included), customer_id=, by=, limit=; as CSV or XLSX with format=.
func (a *api) listVisits(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "from", "to", "customer_id", "by", "limit", "format")
	f := sales.VisitFilter{From: q.day("from"), To: q.day("to"), CustomerID: q.text("customer_id"), By: q.text("by"), Limit: q.limit("limit")}
	q.format()
	if f.From != "" && f.To != "" && f.To < f.From {
		q.p.Add("to", "must not be before from")
	}
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	scope, err := a.scopeOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f.Scope = scope
	list, err := a.visits.Visits(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.download(w, r, "visits", nonNil(list), func() sales.Table { return sales.VisitTable(list) })
}

// visitReport compares a week's visits (week=2026-W49, this week by
// default; or from= and to=) with the weekly rhythm, per person and market.
func (a *api) visitReport(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "week", "from", "to", "format")
	week, from, to := q.text("week"), q.text("from"), q.text("to")
	var p sales.Period
	var err error
	switch {
	case week != "" && (from != "" || to != ""):
		q.p.Add("week", "give week= or from= and to=, not both")
	case from != "" || to != "":
		if p, err = sales.DaysPeriod(from, to); err != nil {
			q.p = append(q.p, problemsOf(err)...)
		} else if p.Days() > 92 {
			q.p.Add("to", "a visit report covers at most 92 days")
		}
	default:
		if week == "" {
			week = sales.WeekOf(a.now())
		}
		if p, err = sales.WeekPeriod(week); err != nil {
			q.p.Add("week", "must be an ISO week like 2026-W49")
		}
	}
	q.format()
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	scope, err := a.scopeOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rep, err := a.visits.VisitReport(r.Context(), p, a.visitPolicy, scope)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	name := "visits-" + rep.From + "-" + rep.To
	if from == "" {
		rep.Week = week
		name = "visits-" + week
	}
	a.download(w, r, name, rep, func() sales.Table { return sales.VisitReportTable(rep) })
}

// day reads a Beijing day (2026-03-31), "" when absent.
func (q *params) day(name string) string {
	s := q.text(name)
	if s == "" {
		return ""
	}
	d, err := time.ParseInLocation(time.DateOnly, s, sales.Beijing)
	if err != nil || d.Format(time.DateOnly) != s {
		q.p.Add(name, "must be a day like 2026-03-31")
		return ""
	}
	return s
}
