package workflows

import (
	"strings"
	"testing"
	"time"

	"osb/sales"
)

// prc2026 is the part of the State Council's 2026 schedule the tests cross:
// 春节 (15–23 February, make-up working Saturdays 14 and 28 February) and
// 中秋/国庆 (25–27 September and 1–7 October, make-up working Sunday 20
// September and Saturday 10 October).
func prc2026() sales.Calendar {
	c := sales.Calendar{Years: []int{2026, 2027}}
	add := func(kind sales.DayKind, name string, dates ...string) {
		for _, d := range dates {
			c.Days = append(c.Days, sales.CalendarDay{Date: d, Kind: kind, Name: name})
		}
	}
	add(sales.DayWorkday, "春节调休", "2026-02-14", "2026-02-28")
	add(sales.DayHoliday, "春节", "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
		"2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23")
	add(sales.DayWorkday, "国庆节调休", "2026-09-20", "2026-10-10")
	add(sales.DayHoliday, "中秋节", "2026-09-25", "2026-09-26", "2026-09-27")
	add(sales.DayHoliday, "国庆节", "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05",
		"2026-10-06", "2026-10-07")
	sales.SortCalendarDays(c.Days)
	return c
}

// beijingDays renders when the escalations of kind happened, as Beijing
// date and time.
func beijingDays(es []sales.Escalation, kind sales.EscalationKind) string {
	var out []string
	for _, e := range es {
		if e.Kind == kind {
			out = append(out, e.Level.String()+"@"+e.At.In(sales.Beijing).Format("01-02 15:04"))
		}
	}
	return strings.Join(out, " ")
}

// Nobody plans the dispatch of an order released on the eve of 国庆: SP1's
// one day and each rung's day count working days, so the step is late on
// the first working day after the holiday, and the make-up Saturday counts.
func TestStepDeadlineCountsWorkingDaysAcrossGuoqing(t *testing.T) {
	h := newHarness(t)
	h.w.calendar = prc2026()
	h.env.SetStartTime(time.Date(2026, 9, 30, 10, 0, 0, 0, sales.Beijing)) // Wednesday before 国庆
	h.runFor(14 * sales.Day)
	got := beijingDays(h.w.escalations(), sales.EscalateStep)
	want := "KAM@10-08 10:00 UM@10-09 10:00 MM@10-10 10:00 SLT@10-12 10:00 GM@10-13 10:00"
	if got != want {
		t.Errorf("SP1 escalations\n got %s\nwant %s (after 国庆, the make-up Saturday 10-10 counting)", got, want)
	}
	// The workflow read the calendar itself (nothing came with the start).
	if len(h.w.calendarReads) != 1 || h.w.calendarReads[0] != (CalendarYears{From: 2026, To: 2027}) {
		t.Errorf("calendar reads %v, want one of 2026–2027", h.w.calendarReads)
	}
}

// Released on the Friday before 春节, the order is late on the make-up
// Saturday, and the rungs resume after the holiday.
func TestStepDeadlineCountsWorkingDaysAcrossChunjie(t *testing.T) {
	h := newHarness(t)
	h.w.calendar = prc2026()
	h.env.SetStartTime(time.Date(2026, 2, 13, 10, 0, 0, 0, sales.Beijing)) // Friday
	h.runFor(20 * sales.Day)
	got := beijingDays(h.w.escalations(), sales.EscalateStep)
	want := "KAM@02-14 10:00 UM@02-24 10:00 MM@02-25 10:00 SLT@02-26 10:00 GM@02-27 10:00"
	if got != want {
		t.Errorf("SP1 escalations\n got %s\nwant %s (the make-up Saturday 02-14, then after 春节)", got, want)
	}
}

// A step that waits under a day keeps clock time, and a held order's
// decision time counts working days too: held on Friday 10:00 with two days
// to decide, it escalates on Tuesday.
func TestHoldDecisionCountsWorkingDaysStepsUnderADayDoNot(t *testing.T) {
	h := newHarness(t)
	overLimit(h)
	h.w.calendar = prc2026()
	h.env.SetStartTime(time.Date(2026, 6, 5, 10, 0, 0, 0, sales.Beijing)) // Friday
	res := h.run()
	if res.Status != sales.StatusRejected {
		t.Fatalf("status %s, want rejected", res.Status)
	}
	if got, want := beijingDays(h.w.escalations(), sales.EscalateHold), "SLT@06-09 10:00 GM@06-10 10:00"; got != want {
		t.Errorf("hold escalations %s, want %s", got, want)
	}
	if at := h.w.last().UpdatedAt.In(sales.Beijing).Format("01-02 15:04"); at != "06-11 10:00" {
		t.Errorf("rejected at %s, want 06-11 10:00 (a working day after the GM rung)", at)
	}
}

// A calendar that comes with the start (the API read it) is not read
// again; continue-as-new reads it afresh.
func TestCalendarComesWithTheStartAndIsReadAfterContinueAsNew(t *testing.T) {
	h := newHarness(t)
	cal := prc2026()
	h.input.Prepared = &PrepareResult{Customer: &h.w.customer, SKUs: h.w.skus, Ladder: h.w.ladder, Calendar: &cal}
	h.input.ContinueAfter = 1 // at the acknowledgement
	start := time.Date(2026, 9, 30, 10, 0, 0, 0, sales.Beijing)
	h.env.SetStartTime(start)
	h.at(hour, func() {
		h.update("ack", UpdateAcknowledge, AcknowledgeInput{Actor: logistics, PlannedDate: "2026-10-09"})
	})
	h.runFor(3 * hour)
	next := h.continuedAsNew()
	if len(h.w.calendarReads) != 0 {
		t.Errorf("the calendar that came with the start was read again: %v", h.w.calendarReads)
	}
	if next.Calendar != nil || next.State == nil || !next.State.WorkingDays {
		t.Fatalf("continue-as-new carries calendar %v; want none (read afresh) and working days on", next.Calendar)
	}
	// The next run reads the calendar and counts with it: SP3's three days
	// from the acknowledgement (09-30 11:00) are 10-08, 10-09 and the
	// make-up Saturday 10-10; the next rung skips Sunday.
	h.w.calendar = cal
	then := harnessOf(t, h.w)
	then.input = next
	then.input.ContinueAfter = 0
	then.env.SetStartTime(start.Add(hour))
	then.runFor(20 * sales.Day)
	if len(h.w.calendarReads) != 1 {
		t.Errorf("calendar reads after continue-as-new %v, want one", h.w.calendarReads)
	}
	got := beijingDays(h.w.escalations(), sales.EscalateStep)
	if !strings.HasPrefix(got, "KAM@10-10 11:00 UM@10-12 11:00") {
		t.Errorf("SP3 escalations %s, want KAM@10-10 11:00 UM@10-12 11:00", got)
	}
}

// An order that crosses into a year its calendar does not reach past reads
// the calendar again, once: the new year and the next.
func TestCalendarIsReadAgainInANewYear(t *testing.T) {
	h := newHarness(t)
	started := sales.Calendar{Years: []int{2026, 2027}, Days: []sales.CalendarDay{
		{Date: "2027-01-01", Kind: sales.DayHoliday, Name: "元旦"}}}
	h.w.calendar = sales.Calendar{Years: []int{2026, 2027, 2028}, Days: started.Days}
	h.input.Prepared = &PrepareResult{Customer: &h.w.customer, SKUs: h.w.skus, Ladder: h.w.ladder, Calendar: &started}
	h.env.SetStartTime(time.Date(2026, 12, 31, 10, 0, 0, 0, sales.Beijing)) // Thursday
	h.runFor(6 * sales.Day)
	if len(h.w.calendarReads) != 1 || h.w.calendarReads[0] != (CalendarYears{From: 2027, To: 2028}) {
		t.Errorf("calendar reads %v, want one of 2027–2028 once the order is in 2027", h.w.calendarReads)
	}
	// 元旦 is off, the weekend too: SP1 is late on Monday 01-04.
	if got := beijingDays(h.w.escalations(), sales.EscalateStep); !strings.HasPrefix(got, "KAM@01-04 10:00") {
		t.Errorf("SP1 escalations %s, want the first on 01-04 10:00", got)
	}
}
