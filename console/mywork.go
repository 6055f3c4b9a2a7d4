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
	// Kind names the kind of work ("held", "receipt", …): My work counts
	// and filters by it, and shows it as the message mywork.kind.<Kind>.
	Kind         string
	What         string // message key of what to do, formatted with Args
	Args         []any
	OrderNo      string
	CustomerID   string
	CustomerName string
	Amount       sales.Fen
	Currency     sales.Currency // "": no amount
	Deadline     *time.Time     // nil: no deadline
	Level        sales.Level    // how far up the escalation ladder it went
	// Link is where one click gets the person to the form that acts on it.
	// It names the task: two sources listing the same link list one task,
	// the first source's (so an escalation of a held order is the hold).
	Link string
	// Backup marks work someone else acts on first that the viewer may take
	// too (a held order of another SLT member's market): listed after the
	// viewer's own.
	Backup bool
}

// TaskSource is one kind of work: it returns the tasks of that kind that are
// the viewer's now, at most taskLimit. It decides inside whether the viewer
// owns that work (sales.Steps, v.User.May). Every feature with work for
// people adds a source to DefaultTasks.
type TaskSource interface {
	Tasks(ctx context.Context, v Viewer, now time.Time) ([]Task, error)
}

// taskLimit bounds what one source lists.
const taskLimit = 100

// Policies are the deadlines the workflows keep, for My work to show when
// the store holds only where the wait began (returns, credit adjustments).
// Zero fields are the defaults.
type Policies struct {
	Order  sales.Policy
	Credit sales.CreditPolicy
	Cash   sales.CashPolicy
}

func (p Policies) orDefaults() Policies {
	if p.Order.EscalateEvery <= 0 {
		p.Order = sales.DefaultPolicy()
	}
	if p.Credit.DecisionTime <= 0 {
		p.Credit = sales.DefaultCreditPolicy()
	}
	if p.Cash.RefundDecision <= 0 {
		p.Cash = sales.DefaultCashPolicy()
	}
	return p
}

// DefaultTasks are the sources of My work, in the order a task listed by
// two of them is kept: held orders for the SLT, orders waiting on
// Logistics' steps, receipts to confirm for Finance, overdue invoices for
// the FSF, returns to decide or receive, credit adjustments to decide,
// escalations addressed to the viewer, problems they own, dead letters,
// refunds to decide and receipts still applying.
func DefaultTasks(s Store, p Policies) []TaskSource {
	p = p.orDefaults()
	return []TaskSource{
		HeldOrders{s}, StepsOwned{Store: s, Role: sales.RoleLogistics}, ReceiptsToConfirm{s}, OverdueInvoices{s},
		Returns{Store: s, Policy: p.Order}, AdjustmentDecisions{Store: s, Policy: p.Credit},
		VATInvoicesToRecord{s}, ExtensionsToDecide{Store: s, Policy: p.Order},
		EscalationsToMe{s}, ProblemsOwned{s}, DeadLetters{s},
		RefundDecisions{Store: s, Policy: p.Cash}, ReceiptsApplying{s},
	}
}

// owns reports whether role owns step (sales.Steps, the table the workflow
// and the API name owners by).
func owns(role sales.Role, step sales.Step) bool {
	info, ok := step.Info()
	return ok && info.Owner == role
}

// HeldOrders are the orders held for a decision (OP5, or a quota or
// re-check hold), for whoever owns the hold step: the SLT.
//
// Every SLT member may decide any held order (sales.Permissions), and
// DOMAIN.md says the SLT member over the market decides, a market may have
// more than one, the Director oversees the whole country and an unanswered
// hold climbs to the GM. So nobody's list hides a held order: the orders of
// the markets the viewer oversees (sales.Market.SLTOwner) are theirs, and
// for the GM also those that climbed to the GM or whose market has no SLT
// member; the others are listed after them as backup.
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
	markets, err := h.Store.Markets(ctx)
	if err != nil {
		return nil, err
	}
	overseer := make(map[string]string, len(markets))
	for _, m := range markets {
		overseer[m.Code] = m.SLTOwner
	}
	gm := v.User.Title == sales.TitleGM
	tasks := make([]Task, len(list))
	for i, o := range list {
		t := orderTask(o, "held", "task.decide")
		t.Link += "#act-decide"
		owner := overseer[o.Market]
		t.Backup = owner != v.User.ID && !(gm && (owner == "" || o.Level >= sales.LevelGM))
		tasks[i] = t
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
			t := orderTask(o, "steps", "task.logistics")
			t.Args = []any{info.Step}
			tasks = append(tasks, t)
		}
	}
	return tasks, nil
}

// OverdueInvoices are the open invoices past their due date, for those who
// follow them up with the customer: the FSF for their own customers
// (dunning, BC5). Finance confirms what is paid (ReceiptsToConfirm).
type OverdueInvoices struct{ Store Store }

// Tasks lists the viewer's overdue invoices, the longest overdue first.
func (o OverdueInvoices) Tasks(ctx context.Context, v Viewer, now time.Time) ([]Task, error) {
	if !owns(v.User.Role, sales.BC5Dunning) {
		return nil, nil
	}
	list, err := o.Store.OverdueInvoices(ctx, v.Scope, now, taskLimit)
	if err != nil {
		return nil, err
	}
	tasks := make([]Task, len(list))
	for i, inv := range list {
		due := inv.DueAt
		tasks[i] = Task{Kind: "overdue", What: "task.overdue", Args: []any{inv.No}, OrderNo: inv.OrderNo,
			CustomerID: inv.CustomerID, CustomerName: inv.CustomerName, Amount: inv.Outstanding(), Currency: inv.Currency,
			Deadline: &due, Level: inv.Level, Link: orderLink(inv.OrderNo) + "#invoice-" + inv.No}
	}
	return tasks, nil
}

func orderTask(o sales.OrderSummary, kind, what string) Task {
	return Task{Kind: kind, What: what, OrderNo: o.OrderNo, CustomerID: o.CustomerID, CustomerName: o.CustomerName,
		Amount: o.Total, Currency: o.Currency, Deadline: o.NextDeadline, Level: o.Level, Link: orderLink(o.OrderNo)}
}

func orderLink(no string) string { return "/orders/" + no }

func customerLink(id string) string { return "/customers/" + id }

// kindCount is how many tasks of a kind wait.
type kindCount struct {
	Kind string
	N    int
}

// myWorkData is what My work shows.
type myWorkData struct {
	Tasks  []Task      // of Kind, or all
	Kinds  []kindCount // every kind with tasks, in the order of the sources
	Kind   string      // the kind asked for (?kind=), "" for all
	Total  int
	More   bool // a source had more than taskLimit
	Failed bool // a source could not be read
	Limit  int
	// The page's stamp and where to ask for it again: My work reloads
	// itself when work comes or goes (live.js).
	Stamp, StampURL string
}

// myWork lists what the viewer must do now from every source, the earliest
// deadline first, with a count per kind and ?kind= to show one kind; a
// source that fails leaves the others shown.
func (con *console) myWork(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	d := myWorkData{Limit: taskLimit, Kind: r.URL.Query().Get("kind")}
	now := con.now()
	seen := map[string]bool{}
	var all []Task
	for _, src := range con.tasks {
		tasks, err := src.Tasks(r.Context(), v, now)
		if err != nil {
			con.log.ErrorContext(r.Context(), "console: a source of My work failed", "source", fmt.Sprintf("%T", src), "err", err)
			d.Failed = true
			continue
		}
		d.More = d.More || len(tasks) >= taskLimit
		for _, t := range tasks {
			if t.Link != "" && seen[t.Link] {
				continue
			}
			seen[t.Link] = true
			all = append(all, t)
		}
	}
	d.Total = len(all)
	for _, t := range all {
		i := slices.IndexFunc(d.Kinds, func(k kindCount) bool { return k.Kind == t.Kind })
		if i < 0 {
			d.Kinds = append(d.Kinds, kindCount{Kind: t.Kind})
			i = len(d.Kinds) - 1
		}
		d.Kinds[i].N++
		if d.Kind == "" || d.Kind == t.Kind {
			d.Tasks = append(d.Tasks, t)
		}
	}
	sortTasks(d.Tasks)
	if r.URL.Path == "/work/stamp" {
		writeStamp(w, workStamp(all))
		return
	}
	d.Stamp, d.StampURL = workStamp(all), "/work/stamp?"+r.URL.RawQuery
	con.render(w, r, http.StatusOK, "mywork", langOf(r).text("mywork.title"), d)
}

// sortTasks puts the viewer's own work before backup, then the earliest
// deadline first (none last), then the higher escalation, then the order
// number.
func sortTasks(tasks []Task) {
	slices.SortStableFunc(tasks, func(a, b Task) int {
		switch {
		case a.Backup != b.Backup && a.Backup:
			return 1
		case a.Backup != b.Backup:
			return -1
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

// TaskKind names a kind of task.
func (v view) TaskKind(kind string) string { return v.lang.text("mywork.kind." + kind) }
