package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// deadline is something the order must do at a time: escalate a late step or
// hold, remind, dun, retry a write.
type deadline struct {
	at   time.Time
	fire func()
}

// deadlines lists what the order waits for, derived from its state: each
// invoice has its own due reminder and dunning rungs, the current step and a
// hold their escalations. Nothing is stored twice, so continue-as-new and due
// date extensions need no timer bookkeeping.
func (r *orderRun) deadlines() []deadline {
	s := r.s
	if s.Status.Final() {
		return nil
	}
	var out []deadline
	if s.Hold != nil {
		out = append(out, r.holdDeadline())
	} else if d, ok := r.stepDeadline(); ok {
		out = append(out, d)
	}
	for i := range s.Invoices {
		inv := &s.Invoices[i]
		out = append(out, r.invoiceDeadlines(inv)...)
		if d, ok := r.vatDeadline(inv); ok {
			out = append(out, d)
		}
		if d, ok := r.extensionDeadline(inv); ok {
			out = append(out, d)
		}
	}
	for i := range s.Returns {
		if d, ok := r.returnDeadline(&s.Returns[i]); ok {
			out = append(out, d)
		}
	}
	return out
}

// nextDeadline returns the earliest deadline; withRetry includes the retry of
// a failed write, which is not a business deadline.
func (r *orderRun) nextDeadline(withRetry bool) (time.Time, bool) {
	var next time.Time
	for _, d := range r.deadlines() {
		if next.IsZero() || d.at.Before(next) {
			next = d.at
		}
	}
	if withRetry && !r.retryAt.IsZero() && (next.IsZero() || r.retryAt.Before(next)) {
		next = r.retryAt
	}
	return next, !next.IsZero()
}

// fireDue fires every deadline that has passed, oldest first; firing moves a
// deadline on, so the list is derived again after each.
func (r *orderRun) fireDue() {
	r.actorID = sales.System.UserID
	for range 100 {
		var due *deadline
		for _, d := range r.deadlines() {
			if !d.at.After(r.now) && (due == nil || d.at.Before(due.at)) {
				due = &d
			}
		}
		if due == nil {
			return
		}
		due.fire()
	}
}

func (r *orderRun) holdDeadline() deadline {
	h := r.s.Hold
	if h.Upward {
		return r.upwardHoldDeadline()
	}
	at := h.Since.Add(time.Duration(r.in.Policy.HoldDecision) + time.Duration(h.Level)*time.Duration(r.in.Policy.EscalateEvery))
	return deadline{at: at, fire: func() {
		if h.Level >= sales.LevelGM {
			r.reject("no SLT decision after escalation to the GM: rejected automatically", sales.System)
			return
		}
		h.Level++
		r.escalate(sales.EscalateHold, fmt.Sprintf("%s@%d", h.Step, h.Since.Unix()), h.Level,
			fmt.Sprintf("%s waits for an SLT decision since %s: %s", r.s.OrderNo, h.Since.Format(time.DateOnly), h.Reason))
	}}
}

// upwardHoldDeadline escalates a hold of release 1.2 upwards only: after
// HoldDecision to the SLT members over the market, a rung later to the GM,
// a rung after that the order is rejected automatically.
func (r *orderRun) upwardHoldDeadline() deadline {
	h := r.s.Hold
	rung, next := 0, sales.LevelSLT
	switch {
	case h.Level >= sales.LevelGM:
		rung, next = 2, sales.LevelGM
	case h.Level >= sales.LevelSLT:
		rung, next = 1, sales.LevelGM
	}
	at := r.after(r.after(h.Since, time.Duration(r.in.Policy.HoldDecision)), time.Duration(rung)*time.Duration(r.in.Policy.EscalateEvery))
	return deadline{at: at, fire: func() {
		if h.Level >= sales.LevelGM {
			r.reject("no SLT decision after escalation to the GM: rejected automatically", sales.System)
			return
		}
		h.Level = next
		r.escalateTo(sales.EscalateHold, fmt.Sprintf("%s@%d", h.Step, h.Since.Unix()), next,
			fmt.Sprintf("%s waits for an SLT decision since %s: %s", r.s.OrderNo, sales.DateOf(h.Since).Format(time.DateOnly), h.Reason),
			r.s.Ladder.HoldLadder(next))
	}}
}

func (r *orderRun) stepDeadline() (deadline, bool) {
	s := r.s
	d, ok := r.in.Policy.Deadline(s.Step)
	if !ok || s.StepLevel >= sales.LevelGM {
		return deadline{}, false
	}
	base := r.after(s.StepSince, d)
	if s.Step == sales.SP3Pick && s.PlannedDate != "" {
		loc := time.UTC
		if s.PlannedDateBeijing {
			loc = sales.Beijing
		}
		if p, err := time.ParseInLocation(time.DateOnly, s.PlannedDate, loc); err == nil && p.Add(sales.Day).After(base) {
			base = p.Add(sales.Day)
		}
	}
	at := r.after(base, time.Duration(s.StepLevel)*time.Duration(r.in.Policy.EscalateEvery))
	return deadline{at: at, fire: func() {
		s.StepLevel++
		info, _ := s.Step.Info()
		ref := fmt.Sprintf("%s@%d", s.Step, s.StepSince.Unix())
		if r.ownerFirst() {
			r.escalateTo(sales.EscalateStep, ref, s.StepLevel,
				fmt.Sprintf("%s is stuck in %s %s (%s) since %s", s.OrderNo, s.Step, info.Name, info.Owner, s.StepSince.In(sales.Beijing).Format(time.DateTime)),
				s.Ladder.OwnerFirst(s.Ladder.Owners(info.Owner), s.StepLevel))
			return
		}
		r.escalate(sales.EscalateStep, ref, s.StepLevel,
			fmt.Sprintf("%s is stuck in %s %s (%s) since %s", s.OrderNo, s.Step, info.Name, info.Owner, s.StepSince.Format(time.DateTime)))
	}}, true
}

// invoiceDeadlines are an open invoice's reminder and next dunning rung;
// none while a dispute pauses them.
func (r *orderRun) invoiceDeadlines(inv *sales.Invoice) []deadline {
	if !inv.Open() || inv.DunningPaused {
		return nil
	}
	var out []deadline
	if !inv.Reminded {
		out = append(out, deadline{at: inv.DueAt.Add(-time.Duration(r.in.Policy.ReminderBeforeDue)), fire: func() {
			inv.Reminded = true
			if r.collectionsToSSG() {
				due := sales.DateOf(inv.DueAt).Format(time.DateOnly)
				r.event("reminder_sent", map[string]string{"invoice": inv.No, "due": due})
				for _, to := range appendUniqueIDs([]string{r.s.Ladder.KAM}, r.s.Ladder.Collectors()...) {
					r.notify(to, string(sales.EscalateRemind),
						fmt.Sprintf("Invoice %s of %s falls due on %s", inv.No, r.s.CustomerName, due),
						fmt.Sprintf("Outstanding %s %s.", inv.Outstanding(), inv.Currency), sales.BC4Reminder)
				}
				return
			}
			r.event("reminder_sent", map[string]string{"invoice": inv.No, "due": inv.DueAt.Format(time.DateOnly)})
			r.notify(r.s.Ladder.KAM, string(sales.EscalateRemind),
				fmt.Sprintf("Invoice %s of %s falls due on %s", inv.No, r.s.CustomerName, inv.DueAt.Format(time.DateOnly)),
				fmt.Sprintf("Outstanding %s %s.", inv.Outstanding(), inv.Currency), sales.BC4Reminder)
		}})
	}
	for _, rung := range r.in.Policy.Dunning {
		if rung.Level <= inv.Level {
			continue
		}
		first := inv.Level == sales.LevelNone
		out = append(out, deadline{at: inv.DueAt.Add(time.Duration(rung.After)), fire: func() {
			inv.Level = rung.Level
			days := int(time.Duration(rung.After).Hours() / 24)
			ref := fmt.Sprintf("%s@%d", inv.No, inv.DueAt.Unix())
			subject := fmt.Sprintf("Invoice %s of %s is %d days overdue: %s %s outstanding", inv.No, r.s.CustomerName, days, inv.Outstanding(), inv.Currency)
			if first && r.collectionsToSSG() {
				// The first rung is the collection follow-up: the SSG
				// member of the market, copied to the KAM.
				// It keeps the rung's level (the invoice's dunning level).
				r.escalateTo(sales.EscalateDunning, ref, rung.Level, subject, r.s.Ladder.OwnerFirst(r.s.Ladder.Collectors(), sales.LevelKAM))
			} else {
				r.escalate(sales.EscalateDunning, ref, rung.Level, subject)
			}
			if rung.Freeze {
				r.freeze(fmt.Sprintf("invoice %s %d days overdue", inv.No, days))
			}
		}})
		break
	}
	return out
}

// escalate records that something reached level and tells its recipients:
// the holder of the rung, the KAM copied (the ladder of release 1.0).
func (r *orderRun) escalate(kind sales.EscalationKind, ref string, level sales.Level, subject string) {
	r.escalateTo(kind, ref, level, subject, r.s.Ladder.Recipients(level))
}

// escalateTo records that something reached level and tells recipients (the
// holder of the rung last).
func (r *orderRun) escalateTo(kind sales.EscalationKind, ref string, level sales.Level, subject string, recipients []string) {
	s := r.s
	key := fmt.Sprintf("%s/%s/%s/%d", s.OrderNo, kind, ref, level)
	r.b.Pending.Escalations = append(r.b.Pending.Escalations, sales.Escalation{
		Key: key, OrderNo: s.OrderNo, CustomerID: s.CustomerID, Market: s.Market, Kind: kind,
		Subject: subject, Level: level, Recipients: recipients, At: r.now,
	})
	for _, to := range recipients {
		r.b.Pending.Notifications = append(r.b.Pending.Notifications, sales.Notification{
			Key: key + "/" + to, OrderNo: s.OrderNo, RecipientID: to, Kind: string(kind),
			Subject: fmt.Sprintf("[%s] %s", level, subject), At: r.now,
		})
	}
	r.event("escalated", map[string]string{"kind": string(kind), "level": level.String(), "ref": ref})
	s.Level = max(s.Level, level)
}

func (r *orderRun) freeze(reason string) {
	r.b.Pending.Freeze = &sales.Freeze{CustomerID: r.s.CustomerID, Reason: reason, At: r.now}
	r.event("customer_frozen", map[string]string{"reason": reason})
}

// ownerFirst reports whether a late step is told first to its owner
// (release 1.2), at the escalation that asks.
func (r *orderRun) ownerFirst() bool {
	return workflow.GetVersion(r.ctx, PatchOwnerFirst, workflow.DefaultVersion, 1) == 1
}

// collectionsToSSG reports whether the reminder and the first dunning rung
// go to the market's SSG members for settlement (release 1.2).
func (r *orderRun) collectionsToSSG() bool {
	return workflow.GetVersion(r.ctx, PatchCollectionsSSG, workflow.DefaultVersion, 1) == 1
}

// appendUniqueIDs appends the ids not yet in out, skipping blanks.
func appendUniqueIDs(out []string, ids ...string) []string {
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// after is t plus d for a deadline: an order that counts working days
// (release 1.2) counts a whole number of days as working days of the PRC
// calendar (the same Beijing clock time on the n-th working day; from 00:00
// of the next working day when t is on a day off); anything under a day, or
// not whole days, and every order before, counts clock time.
func (r *orderRun) after(t time.Time, d time.Duration) time.Time {
	if !r.s.WorkingDays || d < sales.Day || d%sales.Day != 0 {
		return t.Add(d)
	}
	var cal sales.Calendar
	if r.in.Calendar != nil {
		cal = *r.in.Calendar
	}
	return cal.AddWorkingDays(t, int(d/sales.Day))
}

// ensureCalendar reads the working calendar of this year and the next when
// the order counts working days and its calendar lacks either: at the start
// of a run that has none (continue-as-new, a reopened order) and when the
// order crosses into a new year. Once a year per run: a year the store has
// not loaded yet counts weekends only, until the next run or year.
func (r *orderRun) ensureCalendar() error {
	if !r.s.WorkingDays || r.s.Status.Final() {
		return nil
	}
	year := r.now.In(sales.Beijing).Year()
	if c := r.in.Calendar; r.calendarYear == year || (c != nil && c.HasYear(year) && c.HasYear(year+1)) {
		return nil
	}
	cal, err := LoadCalendar.local(r, r.ctx, CalendarYears{From: year, To: year + 1})
	if err != nil {
		return err
	}
	r.in.Calendar, r.calendarYear = &cal, year
	return nil
}
