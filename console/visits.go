package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// The weekly visit (call) log: the SSG and the FSF log their visits to
// customers; the week's visits and the report against the weekly rhythm are
// shown to those who may read them (the FSF: their customers'). Every read
// and write goes through the API's /v1/visits routes.

func init() { pageNames = append(pageNames, "visits") }

// visitRoutes mounts the visit log page and its form.
func (con *console) visitRoutes(r chi.Router) {
	r.Get("/visits", con.visitPage)
	r.Post("/visits", con.logVisit)
}

// visitsData is what the visit log page shows.
type visitsData struct {
	Week       string // 2026-W49
	Prev, Next string
	From, To   string
	Visits     []sales.Visit
	Report     sales.VisitReport
	Customers  []sales.Customer // the form's picker: the customers in scope, active
	Kinds      []sales.VisitKind
	CanLog     bool
	Form       *form
	Today      string
	Done       string
	WeekError  string
}

func (con *console) visitPage(w http.ResponseWriter, r *http.Request) {
	con.showVisits(w, r, http.StatusOK, r.URL.Query().Get("week"), &form{Action: "log", Idem: newIdem()}, r.URL.Query().Get("done"))
}

func (con *console) showVisits(w http.ResponseWriter, r *http.Request, status int, week string, f *form, done string) {
	if !con.mayRead(w, r, sales.PermReadVisits) {
		return
	}
	now := con.now()
	d := visitsData{Kinds: sales.VisitKinds, Form: f, Done: done, Today: now.In(sales.Beijing).Format(time.DateOnly),
		CanLog: sessionOf(r).User.May(sales.PermLogVisit)}
	if week == "" {
		week = sales.WeekOf(now)
	}
	p, err := sales.WeekPeriod(week)
	if err != nil {
		d.WeekError = langOf(r).text("visit.bad_week")
		week = sales.WeekOf(now)
		p, _ = sales.WeekPeriod(week)
	}
	d.Week, d.Prev, d.Next = week, sales.WeekOf(p.From.AddDate(0, 0, -7)), sales.WeekOf(p.From.AddDate(0, 0, 7))
	d.From, d.To = p.From.Format(time.DateOnly), p.To.AddDate(0, 0, -1).Format(time.DateOnly)
	q := url.Values{"from": {d.From}, "to": {d.To}, "limit": {"500"}}
	if err := con.call(r, http.MethodGet, "/v1/visits?"+q.Encode(), nil, &d.Visits); err != nil {
		con.failWith(w, r, err)
		return
	}
	if err := con.call(r, http.MethodGet, "/v1/reports/visits?week="+url.QueryEscape(week), nil, &d.Report); err != nil {
		con.failWith(w, r, err)
		return
	}
	if d.CanLog {
		var all []sales.Customer
		if err := con.call(r, http.MethodGet, "/v1/customers", nil, &all); err != nil {
			con.failWith(w, r, err)
			return
		}
		for _, c := range all {
			if c.Active {
				d.Customers = append(d.Customers, c)
			}
		}
	}
	con.render(w, r, status, "visits", langOf(r).text("visit.title", week), d)
}

// logVisit logs the form's visit through the API: success goes back to the
// visit's week, a refusal shows the form as typed with its errors.
func (con *console) logVisit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	f := &form{Action: "log", Values: r.PostForm, Idem: r.PostForm.Get("idem")}
	v := r.PostForm
	in := sales.VisitInput{CustomerID: strings.TrimSpace(v.Get("customer_id")), Date: strings.TrimSpace(v.Get("date")),
		Kind: sales.VisitKind(v.Get("kind")), Notes: strings.TrimSpace(v.Get("notes")), FollowUp: strings.TrimSpace(v.Get("follow_up")),
		FollowUpDue: strings.TrimSpace(v.Get("follow_up_due"))}
	var visit sales.Visit
	if err := con.callKeyed(r, http.MethodPost, "/v1/visits", f.Idem, in, &visit); err != nil {
		status := con.refusal(err, f)
		if status >= 500 {
			con.failWith(w, r, err)
			return
		}
		con.showVisits(w, r, status, v.Get("week"), f, "")
		return
	}
	week := v.Get("week")
	if day, err := sales.ParseDay(visit.Date); err == nil {
		week = sales.WeekOf(day)
	}
	http.Redirect(w, r, "/visits?week="+url.QueryEscape(week)+"&done=logged#visit-"+strconv.FormatInt(visit.ID, 10), http.StatusSeeOther)
}
