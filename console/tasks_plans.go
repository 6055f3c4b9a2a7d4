package console

import (
	"context"
	"time"

	"osb/sales"
)

// PlanReader reads plans and the splits a person owns.
type PlanReader interface {
	Plan(ctx context.Context, kind sales.PlanKind, period string) (sales.Plan, error)
	SplitsOf(ctx context.Context, period string, u sales.User) ([]sales.TargetSplit, error)
}

// PublishBy is the day of the month by which the SLT publishes the month's
// targets and focus (DOMAIN.md: around the 6th), and the annual plan in
// January and a quarterly plan in the quarter's first month.
const PublishBy = 6

// PlanWork is the planning work of the month: for the SLT the month's
// targets and focus to publish (and in January the annual plan, in a
// quarter's first month the quarterly plan), due at the end of the 6th in
// Beijing; for an MM, UM or KAM each of their targets of the month that is
// not split yet or no longer adds up.
type PlanWork struct{ Store PlanReader }

// Tasks lists the viewer's planning work of now's month.
func (s PlanWork) Tasks(ctx context.Context, v Viewer, now time.Time) ([]Task, error) {
	month := sales.MonthOf(now)
	var tasks []Task
	if v.User.May(sales.PermPublishPlan) {
		day := sales.DateOf(now)
		by := time.Date(day.Year(), day.Month(), PublishBy+1, 0, 0, 0, 0, sales.Beijing)
		type due struct {
			kind   sales.PlanKind
			period string
		}
		plans := []due{{sales.PlanMonthly, month}}
		switch m := now.In(sales.Beijing).Month(); {
		case m == time.January:
			plans = append(plans, due{sales.PlanAnnual, month[:4]}, due{sales.PlanQuarterly, sales.QuarterOf(now)})
		case (m-1)%3 == 0:
			plans = append(plans, due{sales.PlanQuarterly, sales.QuarterOf(now)})
		}
		for _, p := range plans {
			pl, err := s.Store.Plan(ctx, p.kind, p.period)
			switch {
			case sales.ErrorCode(err) == sales.ErrNotFound:
			case err != nil:
				return nil, err
			case pl.Figures != nil:
				continue
			}
			link := "/plans?period=" + month + "#plans"
			if p.kind == sales.PlanMonthly {
				link = "/plans?period=" + month + "#publication"
			}
			tasks = append(tasks, Task{Kind: "plan", What: "mywork.task.publish_" + string(p.kind), Args: []any{p.period},
				Deadline: &by, Link: link})
		}
	}
	if v.User.May(sales.PermSplitTargets) {
		splits, err := s.Store.SplitsOf(ctx, month, v.User)
		if err != nil {
			return nil, err
		}
		for _, sp := range splits {
			if !sp.HasTarget || sp.State == sales.SplitComplete {
				continue
			}
			tasks = append(tasks, Task{Kind: "plan", What: "mywork.task.split_" + string(sp.State), Args: []any{sp.ParentName, month},
				Link: "/plans?period=" + month + "#split-" + string(sp.Parent.Dimension) + "-" + sp.Parent.Key})
		}
	}
	return tasks, nil
}
