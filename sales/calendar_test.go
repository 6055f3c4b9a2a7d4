package sales

import (
	"testing"
	"time"
)

// calendar2026 is the State Council's 2026 schedule for 国庆 and 春节 (国办发明电〔2025〕7号),
// with the 2027 春节 pattern the demo data assumes (a make-up Saturday, 20 February).
var calendar2026 = Calendar{
	Years: []int{2026, 2027},
	Days: []CalendarDay{
		{Date: "2026-09-20", Kind: DayWorkday, Name: "国庆节调休"},
		{Date: "2026-10-01", Kind: DayHoliday, Name: "国庆节"},
		{Date: "2026-10-02", Kind: DayHoliday, Name: "国庆节"},
		{Date: "2026-10-03", Kind: DayHoliday, Name: "国庆节"},
		{Date: "2026-10-04", Kind: DayHoliday, Name: "国庆节"},
		{Date: "2026-10-05", Kind: DayHoliday, Name: "国庆节"},
		{Date: "2026-10-06", Kind: DayHoliday, Name: "国庆节"},
		{Date: "2026-10-07", Kind: DayHoliday, Name: "国庆节"},
		{Date: "2026-10-10", Kind: DayWorkday, Name: "国庆节调休"},
		{Date: "2027-01-31", Kind: DayWorkday, Name: "春节调休"},
		{Date: "2027-02-05", Kind: DayHoliday, Name: "春节"},
		{Date: "2027-02-06", Kind: DayHoliday, Name: "春节"},
		{Date: "2027-02-07", Kind: DayHoliday, Name: "春节"},
		{Date: "2027-02-08", Kind: DayHoliday, Name: "春节"},
		{Date: "2027-02-09", Kind: DayHoliday, Name: "春节"},
		{Date: "2027-02-10", Kind: DayHoliday, Name: "春节"},
		{Date: "2027-02-11", Kind: DayHoliday, Name: "春节"},
		{Date: "2027-02-12", Kind: DayHoliday, Name: "春节"},
		{Date: "2027-02-20", Kind: DayWorkday, Name: "春节调休"},
	},
}

func bj(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, Beijing)
}

func TestIsWorkingDayFollowsHolidaysAndMakeUpDays(t *testing.T) {
	cases := []struct {
		day  time.Time
		want bool
		why  string
	}{
		{bj(2026, 9, 18, 9, 0), true, "an ordinary Friday"},
		{bj(2026, 9, 19, 9, 0), false, "an ordinary Saturday"},
		{bj(2026, 9, 20, 9, 0), true, "Sunday 20 September is 国庆节调休"},
		{bj(2026, 10, 1, 9, 0), false, "国庆节"},
		{bj(2026, 10, 7, 23, 59), false, "the last day of 国庆"},
		{bj(2026, 10, 8, 0, 0), true, "Thursday after 国庆"},
		{bj(2026, 10, 10, 12, 0), true, "Saturday 10 October is 国庆节调休"},
		{bj(2026, 10, 11, 12, 0), false, "an ordinary Sunday"},
		{bj(2027, 2, 20, 9, 0), true, "Saturday 20 February 2027 is 春节调休"},
		{bj(2027, 2, 8, 9, 0), false, "春节"},
		// 30 September 17:00 UTC is already 1 October in Beijing.
		{time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC), false, "the Beijing date counts, not UTC's"},
		{time.Date(2026, 9, 30, 15, 0, 0, 0, time.UTC), true, "still 30 September in Beijing"},
	}
	for _, c := range cases {
		if got := calendar2026.IsWorkingDay(c.day); got != c.want {
			t.Errorf("%s (%s): working = %v, want %v", c.day, c.why, got, c.want)
		}
	}
	if (Calendar{}).IsWorkingDay(bj(2026, 10, 1, 9, 0)) != true {
		t.Error("with no calendar loaded a Thursday is a working day")
	}
}

func TestAddWorkingDays(t *testing.T) {
	cases := []struct {
		name  string
		start time.Time
		n     int
		want  time.Time
	}{
		{"next day, same clock time", bj(2026, 9, 15, 14, 30), 1, bj(2026, 9, 16, 14, 30)},
		{"over an ordinary weekend", bj(2026, 9, 11, 14, 30), 1, bj(2026, 9, 14, 14, 30)},
		{"into the make-up Sunday before 国庆", bj(2026, 9, 18, 10, 0), 1, bj(2026, 9, 20, 10, 0)},
		{"across 国庆", bj(2026, 9, 30, 16, 0), 1, bj(2026, 10, 8, 16, 0)},
		{"across 国庆 onto its make-up Saturday", bj(2026, 9, 30, 16, 0), 3, bj(2026, 10, 10, 16, 0)},
		{"from inside 国庆 counts from 00:00 of the first working day", bj(2026, 10, 3, 10, 0), 1, bj(2026, 10, 9, 0, 0)},
		{"Saturday start counts from Monday 00:00", bj(2026, 9, 26, 10, 0), 1, bj(2026, 9, 29, 0, 0)},
		{"Saturday start, more days", bj(2026, 9, 26, 10, 0), 2, bj(2026, 9, 30, 0, 0)},
		{"Saturday start, across 国庆", bj(2026, 9, 26, 10, 0), 3, bj(2026, 10, 8, 0, 0)},
		{"across 春节 2027", bj(2027, 2, 4, 9, 0), 1, bj(2027, 2, 15, 9, 0)},
		{"across 春节 onto its make-up Saturday", bj(2027, 2, 4, 9, 0), 5, bj(2027, 2, 19, 9, 0)},
		{"onto the make-up Saturday itself", bj(2027, 2, 4, 9, 0), 6, bj(2027, 2, 20, 9, 0)},
		{"from the make-up Saturday", bj(2027, 2, 20, 11, 0), 1, bj(2027, 2, 22, 11, 0)},
		{"the make-up Sunday before 春节 is a start like any working day", bj(2027, 1, 31, 8, 0), 1, bj(2027, 2, 1, 8, 0)},
		{"across the new year", bj(2026, 12, 31, 9, 0), 1, bj(2027, 1, 1, 9, 0)},
	}
	for _, c := range cases {
		got := calendar2026.AddWorkingDays(c.start, c.n)
		if !got.Equal(c.want) {
			t.Errorf("%s: %s + %d = %s, want %s", c.name, c.start.Format(time.DateTime), c.n, got.Format(time.DateTime), c.want.Format(time.DateTime))
		}
	}
}

func TestAddWorkingDaysZeroOrLessReturnsTheStart(t *testing.T) {
	start := bj(2026, 10, 3, 10, 0) // a holiday
	for _, n := range []int{0, -3} {
		if got := calendar2026.AddWorkingDays(start, n); !got.Equal(start) {
			t.Errorf("n=%d: got %s, want the start", n, got)
		}
	}
}

func TestAddWorkingDaysIsBoundedWhateverTheCalendar(t *testing.T) {
	// A calendar of holidays on every weekday of a year cannot make it loop for ever.
	var c Calendar
	for d := bj(2026, 1, 1, 0, 0); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		c.Days = append(c.Days, CalendarDay{Date: d.Format(time.DateOnly), Kind: DayHoliday, Name: "x"})
	}
	got := c.AddWorkingDays(bj(2026, 1, 5, 9, 0), 1)
	if got.Year() != 2027 || !c.IsWorkingDay(got) {
		t.Errorf("got %s, want the first working day of 2027", got)
	}
}

func TestCalendarValidateReportsEveryProblem(t *testing.T) {
	c := Calendar{Days: []CalendarDay{
		{Date: "2026-10-01", Kind: DayHoliday, Name: "国庆节"},
		{Date: "2026-13-01", Kind: DayHoliday, Name: "bad month"},
		{Date: "2026-10-08", Kind: DayWorkday, Name: "a Thursday"},
		{Date: "2026-10-10", Kind: "swap", Name: "国庆节调休"},
		{Date: "2026-10-01", Kind: DayHoliday, Name: "again"},
		{Date: "", Kind: DayHoliday, Name: ""},
		{Date: "2026-10-03", Kind: DayHoliday, Name: "国庆节 on a Saturday is fine"},
	}}
	want := map[string]bool{
		"days[1].date": true,
		"days[2].kind": true,
		"days[3].kind": true,
		"days[4].date": true,
		"days[5].date": true,
		"days[5].name": true,
	}
	got := map[string]bool{}
	for _, f := range c.Validate() {
		got[f.Field] = true
		if !want[f.Field] {
			t.Errorf("unexpected problem %s: %s", f.Field, f.Message)
		}
	}
	for f := range want {
		if !got[f] {
			t.Errorf("missing problem on %s", f)
		}
	}
	if p := calendar2026.Validate(); len(p) != 0 {
		t.Errorf("a good calendar: %v", p)
	}
}

func TestValidateCalendarYearRefusesADayOfAnotherYear(t *testing.T) {
	p := ValidateCalendarYear(2026, []CalendarDay{
		{Date: "2026-10-01", Kind: DayHoliday, Name: "国庆节"},
		{Date: "2027-02-05", Kind: DayHoliday, Name: "春节"},
	})
	if len(p) != 1 || p[0].Field != "days[1].date" {
		t.Errorf("got %v, want one problem on days[1].date", p)
	}
}

func BenchmarkAddWorkingDays(b *testing.B) {
	start := bj(2026, 9, 28, 10, 0)
	for b.Loop() {
		calendar2026.AddWorkingDays(start, 5)
	}
}

func TestReadCalendarRowsReadsWhatPeopleWrite(t *testing.T) {
	rows := [][]string{
		{},
		{"名称 / Name", "日期 / Date", "类型 / Kind"},
		{"国庆节", "2026/10/1", "假"},
		{"  ", "", ""},
		{"国庆节调休", "46305", "班"}, // Excel's number of 2026-10-10
		{"中秋节", "2026-09-25", "holiday"},
	}
	days, n, p := ReadCalendarRows(2026, rows)
	if len(p) != 0 {
		t.Fatalf("problems: %v", p)
	}
	want := []CalendarDay{
		{Date: "2026-09-25", Kind: DayHoliday, Name: "中秋节"},
		{Date: "2026-10-01", Kind: DayHoliday, Name: "国庆节"},
		{Date: "2026-10-10", Kind: DayWorkday, Name: "国庆节调休"},
	}
	if n != 3 || len(days) != 3 || days[0] != want[0] || days[1] != want[1] || days[2] != want[2] {
		t.Errorf("read %d rows: %v, want %v", n, days, want)
	}
}

func TestReadCalendarRowsReportsEveryRowsProblemAtOnce(t *testing.T) {
	rows := [][]string{
		{"date", "kind", "name"},
		{"2026-10-01", "holiday", "国庆节"},
		{"2026-10-08", "workday", "not a weekend"},
		{"2026-10-32", "holiday", "no such day"},
		{"2027-01-01", "holiday", "元旦"},
		{"2026-10-01", "holiday", "twice"},
		{"2026-10-02", "vacation", ""},
	}
	_, _, p := ReadCalendarRows(2026, rows)
	want := []string{"rows[3].kind", "rows[4].date", "rows[5].date", "rows[6].date", "rows[7].kind", "rows[7].name"}
	if len(p) != len(want) {
		t.Fatalf("problems %v, want on %v", p, want)
	}
	for i, f := range want {
		if p[i].Field != f {
			t.Errorf("problem %d on %s (%s), want %s", i, p[i].Field, p[i].Message, f)
		}
	}
	if _, _, p := ReadCalendarRows(2026, [][]string{{"day", "type"}}); len(p) != 3 || p[0].Field != "file" {
		t.Errorf("a file without the columns: %v", p)
	}
}

func TestACalendarTableReadsBackUnchanged(t *testing.T) {
	days := calendar2026.Days[:9]
	tab := CalendarTable(2026, days)
	rows := [][]string{{}}
	for _, c := range tab.Columns {
		rows[0] = append(rows[0], c.Title())
	}
	for _, r := range tab.Rows {
		rows = append(rows, []string{r[0].(string), r[1].(string), r[2].(string)})
	}
	got, _, p := ReadCalendarRows(2026, rows)
	if len(p) != 0 || len(got) != len(days) {
		t.Fatalf("read back %v, %v", got, p)
	}
	im := CalendarImport{Days: got}
	im.Compare(days)
	if im.Added+im.Removed+im.Changed != 0 {
		t.Errorf("a round trip changed something: %+v", im)
	}
	im.Compare(append([]CalendarDay{{Date: "2026-09-01", Kind: DayHoliday, Name: "x"}}, days[1:]...))
	if im.Added != 1 || im.Removed != 1 || im.Changed != 0 {
		t.Errorf("compare: %+v", im)
	}
}
