package console

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// The plans page: a period's targets by market with the split-down view of
// the signed-in person's level (an MM's markets to their UMs, a UM's target
// to their KAMs, a KAM's to their distributors, every market's for the
// SLT and the SSG), the SLT's forms for the markets' targets and focus, the
// month's publication with whom it tells, and the annual and quarterly
// plans. Reads and writes go through the JSON API as the viewer.

func init() { pageNames = append(pageNames, "plans") }

// planRoutes mounts the plans page and its forms.
func (con *console) planRoutes(r chi.Router) {
	r.Get("/plans", con.plansPage)
	r.Post("/plans/act/{action}", con.planAct)
}

// plansData is what the plans page shows.
type plansData struct {
	Period      string
	PeriodError string
	IsMonth     bool
	Year        string
	Splits      []sales.TargetSplit
	Focus       []sales.FocusItems
	Markets     []sales.Market
	Monthly     *sales.Plan        // the month's plan, once saved or published
	Preview     *sales.PlanFigures // what publishing now would freeze and tell, for the SLT
	Plans       []sales.Plan       // the year's annual and quarterly plans
	Forms       map[string]*form
	Done        string
}

// Form is the form of action name (nil when the viewer may not take it).
func (d plansData) Form(name string) *form { return d.Forms[name] }

// SplitForm is the form that splits s (nil when it is not the viewer's).
func (d plansData) SplitForm(s sales.TargetSplit) *form { return d.Forms[splitAction(s)] }

// FocusOf is a market's focus of the month (nil: none yet).
func (d plansData) FocusOf(market string) *sales.FocusItems {
	for i := range d.Focus {
		if d.Focus[i].Market == market {
			return &d.Focus[i]
		}
	}
	return nil
}

// Published is the month's plan when it has been published.
func (d plansData) Published() *sales.Plan {
	if d.Monthly != nil && d.Monthly.Figures != nil {
		return d.Monthly
	}
	return nil
}

// splitAction names the form that splits s: split-<dimension>-<key>.
func splitAction(s sales.TargetSplit) string {
	return "split-" + string(s.Parent.Dimension) + "-" + s.Parent.Key
}

// planActions are the page's forms besides the splits, with the
// permission each needs.
var planActions = map[string]sales.Permission{
	"target":       sales.PermSetTargets,
	"focus":        sales.PermSetFocus,
	"publish":      sales.PermPublishPlan,
	"plan":         sales.PermSavePlan,
	"publish-plan": sales.PermPublishPlan,
}

// plansPage shows the plans of a period (?period=2026-12, 2026-Q4 or 2026;
// the current month by default).
func (con *console) plansPage(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	q := r.URL.Query()
	d := plansData{Period: strings.TrimSpace(q.Get("period")), Done: q.Get("done")}
	status := http.StatusOK
	if d.Period != "" && !sales.ValidTargetPeriod(d.Period) {
		d.PeriodError = langOf(r).text("plan.bad_period")
		status = http.StatusUnprocessableEntity
	}
	con.showPlans(w, r, v, status, d, nil)
}

// showPlans reads and renders the plans page with status; f is a refused
// form to show as typed (nil: none).
func (con *console) showPlans(w http.ResponseWriter, r *http.Request, v Viewer, status int, d plansData, f *form) {
	if d.Period == "" || d.PeriodError != "" {
		d.Period = sales.MonthOf(con.now())
	}
	d.IsMonth = sales.ValidMonth(d.Period)
	d.Year = d.Period[:4]
	if _, ok := planActions[d.Done]; !ok && d.Done != "split" {
		d.Done = ""
	}
	seg := url.PathEscape
	if err := con.call(r, http.MethodGet, "/v1/targets/splits?period="+url.QueryEscape(d.Period), nil, &d.Splits); err != nil {
		con.failWith(w, r, err)
		return
	}
	var err error
	if d.Markets, err = con.store.Markets(r.Context()); err != nil {
		con.failWith(w, r, err)
		return
	}
	if d.IsMonth {
		if err := con.call(r, http.MethodGet, "/v1/focus/"+seg(d.Period)+"/markets", nil, &d.Focus); err != nil {
			con.failWith(w, r, err)
			return
		}
		var monthly sales.Plan
		switch err := con.call(r, http.MethodGet, "/v1/plans/monthly/"+seg(d.Period), nil, &monthly); sales.ErrorCode(err) {
		case "":
			d.Monthly = &monthly
		case sales.ErrNotFound:
		default:
			con.failWith(w, r, err)
			return
		}
	}
	var plans []sales.Plan
	if err := con.call(r, http.MethodGet, "/v1/plans?year="+url.QueryEscape(d.Year), nil, &plans); err != nil {
		con.failWith(w, r, err)
		return
	}
	for _, p := range plans {
		if p.Kind != sales.PlanMonthly {
			d.Plans = append(d.Plans, p)
		}
	}
	d.Forms = map[string]*form{}
	for name, perm := range planActions {
		if v.User.May(perm) && (d.IsMonth || name == "target" || name == "plan" || name == "publish-plan") {
			d.Forms[name] = &form{Action: name}
		}
	}
	if v.User.May(sales.PermSplitTargets) {
		for _, s := range d.Splits {
			if s.HasTarget {
				d.Forms[splitAction(s)] = &form{Action: splitAction(s)}
			}
		}
	}
	if f != nil {
		d.Forms[f.Action] = f
	}
	if d.Forms["publish"] != nil {
		var preview sales.PlanFigures
		if err := con.call(r, http.MethodGet, "/v1/plans/monthly/"+seg(d.Period)+"/preview", nil, &preview); err != nil {
			con.failWith(w, r, err)
			return
		}
		d.Preview = &preview
	}
	con.render(w, r, status, "plans", langOf(r).text("plan.title"), d)
}

// planAct runs a form of the plans page through the API.
func (con *console) planAct(w http.ResponseWriter, r *http.Request) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	action := chi.URLParam(r, "action")
	perm, known := planActions[action]
	if strings.HasPrefix(action, "split-") {
		perm, known = sales.PermSplitTargets, true
	}
	if !known {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	pf := r.PostForm
	if strings.HasPrefix(action, "split-") { // the path may carry the market's name escaped
		action = "split-" + pf.Get("dimension") + "-" + pf.Get("key")
	}
	f := &form{Action: action, Values: pf}
	d := plansData{Period: strings.TrimSpace(pf.Get("period"))}
	if !sales.ValidTargetPeriod(d.Period) {
		d.Period = ""
	}
	method, path, body, problems := planCall(action, d.Period, pf)
	if len(problems) > 0 {
		f.Errors = map[string]string{}
		for _, p := range problems {
			f.Errors[p.Field] = langOf(r).text(p.Message)
		}
		con.showPlans(w, r, v, http.StatusUnprocessableEntity, d, f)
		return
	}
	if err := con.call(r, method, path, body, nil); err != nil {
		status := con.refusal(err, f)
		switch {
		case status >= 500:
			con.failWith(w, r, err)
			return
		case status == http.StatusForbidden && !v.User.May(perm):
			con.fail(w, r, status, "error.forbidden") // a form the page never offered
			return
		}
		f.Errors = planFields(f)
		if status == http.StatusNotFound {
			status = http.StatusUnprocessableEntity
		}
		con.showPlans(w, r, v, status, d, f)
		return
	}
	done := action
	if strings.HasPrefix(action, "split-") {
		done = "split"
	}
	back := url.Values{"done": {done}}
	if d.Period != "" {
		back.Set("period", d.Period)
	}
	http.Redirect(w, r, "/plans?"+back.Encode()+"#"+f.ID(), http.StatusSeeOther)
}

// planCall turns a posted form into its API call. Problems are the form's
// own (an amount or number that is not one): their messages are catalogue
// keys.
func planCall(action, period string, f url.Values) (method, path string, body any, p sales.Problems) {
	seg := url.PathEscape
	figures := func(suffix string) (sales.Fen, sales.Fen, int64) {
		s, ok := parseYuan(f.Get("sales" + suffix))
		if !ok {
			p.Add("sales"+suffix, "plan.bad_amount")
		}
		c, ok := parseYuan(f.Get("collections" + suffix))
		if !ok {
			p.Add("collections"+suffix, "plan.bad_amount")
		}
		u, ok := wholeNumber(f.Get("units" + suffix))
		if !ok {
			p.Add("units"+suffix, "plan.bad_units")
		}
		return s, c, u
	}
	switch action {
	case "target":
		s, c, u := figures("")
		return http.MethodPut, "/v1/targets", sales.TargetRequest{Period: period, Targets: []sales.TargetEntry{{
			Dimension: sales.ByMarket, Key: strings.TrimSpace(f.Get("market")), Sales: s, Collections: c, Units: u}}}, p
	case "focus":
		return http.MethodPut, "/v1/focus/" + seg(period), sales.FocusRequest{Market: f.Get("market"), Main: f.Get("main"),
			Secondary: []string{f.Get("secondary1"), f.Get("secondary2")}}, p
	case "publish":
		return http.MethodPost, "/v1/plans/monthly/" + seg(period) + "/publish", nil, p
	case "plan":
		return http.MethodPut, "/v1/plans/" + seg(f.Get("kind")) + "/" + seg(strings.TrimSpace(f.Get("plan_period"))),
			sales.PlanDraft{Text: f.Get("text")}, p
	case "publish-plan":
		return http.MethodPost, "/v1/plans/" + seg(f.Get("kind")) + "/" + seg(f.Get("plan_period")) + "/publish", nil, p
	}
	// split-<dimension>-<key>: one row per child.
	req := sales.SplitRequest{Period: period, Dimension: sales.TargetDimension(f.Get("dimension")), Key: f.Get("key")}
	n, _ := strconv.Atoi(f.Get("children"))
	for i := range min(n, 1000) {
		suffix := "-" + strconv.Itoa(i)
		s, c, u := figures(suffix)
		req.Targets = append(req.Targets, sales.SplitEntry{Key: f.Get("child" + suffix), Sales: s, Collections: c, Units: u})
	}
	return http.MethodPost, "/v1/targets/split", req, p
}

// planFields renames the API's fields of a refusal to the plan forms': a
// split's sums are said above its table, a target's fields at theirs.
func planFields(f *form) map[string]string {
	out := map[string]string{}
	var sums []string
	for api, msg := range f.Errors {
		switch {
		case strings.HasPrefix(api, "targets.") || api == "targets" || (api == "key" && strings.HasPrefix(f.Action, "split-")):
			sums = append(sums, msg)
		case strings.HasSuffix(api, ".sales_fen"):
			out["sales"] = msg
		case strings.HasSuffix(api, ".collections_fen"):
			out["collections"] = msg
		case strings.HasSuffix(api, ".units"):
			out["units"] = msg
		case strings.HasSuffix(api, ".key"):
			if strings.HasPrefix(f.Action, "split-") {
				sums = append(sums, msg)
			} else {
				out["market"] = msg
			}
		case api == "secondary" || strings.HasPrefix(api, "secondary["):
			out["secondary1"] = msg
		case api == "period" || api == "month":
			out["period"] = msg
		default:
			out[api] = msg
		}
	}
	if len(sums) > 0 {
		slices.Sort(sums)
		f.Message = strings.Join(sums, " ")
	}
	return out
}

// SplitRows are the rows of a split's form: each child with what the form
// shows in its fields.
func (d plansData) SplitRows(s sales.TargetSplit) []splitRow {
	f := d.SplitForm(s)
	out := make([]splitRow, len(s.Children))
	for i, c := range s.Children {
		suffix := "-" + strconv.Itoa(i)
		row := splitRow{N: i, Child: c, Sales: yuanInput(c.Figures.Sales), Collections: yuanInput(c.Figures.Collections),
			Units: strconv.FormatInt(c.Figures.Units, 10)}
		if f != nil && f.Values != nil {
			row.Sales, row.Collections, row.Units = f.Val("sales"+suffix, ""), f.Val("collections"+suffix, ""), f.Val("units"+suffix, "")
		}
		if f != nil {
			row.Error = strings.TrimSpace(f.Err("sales"+suffix) + " " + f.Err("collections"+suffix) + " " + f.Err("units"+suffix))
		}
		out[i] = row
	}
	return out
}

// splitRow is one child's row of a split form.
type splitRow struct {
	N                         int
	Child                     sales.SplitChild
	Sales, Collections, Units string
	Error                     string
}

// Field names a row's field: sales-0.
func (r splitRow) Field(name string) string { return fmt.Sprintf("%s-%d", name, r.N) }
