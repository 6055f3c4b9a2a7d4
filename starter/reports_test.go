package starter

import (
	"bytes"
	"context"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"osb/sales"
	"osb/workflows"
)

// fakeReports is an in-memory ReportService that records what it was asked.
type fakeReports struct {
	mu        sync.Mutex
	filter    *sales.ReportFilter
	group     string
	targetFor string
	problems  map[string]sales.Problem
	filings   []sales.ProblemFiling
	updates   []sales.Actor
	review    []sales.Problem
	reviewed  sales.Period
	targets   *sales.TargetRequest
	focus     map[string]sales.FocusItems
	packs     map[int64]sales.PackRecord
	runs      []workflows.MeetingPackInput
	runDone   bool

	targetScope *sales.Scope // of the last target list
}

func newFakeReports() *fakeReports {
	return &fakeReports{
		problems: map[string]sales.Problem{
			"OSB-2026-03-001": {Number: "OSB-2026-03-001", Department: sales.DeptLogistics, Source: sales.SourceStuckStep,
				Status: sales.ProblemOpen, Title: "SO-2026-000001 is stuck in SP1", CustomerID: "C-001", Owner: "dept:logistics"},
			"OSB-2026-03-002": {Number: "OSB-2026-03-002", Department: sales.DeptFinance, Source: sales.SourceDispute,
				Status: sales.ProblemOpen, Title: "Invoice disputed", CustomerID: "C-002", Owner: "dept:finance"},
		},
		focus:   map[string]sales.FocusItems{},
		packs:   map[int64]sales.PackRecord{3: {ID: 3, Kind: sales.PackSLT, Month: "2026-02", XLSXBytes: 4}},
		runDone: true,
	}
}

func (f *fakeReports) record(filter sales.ReportFilter) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filter = &filter
}

func (f *fakeReports) FileProblem(_ context.Context, in sales.ProblemFiling) (sales.Problem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filings = append(f.filings, in)
	return sales.Problem{Number: "OSB-2026-03-003", Department: in.Department, Source: in.Source, Title: in.Title,
		Owner: in.Owner, CreatedBy: in.CreatedBy, CreatedAt: in.At, Status: sales.ProblemOpen}, nil
}

func (f *fakeReports) UpdateProblem(_ context.Context, number string, u sales.ProblemUpdate, by sales.Actor, at time.Time) (sales.Problem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.problems[number]
	if !ok {
		return p, notFound("problem " + number)
	}
	f.updates = append(f.updates, by)
	return p.Apply(u, by, at)
}

func (f *fakeReports) Problem(_ context.Context, number string) (sales.Problem, error) {
	p, ok := f.problems[number]
	if !ok {
		return p, notFound("problem " + number)
	}
	return p, nil
}

func (f *fakeReports) ListProblems(_ context.Context, filter sales.ProblemFilter) ([]sales.Problem, error) {
	f.record(sales.ReportFilter{Scope: filter.Scope})
	return []sales.Problem{f.problems["OSB-2026-03-001"]}, nil
}

func (f *fakeReports) ProblemsToReview(_ context.Context, month sales.Period, scope sales.Scope) ([]sales.Problem, error) {
	f.record(sales.ReportFilter{Scope: scope, Period: month})
	f.reviewed = month
	return f.review, nil
}

func (f *fakeReports) CreditRatings(_ context.Context, filter sales.ReportFilter) ([]sales.CreditRatingRow, error) {
	f.record(filter)
	return []sales.CreditRatingRow{{CustomerID: "C-001", CustomerName: "上海分销", Market: "华东", KAMID: "u-kam1",
		Rating: "B", Currency: sales.CNY, Limit: sales.Yuan(100000), Exposure: 1234567, UsePct: sales.Percent(sales.Fen(1234567), sales.Yuan(100000))}}, nil
}

func (f *fakeReports) ShipmentInfo(_ context.Context, filter sales.ReportFilter) ([]sales.ShipmentInfoRow, error) {
	f.record(filter)
	return nil, nil
}

func (f *fakeReports) Replenishment(_ context.Context, filter sales.ReportFilter) ([]sales.ReplenishmentRow, error) {
	f.record(filter)
	return nil, nil
}

func (f *fakeReports) Receivables(_ context.Context, filter sales.ReportFilter) ([]sales.ReceivableEntry, error) {
	f.record(filter)
	return nil, nil
}

func (f *fakeReports) Ageing(_ context.Context, filter sales.ReportFilter, group string) ([]sales.AgeingRow, error) {
	f.record(filter)
	f.group = group
	return []sales.AgeingRow{{Group: group, Key: "u-kam1", Name: "客户经理一", Market: "华东", Currency: sales.CNY,
		Ageing: sales.Ageing{NotDue: 123450, Days31To60: 5, Total: 123455}}}, nil
}

func (f *fakeReports) DSO(_ context.Context, filter sales.ReportFilter) ([]sales.DSORow, error) {
	f.record(filter)
	return nil, nil
}

func (f *fakeReports) TargetReport(_ context.Context, month string, scope sales.Scope) ([]sales.TargetRow, error) {
	f.record(sales.ReportFilter{Scope: scope})
	f.targetFor = month
	return nil, nil
}

func (f *fakeReports) Reach(_ context.Context, filter sales.ReportFilter) ([]sales.ReachRow, error) {
	f.record(filter)
	return nil, nil
}

func (f *fakeReports) SetTargets(_ context.Context, r sales.TargetRequest, by string, at time.Time) ([]sales.Target, error) {
	f.targets = &r
	out := make([]sales.Target, len(r.Targets))
	for i, t := range r.Targets {
		out[i] = sales.Target{Period: r.PeriodName(), Dimension: t.Dimension, Key: t.Key, Sales: t.Sales, SetBy: by, SetAt: at}
	}
	return out, nil
}

func (f *fakeReports) Targets(_ context.Context, month string, scope sales.Scope) ([]sales.Target, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.targetScope = &scope
	return nil, nil
}

func (f *fakeReports) SetFocus(_ context.Context, month string, r sales.FocusRequest, by string, at time.Time) (sales.FocusItems, error) {
	fi := sales.FocusItems{Month: month, Main: r.Main, Secondary: r.Secondary, SetBy: by, SetAt: at}
	f.focus[month] = fi
	return fi, nil
}

func (f *fakeReports) Focus(_ context.Context, month string) (sales.FocusItems, error) {
	fi, ok := f.focus[month]
	if !ok {
		return fi, notFound("focus of " + month)
	}
	return fi, nil
}

func (f *fakeReports) ListPacks(context.Context, sales.PackFilter) ([]sales.PackRecord, error) {
	return []sales.PackRecord{f.packs[3]}, nil
}

func (f *fakeReports) Pack(_ context.Context, id int64) (sales.PackRecord, error) {
	p, ok := f.packs[id]
	if !ok {
		return p, notFound("pack")
	}
	return p, nil
}

func (f *fakeReports) PackWorkbook(_ context.Context, id int64) (sales.PackRecord, []byte, error) {
	p, err := f.Pack(context.Background(), id)
	return p, []byte("PK\x03\x04"), err
}

func (f *fakeReports) RunPack(_ context.Context, in workflows.MeetingPackInput, _ time.Duration) (PackRun, sales.PackRecord, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runs = append(f.runs, in)
	run := PackRun{WorkflowID: workflows.MeetingPackWorkflowID(in.Kind, in.Month), RunID: "r1", Kind: in.Kind, Month: in.Month}
	return run, sales.PackRecord{ID: 9, Kind: in.Kind, Month: in.Month}, f.runDone, nil
}

func TestAReportDownloadsAsJSONCSVAndXLSX(t *testing.T) {
	f := newFixture(t)
	path := "/v1/reports/ageing?as_of=2026-03-31&group_by=kam"

	rows := decodeAs[[]sales.AgeingRow](t, f.do(t, "GET", path, "t-ssg", nil))
	if len(rows) != 1 || rows[0].NotDue != 123450 || f.reports.group != "kam" {
		t.Fatalf("JSON rows %+v, grouped by %q", rows, f.reports.group)
	}
	if got, want := f.reports.filter.AsOf, time.Date(2026, 3, 31, 23, 59, 59, 999999000, sales.Beijing); !got.Equal(want) {
		t.Errorf("as of %s, want the end of 31 March in Beijing", got)
	}

	rec := f.do(t, "GET", path+"&format=csv", "t-ssg", nil)
	wantStatus(t, rec, http.StatusOK)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("content type %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="ageing-by-kam-2026-03-31.csv"`) {
		t.Errorf("content disposition %q", cd)
	}
	body := rec.Body.String()
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "\uFEFF")), "\n")
	if !strings.HasPrefix(body, "\uFEFF") || len(lines) != 2 ||
		!strings.HasPrefix(lines[0], "客户经理编号 / KAM ID,客户经理 / KAM,市场 / Market,币种 / Currency,未到期(元) / Not due (yuan)") ||
		strings.TrimSpace(lines[1]) != "u-kam1,客户经理一,华东,CNY,1234.50,0.00,0.05,0.00,0.00,1234.55" {
		t.Errorf("CSV:\n%s", body)
	}

	rec = f.do(t, "GET", path, "t-ssg", nil, "Accept", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	wantStatus(t, rec, http.StatusOK)
	x, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("the XLSX download does not open: %v", err)
	}
	defer x.Close()
	sheet := x.GetSheetList()[0]
	got, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if sheet != "应收账龄分析" || len(got) != 2 || got[0][0] != "客户经理编号 / KAM ID" || got[1][1] != "客户经理一" {
		t.Fatalf("sheet %q rows %v", sheet, got)
	}
	if v, _ := x.GetCellValue(sheet, "E2", excelize.Options{RawCellValue: true}); v != "1234.50" {
		t.Errorf("the not-due amount is stored as %q, want the number 1234.50", v)
	}
	if typ, _ := x.GetCellType(sheet, "E2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("the amount cell has type %v, want a number", typ)
	}
}

func TestReportsSeeOnlyTheUsersScope(t *testing.T) {
	f := newFixture(t)
	wantStatus(t, f.do(t, "GET", "/v1/reports/credit-ratings", "t-um", nil), http.StatusOK)
	if want := (sales.Scope{KAMIDs: []string{"u-um", "u-kam1"}}); !reflect.DeepEqual(f.reports.filter.Scope, want) {
		t.Errorf("the UM's scope %+v, want %+v", f.reports.filter.Scope, want)
	}
	wantStatus(t, f.do(t, "GET", "/v1/reports/credit-ratings", "t-fin", nil), http.StatusOK)
	if !f.reports.filter.Scope.All {
		t.Errorf("finance sees %+v, want everything", f.reports.filter.Scope)
	}
	wantStatus(t, f.do(t, "GET", "/v1/problems", "t-kam1", nil), http.StatusOK)
	if want := (sales.Scope{KAMIDs: []string{"u-kam1"}}); !reflect.DeepEqual(f.reports.filter.Scope, want) {
		t.Errorf("the KAM lists problems with scope %+v", f.reports.filter.Scope)
	}
}

func TestReportPeriodsAndTheirMistakes(t *testing.T) {
	f := newFixture(t)
	wantStatus(t, f.do(t, "GET", "/v1/reports/replenishment?month=2026-02&customer_id=C-001", "t-ssg", nil), http.StatusOK)
	if p := f.reports.filter.Period; p.String() != "2026-02-01..2026-02-28" || f.reports.filter.CustomerID != "C-001" {
		t.Errorf("period %s customer %q", p, f.reports.filter.CustomerID)
	}
	wantStatus(t, f.do(t, "GET", "/v1/reports/dso?from=2026-01-01&to=2026-03-31", "t-slt", nil), http.StatusOK)
	if p := f.reports.filter.Period; p.Days() != 90 {
		t.Errorf("period %s has %d days, want 90", p, p.Days())
	}
	wantStatus(t, f.do(t, "GET", "/v1/reports/reach", "t-slt", nil), http.StatusOK)
	if p := f.reports.filter.Period; p.String() != "2026-03-01..2026-03-31" {
		t.Errorf("default period %s, want the current month", p)
	}
	wantStatus(t, f.do(t, "GET", "/v1/reports/targets?month=2026-01", "t-slt", nil), http.StatusOK)
	if f.reports.targetFor != "2026-01" {
		t.Errorf("targets for %q", f.reports.targetFor)
	}
	e := wantError(t, f.do(t, "GET", "/v1/reports/receivables?month=2026-02&from=2026-02-01&format=pdf&colour=red", "t-ssg", nil),
		http.StatusUnprocessableEntity, sales.ErrInvalid)
	if len(e.Fields) != 3 {
		t.Errorf("fields %+v, want colour, format and month named", e.Fields)
	}
	wantError(t, f.do(t, "GET", "/v1/reports/shipment-info?from=2026-03-31&to=2026-03-01", "t-ssg", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantError(t, f.do(t, "GET", "/v1/reports/ageing?group_by=sku", "t-ssg", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantError(t, f.do(t, "GET", "/v1/reports/ageing?as_of=31/03/2026", "t-ssg", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
}

func TestProblemsAreFiledByDepartmentsForThemselves(t *testing.T) {
	f := newFixture(t)
	body := map[string]any{"department": "logistics", "title": "  托盘短缺  ", "customer_id": "C-001"}
	wantError(t, f.do(t, "POST", "/v1/problems", "t-fin", body), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "POST", "/v1/problems", "t-kam1", body), http.StatusForbidden, sales.ErrForbidden)
	rec := f.do(t, "POST", "/v1/problems", "t-log", body)
	wantStatus(t, rec, http.StatusCreated)
	if loc := rec.Header().Get("Location"); loc != "/v1/problems/OSB-2026-03-003" {
		t.Errorf("Location %q", loc)
	}
	if len(f.reports.filings) != 1 {
		t.Fatalf("filings %+v", f.reports.filings)
	}
	if got := f.reports.filings[0]; got.Title != "托盘短缺" || got.Source != sales.SourceManual || got.CreatedBy != "u-log" ||
		got.Owner != "dept:logistics" || !got.At.Equal(now) {
		t.Errorf("filed %+v", got)
	}
	e := wantError(t, f.do(t, "POST", "/v1/problems", "t-ssg", map[string]any{"department": "marketing"}), http.StatusUnprocessableEntity, sales.ErrInvalid)
	if len(e.Fields) != 2 {
		t.Errorf("fields %+v, want department and title", e.Fields)
	}
}

func TestProblemsOfOtherCustomersAreHiddenFromTheFSF(t *testing.T) {
	f := newFixture(t)
	wantStatus(t, f.do(t, "GET", "/v1/problems/OSB-2026-03-001", "t-kam1", nil), http.StatusOK)
	wantError(t, f.do(t, "GET", "/v1/problems/OSB-2026-03-002", "t-kam1", nil), http.StatusForbidden, sales.ErrForbidden)
	wantStatus(t, f.do(t, "GET", "/v1/problems/OSB-2026-03-002", "t-log", nil), http.StatusOK)
	wantError(t, f.do(t, "GET", "/v1/problems/OSB-2026-03-099", "t-ssg", nil), http.StatusNotFound, sales.ErrNotFound)
	wantError(t, f.do(t, "GET", "/v1/problems/7", "t-ssg", nil), http.StatusNotFound, sales.ErrNotFound)
}

func TestAProblemIsResolvedWithAResolutionByItsDepartment(t *testing.T) {
	f := newFixture(t)
	path := "/v1/problems/OSB-2026-03-001"
	wantError(t, f.do(t, "PATCH", path, "t-log", map[string]any{"status": "resolved"}), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantError(t, f.do(t, "PATCH", path, "t-fin", map[string]any{"status": "resolved", "resolution": "x"}), http.StatusForbidden, sales.ErrForbidden)
	got := decodeAs[sales.Problem](t, f.do(t, "PATCH", path, "t-log", map[string]any{"status": "resolved", "resolution": "补充托盘"}))
	if got.Status != sales.ProblemResolved || got.ResolvedBy != "u-log" || got.Resolution != "补充托盘" || !got.ResolvedAt.Equal(now) {
		t.Errorf("resolved %+v", got)
	}
	wantError(t, f.do(t, "PATCH", path, "t-log", map[string]any{"status": "closed"}), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantError(t, f.do(t, "PATCH", path, "t-log", `{"priority":1}`), http.StatusBadRequest, sales.ErrInvalid)
}

func TestTheMeetingViewGroupsProblemsByDepartment(t *testing.T) {
	f := newFixture(t)
	f.reports.review = []sales.Problem{
		{Number: "OSB-2026-02-004", Department: sales.DeptFinance, Status: sales.ProblemOpen, CreatedAt: now.AddDate(0, 0, -20)},
		{Number: "OSB-2026-03-001", Department: sales.DeptFinance, Status: sales.ProblemInProgress, CreatedAt: now.AddDate(0, 0, -3)},
	}
	r := decodeAs[sales.ProblemReview](t, f.do(t, "GET", "/v1/problems/review?month=2026-03&overdue_days=10", "t-slt", nil))
	if r.Month != "2026-03" || r.OverdueAfterDays != 10 || f.reports.reviewed.String() != "2026-03-01..2026-03-31" {
		t.Fatalf("review %+v of %s", r, f.reports.reviewed)
	}
	fin := r.Departments[1]
	if fin.Department != sales.DeptFinance || fin.Open != 2 || fin.InProgress != 1 || fin.Overdue != 1 || fin.Filed != 1 || fin.OldestOpenDays != 20 {
		t.Errorf("finance %+v", fin)
	}
	rec := f.do(t, "GET", "/v1/problems/review?format=xlsx", "t-slt", nil)
	wantStatus(t, rec, http.StatusOK)
	x, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if sheets := x.GetSheetList(); !reflect.DeepEqual(sheets, []string{"OSB问题汇总", "未解决问题", "本月已解决"}) {
		t.Errorf("sheets %v", sheets)
	}
	wantError(t, f.do(t, "GET", "/v1/problems/review?overdue_days=0", "t-slt", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
}

func TestTargetsAndFocusAreSetByTheSLT(t *testing.T) {
	f := newFixture(t)
	targets := map[string]any{"month": "2026-04", "targets": []map[string]any{
		{"dimension": "kam", "key": "u-kam1", "sales_fen": 100000000, "collections_fen": 90000000}}}
	wantError(t, f.do(t, "PUT", "/v1/targets", "t-kam1", targets), http.StatusForbidden, sales.ErrForbidden)
	got := decodeAs[[]sales.Target](t, f.do(t, "PUT", "/v1/targets", "t-ssg", targets))
	if len(got) != 1 || got[0].SetBy != "u-ssg" || f.reports.targets.Targets[0].Collections != 90000000 {
		t.Errorf("targets %+v", got)
	}
	wantError(t, f.do(t, "PUT", "/v1/targets", "t-slt", map[string]any{"month": "April"}), http.StatusUnprocessableEntity, sales.ErrInvalid)

	focus := map[string]any{"main": "回款率到95%", "secondary": []string{"华南铺货", "新品上市"}}
	wantError(t, f.do(t, "PUT", "/v1/focus/2026-04", "t-ssg", focus), http.StatusForbidden, sales.ErrForbidden)
	fi := decodeAs[sales.FocusItems](t, f.do(t, "PUT", "/v1/focus/2026-04", "t-slt", focus))
	if fi.Main != "回款率到95%" || fi.SetBy != "u-sd" {
		t.Errorf("focus %+v", fi)
	}
	wantStatus(t, f.do(t, "GET", "/v1/focus/2026-04", "t-kam1", nil), http.StatusOK)
	wantError(t, f.do(t, "GET", "/v1/focus/2026-05", "t-kam1", nil), http.StatusNotFound, sales.ErrNotFound)
	wantError(t, f.do(t, "PUT", "/v1/focus/2026-04", "t-slt", map[string]any{"main": "x", "secondary": []string{"y"}}), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantError(t, f.do(t, "GET", "/v1/focus/next", "t-slt", nil), http.StatusNotFound, sales.ErrNotFound)
}

func TestTheSLTGeneratesAPackOnDemand(t *testing.T) {
	f := newFixture(t)
	wantError(t, f.do(t, "POST", "/v1/packs", "t-ssg", map[string]any{"kind": "slt"}), http.StatusForbidden, sales.ErrForbidden)
	rec := f.do(t, "POST", "/v1/packs", "t-slt", map[string]any{"kind": "slt"})
	wantStatus(t, rec, http.StatusCreated)
	if got := f.reports.runs[0]; got.Month != "2026-02" || got.Kind != sales.PackSLT || got.RequestedBy != "u-sd" {
		t.Errorf("ran %+v, want last month's SLT pack", got)
	}
	if rec.Header().Get("Location") != "/v1/packs/9" {
		t.Errorf("Location %q", rec.Header().Get("Location"))
	}
	f.reports.runDone = false
	run := decodeAs[PackRun](t, f.do(t, "POST", "/v1/packs", "t-slt", map[string]any{"kind": "ssg", "month": "2026-01"}))
	if run.WorkflowID != "meeting-pack/ssg/2026-01" {
		t.Errorf("run %+v", run)
	}
	wantError(t, f.do(t, "POST", "/v1/packs", "t-slt", map[string]any{"kind": "board", "month": "2026-13"}), http.StatusUnprocessableEntity, sales.ErrInvalid)

	rec = f.do(t, "GET", "/v1/packs/3?format=xlsx", "t-ssg", nil)
	wantStatus(t, rec, http.StatusOK)
	if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, "osb-slt-meeting-pack-2026-02.xlsx") || rec.Body.String() != "PK\x03\x04" {
		t.Errorf("workbook %q %q", cd, rec.Body)
	}
	wantStatus(t, f.do(t, "GET", "/v1/packs/3", "t-fin", nil), http.StatusOK)
	wantError(t, f.do(t, "GET", "/v1/packs/4", "t-slt", nil), http.StatusNotFound, sales.ErrNotFound)
	wantStatus(t, f.do(t, "GET", "/v1/packs?kind=slt", "t-log", nil), http.StatusOK)
}

// A meeting pack is the whole company's month: the FSF may not read it, in
// any form, whatever their title.
func TestMeetingPacksAreNotForTheFSF(t *testing.T) {
	f := newFixture(t)
	for _, tok := range []string{"t-kam1", "t-um"} {
		for _, path := range []string{"/v1/packs", "/v1/packs?kind=slt", "/v1/packs/3", "/v1/packs/3?format=xlsx"} {
			wantError(t, f.do(t, "GET", path, tok, nil), http.StatusForbidden, sales.ErrForbidden)
		}
	}
}

func TestTargetsAreScopedToTheFSFUsersLine(t *testing.T) {
	f := newFixture(t)
	wantStatus(t, f.do(t, "GET", "/v1/targets?month=2026-04", "t-um", nil), http.StatusOK)
	if got := f.reports.targetScope; got == nil || got.All || !reflect.DeepEqual(got.KAMIDs, []string{"u-um", "u-kam1"}) {
		t.Errorf("an UM listed targets with scope %+v, want themselves and their KAM", got)
	}
	wantStatus(t, f.do(t, "GET", "/v1/targets?month=2026-04", "t-fin", nil), http.StatusOK)
	if got := f.reports.targetScope; got == nil || !got.All {
		t.Errorf("Finance listed targets with scope %+v, want all", got)
	}
}
