package sales

import (
	"fmt"
	"slices"
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
