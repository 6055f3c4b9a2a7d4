package console

import (
	"context"
	"time"

	"osb/sales"
)

// Returns are the returns waiting for someone: a decision by whoever may
// take it (maker–checker: never the person who asked for it; the
// customer's UM up to the approval limit, the SLT above it or once the wait
// climbed to the SLT), and the goods of approved returns for Logistics.
type Returns struct {
	Store  Store
	Policy sales.Policy // the deadlines of a decision and a receipt
}

// Tasks lists the returns the viewer decides or receives.
func (s Returns) Tasks(ctx context.Context, v Viewer, _ time.Time) ([]Task, error) {
	var tasks []Task
	if v.User.May(sales.PermDecideReturn) {
		list, err := s.Store.OpenReturns(ctx, sales.ReturnRequested, v.Scope, taskLimit)
		if err != nil {
			return nil, err
		}
		for _, r := range list {
			if r.RequestedBy != v.User.ID && decidesReturn(v.User, r) {
				if r.Source == sales.ReturnByPrice || r.Source == sales.ReturnByQuantity {
					// A credit note for a difference: decided as a return, named as what it is.
					tasks = append(tasks, s.task(r, "credit_decide", "mywork.task.credit_decide"))
					continue
				}
				tasks = append(tasks, s.task(r, "return_decide", "mywork.task.return_decide"))
			}
		}
	}
	if v.User.May(sales.PermReceiveReturn) {
		list, err := s.Store.OpenReturns(ctx, sales.ReturnApproved, v.Scope, taskLimit)
		if err != nil {
			return nil, err
		}
		for _, r := range list {
			tasks = append(tasks, s.task(r, "return_receive", "mywork.task.return_receive"))
		}
	}
	return tasks, nil
}

// decidesReturn reports whether u is who decides r, as the order workflow
// accepts a decision: the customer's UM within the limit, the SLT above it
// (and, once the UM's wait climbed to the SLT, the SLT too).
func decidesReturn(u sales.User, r sales.OpenReturn) bool {
	switch u.Role {
	case sales.RoleSLT:
		return r.Approver > sales.LevelUM || r.Level >= sales.LevelSLT
	case sales.RoleFSF:
		return r.Approver <= sales.LevelUM && r.UMID == u.ID
	}
	return false
}

func (s Returns) task(r sales.OpenReturn, kind, what string) Task {
	deadline := returnDeadline(r.Return, s.Policy)
	return Task{Kind: kind, What: what, Args: []any{r.No}, OrderNo: r.OrderNo, CustomerID: r.CustomerID,
		CustomerName: r.CustomerName, Amount: r.Value, Currency: r.Currency, Deadline: &deadline, Level: r.Level,
		Link: orderLink(r.OrderNo) + "#act-" + actionOf[kind] + "-" + r.No}
}

// actionOf is the order page's form of each kind of return task.
var actionOf = map[string]string{"return_decide": "return-decide", "credit_decide": "return-decide", "return_receive": "return-receive"}

// returnDeadline is when an open return's wait next escalates, as the
// order workflow counts it (workflows/returns.go returnDeadline): the
// decision from the approver's rung, the goods from the KAM's, one rung per
// EscalateEvery after the first wait; once at the GM, when it got there.
func returnDeadline(r sales.Return, p sales.Policy) time.Time {
	def := sales.DefaultPolicy()
	wait, first := durationOr(p.ReturnDecision, def.ReturnDecision), r.Approver
	if r.Status == sales.ReturnApproved {
		wait, first = durationOr(p.ReturnReceipt, def.ReturnReceipt), sales.LevelKAM
	}
	next := min(max(r.Level+1, first), sales.LevelGM)
	return r.Since.Add(time.Duration(wait) + time.Duration(next-first)*time.Duration(p.EscalateEvery))
}

// durationOr is d, or fallback when d is not set.
func durationOr(d, fallback sales.Duration) sales.Duration {
	if d <= 0 {
		return fallback
	}
	return d
}
