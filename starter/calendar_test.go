package starter

import (
	"bytes"
	"context"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"osb/export"
	"osb/sales"
)

// fakeCalendar keeps years in memory, validating as the store does.
type fakeCalendar struct {
	mu    sync.Mutex
	days  map[int][]sales.CalendarDay
	years map[int]sales.CalendarYear
	saves int
}

func newFakeCalendar() *fakeCalendar {
	return &fakeCalendar{days: map[int][]sales.CalendarDay{}, years: map[int]sales.CalendarYear{}}
}

func (c *fakeCalendar) Calendar(_ context.Context, from, to int) (sales.Calendar, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out sales.Calendar
	for y := from; y <= to; y++ {
		if _, ok := c.years[y]; ok {
			out.Years = append(out.Years, y)
			out.Days = append(out.Days, c.days[y]...)
		}
	}
	return out, nil
}

func (c *fakeCalendar) CalendarYears(context.Context) ([]sales.CalendarYear, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []sales.CalendarYear
	for _, y := range c.years {
		out = append(out, y)
	}
	slices.SortFunc(out, func(a, b sales.CalendarYear) int { return a.Year - b.Year })
	return out, nil
}

func (c *fakeCalendar) SaveCalendarYear(_ context.Context, year int, days []sales.CalendarDay, by string, at time.Time) error {
	if err := sales.ValidateCalendarYear(year, days).Err("invalid"); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	sorted := slices.Clone(days)
	sales.SortCalendarDays(sorted)
	c.days[year], c.years[year] = sorted, sales.CalendarYear{Year: year, LoadedBy: by, LoadedAt: at}
	c.saves++
	return nil
}

// calendarFixture is the API with the calendar and the visit log.
func calendarFixture(t *testing.T) (*fixture, *fakeCalendar, *fakeVisits) {
	t.Helper()
	f := newFixture(t)
	cal, vis := newFakeCalendar(), newFakeVisits(f.store)
	f.handler = New(Config{Store: f.store, Orders: f.orders, Policy: f.policy, Calendar: cal, Visits: vis,
		Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }})
	return f, cal, vis
}

var national2026 = []sales.CalendarDay{
	{Date: "2026-09-20", Kind: sales.DayWorkday, Name: "国庆节调休"},
	{Date: "2026-10-01", Kind: sales.DayHoliday, Name: "国庆节"},
	{Date: "2026-10-02", Kind: sales.DayHoliday, Name: "国庆节"},
	{Date: "2026-10-10", Kind: sales.DayWorkday, Name: "国庆节调休"},
}

func TestCalendarIsReadByEveryoneAndLoadedByTheAdminAndTheSSG(t *testing.T) {
	f, cal, _ := calendarFixture(t)
	rec := f.do(t, "GET", "/v1/calendar/2026", "t-log", nil)
	wantStatus(t, rec, http.StatusOK)
	if v := decodeAs[CalendarYearView](t, rec); v.Loaded || v.Days == nil || len(v.Days) != 0 {
		t.Errorf("a year not loaded: %+v", v)
	}
	for _, token := range []string{"t-kam1", "t-fin", "t-slt", "t-log"} {
		wantError(t, f.do(t, "PUT", "/v1/calendar/2026", token, CalendarBody{Days: national2026}), http.StatusForbidden, sales.ErrForbidden)
	}
	rec = f.do(t, "PUT", "/v1/calendar/2026", "t-ssg", CalendarBody{Days: national2026})
	wantStatus(t, rec, http.StatusOK)
	v := decodeAs[CalendarYearView](t, rec)
	if !v.Loaded || v.LoadedBy != "u-ssg" || v.LoadedAt == nil || !v.LoadedAt.Equal(now) || len(v.Days) != 4 {
		t.Errorf("saved: %+v", v)
	}
	wantStatus(t, f.do(t, "PUT", "/v1/calendar/2027", "t-admin", CalendarBody{Days: []sales.CalendarDay{}}), http.StatusOK)
	rec = f.do(t, "GET", "/v1/calendar", "t-kam1", nil)
	wantStatus(t, rec, http.StatusOK)
	if years := decodeAs[[]sales.CalendarYear](t, rec); len(years) != 2 || years[0].Year != 2026 || years[1].LoadedBy != "u-admin" {
		t.Errorf("years %+v", years)
	}

	// Every problem at once, nothing saved.
	bad := append(slices.Clone(national2026), sales.CalendarDay{Date: "2026-10-08", Kind: sales.DayWorkday, Name: "周四"},
		sales.CalendarDay{Date: "2027-01-01", Kind: sales.DayHoliday, Name: "元旦"})
	e := wantError(t, f.do(t, "PUT", "/v1/calendar/2026", "t-ssg", CalendarBody{Days: bad}), http.StatusUnprocessableEntity, sales.ErrInvalid)
	if len(e.Fields) != 2 || e.Fields[0].Field != "days[4].kind" || e.Fields[1].Field != "days[5].date" {
		t.Errorf("fields %+v", e.Fields)
	}
	if cal.saves != 2 {
		t.Errorf("%d saves, want 2", cal.saves)
	}
	wantError(t, f.do(t, "GET", "/v1/calendar/1999", "t-ssg", nil), http.StatusNotFound, sales.ErrNotFound)
	wantError(t, f.do(t, "GET", "/v1/calendar/2026.pdf", "t-ssg", nil), http.StatusNotFound, sales.ErrNotFound)
	wantError(t, f.do(t, "GET", "/v1/calendar/2026", "", nil), http.StatusUnauthorized, sales.ErrUnauthorized)
}

// upload posts a calendar file as a multipart form.
func uploadCalendar(t *testing.T, f *fixture, path, token, name string, content []byte) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(content)
	_ = mw.Close()
	return f.do(t, "POST", path, token, body.String(), "Content-Type", mw.FormDataContentType())
}

func TestACalendarExportImportsBackUnchangedAsCSVAndXLSX(t *testing.T) {
	f, cal, _ := calendarFixture(t)
	wantStatus(t, f.do(t, "PUT", "/v1/calendar/2026", "t-admin", CalendarBody{Days: national2026}), http.StatusOK)
	for _, ext := range []string{"csv", "xlsx"} {
		rec := f.do(t, "GET", "/v1/calendar/2026."+ext, "t-kam1", nil)
		wantStatus(t, rec, http.StatusOK)
		if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, "calendar-2026."+ext) {
			t.Errorf("%s: Content-Disposition %q", ext, cd)
		}
		if ext == "csv" && !strings.Contains(rec.Body.String(), "日期 / Date,类型 / Kind,名称 / Name") {
			t.Errorf("csv: %s", rec.Body)
		}
		if rec2 := f.do(t, "GET", "/v1/calendar/2026?format="+ext, "t-kam1", nil); !bytes.Equal(rec2.Body.Bytes(), rec.Body.Bytes()) && ext == "csv" {
			t.Errorf("format=%s and .%s differ", ext, ext)
		}
		saves := cal.saves
		rec = uploadCalendar(t, f, "/v1/calendar/2026/import", "t-ssg", "calendar."+ext, rec.Body.Bytes())
		wantStatus(t, rec, http.StatusOK)
		im := decodeAs[sales.CalendarImport](t, rec)
		if !im.Saved || im.Rows != 4 || len(im.Problems) != 0 || im.Added+im.Removed+im.Changed != 0 || cal.saves != saves+1 {
			t.Errorf("%s round trip: %+v", ext, im)
		}
		if !slices.Equal(cal.days[2026], national2026) {
			t.Errorf("%s round trip changed the year: %v", ext, cal.days[2026])
		}
	}
}

func TestACalendarImportWithErrorsReportsEveryRowAndWritesNothing(t *testing.T) {
	f, cal, _ := calendarFixture(t)
	file := "date,kind,name\n2026-10-01,holiday,国庆节\n2026-10-08,workday,周四\n2026-13-01,holiday,x\n2026-10-01,假,again\n"
	for _, dry := range []bool{true, false} {
		path := "/v1/calendar/2026/import"
		if dry {
			path += "?dry_run=true"
		}
		rec := uploadCalendar(t, f, path, "t-ssg", "cal.csv", []byte(file))
		var fields []sales.FieldError
		if dry {
			wantStatus(t, rec, http.StatusOK)
			im := decodeAs[sales.CalendarImport](t, rec)
			if im.Saved || !im.DryRun || im.Rows != 4 {
				t.Errorf("dry run: %+v", im)
			}
			fields = im.Problems
		} else {
			fields = wantError(t, rec, http.StatusUnprocessableEntity, sales.ErrInvalid).Fields
		}
		var names []string
		for _, p := range fields {
			names = append(names, p.Field)
		}
		if want := []string{"rows[3].kind", "rows[4].date", "rows[5].date"}; !slices.Equal(names, want) {
			t.Errorf("dry run %v: problems %v, want %v", dry, fields, want)
		}
	}
	if cal.saves != 0 {
		t.Errorf("a file with errors was saved %d times", cal.saves)
	}
	// A good file in a dry run says what would change and writes nothing.
	rec := f.do(t, "POST", "/v1/calendar/2026/import?dry_run=true", "t-admin", "日期,类型,名称\n2026/10/1,假,国庆节\n", "Content-Type", "text/csv")
	wantStatus(t, rec, http.StatusOK)
	if im := decodeAs[sales.CalendarImport](t, rec); im.Added != 1 || im.Saved || len(im.Problems) != 0 || cal.saves != 0 {
		t.Errorf("good dry run: %+v (saves %d)", im, cal.saves)
	}
	// The console sends the file as JSON.
	rec = f.do(t, "POST", "/v1/calendar/2026/import", "t-admin", FileUpload{FileName: "c.csv", Content: []byte("date,kind,name\n2026-10-01,holiday,国庆节\n")}, "Content-Type", "application/json")
	wantStatus(t, rec, http.StatusOK)
	if im := decodeAs[sales.CalendarImport](t, rec); !im.Saved || cal.saves != 1 {
		t.Errorf("JSON upload: %+v", im)
	}
	e := wantError(t, uploadCalendar(t, f, "/v1/calendar/2026/import", "t-ssg", "cal.xlsx", []byte("PK\x03\x04 not really")), http.StatusUnprocessableEntity, sales.ErrInvalid)
	if len(e.Fields) == 0 || e.Fields[0].Field != "file" {
		t.Errorf("an unreadable file: %+v", e)
	}
	wantError(t, f.do(t, "POST", "/v1/calendar/2026/import", "t-kam1", "date,kind,name\n", "Content-Type", "text/csv"), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "POST", "/v1/calendar/2026/import", "t-ssg", "", "Content-Type", "text/csv"), http.StatusBadRequest, sales.ErrInvalid)
}

func TestACalendarImportReadsAnEditedWorkbook(t *testing.T) {
	f, cal, _ := calendarFixture(t)
	wb := excelize.NewFile()
	rows := [][]any{{"Date", "Kind", "Name"}, {"2026-10-01", "holiday", "国庆节"}, {46305, "班", "国庆节调休"}} // 46305: Excel's 2026-10-10
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := wb.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := wb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rec := f.do(t, "POST", "/v1/calendar/2026/import", "t-ssg", buf.String(), "Content-Type", export.XLSXType)
	wantStatus(t, rec, http.StatusOK)
	want := []sales.CalendarDay{{Date: "2026-10-01", Kind: sales.DayHoliday, Name: "国庆节"}, {Date: "2026-10-10", Kind: sales.DayWorkday, Name: "国庆节调休"}}
	if !slices.Equal(cal.days[2026], want) {
		t.Errorf("imported %v", cal.days[2026])
	}
}
