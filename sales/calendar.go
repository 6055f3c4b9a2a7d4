package sales

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DayKind says how a calendar exception differs from the ordinary week.
type DayKind string

// Calendar exceptions: a public holiday, and a make-up working day (调休) on a
// weekend.
const (
	DayHoliday DayKind = "holiday"
	DayWorkday DayKind = "workday"
)

// DayKinds lists the known kinds, for forms and validation.
var DayKinds = []DayKind{DayHoliday, DayWorkday}

// CalendarDay is one exception to the ordinary Monday–Friday week.
type CalendarDay struct {
	Date string  `json:"date"` // YYYY-MM-DD, a Beijing date
	Kind DayKind `json:"kind"`
	Name string  `json:"name"` // e.g. 国庆节, 春节, 国庆节调休
}

// Calendar is the PRC working calendar as data: the exceptions only (holidays,
// and make-up working days on weekends) of the years loaded. Outside the
// exceptions Monday to Friday are working days.
type Calendar struct {
	Days  []CalendarDay `json:"days"`
	Years []int         `json:"years"`
}

// MaxCalendarDayName bounds a day's name.
const MaxCalendarDayName = 60

// kindOn returns the exception on the Beijing date y-m-d, if any. A linear scan:
// a year holds a few dozen exceptions, and no map means no iteration order.
func (c Calendar) kindOn(y int, m time.Month, d int) (DayKind, bool) {
	var buf [10]byte
	date := string(time.Date(y, m, d, 0, 0, 0, 0, Beijing).AppendFormat(buf[:0], time.DateOnly))
	for _, day := range c.Days {
		if day.Date == date {
			return day.Kind, true
		}
	}
	return "", false
}

// workingOn says whether the Beijing date y-m-d is a working day.
func (c Calendar) workingOn(y int, m time.Month, d int) bool {
	wd := time.Date(y, m, d, 0, 0, 0, 0, Beijing).Weekday()
	weekend := wd == time.Saturday || wd == time.Sunday
	kind, ok := c.kindOn(y, m, d)
	if weekend {
		return ok && kind == DayWorkday
	}
	return !(ok && kind == DayHoliday)
}

// IsWorkingDay says whether day's Beijing date is a working day: weekends are
// off unless a make-up working day, weekdays work unless a holiday.
func (c Calendar) IsWorkingDay(day time.Time) bool {
	b := day.In(Beijing)
	return c.workingOn(b.Year(), b.Month(), b.Day())
}

// AddWorkingDays returns the same Beijing clock time on the n-th working day
// after t's Beijing day when that day is a working day. When it is not,
// counting starts at 00:00 Beijing of the next working day: Saturday 10:00 + 1
// is Tuesday 00:00 when Monday and Tuesday work. n ≤ 0 returns t. Pure and
// bounded, so workflow code may call it.
func (c Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	if n <= 0 {
		return t
	}
	b := t.In(Beijing)
	y, m, d := b.Date()
	hh, mm, ss, ns := b.Hour(), b.Minute(), b.Second(), b.Nanosecond()
	// Every 7 days hold 5 weekdays, and each exception takes away at most one:
	// n working days are found within this many days.
	limit := (n+len(c.Days))*7/5 + 14
	steps := 0
	next := func() {
		d++
		day := time.Date(y, m, d, 0, 0, 0, 0, Beijing)
		y, m, d = day.Date()
		steps++
	}
	if !c.workingOn(y, m, d) {
		hh, mm, ss, ns = 0, 0, 0, 0
		for steps < limit {
			next()
			if c.workingOn(y, m, d) {
				break
			}
		}
	}
	for left := n; left > 0 && steps < limit; {
		next()
		if c.workingOn(y, m, d) {
			left--
		}
	}
	return time.Date(y, m, d, hh, mm, ss, ns, Beijing)
}

// Validate reports every problem with the calendar at once: dates well formed,
// kinds known, a make-up working day only on a weekend, names given, no date
// twice. A holiday on a weekend is harmless and allowed.
func (c Calendar) Validate() Problems {
	var p Problems
	seen := make(map[string]int, len(c.Days))
	for i, day := range c.Days {
		validateCalendarDay(&p, fmt.Sprintf("days[%d]", i), day)
		if first, dup := seen[day.Date]; dup && day.Date != "" {
			p.Add(fmt.Sprintf("days[%d].date", i), "%s is listed twice (also days[%d])", day.Date, first)
		} else {
			seen[day.Date] = i
		}
	}
	for i, y := range c.Years {
		if y < 2000 || y > 2100 {
			p.Add(fmt.Sprintf("years[%d]", i), "year %d is outside 2000–2100", y)
		}
	}
	return p
}

// ValidateCalendarYear checks the exceptions of one year before they replace
// that year: everything Validate checks, and every date in that year.
func ValidateCalendarYear(year int, days []CalendarDay) Problems {
	p := Calendar{Days: days, Years: []int{year}}.Validate()
	prefix := fmt.Sprintf("%04d-", year)
	for i, day := range days {
		if len(day.Date) == 10 && !strings.HasPrefix(day.Date, prefix) {
			if _, err := time.ParseInLocation(time.DateOnly, day.Date, Beijing); err == nil {
				p.Add(fmt.Sprintf("days[%d].date", i), "%s is not in %d", day.Date, year)
			}
		}
	}
	return p
}

func validateCalendarDay(p *Problems, field string, day CalendarDay) {
	date, err := time.ParseInLocation(time.DateOnly, day.Date, Beijing)
	switch {
	case strings.TrimSpace(day.Date) == "":
		p.Add(field+".date", "a date is required (YYYY-MM-DD)")
	case err != nil || date.Format(time.DateOnly) != day.Date:
		p.Add(field+".date", "%q is not a date (YYYY-MM-DD)", day.Date)
	}
	switch {
	case day.Kind == "":
		p.Add(field+".kind", "a kind is required (holiday or workday)")
	case !slices.Contains(DayKinds, day.Kind):
		p.Add(field+".kind", "%q is not a kind (holiday or workday)", string(day.Kind))
	case day.Kind == DayWorkday && err == nil && date.Weekday() != time.Saturday && date.Weekday() != time.Sunday:
		p.Add(field+".kind", "a make-up working day must be a Saturday or Sunday; %s is a %s", day.Date, date.Weekday())
	}
	name := strings.TrimSpace(day.Name)
	switch {
	case name == "":
		p.Add(field+".name", "a name is required (e.g. 国庆节)")
	case len([]rune(name)) > MaxCalendarDayName:
		p.Add(field+".name", "at most %d characters", MaxCalendarDayName)
	}
}

// SortCalendarDays orders days by date, for storage, export and display.
func SortCalendarDays(days []CalendarDay) {
	slices.SortStableFunc(days, func(a, b CalendarDay) int { return strings.Compare(a.Date, b.Date) })
}

// HasYear says whether year's exceptions are loaded.
func (c Calendar) HasYear(year int) bool { return slices.Contains(c.Years, year) }

// CalendarYear says who loaded a year's exceptions and when.
type CalendarYear struct {
	Year     int       `json:"year"`
	LoadedBy string    `json:"loaded_by"`
	LoadedAt time.Time `json:"loaded_at"`
}

// CalendarColumns are the columns of a calendar file, the same both ways:
// exported, edited in a spreadsheet and imported back.
var CalendarColumns = []Column{
	col("日期", "Date", Text), col("类型", "Kind", Text), col("名称", "Name", Text),
}

// CalendarTable lays out a year's exceptions for a download.
func CalendarTable(year int, days []CalendarDay) Table {
	t := Table{Name: fmt.Sprintf("%d年工作日历", year), English: fmt.Sprintf("Working calendar %d", year), Columns: CalendarColumns}
	for _, d := range days {
		t.Rows = append(t.Rows, []any{d.Date, string(d.Kind), d.Name})
	}
	return t
}

// CalendarImport is what reading a year's calendar file found and, unless a
// dry run or refused, saved. A problem's field names the file's row as a
// spreadsheet numbers it: rows[5].date.
type CalendarImport struct {
	Year     int           `json:"year"`
	DryRun   bool          `json:"dry_run"`
	Rows     int           `json:"rows"` // data rows read, blank rows skipped
	Days     []CalendarDay `json:"days"`
	Problems Problems      `json:"problems"`
	Saved    bool          `json:"saved"`
	// Compared with the year as loaded before: days added, removed, changed.
	Added   int `json:"added"`
	Removed int `json:"removed"`
	Changed int `json:"changed"`
}

// Compare counts how days differ from the year as loaded before.
func (im *CalendarImport) Compare(before []CalendarDay) {
	old := make(map[string]CalendarDay, len(before))
	for _, d := range before {
		old[d.Date] = d
	}
	im.Added, im.Removed, im.Changed = 0, 0, 0
	seen := make(map[string]bool, len(im.Days))
	for _, d := range im.Days {
		seen[d.Date] = true
		switch o, ok := old[d.Date]; {
		case !ok:
			im.Added++
		case o != d:
			im.Changed++
		}
	}
	for _, d := range before {
		if !seen[d.Date] {
			im.Removed++
		}
	}
}

// maxCalendarRows bounds a calendar file: a year has 366 days.
const maxCalendarRows = 400

// ReadCalendarRows reads a calendar file's cells for year: a heading row
// naming the columns date, kind and name (in English or Chinese, as
// CalendarTable writes them, in any order), then one exception a row. Kinds
// may be written holiday/workday or 假/班 (放假, 休, 上班, 调休). A date may be
// an Excel date number. It reports every row's problems at once, field
// rows[n].column with n the file's row number.
func ReadCalendarRows(year int, rows [][]string) ([]CalendarDay, int, Problems) {
	var p Problems
	head := -1
	for i, r := range rows {
		if !blankRow(r) {
			head = i
			break
		}
	}
	if head < 0 {
		p.Add("file", "the file is empty: it needs a heading row (date, kind, name) and a row per holiday or make-up working day")
		return nil, 0, p
	}
	idx := map[string]int{}
	for j, cell := range rows[head] {
		if key := calendarColumnKey(cell); key != "" {
			if _, dup := idx[key]; !dup {
				idx[key] = j
			}
		}
	}
	for _, key := range []string{"date", "kind", "name"} {
		if _, ok := idx[key]; !ok {
			p.Add("file", "row %d has no %s column: the heading row needs date, kind and name (日期, 类型, 名称)", head+1, key)
		}
	}
	if len(p) > 0 {
		return nil, 0, p
	}
	if len(rows)-head-1 > maxCalendarRows {
		p.Add("file", "more than %d rows: a file holds one year's holidays and make-up working days", maxCalendarRows)
		return nil, 0, p
	}
	cell := func(r []string, key string) string {
		if j := idx[key]; j < len(r) {
			return strings.TrimSpace(r[j])
		}
		return ""
	}
	var days []CalendarDay
	var fields []string
	var lines []int // the file's row of each day
	for i := head + 1; i < len(rows); i++ {
		r := rows[i]
		if blankRow(r) {
			continue
		}
		days = append(days, CalendarDay{Date: calendarDate(cell(r, "date")), Kind: calendarKind(cell(r, "kind")), Name: cell(r, "name")})
		fields = append(fields, fmt.Sprintf("rows[%d]", i+1))
		lines = append(lines, i+1)
	}
	seen := map[string]int{}
	prefix := fmt.Sprintf("%04d-", year)
	for k, d := range days {
		before := len(p)
		validateCalendarDay(&p, fields[k], d)
		if len(p) > before || d.Date == "" {
			continue
		}
		if !strings.HasPrefix(d.Date, prefix) {
			p.Add(fields[k]+".date", "%s is not in %d", d.Date, year)
		}
		if first, dup := seen[d.Date]; dup {
			p.Add(fields[k]+".date", "%s is listed twice (also in row %d)", d.Date, first)
		} else {
			seen[d.Date] = lines[k]
		}
	}
	SortCalendarDays(days)
	return days, len(fields), p
}

func blankRow(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// calendarColumnKey names the column a heading cell is: date, kind, name or "".
func calendarColumnKey(cell string) string {
	h := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(cell, "\uFEFF")))
	keys := []string{"date", "kind", "name"}
	for i, c := range CalendarColumns {
		if h == keys[i] || h == strings.ToLower(c.English) || h == c.Local || h == strings.ToLower(c.Title()) {
			return keys[i]
		}
	}
	return ""
}

// calendarKind reads a kind as people write it; anything else stays as
// written, for validation to name.
func calendarKind(s string) DayKind {
	switch strings.ToLower(s) {
	case "holiday", "假", "休", "放假", "节假日":
		return DayHoliday
	case "workday", "班", "上班", "调休", "补班":
		return DayWorkday
	}
	return DayKind(s)
}

// calendarDate reads a date as people write it: 2026-10-01, 2026/10/1, or
// an Excel date number (days since 30 December 1899); anything else stays as
// written, for validation to name.
func calendarDate(s string) string {
	if s == "" {
		return s
	}
	if n, err := strconv.Atoi(s); err == nil && n > 30000 && n < 80000 {
		return time.Date(1899, 12, 30, 0, 0, 0, 0, Beijing).AddDate(0, 0, n).Format(time.DateOnly)
	}
	for _, layout := range []string{time.DateOnly, "2006/1/2", "2006-1-2", "2006.1.2", "2006年1月2日"} {
		if d, err := time.ParseInLocation(layout, s, Beijing); err == nil {
			return d.Format(time.DateOnly)
		}
	}
	return s
}
