package console

import (
	"context"
	"strings"
	"time"

	"osb/sales"
)

// EscalationsToMe are the open escalations whose rung the viewer holds now
// (KAM → UM → MM → SLT member → GM): what is late and climbed to them, while
// it still waits. Only the FSF and the SLT hold rungs. The deadline shown is
// when it reached the viewer's rung: they are late from then.
type EscalationsToMe struct{ Store Store }

// Tasks lists the viewer's escalations, the oldest first.
func (s EscalationsToMe) Tasks(ctx context.Context, v Viewer, _ time.Time) ([]Task, error) {
	if v.User.Role != sales.RoleFSF && v.User.Role != sales.RoleSLT {
		return nil, nil // the ladder is made of the FSF and the SLT
	}
	list, err := s.Store.OpenEscalations(ctx, v.User.ID, v.Scope, taskLimit)
	if err != nil {
		return nil, err
	}
	names, err := customerNames(ctx, s.Store, v.Scope)
	if err != nil {
		return nil, err
	}
	tasks := make([]Task, len(list))
	for i, e := range list {
		at := e.At
		t := Task{Kind: "escalation", OrderNo: e.OrderNo, CustomerID: e.CustomerID, CustomerName: names[e.CustomerID],
			Deadline: &at, Level: e.Level}
		thing, _, _ := strings.Cut(e.Ref(), "@") // a step, an invoice or a return
		switch e.Kind {
		case sales.EscalateStep:
			t.What, t.Args, t.Link = "mywork.task.esc_step", []any{thing}, orderLink(e.OrderNo)+"#step-"+thing
		case sales.EscalateHold:
			t.What, t.Link = "mywork.task.esc_hold", orderLink(e.OrderNo)+"#act-decide"
		case sales.EscalateDunning:
			t.What, t.Args, t.Link = "mywork.task.esc_dunning", []any{thing}, orderLink(e.OrderNo)+"#invoice-"+thing
		case sales.EscalateReturn:
			t.What, t.Args, t.Link = "mywork.task.esc_return", []any{thing}, orderLink(e.OrderNo)+"#return-"+thing
		case sales.EscalateAdjustment:
			t.What, t.Args, t.Link = "mywork.task.esc_adjustment", []any{e.AdjustmentID}, adjustmentLink(e.CustomerID, e.AdjustmentID)
		default:
			t.What, t.Args, t.Link = "mywork.task.esc_other", []any{e.Subject}, orderLink(e.OrderNo)
		}
		tasks[i] = t
	}
	return tasks, nil
}
