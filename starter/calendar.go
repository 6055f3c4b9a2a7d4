package starter

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/bankfile"
	"osb/sales"
)

// CalendarService is the PRC working calendar: each year's holidays and
// make-up working days, loaded whole (postgres.Store).
type CalendarService interface {
	Calendar(ctx context.Context, fromYear, toYear int) (sales.Calendar, error)
	CalendarYears(ctx context.Context) ([]sales.CalendarYear, error)
	SaveCalendarYear(ctx context.Context, year int, days []sales.CalendarDay, by string, at time.Time) error
}

// CalendarYearView is one year of the calendar as the API shows it.
type CalendarYearView struct {
	Year     int                 `json:"year"`
	Loaded   bool                `json:"loaded"` // false: no one loaded the year; every weekday counts as working
	LoadedBy string              `json:"loaded_by,omitempty"`
	LoadedAt *time.Time          `json:"loaded_at,omitempty"`
	Days     []sales.CalendarDay `json:"days"`
}

// CalendarBody is a year's days as PUT sends them.
type CalendarBody struct {
	Days []sales.CalendarDay `json:"days"`
}

// calendarRoutes mounts the working calendar: everyone signed in reads it,
// the admin and the SSG load a year.
func (a *api) calendarRoutes(r chi.Router) {
	r.Get("/calendar", a.calendarYears)
	r.Get("/calendar/{year}", a.getCalendar)
	r.With(a.allow(sales.PermSetCalendar)).Put("/calendar/{year}", a.putCalendar)
	r.With(a.allow(sales.PermSetCalendar)).Post("/calendar/{year}/import", a.importCalendar)
}

// calendarYear reads {year}: 2026, or 2026.csv / 2026.xlsx / 2026.json for a
// download's format.
func calendarYear(r *http.Request) (year int, format string, err error) {
	s := chi.URLParam(r, "year")
	if base, ext, ok := strings.Cut(s, "."); ok {
		s, format = base, strings.ToLower(ext)
		if format != formatCSV && format != formatXLSX && format != formatJSON {
			return 0, "", sales.Errorf(sales.ErrNotFound, "there is no calendar download .%s (csv, xlsx or json)", ext)
		}
	}
	year, err = strconv.Atoi(s)
	if err != nil || year < 2000 || year > 2100 {
		return 0, "", sales.Errorf(sales.ErrNotFound, "%q is not a calendar year (2000–2100)", s)
	}
	return year, format, nil
}

// calendarYears lists the loaded years, by whom and when.
func (a *api) calendarYears(w http.ResponseWriter, r *http.Request) {
	years, err := a.calendar.CalendarYears(r.Context())
	a.reply(w, r, http.StatusOK, nonNil(years), err)
}

// yearView reads one year with who loaded it.
func (a *api) yearView(ctx context.Context, year int) (CalendarYearView, error) {
	c, err := a.calendar.Calendar(ctx, year, year)
	if err != nil {
		return CalendarYearView{}, err
	}
	v := CalendarYearView{Year: year, Loaded: c.HasYear(year), Days: nonNil(c.Days)}
	if v.Loaded {
		years, err := a.calendar.CalendarYears(ctx)
		if err != nil {
			return CalendarYearView{}, err
		}
		for _, y := range years {
			if y.Year == year {
				v.LoadedBy, v.LoadedAt = y.LoadedBy, &y.LoadedAt
			}
		}
	}
	return v, nil
}

// getCalendar returns a year's exceptions as JSON, or as a CSV or XLSX file
// with the columns an import reads back (format= or the path's extension).
func (a *api) getCalendar(w http.ResponseWriter, r *http.Request) {
	year, ext, err := calendarYear(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q := newParams(r, "format")
	q.format()
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	if ext != "" {
		v := r.URL.Query()
		v.Set("format", ext)
		r.URL.RawQuery = v.Encode()
	}
	view, err := a.yearView(r.Context(), year)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.download(w, r, fmt.Sprintf("calendar-%d", year), view, func() sales.Table { return sales.CalendarTable(year, view.Days) })
}

// putCalendar replaces a year's exceptions with the days sent, all or
// nothing.
func (a *api) putCalendar(w http.ResponseWriter, r *http.Request) {
	year, ext, err := calendarYear(r)
	if err == nil && ext != "" {
		err = sales.Errorf(sales.ErrNotFound, "PUT the calendar to /v1/calendar/%d", year)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var body CalendarBody
	if err := decode(r, &body); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := sales.ValidateCalendarYear(year, body.Days).Err(fmt.Sprintf("the calendar of %d is not valid; nothing was saved", year)); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.calendar.SaveCalendarYear(r.Context(), year, body.Days, actorOf(r).UserID, a.now()); err != nil {
		a.fail(w, r, err)
		return
	}
	a.log.InfoContext(r.Context(), "calendar year saved", "year", year, "days", len(body.Days), "by", actorOf(r).UserID)
	view, err := a.yearView(r.Context(), year)
	a.reply(w, r, http.StatusOK, view, err)
}

// importCalendar reads a year's CSV or XLSX file (the columns of the
// download): with dry_run=true it reports every row's problem and what would
// change, writing nothing; otherwise it replaces the year, all or nothing,
// and a file with any problem is refused whole (422 naming each row).
func (a *api) importCalendar(w http.ResponseWriter, r *http.Request) {
	year, ext, err := calendarYear(r)
	if err == nil && ext != "" {
		err = sales.Errorf(sales.ErrNotFound, "POST the file to /v1/calendar/%d/import", year)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q := newParams(r, "dry_run")
	dry := q.flag("dry_run")
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	name, data, err := readImportFile(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rows, _, err := bankfile.Rows(name, data)
	if err != nil {
		a.fail(w, r, &sales.Error{Code: sales.ErrInvalid, Message: "the calendar file cannot be read; nothing was imported", Fields: problemsOf(err)})
		return
	}
	im := sales.CalendarImport{Year: year, DryRun: dry}
	im.Days, im.Rows, im.Problems = sales.ReadCalendarRows(year, rows)
	im.Days, im.Problems = nonNil(im.Days), nonNil(im.Problems)
	before, err := a.calendar.Calendar(r.Context(), year, year)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	im.Compare(before.Days)
	switch {
	case dry:
	case len(im.Problems) > 0:
		a.fail(w, r, im.Problems.Err(fmt.Sprintf("the calendar file of %d has %d problems; nothing was imported", year, len(im.Problems))))
		return
	default:
		if err := a.calendar.SaveCalendarYear(r.Context(), year, im.Days, actorOf(r).UserID, a.now()); err != nil {
			a.fail(w, r, err)
			return
		}
		im.Saved = true
		a.log.InfoContext(r.Context(), "calendar year imported", "year", year, "file", name, "days", len(im.Days),
			"added", im.Added, "removed", im.Removed, "changed", im.Changed, "by", actorOf(r).UserID)
	}
	writeJSON(w, http.StatusOK, im)
}
