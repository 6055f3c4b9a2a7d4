package activities

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.temporal.io/sdk/temporal"

	"osb/sales"
	"osb/workflows"
)

// packStore answers the meeting pack's reads from fixed figures and keeps
// what it saves; the order workflow's methods are left out (nil Store).
type packStore struct {
	Store
	filters   []sales.ReportFilter
	groups    []string
	focusFor  string
	reviewFor sales.Period
	failDSO   error
	saved     *sales.MeetingPack
	workbook  []byte
	runID     string
}

func (p *packStore) TargetReport(_ context.Context, month string, _ sales.Scope) ([]sales.TargetRow, error) {
	return []sales.TargetRow{{Dimension: sales.ByMarket, Key: "华东"}, {Dimension: sales.ByMM, Key: "mm-huadong"},
		{Dimension: sales.ByKAM, Key: "kam-huadong-1"}}, nil
}

func (p *packStore) DSO(_ context.Context, f sales.ReportFilter) ([]sales.DSORow, error) {
	p.filters = append(p.filters, f)
	return []sales.DSORow{{Market: "华东", Days: f.Period.Days()}}, p.failDSO
}

func (p *packStore) Ageing(_ context.Context, f sales.ReportFilter, group string) ([]sales.AgeingRow, error) {
	p.filters = append(p.filters, f)
	p.groups = append(p.groups, group)
	return []sales.AgeingRow{{Group: group, Key: "C001", Ageing: sales.Ageing{Days31To60: 500, Total: 500}}}, nil
}

func (p *packStore) Reach(_ context.Context, f sales.ReportFilter) ([]sales.ReachRow, error) {
	return []sales.ReachRow{{Market: "华东", Customers: 5, Ordering: 3}}, nil
}

func (p *packStore) ProblemsToReview(_ context.Context, month sales.Period, _ sales.Scope) ([]sales.Problem, error) {
	p.reviewFor = month
	return []sales.Problem{{Number: "OSB-2026-03-001", Department: sales.DeptFinance, Status: sales.ProblemOpen,
		CreatedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, sales.Beijing)}}, nil
}

func (p *packStore) Focus(_ context.Context, month string) (sales.FocusItems, error) {
	p.focusFor = month
	return sales.FocusItems{Month: month, Main: "回款", Secondary: []string{"铺货", "新品"}}, nil
}

func (p *packStore) SavePack(_ context.Context, pack sales.MeetingPack, _, runID string, xlsx []byte) (sales.PackRecord, error) {
	p.saved, p.workbook, p.runID = &pack, xlsx, runID
	return sales.PackRecord{ID: 1, Kind: pack.Kind, Month: pack.Month, RunID: runID, XLSXBytes: len(xlsx)}, nil
}

func TestAMeetingPackIsComposedAsAtTheMonthsEndAndStoredWithItsWorkbook(t *testing.T) {
	st := &packStore{}
	a := &Activities{Store: st}
	generated := time.Date(2026, 4, 5, 9, 0, 0, 0, sales.Beijing)
	rec, err := a.GenerateMeetingPack(context.Background(), workflows.GeneratePackInput{
		Kind: sales.PackSLT, Month: "2026-03", GeneratedAt: generated, OverdueAfterDays: 14, WorkflowID: "w", RunID: "r",
	})
	if err != nil {
		t.Fatal(err)
	}
	march, _ := sales.MonthPeriod("2026-03")
	for _, f := range st.filters {
		if f.Period != march || !f.AsOf.Equal(march.Last()) || !f.Scope.All {
			t.Errorf("read with %+v, want March as at its end for everyone", f)
		}
	}
	if st.focusFor != "2026-04" || st.reviewFor != march || len(st.groups) != 2 {
		t.Errorf("focus of %s, problems of %s, ageing by %v", st.focusFor, st.reviewFor, st.groups)
	}
	p := st.saved
	if p == nil || rec.ID != 1 || st.runID != "r" {
		t.Fatalf("saved %+v as %+v", p, rec)
	}
	if p.Month != "2026-03" || !p.GeneratedAt.Equal(generated) || len(p.Sales) != 2 || p.Focus == nil ||
		len(p.Overdue) != 1 || p.Problems.Departments[1].Open != 1 || p.Problems.Open[0].AgeDays != 35 {
		t.Errorf("pack %+v", p)
	}
	x, err := excelize.OpenReader(bytes.NewReader(st.workbook))
	if err != nil {
		t.Fatalf("the pack's workbook does not open: %v", err)
	}
	defer x.Close()
	if n := len(x.GetSheetList()); n != 9 {
		t.Errorf("the workbook has %d sheets, want 9", n)
	}
}

func TestAMeetingPackRetriesAStoreFailureButNotABadMonth(t *testing.T) {
	a := &Activities{Store: &packStore{failDSO: errors.New("connection reset")}}
	_, err := a.GenerateMeetingPack(context.Background(), workflows.GeneratePackInput{Kind: sales.PackSSG, Month: "2026-03"})
	var app *temporal.ApplicationError
	if err == nil || (errors.As(err, &app) && app.NonRetryable()) {
		t.Errorf("a failing store gives %v, want a retryable error", err)
	}
	_, err = a.GenerateMeetingPack(context.Background(), workflows.GeneratePackInput{Kind: sales.PackSSG, Month: "March"})
	if !errors.As(err, &app) || !app.NonRetryable() || app.Type() != sales.ErrInvalid {
		t.Errorf("a bad month gives %v, want a non-retryable invalid error", err)
	}
}
