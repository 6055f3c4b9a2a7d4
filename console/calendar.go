package console

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"osb/sales"
	"osb/starter"
)

// The working calendar: a year's public holidays and make-up working days,
// read by everyone; the admin and the SSG import a year from a spreadsheet,
// with a dry run first. Every read and write goes through the API's
// /v1/calendar routes.

func init() { pageNames = append(pageNames, "calendar") }

// calendarRoutes mounts the calendar page, its import and its downloads.
func (con *console) calendarRoutes(r chi.Router) {
	r.Get("/calendar", con.calendarPage)
	r.Post("/calendar/import", con.importCalendar)
	r.Get("/calendar/{file}", con.calendarDownload)
}

// calendarData is what the calendar page shows.
type calendarData struct {
	Year       starter.CalendarYearView
	Years      []sales.CalendarYear // the years loaded
	Prev, Next int
	Holidays   []calendarRun // holidays grouped by name and consecutive dates
	Workdays   []sales.CalendarDay
	CanSet     bool
	Form       *form
	FileErrors []string
	Import     *sales.CalendarImport // after an upload: what the file held and its problems
	Done       string
}

// calendarRun is a holiday of one or more consecutive days.
type calendarRun struct {
	Name     string
	From, To string
	Days     int
}

// calendarYearOf reads year= (the current Beijing year by default).
func (con *console) calendarYearOf(r *http.Request, raw string) (int, bool) {
	if raw == "" {
		return con.now().In(sales.Beijing).Year(), true
	}
	y, err := strconv.Atoi(raw)
	return y, err == nil && y >= 2000 && y <= 2100
}

func (con *console) calendarPage(w http.ResponseWriter, r *http.Request) {
	year, ok := con.calendarYearOf(r, r.URL.Query().Get("year"))
	if !ok {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	con.showCalendar(w, r, http.StatusOK, year, calendarData{Form: &form{Action: "import"}, Done: r.URL.Query().Get("done")})
}

func (con *console) showCalendar(w http.ResponseWriter, r *http.Request, status, year int, d calendarData) {
	if err := con.call(r, http.MethodGet, fmt.Sprintf("/v1/calendar/%d", year), nil, &d.Year); err != nil {
		con.failWith(w, r, err)
		return
	}
	if err := con.call(r, http.MethodGet, "/v1/calendar", nil, &d.Years); err != nil {
		con.failWith(w, r, err)
		return
	}
	d.Prev, d.Next = year-1, year+1
	d.CanSet = sessionOf(r).User.May(sales.PermSetCalendar)
	d.Holidays, d.Workdays = calendarRuns(d.Year.Days)
	con.render(w, r, status, "calendar", langOf(r).text("cal.title", year), d)
}

// calendarRuns groups the holidays into runs of consecutive days of one name
// and lists the make-up working days.
func calendarRuns(days []sales.CalendarDay) (runs []calendarRun, workdays []sales.CalendarDay) {
	for _, d := range days {
		if d.Kind == sales.DayWorkday {
			workdays = append(workdays, d)
			continue
		}
		if n := len(runs); n > 0 && runs[n-1].Name == d.Name && nextDate(runs[n-1].To) == d.Date {
			runs[n-1].To = d.Date
			runs[n-1].Days++
			continue
		}
		runs = append(runs, calendarRun{Name: d.Name, From: d.Date, To: d.Date, Days: 1})
	}
	return runs, workdays
}

func nextDate(date string) string {
	t, err := sales.ParseDay(date)
	if err != nil {
		return ""
	}
	return sales.BeijingDay(t.AddDate(0, 0, 1))
}

// importCalendar sends the uploaded file to the API: a dry run shows what the
// file holds and every row's problem; an import that passes goes back to the
// year, one refused shows the problems and writes nothing.
func (con *console) importCalendar(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(64 << 10); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	defer r.MultipartForm.RemoveAll()
	year, ok := con.calendarYearOf(r, r.PostForm.Get("year"))
	if !ok {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	dry := r.PostForm.Get("dry_run") == "true"
	d := calendarData{Form: &form{Action: "import", Values: r.PostForm}}
	var up starter.FileUpload
	if file, h, err := r.FormFile("file"); err == nil {
		up.Content, err = io.ReadAll(file)
		file.Close()
		if err != nil {
			con.fail(w, r, http.StatusBadRequest, "error.bad_form")
			return
		}
		up.FileName = h.Filename
	}
	var im sales.CalendarImport
	path := fmt.Sprintf("/v1/calendar/%d/import?dry_run=%t", year, dry)
	err := con.call(r, http.MethodPost, path, up, &im)
	if err != nil {
		status := con.refusal(err, d.Form)
		if status >= 500 {
			con.failWith(w, r, err)
			return
		}
		if e, ok := err.(*sales.Error); ok {
			var rows sales.Problems
			for _, fe := range e.Fields {
				if fe.Field == "file" {
					d.FileErrors = append(d.FileErrors, fe.Message)
				} else {
					rows = append(rows, fe)
				}
			}
			if len(rows) > 0 {
				d.Import = &sales.CalendarImport{Year: year, Problems: rows}
				d.Form.Message = ""
			}
		}
		con.showCalendar(w, r, status, year, d)
		return
	}
	if dry {
		d.Import = &im
		con.showCalendar(w, r, http.StatusOK, year, d)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/calendar?year=%d&done=imported", year), http.StatusSeeOther)
}

// calendarDownload passes on the API's download of a year: 2026.csv or
// 2026.xlsx.
func (con *console) calendarDownload(w http.ResponseWriter, r *http.Request) {
	file := chi.URLParam(r, "file")
	base, ext, _ := strings.Cut(file, ".")
	if _, ok := con.calendarYearOf(r, base); !ok || (ext != "csv" && ext != "xlsx") {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	con.streamAPI(w, r, "/v1/calendar/"+file)
}

// RowOf names a problem's row for people: rows[5].date is row 5, date.
func (v view) RowOf(field string) string {
	rest, ok := strings.CutPrefix(field, "rows[")
	if !ok {
		return ""
	}
	n, _, _ := strings.Cut(rest, "]")
	return n
}

// ColumnOf names a problem's column: rows[5].date is date.
func (v view) ColumnOf(field string) string {
	if _, col, ok := strings.Cut(field, "]."); ok {
		return v.lang.text("cal.col." + col)
	}
	return field
}
