package starter

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"osb/demo"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
)

// The fake report store answers planning too, so the access table covers
// its routes; TestPlanningThroughTheAPI drives them on a real store.

func (f *fakeReports) SplitTarget(_ context.Context, r sales.SplitRequest, by sales.User, at time.Time) (sales.TargetSplit, error) {
	return sales.TargetSplit{Period: r.Period, Parent: sales.Target{Dimension: r.Dimension, Key: r.Key, SetBy: by.ID, SetAt: at}}, nil
}

func (f *fakeReports) TargetSplit(_ context.Context, period string, d sales.TargetDimension, key string) (sales.TargetSplit, error) {
	return sales.TargetSplit{Period: period, Parent: sales.Target{Dimension: d, Key: key}}, nil
}

func (f *fakeReports) SplitsOf(_ context.Context, period string, u sales.User) ([]sales.TargetSplit, error) {
	if u.Title == sales.TitleMM {
		return []sales.TargetSplit{{Period: period, Parent: sales.Target{Dimension: sales.ByMarket, Key: u.Market}}}, nil
	}
	return nil, nil
}

func (f *fakeReports) MarketFocus(context.Context, string) ([]sales.FocusItems, error) {
	return nil, nil
}

func (f *fakeReports) SavePlan(_ context.Context, kind sales.PlanKind, period string, d sales.PlanDraft, by string, at time.Time) (sales.Plan, error) {
	return sales.Plan{Kind: kind, Period: period, Text: d.Text, SavedBy: by, SavedAt: at}, nil
}

func (f *fakeReports) Plan(_ context.Context, kind sales.PlanKind, period string) (sales.Plan, error) {
	return sales.Plan{Kind: kind, Period: period, Version: 1, Figures: &sales.PlanFigures{Text: "published"}}, nil
}

func (f *fakeReports) ListPlans(context.Context, string) ([]sales.Plan, error) { return nil, nil }

func (f *fakeReports) PlanPreview(context.Context, sales.PlanKind, string) (sales.PlanFigures, error) {
	return sales.PlanFigures{Markets: []sales.PlanMarket{}}, nil
}

func (f *fakeReports) PublishPlan(_ context.Context, kind sales.PlanKind, period string, by string, at time.Time) (sales.Publication, error) {
	return sales.Publication{Plan: sales.Plan{Kind: kind, Period: period, Version: 1, PublishedBy: by, PublishedAt: &at}, Changed: true}, nil
}

// planAPIFixture is the API on a real store holding the demo organisation.
func planAPIFixture(t *testing.T) http.Handler {
	t.Helper()
	ctx := context.Background()
	store, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	if err := store.SaveOrganisation(ctx, demo.Organisation()); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, sales.Beijing)
	return New(Config{Store: store, Orders: &fakeOrders{}, Policy: sales.DefaultPolicy(), Reports: NewReports(store, nil),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }})
}

// as sends a request to h as u and returns the status and the body.
func as(t *testing.T, h http.Handler, u sales.User, method, path, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewBufferString(body))
	req.Header.Set("Content-Type", "application/json")
	req = req.WithContext(AsUser(req.Context(), u))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func TestPlanningThroughTheAPI(t *testing.T) {
	h := planAPIFixture(t)
	var (
		sd     = sales.User{ID: "sd", Role: sales.RoleSLT, Title: sales.TitleDirector}
		ssgL   = sales.User{ID: "ssg-lead", Role: sales.RoleSSG, Title: sales.TitleSSGLead}
		mm     = sales.User{ID: "mm-huadong", Role: sales.RoleFSF, Title: sales.TitleMM, Market: "华东"}
		mmSth  = sales.User{ID: "mm-huanan", Role: sales.RoleFSF, Title: sales.TitleMM, Market: "华南"}
		um     = sales.User{ID: "um-huadong-1", Role: sales.RoleFSF, Title: sales.TitleUM, Market: "华东"}
		kam    = sales.User{ID: "kam-huadong-1", Role: sales.RoleFSF, Title: sales.TitleKAM, Market: "华东"}
		market = `{"period":"2026-12","targets":[{"dimension":"market","key":"华东","sales_fen":1000000,"collections_fen":800000,"units":500}]}`
	)
	want := func(what string, code int, body string, status int, has ...string) {
		t.Helper()
		if code != status {
			t.Errorf("%s: %d, want %d: %s", what, code, status, body)
		}
		for _, s := range has {
			if !strings.Contains(body, s) {
				t.Errorf("%s: the answer lacks %s: %s", what, s, body)
			}
		}
	}

	// The SLT sets the market's target and focus; the FSF may not.
	code, body := as(t, h, kam, "PUT", "/v1/targets", market)
	want("a KAM setting a market's target", code, body, http.StatusForbidden)
	code, body = as(t, h, sd, "PUT", "/v1/targets", market)
	want("the SLT setting it", code, body, http.StatusOK, `"period":"2026-12"`, `"units":500`)
	code, body = as(t, h, mm, "PUT", "/v1/focus/2026-12", `{"market":"华东","main":"年末回款","secondary":["春节备货","新品铺货"]}`)
	want("an MM setting the focus", code, body, http.StatusForbidden)
	code, body = as(t, h, sd, "PUT", "/v1/focus/2026-12", `{"market":"华东","main":"年末回款","secondary":["春节备货","新品铺货"]}`)
	want("the SLT setting the focus", code, body, http.StatusOK, `"market":"华东"`)
	code, body = as(t, h, kam, "GET", "/v1/focus/2026-12/markets", "")
	want("the markets' focus", code, body, http.StatusOK, `"main":"年末回款"`)

	// Publishing is the SLT's, who sees first whom it tells; twice tells nobody twice.
	code, body = as(t, h, sd, "GET", "/v1/plans/monthly/2026-12/preview", "")
	want("the preview", code, body, http.StatusOK, `"market":"华东"`, `"kam-huadong-1"`, `"main":"年末回款"`)
	code, body = as(t, h, ssgL, "POST", "/v1/plans/monthly/2026-12/publish", "")
	want("the SSG publishing", code, body, http.StatusForbidden)
	code, body = as(t, h, sd, "POST", "/v1/plans/monthly/2026-12/publish", "")
	want("the SLT publishing", code, body, http.StatusOK, `"changed":true`, `"recipient_id":"kam-huadong-1"`)
	code, body = as(t, h, sd, "POST", "/v1/plans/monthly/2026-12/publish", "")
	want("publishing again", code, body, http.StatusOK, `"changed":false`, `"notifications":[]`)
	code, body = as(t, h, sd, "POST", "/v1/plans/annual/2026-12/publish", "")
	want("an annual plan for a month", code, body, http.StatusNotFound)

	// The MM splits the market's target; the sums are checked, and another
	// market's MM may neither see nor split it.
	code, body = as(t, h, mm, "GET", "/v1/targets/splits?period=2026-12", "")
	want("the MM's splits", code, body, http.StatusOK, `"key":"华东"`, `"state":"none"`, `"key":"um-huadong-2"`)
	code, body = as(t, h, mmSth, "GET", "/v1/targets/split?period=2026-12&dimension=market&key=华东", "")
	want("another MM reading the split", code, body, http.StatusForbidden)
	short := `{"period":"2026-12","dimension":"market","key":"华东","targets":[
		{"key":"um-huadong-1","sales_fen":600000,"collections_fen":500000,"units":300},
		{"key":"um-huadong-2","sales_fen":300000,"collections_fen":300000,"units":200}]}`
	code, body = as(t, h, mm, "POST", "/v1/targets/split", short)
	want("a split short of the target", code, body, http.StatusUnprocessableEntity, `"field":"targets.sales_fen"`, "9000.00 CNY", "10000.00 CNY")
	right := strings.Replace(short, "300000,\"collections_fen\":300000", "400000,\"collections_fen\":300000", 1)
	code, body = as(t, h, mmSth, "POST", "/v1/targets/split", right)
	want("another MM splitting it", code, body, http.StatusForbidden)
	code, body = as(t, h, sd, "POST", "/v1/targets/split", right)
	want("the SLT splitting for the FSF", code, body, http.StatusForbidden)
	code, body = as(t, h, mm, "POST", "/v1/targets/split", right)
	want("the MM's split", code, body, http.StatusOK, `"state":"complete"`)

	// The target report at the UM's level: their line, no market; a quarter
	// sums its months.
	code, body = as(t, h, um, "GET", "/v1/reports/targets?period=2026-Q4", "")
	want("the UM's report", code, body, http.StatusOK, `"key":"um-huadong-1"`, `"sales_target_fen":600000`)
	if strings.Contains(body, `"dimension":"market"`) || strings.Contains(body, "um-huadong-2") {
		t.Errorf("the UM sees more than their line: %s", body)
	}
	var rows []sales.TargetRow
	code, body = as(t, h, sd, "GET", "/v1/reports/targets?period=2026", "")
	if err := json.Unmarshal([]byte(body), &rows); code != http.StatusOK || err != nil || len(rows) == 0 ||
		rows[0].Key != "华东" || rows[0].Split != sales.SplitComplete || rows[0].UnitsTarget != 500 {
		t.Errorf("the year's report %d: %s", code, body)
	}
	code, body = as(t, h, sd, "GET", "/v1/reports/targets?period=2026-13", "")
	want("a month that is none", code, body, http.StatusUnprocessableEntity, `"field":"period"`)

	// Plans: the SLT's drafts are theirs until published.
	code, body = as(t, h, kam, "PUT", "/v1/plans/annual/2027", `{"text":"全年增长15%"}`)
	want("a KAM saving a plan", code, body, http.StatusForbidden)
	code, body = as(t, h, sd, "PUT", "/v1/plans/annual/2027", `{"text":"全年增长15%"}`)
	want("the SLT saving a plan", code, body, http.StatusOK, `"version":0`)
	code, body = as(t, h, kam, "GET", "/v1/plans/annual/2027", "")
	want("a KAM reading a draft", code, body, http.StatusNotFound)
	code, body = as(t, h, sd, "GET", "/v1/plans/annual/2027", "")
	want("the SLT reading it", code, body, http.StatusOK, "全年增长15%")
	code, body = as(t, h, kam, "GET", "/v1/plans?year=2026", "")
	want("a KAM's plans of 2026", code, body, http.StatusOK, `"kind":"monthly"`, `"period":"2026-12"`)
}
