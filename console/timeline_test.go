package console

import (
	"strings"
	"testing"
	"time"

	"osb/sales"
)

func TestTimelinePlacesAnOrderOnThe21Steps(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	// events at every step up to upTo but those skipped
	events := func(upTo sales.Step, skip ...sales.Step) []sales.Event {
		var out []sales.Event
		for _, info := range sales.Steps {
			if !strings.Contains(strings.Join(stepStrings(skip), ","), string(info.Step)) {
				out = append(out, sales.Event{At: now, Step: info.Step, Kind: "step"})
			}
			if info.Step == upTo {
				break
			}
		}
		return out
	}
	for _, c := range []struct {
		name   string
		order  sales.OrderSnapshot
		events []sales.Event
		want   string // one letter per step: d done, c current, l late, t not reached, s skipped, x stopped
	}{
		{"held and late", sales.OrderSnapshot{Status: sales.StatusHeld, Step: sales.OP5Hold, NextDeadline: &past},
			events(sales.OP5Hold), "ddddltttttttttttttttt"},
		{"released without a hold", sales.OrderSnapshot{Status: sales.StatusReleased, Step: sales.SP1Plan, NextDeadline: &future},
			events(sales.SP1Plan, sales.OP5Hold), "ddddsddcttttttttttttt"},
		{"part shipped and part invoiced", sales.OrderSnapshot{Status: sales.StatusShipping, Step: sales.SP3Pick},
			append(events(sales.SP4GoodsIssue, sales.OP5Hold), sales.Event{At: now, Step: sales.BC1Invoice}),
			"ddddsddddcdtttdtttttt"},
		{"remitted", sales.OrderSnapshot{Status: sales.StatusRemitted, Step: sales.BC7Close},
			events(sales.BC7Close, sales.OP5Hold, sales.BC4Reminder, sales.BC5Dunning), "ddddsddddddddddddssdd"},
		{"rejected at the hold", sales.OrderSnapshot{Status: sales.StatusRejected, Step: sales.OP5Hold},
			events(sales.OP5Hold), "ddddxtttttttttttttttt"},
		{"no events: the position decides", sales.OrderSnapshot{Status: sales.StatusBilled, Step: sales.BC2Acknowledge},
			nil, "dddddddddddddddcttttt"},
	} {
		var got strings.Builder
		for _, s := range timeline(c.order, c.events, now) {
			got.WriteByte(map[string]byte{stepDone: 'd', stepCurrent: 'c', stepLate: 'l', stepTodo: 't', stepSkipped: 's', stepStopped: 'x'}[s.State])
		}
		if got.String() != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got.String(), c.want)
		}
	}
}

func stepStrings(steps []sales.Step) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = string(s)
	}
	return out
}
