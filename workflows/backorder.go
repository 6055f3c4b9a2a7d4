package workflows

import (
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// CloseBackorderInput closes the rest of a partly shipped order short: the
// SSG decides that what is still to ship will not ship.
type CloseBackorderInput struct {
	Actor  sales.Actor `json:"actor"`
	Reason string      `json:"reason"`
}

// BackorderClosed records a backorder closed short: when, by whom, why, and
// what each line gave up (the unshipped rest).
type BackorderClosed struct {
	At     time.Time       `json:"at"`
	By     string          `json:"by"`
	Reason string          `json:"reason"`
	Lines  []sales.LineQty `json:"lines"`
}

func (r *orderRun) validateCloseBackorder(in CloseBackorderInput) error {
	if !in.Actor.Is(sales.RoleSSG) {
		return refusal(sales.ErrForbidden, "only the SSG may close a backorder short")
	}
	if err := r.open(); err != nil {
		return err
	}
	s := r.s
	switch {
	case len(s.Shipments) == 0:
		return refusal(sales.ErrConflict, "order %s has no goods issue yet: cancel the order instead of closing its backorder", s.OrderNo)
	case s.Hold != nil:
		return refusal(sales.ErrConflict, "order %s is held for an SLT decision: %s", s.OrderNo, s.Hold.Reason)
	case s.Backorder() == 0:
		return refusal(sales.ErrConflict, "order %s has nothing left to ship: its backorder is 0", s.OrderNo)
	}
	var p sales.Problems
	p.Text("reason", strings.TrimSpace(in.Reason), sales.MaxReason, true)
	return invalid(p, "invalid backorder close")
}

// closeBackorder cancels what is still to ship: each line keeps what was
// shipped, the quota of the rest goes back, and the order bills what was
// shipped. Once that is delivered and paid the order is remitted as usual.
func (r *orderRun) closeBackorder(ctx workflow.Context, in CloseBackorderInput) (Progress, error) {
	r.begin(in.Actor)
	workflow.GetVersion(ctx, PatchCloseBackorder, workflow.DefaultVersion, 1)
	s := r.s
	shipped := sales.Shipped(s.Shipments)
	closed := &BackorderClosed{At: r.now, By: in.Actor.UserID, Reason: strings.TrimSpace(in.Reason)}
	for i := range s.Lines {
		l := &s.Lines[i]
		if rest := l.Quantity - shipped[l.LineNo]; rest > 0 {
			closed.Lines = append(closed.Lines, sales.LineQty{LineNo: l.LineNo, Quantity: rest})
			l.Quantity = shipped[l.LineNo]
		}
	}
	s.BackorderClosed = closed
	r.event("backorder_closed", map[string]string{"lines": lineList(closed.Lines), "reason": closed.Reason, "total": s.Total().String()})
	r.trimQuota("close_short")
	if s.Status == sales.StatusShipping || s.Status == sales.StatusReleased {
		s.Status = sales.StatusBilled
	}
	r.notify("dept:logistics", "backorder_closed", "Backorder of "+s.OrderNo+" closed short",
		"Do not ship the rest: "+lineList(closed.Lines)+". "+closed.Reason, s.Step)
	r.notify(s.Ladder.KAM, "backorder_closed", "Backorder of "+s.OrderNo+" closed short",
		lineList(closed.Lines)+" will not ship. "+closed.Reason, s.Step)
	return r.progress(), nil
}
