package console

import (
	"context"
	"slices"
	"time"

	"osb/sales"
)

// AdjustmentDecisions are the manual credit adjustments proposed and not yet
// decided, for whoever decides them (the SLT), except their proposer
// (maker–checker).
type AdjustmentDecisions struct {
	Store  Store
	Policy sales.CreditPolicy // the decision's deadline and ladder
}

// Tasks lists the undecided adjustments, with the deadline of the rung they
// reached.
func (s AdjustmentDecisions) Tasks(ctx context.Context, v Viewer, _ time.Time) ([]Task, error) {
	if !v.User.May(sales.PermDecideAdjustment) {
		return nil, nil
	}
	list, err := s.Store.ListAdjustments(ctx, sales.AdjustmentFilter{Status: sales.AdjustmentProposed, Scope: v.Scope, Limit: taskLimit})
	if err != nil {
		return nil, err
	}
	names, err := customerNames(ctx, s.Store, v.Scope)
	if err != nil {
		return nil, err
	}
	var tasks []Task
	for _, a := range list {
		if a.ProposedBy == v.User.ID {
			continue
		}
		deadline := adjustmentDeadline(a, s.Policy)
		tasks = append(tasks, Task{Kind: "adjustment", What: "mywork.task.adjustment", Args: []any{a.ID},
			CustomerID: a.CustomerID, CustomerName: names[a.CustomerID], Amount: a.Amount, Currency: a.Currency,
			Deadline: &deadline, Level: a.Level, Link: adjustmentLink(a.CustomerID, a.ID)})
	}
	return tasks, nil
}

// adjustmentDeadline is when the rung a proposal reached stops waiting, as
// the adjustment workflow counts it (workflows/creditadjust.go deadline):
// the decision time, one EscalateEvery per later rung, the expiry if that
// comes first.
func adjustmentDeadline(a sales.CreditAdjustment, p sales.CreditPolicy) time.Time {
	rung := max(slices.Index(p.DecisionLadder, a.Level), 0)
	at := a.ProposedAt.Add(time.Duration(p.DecisionTime) + time.Duration(rung)*time.Duration(p.EscalateEvery))
	if a.ExpiresAt.Before(at) {
		return a.ExpiresAt
	}
	return at
}

func adjustmentLink(customerID, id string) string {
	return customerLink(customerID) + "#act-decide-adjustment-" + id
}

// customerNames are the names of the customers in scope, by id.
func customerNames(ctx context.Context, s Store, scope sales.Scope) (map[string]string, error) {
	list, err := s.Customers(ctx, scope)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(list))
	for _, c := range list {
		names[c.ID] = c.Name
	}
	return names, nil
}
