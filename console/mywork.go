package console

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"osb/sales"
)

// Viewer is the signed-in person: who they are and what they may see, as
// the API decides it for the same user (sales.ScopeFor).
type Viewer struct {
	User  sales.User
	Scope sales.Scope
}

// Actor is the viewer as the actor of what they do.
func (v Viewer) Actor() sales.Actor { return sales.Actor{UserID: v.User.ID, Role: v.User.Role} }

// Task is one thing a person must do now, as My work lists it.
type Task struct {
	What         string // message key of what to do, formatted with Args
	Args         []any
	OrderNo      string
	CustomerName string
	Amount       sales.Fen
	Currency     sales.Currency
	Deadline     *time.Time  // nil: no deadline
	Level        sales.Level // how far up the escalation ladder it went
	Link         string      // where to act on it
}

// TaskSource is one kind of work: it returns the tasks of that kind that are
// the viewer's now, at most taskLimit. Every feature with work for people
// adds a source (returns to approve, receipts to confirm, problems I own…).
type TaskSource interface {
	Tasks(ctx context.Context, v Viewer, now time.Time) ([]Task, error)
}

// taskLimit bounds what one source lists.
const taskLimit = 100

// DefaultTasks are the sources of My work: held orders for the SLT, orders
// waiting on Logistics' steps, overdue invoices for the FSF and Finance.
func DefaultTasks(s Store) []TaskSource {
	return []TaskSource{HeldOrders{s}, StepsOwned{Store: s, Role: sales.RoleLogistics}, OverdueInvoices{s}}
}

// owns reports whether role owns step (sales.Steps, the table the workflow
// and the API name owners by).
func owns(role sales.Role, step sales.Step) bool {
	info, ok := step.Info()
	return ok && info.Owner == role
}

// HeldOrders are the orders held for a decision (OP5, or a quota or
// re-check hold), for whoever owns the hold step: the SLT.
type HeldOrders struct{ Store Store }

// Tasks lists the held orders the viewer may see.
func (h HeldOrders) Tasks(ctx context.Context, v Viewer, _ time.Time) ([]Task, error) {
	if !owns(v.User.Role, sales.OP5Hold) {
		return nil, nil
	}
	list, err := h.Store.ListOrders(ctx, sales.OrderFilter{Status: sales.StatusHeld, Scope: v.Scope, Limit: taskLimit})
	if err != nil {
		return nil, err
	}
	tasks := make([]Task, len(list))
	for i, o := range list {
		tasks[i] = orderTask(o, "task.decide")
	}
	return tasks, nil
}

// StepsOwned are the open orders waiting on a step Role owns, for the
// people of that role.
type StepsOwned struct {
	Store Store
	Role  sales.Role
}

// Tasks lists the orders at each step the viewer's role owns.
func (s StepsOwned) Tasks(ctx context.Context, v Viewer, _ time.Time) ([]Task, error) {
	if v.User.Role != s.Role {
		return nil, nil
	}
	var tasks []Task
	for _, info := range sales.Steps {
		if info.Owner != s.Role {
			continue
		}
		list, err := s.Store.ListOrders(ctx, sales.OrderFilter{Step: info.Step, Open: true, Scope: v.Scope, Limit: taskLimit})
		if err != nil {
			return nil, err
		}
		for _, o := range list {
			if o.Status == sales.StatusHeld {
				continue // the SLT's, not this role's
			}
			t := orderTask(o, "task.logistics")
			t.Args = []any{info.Step}
			tasks = append(tasks, t)
		}
	}
	return tasks, nil
}

// OverdueInvoices are the open invoices past their due date, for those who
// follow them up: the FSF for their own customers (dunning, BC5) and
// Finance (payment confirmation, BC6).
type OverdueInvoices struct{ Store Store }

// Tasks lists the viewer's overdue invoices, the longest overdue first.
func (o OverdueInvoices) Tasks(ctx context.Context, v Viewer, now time.Time) ([]Task, error) {
	if !owns(v.User.Role, sales.BC5Dunning) && !owns(v.User.Role, sales.BC6Payment) {
		return nil, nil
	}
	list, err := o.Store.OverdueInvoices(ctx, v.Scope, now, taskLimit)
	if err != nil {
		return nil, err
	}
	tasks := make([]Task, len(list))
	for i, inv := range list {
		due := inv.DueAt
		tasks[i] = Task{What: "task.overdue", Args: []any{inv.No}, OrderNo: inv.OrderNo, CustomerName: inv.CustomerName,
			Amount: inv.Outstanding(), Currency: inv.Currency, Deadline: &due, Level: inv.Level, Link: orderLink(inv.OrderNo)}
	}
	return tasks, nil
}

func orderTask(o sales.OrderSummary, what string) Task {
	return Task{What: what, OrderNo: o.OrderNo, CustomerName: o.CustomerName, Amount: o.Total, Currency: o.Currency,
		Deadline: o.NextDeadline, Level: o.Level, Link: orderLink(o.OrderNo)}
}

func orderLink(no string) string { return "/orders/" + no }

// myWorkData is what My work shows.
type myWorkData struct {
	Tasks  []Task
	More   bool // a source had more than taskLimit
	Failed bool // a source could not be read
	Limit  int
}

// myWork lists what the viewer must do now from every source, the earliest
// deadline first; a source that fails leaves the others shown.
func (con *console) myWork(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	d := myWorkData{Limit: taskLimit}
	now := con.now()
	for _, src := range con.tasks {
		tasks, err := src.Tasks(r.Context(), v, now)
		if err != nil {
			con.log.ErrorContext(r.Context(), "console: a source of My work failed", "source", fmt.Sprintf("%T", src), "err", err)
			d.Failed = true
			continue
		}
		d.More = d.More || len(tasks) >= taskLimit
		d.Tasks = append(d.Tasks, tasks...)
	}
	sortTasks(d.Tasks)
	con.render(w, r, http.StatusOK, "mywork", langOf(r).text("mywork.title"), d)
}

// sortTasks puts the earliest deadline first (none last), then the higher
// escalation, then the order number.
func sortTasks(tasks []Task) {
	slices.SortStableFunc(tasks, func(a, b Task) int {
		switch {
		case a.Deadline == nil && b.Deadline != nil:
			return 1
		case a.Deadline != nil && b.Deadline == nil:
			return -1
		case a.Deadline != nil && !a.Deadline.Equal(*b.Deadline):
			return a.Deadline.Compare(*b.Deadline)
		}
		return cmp.Or(cmp.Compare(b.Level, a.Level), cmp.Compare(a.OrderNo, b.OrderNo))
	})
}

// viewer is the request's signed-in person with their scope.
func (con *console) viewer(r *http.Request) (Viewer, error) {
	s := sessionOf(r)
	scope, err := sales.ScopeFor(r.Context(), con.store, s.User)
	if err != nil {
		return Viewer{}, err
	}
	return Viewer{User: s.User, Scope: scope}, nil
}

// Task is the task's description in the page's language.
func (v view) Task(t Task) string { return v.lang.text(t.What, t.Args...) }
