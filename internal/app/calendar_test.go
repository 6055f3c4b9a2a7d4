package app

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"osb/demo"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
)

// The demo loads its working calendars, but never over a year someone
// imported.
func TestTheDemoLoadsItsCalendarsButKeepsAnImportedYear(t *testing.T) {
	ctx := context.Background()
	store, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	own := []sales.CalendarDay{{Date: "2026-10-01", Kind: sales.DayHoliday, Name: "国庆节"}}
	if err := store.SaveCalendarYear(ctx, 2026, own, "ssg-lead", time.Now()); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := SeedDemo(ctx, store); err != nil {
			t.Fatal(err)
		}
	}
	c, err := store.Calendar(ctx, 2026, 2027)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Years, []int{2026, 2027}) {
		t.Errorf("years %v", c.Years)
	}
	if want := append(slices.Clone(own), demo.CalendarYear(2027)...); !slices.Equal(c.Days, want) {
		t.Errorf("the demo replaced the imported 2026 or missed 2027: %d days, want %d", len(c.Days), len(want))
	}
}

func TestPolicyFileSetsTheWeeklyVisitRhythm(t *testing.T) {
	file := t.TempDir() + "/policy.json"
	if err := os.WriteFile(file, []byte(`{"visits":{"kam_per_customer":2}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	pol, err := Config{PolicyFile: file}.policies()
	if err != nil {
		t.Fatal(err)
	}
	if pol.Visits.KAMPerCustomer != 2 || pol.Visits.SSGPerCustomer != sales.DefaultVisitPolicy().SSGPerCustomer {
		t.Errorf("visits %+v", pol.Visits)
	}
	if pol, _ := (Config{}).policies(); pol.Visits != sales.DefaultVisitPolicy() {
		t.Errorf("no file: visits %+v", pol.Visits)
	}
	if err := os.WriteFile(file, []byte(`{"visits":{"ssg_per_customer":-1}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := (Config{PolicyFile: file}).policies(); err == nil || !strings.Contains(err.Error(), "ssg_per_customer") {
		t.Errorf("a negative rhythm was accepted: %v", err)
	}
}
