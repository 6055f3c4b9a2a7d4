package demo

import (
	"time"

	"osb/sales"
)

// CalendarYears are the years whose PRC working calendar the demo loads.
var CalendarYears = []int{2026, 2027}

// CalendarYear returns the demo's PRC public holidays and make-up working days
// (调休) of year, in date order; nil for a year the demo does not know.
//
// 2026 is the State Council's notice (国办发明电〔2025〕7号). 2027 is NOT from an
// official notice: it is the pattern the 2025 holiday rules (春节 and 劳动节
// longer, make-up days next to the holiday, at most one make-up Saturday in a
// row) give for 2027's dates (春节 on 6 February, 清明 on 5 April, 端午 on 9 June,
// 中秋 on 15 September). Load the State Council's 2027 notice over it with the
// calendar import once it is published.
func CalendarYear(year int) []sales.CalendarDay {
	var days []sales.CalendarDay
	holiday := func(name string, from string, n int) {
		days = append(days, run(from, n, sales.DayHoliday, name)...)
	}
	workday := func(name, date string) {
		days = append(days, run(date, 1, sales.DayWorkday, name)...)
	}
	switch year {
	case 2026:
		holiday("元旦", "2026-01-01", 3)
		workday("元旦调休", "2026-01-04")
		workday("春节调休", "2026-02-14")
		holiday("春节", "2026-02-15", 9)
		workday("春节调休", "2026-02-28")
		holiday("清明节", "2026-04-04", 3)
		holiday("劳动节", "2026-05-01", 5)
		workday("劳动节调休", "2026-05-09")
		holiday("端午节", "2026-06-19", 3)
		workday("国庆节调休", "2026-09-20")
		holiday("中秋节", "2026-09-25", 3)
		holiday("国庆节", "2026-10-01", 7)
		workday("国庆节调休", "2026-10-10")
	case 2027:
		holiday("元旦", "2027-01-01", 3)
		workday("春节调休", "2027-01-31")
		holiday("春节", "2027-02-05", 8)
		workday("春节调休", "2027-02-20")
		holiday("清明节", "2027-04-03", 3)
		holiday("劳动节", "2027-05-01", 5)
		workday("劳动节调休", "2027-05-08")
		holiday("端午节", "2027-06-09", 1)
		holiday("中秋节", "2027-09-15", 1)
		workday("国庆节调休", "2027-09-26")
		holiday("国庆节", "2027-10-01", 7)
		workday("国庆节调休", "2027-10-09")
	default:
		return nil
	}
	sales.SortCalendarDays(days)
	return days
}

// run returns n consecutive days from the date from, of one kind and name.
func run(from string, n int, kind sales.DayKind, name string) []sales.CalendarDay {
	start, err := time.ParseInLocation(time.DateOnly, from, sales.Beijing)
	if err != nil {
		panic("demo calendar: " + err.Error())
	}
	out := make([]sales.CalendarDay, n)
	for i := range out {
		out[i] = sales.CalendarDay{Date: start.AddDate(0, 0, i).Format(time.DateOnly), Kind: kind, Name: name}
	}
	return out
}
