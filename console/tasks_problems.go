package console

import (
	"context"
	"time"

	"osb/sales"
)

// ProblemsOwned are the open OSB problems the viewer owns: those given to
// them, and for the department's own people those still owned by the
// department (dept:<role>: the SSG for sales, Finance, Logistics). A problem
// is due when the monthly meeting counts it overdue
// (sales.DefaultProblemOverdueDays after it was filed).
type ProblemsOwned struct{ Store Store }

// Tasks lists the viewer's open problems, the oldest first.
func (s ProblemsOwned) Tasks(ctx context.Context, v Viewer, _ time.Time) ([]Task, error) {
	owners := []string{v.User.ID}
	if dept := sales.DepartmentOwner(sales.DepartmentOf(v.User.Role)); dept == "dept:"+string(v.User.Role) {
		owners = append(owners, dept)
	}
	list, err := s.Store.OwnedProblems(ctx, owners, v.Scope, taskLimit)
	if err != nil {
		return nil, err
	}
	names, err := customerNames(ctx, s.Store, v.Scope)
	if err != nil {
		return nil, err
	}
	tasks := make([]Task, len(list))
	for i, p := range list {
		due := p.CreatedAt.Add(sales.DefaultProblemOverdueDays * sales.Day)
		tasks[i] = Task{Kind: "problem", What: "mywork.task.problem", Args: []any{p.Number, p.Title}, OrderNo: p.OrderNo,
			CustomerID: p.CustomerID, CustomerName: names[p.CustomerID], Deadline: &due, Level: p.Level,
			Link: "/problems#" + p.Number}
	}
	return tasks, nil
}

// DeadLetters are the notifications the outbox gave up on, for those who
// may retry them (sales.PermDeadLetters: admins, and Finance and the SSG).
// Late since they died.
type DeadLetters struct{ Store Store }

// Tasks lists the dead letters, the newest first.
func (s DeadLetters) Tasks(ctx context.Context, v Viewer, _ time.Time) ([]Task, error) {
	if !v.User.May(sales.PermDeadLetters) {
		return nil, nil
	}
	list, err := s.Store.DeadNotifications(ctx, taskLimit)
	if err != nil {
		return nil, err
	}
	tasks := make([]Task, len(list))
	for i, n := range list {
		died := n.NextAttempt // a dead letter's next attempt is when it died
		tasks[i] = Task{Kind: "dead_letter", What: "mywork.task.dead_letter", Args: []any{n.RecipientID, n.Subject},
			OrderNo: n.OrderNo, Deadline: &died, Link: "/notifications/dead#" + n.Key}
	}
	return tasks, nil
}
