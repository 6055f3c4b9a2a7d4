package starter

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"osb/sales"
)

// fakeVisits keeps visits in memory; scope and the report follow the fake
// store's customers.
type fakeVisits struct {
	mu     sync.Mutex
	store  *fakeStore
	visits []sales.Visit
	keys   map[string]int64
	policy sales.VisitPolicy // the policy the last report was asked with
}

func newFakeVisits(store *fakeStore) *fakeVisits {
	return &fakeVisits{store: store, keys: map[string]int64{}}
}

func (v *fakeVisits) LogVisit(ctx context.Context, in sales.VisitInput, by sales.Actor, key string, at time.Time) (sales.Visit, bool, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if id, ok := v.keys[by.UserID+"/"+key]; ok && key != "" {
		return v.visits[id-1], false, nil
	}
	c, err := v.store.Customer(ctx, in.CustomerID)
	if err != nil {
		return sales.Visit{}, false, err
	}
	visit := sales.Visit{ID: int64(len(v.visits) + 1), CustomerID: c.ID, CustomerName: c.Name, Market: c.Market, Date: in.Date,
		Kind: in.Kind, Notes: in.Notes, FollowUp: in.FollowUp, FollowUpDue: in.FollowUpDue, By: by.UserID, LoggedAt: at}
	v.visits = append(v.visits, visit)
	v.keys[by.UserID+"/"+key] = visit.ID
	return visit, true, nil
}

func (v *fakeVisits) Visits(ctx context.Context, f sales.VisitFilter) ([]sales.Visit, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []sales.Visit
	for _, x := range v.visits {
		c, _ := v.store.Customer(ctx, x.CustomerID)
		if !f.Scope.Allows(c.KAMID) || (f.From != "" && x.Date < f.From) || (f.To != "" && x.Date > f.To) ||
			(f.CustomerID != "" && x.CustomerID != f.CustomerID) || (f.By != "" && x.By != f.By) {
			continue
		}
		out = append(out, x)
	}
	return out, nil
}

func (v *fakeVisits) VisitReport(ctx context.Context, p sales.Period, policy sales.VisitPolicy, scope sales.Scope) (sales.VisitReport, error) {
	v.mu.Lock()
	v.policy = policy
	v.mu.Unlock()
	customers, _ := v.store.Customers(ctx, scope)
	markets := map[string][]string{}
	var duties []sales.VisitDuty
	for _, c := range customers {
		markets[c.Market] = append(markets[c.Market], c.ID)
		duties = append(duties, sales.VisitDuty{UserID: c.KAMID, Role: sales.RoleFSF, Market: c.Market, Customers: []string{c.ID}})
	}
	from, to := p.From.Format(time.DateOnly), p.To.Add(-sales.Day).Format(time.DateOnly)
	visits, _ := v.Visits(ctx, sales.VisitFilter{From: from, To: to, Scope: scope})
	return sales.BuildVisitReport(p, policy, duties, markets, visits), nil
}

func visitBody(customer, date string) sales.VisitInput {
	return sales.VisitInput{CustomerID: customer, Date: date, Kind: sales.VisitCall, Notes: "谈了下季度的订货", FollowUp: "报价", FollowUpDue: "2026-03-12"}
}

func TestVisitsAreLoggedByTheSSGAndTheFSFInTheirScope(t *testing.T) {
	f, _, vis := calendarFixture(t)
	rec := f.do(t, "POST", "/v1/visits", "t-kam1", visitBody("C-001", "2026-03-10"), "Idempotency-Key", "k-1")
	wantStatus(t, rec, http.StatusCreated)
	v := decodeAs[sales.Visit](t, rec)
	if v.By != "u-kam1" || v.Market != "华东" || v.Date != "2026-03-10" || v.FollowUpDue != "2026-03-12" {
		t.Errorf("logged %+v", v)
	}
	rec = f.do(t, "POST", "/v1/visits", "t-kam1", visitBody("C-001", "2026-03-10"), "Idempotency-Key", "k-1")
	wantStatus(t, rec, http.StatusOK)
	if again := decodeAs[sales.Visit](t, rec); again.ID != v.ID || len(vis.visits) != 1 {
		t.Errorf("a retry logged again: %+v, %d visits", again, len(vis.visits))
	}
	// A KAM cannot log a visit to another KAM's customer; the SSG can.
	wantError(t, f.do(t, "POST", "/v1/visits", "t-kam1", visitBody("C-002", "2026-03-10")), http.StatusNotFound, sales.ErrNotFound)
	wantStatus(t, f.do(t, "POST", "/v1/visits", "t-ssg", visitBody("C-002", "2026-03-09")), http.StatusCreated)
	for _, token := range []string{"t-fin", "t-log", "t-slt", "t-admin"} {
		wantError(t, f.do(t, "POST", "/v1/visits", token, visitBody("C-001", "2026-03-10")), http.StatusForbidden, sales.ErrForbidden)
	}
	e := wantError(t, f.do(t, "POST", "/v1/visits", "t-ssg", sales.VisitInput{CustomerID: "C-001", Date: "2026-03-11", Kind: "lunch"}),
		http.StatusUnprocessableEntity, sales.ErrInvalid)
	if len(e.Fields) != 3 {
		t.Errorf("every field at once: %+v", e.Fields)
	}

	rec = f.do(t, "GET", "/v1/visits", "t-kam1", nil)
	wantStatus(t, rec, http.StatusOK)
	if list := decodeAs[[]sales.Visit](t, rec); len(list) != 1 || list[0].CustomerID != "C-001" {
		t.Errorf("the KAM sees %+v", list)
	}
	rec = f.do(t, "GET", "/v1/visits?from=2026-03-09&to=2026-03-09", "t-slt", nil)
	if list := decodeAs[[]sales.Visit](t, rec); len(list) != 1 || list[0].CustomerID != "C-002" {
		t.Errorf("the SLT sees on 9 March %+v", list)
	}
	rec = f.do(t, "GET", "/v1/visits?format=csv", "t-ssg", nil)
	wantStatus(t, rec, http.StatusOK)
	if !strings.Contains(rec.Body.String(), "谈了下季度的订货") {
		t.Errorf("csv: %s", rec.Body)
	}
	wantError(t, f.do(t, "GET", "/v1/visits", "t-fin", nil), http.StatusForbidden, sales.ErrForbidden)
	e = wantError(t, f.do(t, "GET", "/v1/visits?from=2026-3-1&to=x&who=me", "t-ssg", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
	if len(e.Fields) != 3 {
		t.Errorf("bad parameters: %+v", e.Fields)
	}
}

func TestTheVisitReportShowsWhoIsBehindThisWeek(t *testing.T) {
	f, _, vis := calendarFixture(t)
	wantStatus(t, f.do(t, "POST", "/v1/visits", "t-kam1", visitBody("C-001", "2026-03-09")), http.StatusCreated)
	rec := f.do(t, "GET", "/v1/reports/visits", "t-slt", nil)
	wantStatus(t, rec, http.StatusOK)
	r := decodeAs[sales.VisitReport](t, rec)
	if r.Week != "2026-W11" || r.From != "2026-03-09" || r.To != "2026-03-15" || vis.policy != sales.DefaultVisitPolicy() {
		t.Errorf("this week: %+v (policy %+v)", r, vis.policy)
	}
	behind := map[string]bool{}
	for _, id := range r.Behind {
		behind[id] = true
	}
	// u-kam1 called C-001 but not C-003; u-kam2 called no one.
	if !behind["u-kam1"] || !behind["u-kam2"] {
		t.Errorf("behind %v", r.Behind)
	}
	rec = f.do(t, "GET", "/v1/reports/visits?week=2026-W11", "t-kam1", nil)
	if mine := decodeAs[sales.VisitReport](t, rec); len(mine.People) != 2 || mine.People[0].UserID != "u-kam1" {
		t.Errorf("the KAM's report: %+v", mine.People)
	}
	rec = f.do(t, "GET", "/v1/reports/visits?from=2026-03-01&to=2026-03-14&format=xlsx", "t-ssg", nil)
	wantStatus(t, rec, http.StatusOK)
	if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, "visits-2026-03-01-2026-03-14.xlsx") {
		t.Errorf("Content-Disposition %q", cd)
	}
	e := wantError(t, f.do(t, "GET", "/v1/reports/visits?week=2026-11", "t-ssg", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
	if e.Fields[0].Field != "week" {
		t.Errorf("fields %+v", e.Fields)
	}
	wantError(t, f.do(t, "GET", "/v1/reports/visits?week=2026-W11&from=2026-03-01&to=2026-03-02", "t-ssg", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantError(t, f.do(t, "GET", "/v1/reports/visits", "t-log", nil), http.StatusForbidden, sales.ErrForbidden)
}
