package console

import (
	"time"

	"osb/sales"
)

// Step states on an order's timeline.
const (
	stepDone    = "done"
	stepCurrent = "current"
	stepLate    = "late"    // current, past its deadline
	stepTodo    = "todo"    // not reached
	stepSkipped = "skipped" // passed without happening (no hold, no quota)
	stepStopped = "stopped" // where a rejected or cancelled order ended
)

// timelineStep is one of the 21 steps as an order page shows it.
type timelineStep struct {
	Info     sales.StepInfo
	State    string
	Reached  *time.Time // first event at the step
	Deadline *time.Time // the current step's
}

// timeline places an order on the 21 steps: the steps before its current one
// are done (or skipped when nothing happened at them), the current one is
// current with its deadline (late once that passed), later ones are not
// reached unless something already happened there (an invoice for the first
// part of a partly shipped order). A remitted order is done throughout; a
// rejected or cancelled one stopped at its step.
func timeline(o sales.OrderSnapshot, events []sales.Event, now time.Time) []timelineStep {
	reached := map[sales.Step]time.Time{}
	for _, e := range events {
		step := stepOf(e)
		if t, ok := reached[step]; !ok || e.At.Before(t) {
			reached[step] = e.At
		}
	}
	current := -1
	for i, info := range sales.Steps {
		if info.Step == o.Step {
			current = i
		}
	}
	out := make([]timelineStep, len(sales.Steps))
	for i, info := range sales.Steps {
		ts := timelineStep{Info: info}
		if t, ok := reached[info.Step]; ok {
			ts.Reached = &t
		}
		happened := ts.Reached != nil || len(events) == 0 // without events, position decides
		switch {
		case o.Status == sales.StatusRemitted:
			ts.State = pick(happened || i == len(sales.Steps)-1, stepDone, stepSkipped)
		case i == current && (o.Status == sales.StatusRejected || o.Status == sales.StatusCancelled):
			ts.State = stepStopped
		case i == current:
			ts.State, ts.Deadline = stepCurrent, o.NextDeadline
			if o.NextDeadline != nil && now.After(*o.NextDeadline) {
				ts.State = stepLate
			}
		case i < current:
			ts.State = pick(happened, stepDone, stepSkipped)
		case ts.Reached != nil && !o.Status.Final():
			ts.State = stepDone
		default:
			ts.State = stepTodo
		}
		out[i] = ts
	}
	return out
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// performs names the step an event performs when it is not the step the
// order stood at: the invoice and the receivable are made by the goods issue
// (SP4), the later BC steps by people's actions and the agenda at whatever
// step the order waits (order.go's table in workflows).
var performs = map[string]sales.Step{
	"invoiced":             sales.BC1Invoice,
	"invoice_acknowledged": sales.BC2Acknowledge,
	"receivable_posted":    sales.BC3Receivable,
	"reminder_sent":        sales.BC4Reminder,
	"payment_confirmed":    sales.BC6Payment,
	"payment_applied":      sales.BC6Payment, // a share of a customer's receipt (cash application)
	"remitted":             sales.BC7Close,
}

// stepOf is the step an event belongs to on the timeline.
func stepOf(e sales.Event) sales.Step {
	if s, ok := performs[e.Kind]; ok {
		return s
	}
	if e.Kind == "escalated" && e.Detail["kind"] == string(sales.EscalateDunning) {
		return sales.BC5Dunning
	}
	return e.Step
}
