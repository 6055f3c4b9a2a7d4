package postgres_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"osb/demo"
	"osb/postgres"
	"osb/sales"
)

func TestCalendarYearsAreSavedWholeAndReadBack(t *testing.T) {
	st, url := newStore(t)
	ctx := testContext(t)
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, sales.Beijing)
	for _, y := range []int{2026, 2027} {
		if err := st.SaveCalendarYear(ctx, y, demo.CalendarYear(y), "ssg1", at); err != nil {
			t.Fatalf("save %d: %v", y, err)
		}
	}
	c, err := st.Calendar(ctx, 2025, 2027)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Years, []int{2026, 2027}) {
		t.Errorf("years %v, want 2026 and 2027", c.Years)
	}
	want := append(demo.CalendarYear(2026), demo.CalendarYear(2027)...)
	if !slices.Equal(c.Days, want) {
		t.Errorf("read back %d days, want the %d saved, in date order", len(c.Days), len(want))
	}
	if c.IsWorkingDay(time.Date(2026, 10, 1, 12, 0, 0, 0, sales.Beijing)) || !c.IsWorkingDay(time.Date(2026, 10, 10, 12, 0, 0, 0, sales.Beijing)) {
		t.Error("国庆 2026 is not read back as holidays with a make-up Saturday")
	}

	// Saving a year again replaces that year only.
	one := []sales.CalendarDay{{Date: "2026-10-01", Kind: sales.DayHoliday, Name: "国庆节"}}
	if err := st.SaveCalendarYear(ctx, 2026, one, "admin", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	c, err = st.Calendar(ctx, 2026, 2026)
	if err != nil || !slices.Equal(c.Days, one) {
		t.Errorf("2026 after replacing: %v, %v", c.Days, err)
	}
	if n := scalar[int](t, url, "SELECT count(*) FROM calendar_days WHERE day >= '2027-01-01'"); n != len(demo.CalendarYear(2027)) {
		t.Errorf("replacing 2026 left %d days of 2027", n)
	}
	trail, err := st.AuditTrail(ctx, postgres.EntityCalendarYear, "2026", 10)
	if err != nil || len(trail) != 2 || trail[0].Action != sales.AuditUpdate || trail[0].Actor != "admin" ||
		trail[1].Action != sales.AuditCreate || len(trail[1].Before) != 0 || !strings.Contains(string(trail[0].Before), "国庆节调休") {
		t.Errorf("audit trail of 2026: %+v, %v", trail, err)
	}
	years, err := st.CalendarYears(ctx)
	if err != nil || len(years) != 2 || years[0].LoadedBy != "admin" || !years[0].LoadedAt.Equal(at.Add(time.Hour)) || years[1].LoadedBy != "ssg1" {
		t.Errorf("years %+v, %v", years, err)
	}
}

func TestABadCalendarYearWritesNothing(t *testing.T) {
	st, url := newStore(t)
	ctx := testContext(t)
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, sales.Beijing)
	if err := st.SaveCalendarYear(ctx, 2026, demo.CalendarYear(2026), "ssg1", at); err != nil {
		t.Fatal(err)
	}
	before := scalar[int](t, url, "SELECT count(*) FROM calendar_days")
	bad := append(demo.CalendarYear(2026), sales.CalendarDay{Date: "2026-10-08", Kind: sales.DayWorkday, Name: "a Thursday"})
	wantCode(t, st.SaveCalendarYear(ctx, 2026, bad, "ssg1", at), sales.ErrInvalid)
	wantCode(t, st.SaveCalendarYear(ctx, 2026, demo.CalendarYear(2027), "ssg1", at), sales.ErrInvalid)
	if n := scalar[int](t, url, "SELECT count(*) FROM calendar_days"); n != before {
		t.Errorf("a refused year changed the calendar: %d days, want %d", n, before)
	}
	if by := scalar[string](t, url, "SELECT loaded_by FROM calendar_years WHERE year = 2026"); by != "ssg1" {
		t.Errorf("loaded_by %q after a refused load", by)
	}
	wantCode(t, func() error { _, err := st.Calendar(ctx, 2027, 2026); return err }(), sales.ErrInvalid)
}

// An empty year is loaded: it is known to have no exceptions.
func TestAnEmptyCalendarYearIsLoaded(t *testing.T) {
	st, _ := newStore(t)
	ctx := testContext(t)
	if err := st.SaveCalendarYear(ctx, 2030, nil, "admin", time.Now()); err != nil {
		t.Fatal(err)
	}
	c, err := st.Calendar(ctx, 2030, 2030)
	if err != nil || !slices.Equal(c.Years, []int{2030}) || len(c.Days) != 0 {
		t.Errorf("got %+v, %v", c, err)
	}
}
