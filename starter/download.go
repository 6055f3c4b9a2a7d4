package starter

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"osb/export"
	"osb/sales"
)

// Formats a report can be downloaded in.
const (
	formatJSON = "json"
	formatCSV  = "csv"
	formatXLSX = "xlsx"
)

// formatOf is the format a request asks for: format= when given, else what
// its Accept header names first (text/csv, the XLSX type), else JSON.
func formatOf(r *http.Request) string {
	if f := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("format"))); f != "" {
		return f
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "text/csv":
			return formatCSV
		case export.XLSXType:
			return formatXLSX
		case "application/json":
			return formatJSON
		}
	}
	return formatJSON
}

// download writes rows as JSON, or their table as a CSV or XLSX attachment
// named name.
func (a *api) download(w http.ResponseWriter, r *http.Request, name string, rows any, table func() sales.Table) {
	switch formatOf(r) {
	case formatCSV:
		var buf bytes.Buffer
		if err := export.CSV(&buf, table()); err != nil {
			a.fail(w, r, fmt.Errorf("write %s as CSV: %w", name, err))
			return
		}
		attach(w, export.CSVType, name+".csv", buf.Bytes())
	case formatXLSX:
		b, err := export.XLSX(table())
		if err != nil {
			a.fail(w, r, fmt.Errorf("write %s as XLSX: %w", name, err))
			return
		}
		attach(w, export.XLSXType, name+".xlsx", b)
	default:
		writeJSON(w, http.StatusOK, rows)
	}
}

// workbook writes tables as one XLSX attachment named name, a sheet each.
func (a *api) workbook(w http.ResponseWriter, r *http.Request, name string, tables []sales.Table) {
	b, err := export.XLSX(tables...)
	if err != nil {
		a.fail(w, r, fmt.Errorf("write %s as XLSX: %w", name, err))
		return
	}
	attach(w, export.XLSXType, name+".xlsx", b)
}

// attach writes b as a file to save.
func attach(w http.ResponseWriter, contentType, filename string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`,
		strings.ReplaceAll(filename, `"`, ""), url.PathEscape(filename)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// format checks format=.
func (q *params) format() {
	if f := strings.ToLower(q.text("format")); f != "" && !slices.Contains([]string{formatJSON, formatCSV, formatXLSX}, f) {
		q.p.Add("format", "must be json, csv or xlsx")
	}
}

// period reads month= (2026-03), or from= and to= (days, both included); the
// current month of now by default.
func (q *params) period(now time.Time) sales.Period {
	month, from, to := q.text("month"), q.text("from"), q.text("to")
	switch {
	case month != "" && (from != "" || to != ""):
		q.p.Add("month", "give month= or from= and to=, not both")
	case month != "":
		p, err := sales.MonthPeriod(month)
		if err != nil {
			q.p.Add("month", "must be a month like 2026-03")
		}
		return p
	case from != "" || to != "":
		p, err := sales.DaysPeriod(from, to)
		if err != nil {
			q.p = append(q.p, problemsOf(err)...)
		}
		return p
	}
	p, _ := sales.MonthPeriod(sales.MonthOf(now))
	return p
}

// asOf reads a day (2026-03-31) and returns its last moment; now when absent.
func (q *params) asOf(name string, now time.Time) time.Time {
	s := q.text(name)
	if s == "" {
		return now
	}
	d, err := time.ParseInLocation(time.DateOnly, s, sales.Beijing)
	if err != nil {
		q.p.Add(name, "must be a day like 2026-03-31")
		return now
	}
	return sales.Period{From: d, To: d.AddDate(0, 0, 1)}.Last()
}

// month reads a month (2026-03), def when absent.
func (q *params) month(name, def string) string {
	s := q.text(name)
	if s == "" {
		return def
	}
	if !sales.ValidMonth(s) {
		q.p.Add(name, "must be a month like 2026-03")
	}
	return s
}

// oneOf reads one of options, def when absent.
func (q *params) oneOf(name, def string, options ...string) string {
	s := q.text(name)
	if s == "" {
		return def
	}
	if !slices.Contains(options, s) {
		q.p.Add(name, "must be one of %s", strings.Join(options, ", "))
	}
	return s
}

// problemsOf returns the field errors of an invalid error.
func problemsOf(err error) sales.Problems {
	var e *sales.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		return e.Fields
	}
	return sales.Problems{{Field: "query", Message: sales.ErrorMessage(err)}}
}
