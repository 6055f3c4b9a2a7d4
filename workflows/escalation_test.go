package workflows

import (
	"strings"
	"testing"
	"time"

	"osb/sales"
)

// rungsOf renders the escalations of kind as "level:recipients", in order.
func rungsOf(es []sales.Escalation, kind sales.EscalationKind, ref string) []string {
	var out []string
	for _, e := range es {
		if e.Kind == kind && strings.Contains(e.Key, ref) {
			out = append(out, e.Level.String()+":"+strings.Join(e.Recipients, ","))
		}
	}
	return out
}

// A monday without holidays near it: 10:00 in Beijing.
var plainMonday = time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)

// Nobody plans the dispatch (SP1, Logistics): the Logistics desk hears
// first, copied to the KAM; then the ladder climbs, Logistics and the KAM
// copied, every SLT member of the market at the SLT rung.
func TestLateStepIsToldToItsOwnerFirst(t *testing.T) {
	h := newHarness(t)
	h.env.SetStartTime(plainMonday)
	h.runFor(12 * sales.Day)
	got := rungsOf(h.w.escalations(), sales.EscalateStep, "/SP1@")
	want := []string{
		"KAM:kam1,log1,log2",
		"UM:kam1,log1,log2,um1",
		"MM:kam1,log1,log2,mm1",
		"SLT:kam1,log1,log2,dsd,sd",
		"GM:kam1,log1,log2,gm",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("SP1 escalations\n got %v\nwant %v", got, want)
	}
	var toLog1 int
	for _, n := range h.w.notifications() {
		if n.Kind == string(sales.EscalateStep) && n.RecipientID == "log1" {
			toLog1++
		}
	}
	if toLog1 != 5 {
		t.Errorf("log1 was told %d times of the late step, want at every rung (5)", toLog1)
	}
}

// An SSG step (the customer's acknowledgement of the invoice, BC2) is late
// for the SSG member with the market's orders; a ladder resolved before
// release 1.2 names no owner, and the step's department hears.
func TestLateSSGStepGoesToTheMarketsSSGMember(t *testing.T) {
	for _, c := range []struct {
		name   string
		ladder func(*sales.Ladder)
		first  string
	}{
		{"market's SSG member", func(*sales.Ladder) {}, "KAM:kam1,csr1"},
		{"ladder without owners", func(l *sales.Ladder) { l.SSGOrders = nil }, "KAM:kam1,dept:ssg"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			c.ladder(&h.w.ladder)
			h.env.SetStartTime(plainMonday)
			h.shipAll(hour)
			h.runFor(9 * sales.Day)
			got := rungsOf(h.w.escalations(), sales.EscalateStep, "/BC2@")
			if len(got) == 0 || got[0] != c.first {
				t.Errorf("BC2 escalations %v, want first %s", got, c.first)
			}
		})
	}
}
