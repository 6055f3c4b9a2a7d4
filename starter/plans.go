package starter

import (
	"context"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// PlanStore is what planning needs: targets split down the FSF, each
// market's focus, and the annual, quarterly and monthly plans with their
// publication. When the ReportService's store answers it too (the
// PostgreSQL store does), the planning routes are mounted beside the
// reports'.
type PlanStore interface {
	SplitTarget(ctx context.Context, r sales.SplitRequest, by sales.User, at time.Time) (sales.TargetSplit, error)
	TargetSplit(ctx context.Context, period string, d sales.TargetDimension, key string) (sales.TargetSplit, error)
	SplitsOf(ctx context.Context, period string, u sales.User) ([]sales.TargetSplit, error)
	MarketFocus(ctx context.Context, month string) ([]sales.FocusItems, error)
	SavePlan(ctx context.Context, kind sales.PlanKind, period string, d sales.PlanDraft, by string, at time.Time) (sales.Plan, error)
	Plan(ctx context.Context, kind sales.PlanKind, period string) (sales.Plan, error)
	ListPlans(ctx context.Context, year string) ([]sales.Plan, error)
	PublishPlan(ctx context.Context, kind sales.PlanKind, period string, by string, at time.Time) (sales.Publication, error)
	PlanPreview(ctx context.Context, kind sales.PlanKind, period string) (sales.PlanFigures, error)
}

// planStoreOf returns the PlanStore behind a ReportService, if it has one.
func planStoreOf(rs ReportService) (PlanStore, bool) {
	switch s := rs.(type) {
	case PlanStore:
		return s, true
	case reportService:
		p, ok := s.ReportStore.(PlanStore)
		return p, ok
	}
	return nil, false
}

// planAPI serves the planning routes.
type planAPI struct {
	*api
	plans PlanStore
}

// planRoutes mounts the planning routes.
func (a *api) planRoutes(r chi.Router, store PlanStore) {
	p := planAPI{api: a, plans: store}
	r.Get("/targets/splits", p.splits)
	r.Get("/targets/split", p.split)
	r.With(a.allow(sales.PermSplitTargets)).Post("/targets/split", p.splitTarget)
	r.Get("/focus/{month}/markets", p.marketFocus)
	r.Get("/plans", p.listPlans)
	r.Get("/plans/{kind}/{period}", p.getPlan)
	r.With(a.allow(sales.PermSavePlan)).Put("/plans/{kind}/{period}", p.savePlan)
	r.With(a.allow(sales.PermPublishPlan)).Get("/plans/{kind}/{period}/preview", p.preview)
	r.With(a.allow(sales.PermPublishPlan)).Post("/plans/{kind}/{period}/publish", p.publish)
}

// targetPeriod reads a target period (period=, or month=) defaulting to
// the current month.
func (a *api) targetPeriod(q *params) string {
	s := q.text("period")
	if s == "" {
		return q.month("month", sales.MonthOf(a.now()))
	}
	if !sales.ValidTargetPeriod(s) {
		q.p.Add("period", "must be a month like 2026-03, a quarter like 2026-Q1 or a year like 2026")
	}
	return s
}

// splits lists the targets the user splits for a period, with their
// children's: an MM's markets, a UM's or KAM's own; every market's for
// everyone else.
func (p planAPI) splits(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "period", "month")
	period := p.targetPeriod(q)
	if err := q.err(); err != nil {
		p.fail(w, r, err)
		return
	}
	list, err := p.plans.SplitsOf(r.Context(), period, userOf(r))
	p.reply(w, r, http.StatusOK, nonNil(list), err)
}

// split shows one target with its children's. The FSF see the splits of
// their own line only.
func (p planAPI) split(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "period", "month", "dimension", "key")
	period := p.targetPeriod(q)
	d := sales.TargetDimension(q.oneOf("dimension", "", string(sales.ByMarket), string(sales.ByUM), string(sales.ByKAM)))
	key := q.text("key")
	if key == "" {
		q.p.Add("key", "is required: a market code or a user id")
	}
	if d == "" {
		q.p.Add("dimension", "is required: market, um or kam")
	}
	if err := q.err(); err != nil {
		p.fail(w, r, err)
		return
	}
	if err := p.mayReadSplit(r, d, key); err != nil {
		p.fail(w, r, err)
		return
	}
	v, err := p.plans.TargetSplit(r.Context(), period, d, key)
	p.reply(w, r, http.StatusOK, v, err)
}

// mayReadSplit refuses an FSF user a split outside their line: a market's
// is its MM's, a UM's or KAM's is theirs and their managers'.
func (p planAPI) mayReadSplit(r *http.Request, d sales.TargetDimension, key string) error {
	u := userOf(r)
	if u.Role != sales.RoleFSF {
		return nil
	}
	if d == sales.ByMarket {
		splits, err := p.plans.SplitsOf(r.Context(), sales.MonthOf(p.now()), u)
		if err != nil {
			return err
		}
		for _, s := range splits {
			if s.Parent.Dimension == sales.ByMarket && s.Parent.Key == key {
				return nil
			}
		}
		return sales.Errorf(sales.ErrForbidden, "only the MM of market %s sees its split", key)
	}
	scope, err := p.scopeOf(r)
	if err != nil {
		return err
	}
	if !scope.Allows(key) {
		return sales.Errorf(sales.ErrForbidden, "%s is not in your line", key)
	}
	return nil
}

// splitTarget splits the user's own target among their reports or
// distributors; the shares must add up to it.
func (p planAPI) splitTarget(w http.ResponseWriter, r *http.Request) {
	var req sales.SplitRequest
	if err := decode(r, &req); err != nil {
		p.fail(w, r, err)
		return
	}
	if err := req.Validate().Err("invalid split"); err != nil {
		p.fail(w, r, err)
		return
	}
	v, err := p.plans.SplitTarget(r.Context(), req, userOf(r), p.now())
	p.reply(w, r, http.StatusOK, v, err)
}

// marketFocus lists each market's focus of a month.
func (p planAPI) marketFocus(w http.ResponseWriter, r *http.Request) {
	month, err := pathMonth(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	list, err := p.plans.MarketFocus(r.Context(), month)
	p.reply(w, r, http.StatusOK, nonNil(list), err)
}

// planPath reads the plan's kind and period from the path.
func planPath(r *http.Request) (sales.PlanKind, string, error) {
	kind, period := sales.PlanKind(chi.URLParam(r, "kind")), chi.URLParam(r, "period")
	return kind, period, kind.CheckPeriod(period)
}

// readable is the plan as u may read it: whoever may not save plans sees
// only what was published.
func readable(u sales.User, pl sales.Plan) (sales.Plan, bool) {
	if u.May(sales.PermSavePlan) {
		return pl, true
	}
	if pl.Figures == nil {
		return sales.Plan{}, false
	}
	pl.Text = pl.Figures.Text
	return pl, true
}

// listPlans lists the plans of a year (year=, this year by default).
func (p planAPI) listPlans(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "year")
	year := q.text("year")
	if year == "" {
		year = sales.MonthOf(p.now())[:4]
	} else if sales.PeriodKindOf(year) != sales.PeriodYear {
		q.p.Add("year", "must be a year like 2026")
	}
	if err := q.err(); err != nil {
		p.fail(w, r, err)
		return
	}
	list, err := p.plans.ListPlans(r.Context(), year)
	out := []sales.Plan{}
	for _, pl := range list {
		if pl, ok := readable(userOf(r), pl); ok {
			out = append(out, pl)
		}
	}
	p.reply(w, r, http.StatusOK, out, err)
}

// getPlan returns one plan; a draft only to those who may save it.
func (p planAPI) getPlan(w http.ResponseWriter, r *http.Request) {
	kind, period, err := planPath(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pl, err := p.plans.Plan(r.Context(), kind, period)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pl, ok := readable(userOf(r), pl)
	if !ok {
		p.fail(w, r, sales.Errorf(sales.ErrNotFound, "the %s plan %s is not published yet", kind, period))
		return
	}
	writeJSON(w, http.StatusOK, pl)
}

// savePlan saves a plan's text as a draft.
func (p planAPI) savePlan(w http.ResponseWriter, r *http.Request) {
	var d sales.PlanDraft
	if err := decode(r, &d); err != nil {
		p.fail(w, r, err)
		return
	}
	kind, period, err := planPath(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d.Normalize()
	if err := d.Validate().Err("invalid plan"); err != nil {
		p.fail(w, r, err)
		return
	}
	pl, err := p.plans.SavePlan(r.Context(), kind, period, d, actorOf(r).UserID, p.now())
	p.reply(w, r, http.StatusOK, pl, err)
}

// publish publishes a plan as it stands: its markets' targets (and for a
// month their focus) are frozen and each market's SSG and FSF told; the
// same content again tells nobody twice.
func (p planAPI) publish(w http.ResponseWriter, r *http.Request) {
	kind, period, err := planPath(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pub, err := p.plans.PublishPlan(r.Context(), kind, period, actorOf(r).UserID, p.now())
	p.reply(w, r, http.StatusOK, pub, err)
}

// preview shows what publishing the plan now would freeze and whom it would
// tell, without publishing.
func (p planAPI) preview(w http.ResponseWriter, r *http.Request) {
	kind, period, err := planPath(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	f, err := p.plans.PlanPreview(r.Context(), kind, period)
	p.reply(w, r, http.StatusOK, f, err)
}
