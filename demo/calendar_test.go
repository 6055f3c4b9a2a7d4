package demo

import (
	"testing"

	"osb/sales"
)

func TestTheDemoCalendarsAreValid(t *testing.T) {
	for _, y := range CalendarYears {
		days := CalendarYear(y)
		if len(days) == 0 {
			t.Errorf("%d: no days", y)
		}
		if p := sales.ValidateCalendarYear(y, days); len(p) != 0 {
			t.Errorf("%d: %v", y, p)
		}
	}
	if CalendarYear(2031) != nil {
		t.Error("a year the demo does not know has days")
	}
}
