package sales

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Planning (DOMAIN.md "Monthly coordination"): the SLT sets the annual plan
// in January, the quarterly plans in the first month of each quarter, and
// around the 6th publishes each market's targets and focus for the month;
// the FSF splits every target down MM → UM → KAM → distributor.

// PeriodKind is how long a target's period is.
type PeriodKind string

// The kinds of target period.
const (
	PeriodMonth   PeriodKind = "month"   // 2026-03
	PeriodQuarter PeriodKind = "quarter" // 2026-Q1
	PeriodYear    PeriodKind = "year"    // 2026
)

var (
	quarterPattern = regexp.MustCompile(`^[0-9]{4}-Q[1-4]$`)
	yearPattern    = regexp.MustCompile(`^[0-9]{4}$`)
)

// PeriodKindOf returns the kind of a target period, or "" when s is none.
func PeriodKindOf(s string) PeriodKind {
	switch {
	case ValidMonth(s):
		return PeriodMonth
	case quarterPattern.MatchString(s):
		return PeriodQuarter
	case yearPattern.MatchString(s) && s >= "2000":
		return PeriodYear
	}
	return ""
}

// ValidTargetPeriod reports whether s is a month (2026-03), a quarter
// (2026-Q1) or a year (2026).
func ValidTargetPeriod(s string) bool { return PeriodKindOf(s) != "" }

// TargetPeriod returns the days a target period covers in Beijing time.
func TargetPeriod(s string) (Period, error) {
	switch PeriodKindOf(s) {
	case PeriodMonth:
		return MonthPeriod(s)
	case PeriodQuarter:
		year, _ := strconv.Atoi(s[:4])
		q := int(s[6] - '0')
		from := time.Date(year, time.Month(3*q-2), 1, 0, 0, 0, 0, Beijing)
		return Period{From: from, To: from.AddDate(0, 3, 0)}, nil
	case PeriodYear:
		year, _ := strconv.Atoi(s)
		from := time.Date(year, 1, 1, 0, 0, 0, 0, Beijing)
		return Period{From: from, To: from.AddDate(1, 0, 0)}, nil
	}
	return Period{}, Errorf(ErrInvalid, "period %q must be a month like 2026-03, a quarter like 2026-Q1 or a year like 2026", s)
}

// PeriodMonths lists the months of a target period, in order.
func PeriodMonths(s string) []string {
	p, err := TargetPeriod(s)
	if err != nil {
		return nil
	}
	var out []string
	for m := p.From; m.Before(p.To); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}

// Figures are a target's or an actual's sales, collections and units.
type Figures struct {
	Currency    Currency `json:"currency"`
	Sales       Fen      `json:"sales_fen"`
	Collections Fen      `json:"collections_fen"`
	Units       int64    `json:"units"`
}

// Add adds o's figures to f.
func (f *Figures) Add(o Figures) {
	f.Sales += o.Sales
	f.Collections += o.Collections
	f.Units += o.Units
}

// Zero reports whether every figure is zero.
func (f Figures) Zero() bool { return f.Sales == 0 && f.Collections == 0 && f.Units == 0 }

// Equal reports whether f and o have the same figures (the currency aside).
func (f Figures) Equal(o Figures) bool {
	return f.Sales == o.Sales && f.Collections == o.Collections && f.Units == o.Units
}

// SplitState is how far a target is split one level down.
type SplitState string

// The states of a split.
const (
	SplitNone       SplitState = "none"       // no child has a target
	SplitIncomplete SplitState = "incomplete" // the children's targets do not add up to the parent's
	SplitComplete   SplitState = "complete"   // they add up exactly
)

// SplitStateOf compares the parent's figures with the sum of its children's.
func SplitStateOf(parent, children Figures, anyChild bool) SplitState {
	switch {
	case !anyChild:
		return SplitNone
	case parent.Equal(children):
		return SplitComplete
	}
	return SplitIncomplete
}

// ChildDimension is the dimension a target of d is split to: a market's to
// its MM's UMs, a UM's to their KAMs, a KAM's to their distributors; "" when
// d is not split.
func (d TargetDimension) ChildDimension() TargetDimension {
	switch d {
	case ByMarket:
		return ByUM
	case ByUM:
		return ByKAM
	case ByKAM:
		return ByDistributor
	}
	return ""
}

// SplitRequest splits the target of Parent for Period among its children:
// the UMs of the market's MM, the KAMs of a UM, the distributors of a KAM.
// The children's figures must add up to the parent's.
type SplitRequest struct {
	Period    string          `json:"period"`
	Dimension TargetDimension `json:"dimension"` // the parent's: market, um or kam
	Key       string          `json:"key"`
	Targets   []SplitEntry    `json:"targets"`
}

// SplitEntry is one child's share of a split.
type SplitEntry struct {
	Key         string `json:"key"` // user id or customer id
	Sales       Fen    `json:"sales_fen"`
	Collections Fen    `json:"collections_fen"`
	Units       int64  `json:"units"`
}

// Validate reports every problem of the request's shape at once; the sums
// are checked against the parent's target by CheckSplit.
func (r SplitRequest) Validate() Problems {
	var p Problems
	if !ValidTargetPeriod(r.Period) {
		p.Add("period", "must be a month like 2026-03, a quarter like 2026-Q1 or a year like 2026")
	}
	if r.Dimension.ChildDimension() == "" {
		p.Add("dimension", "must be market, um or kam: the target that is split")
	}
	p.Text("key", r.Key, MaxCode, true)
	if len(r.Targets) == 0 || len(r.Targets) > 1000 {
		p.Add("targets", "give 1–1000 targets")
	}
	seen := map[string]bool{}
	for i, t := range r.Targets {
		f := fmt.Sprintf("targets[%d]", i)
		if why := TextProblem(t.Key, MaxCode, true); why != "" {
			p.Add(f+".key", "%s", why)
		} else if seen[t.Key] {
			p.Add(f+".key", "%s appears twice", t.Key)
		}
		seen[t.Key] = true
		if t.Sales < 0 {
			p.Add(f+".sales_fen", "must not be negative")
		}
		if t.Collections < 0 {
			p.Add(f+".collections_fen", "must not be negative")
		}
		if t.Units < 0 {
			p.Add(f+".units", "must not be negative")
		}
	}
	return p
}

// Sum adds up the children's figures.
func (r SplitRequest) Sum() Figures {
	var s Figures
	for _, t := range r.Targets {
		s.Add(Figures{Sales: t.Sales, Collections: t.Collections, Units: t.Units})
	}
	return s
}

// CheckSplit refuses a split whose children do not add up to the parent's
// target, naming both figures of each sum that differs.
func CheckSplit(parent Target, r SplitRequest) Problems {
	var p Problems
	sum := r.Sum()
	what := fmt.Sprintf("the target of %s %s for %s", r.Dimension, r.Key, r.Period)
	if sum.Sales != parent.Sales {
		p.Add("targets.sales_fen", "the shares add up to %s %s, %s is %s %s: they must be equal",
			sum.Sales, parent.Currency, what, parent.Sales, parent.Currency)
	}
	if sum.Collections != parent.Collections {
		p.Add("targets.collections_fen", "the shares add up to %s %s, %s is %s %s: they must be equal",
			sum.Collections, parent.Currency, what, parent.Collections, parent.Currency)
	}
	if sum.Units != parent.Units {
		p.Add("targets.units", "the shares add up to %d units, %s is %d units: they must be equal",
			sum.Units, what, parent.Units)
	}
	return p
}

// TargetSplit is a target with its children's: what the owner of the target
// splits, and how far the split adds up.
type TargetSplit struct {
	Period         string          `json:"period"`
	Parent         Target          `json:"parent"`
	ParentName     string          `json:"parent_name"`
	ChildDimension TargetDimension `json:"child_dimension"`
	Children       []SplitChild    `json:"children"`
	Sum            Figures         `json:"sum"`
	State          SplitState      `json:"state"`
	HasTarget      bool            `json:"has_target"` // the parent's target is set
}

// SplitChild is one child of a split: a UM, a KAM or a distributor, with its
// target (zero figures when none is set).
type SplitChild struct {
	Key     string  `json:"key"`
	Name    string  `json:"name"`
	Figures Figures `json:"figures"`
	Set     bool    `json:"set"`
}

// PlanKind is the kind of a plan.
type PlanKind string

// The kinds of plan: the annual plan in January, the quarterly plans in the
// first month of each quarter, and each month's targets and focus.
const (
	PlanAnnual    PlanKind = "annual"
	PlanQuarterly PlanKind = "quarterly"
	PlanMonthly   PlanKind = "monthly"
)

// PlanKinds lists the kinds from the longest.
var PlanKinds = []PlanKind{PlanAnnual, PlanQuarterly, PlanMonthly}

// PeriodKind is the kind of period a plan of k covers.
func (k PlanKind) PeriodKind() PeriodKind {
	switch k {
	case PlanAnnual:
		return PeriodYear
	case PlanQuarterly:
		return PeriodQuarter
	case PlanMonthly:
		return PeriodMonth
	}
	return ""
}

// CheckPeriod returns a not-found error unless period is a period of k (a
// year for the annual plan, a quarter, a month).
func (k PlanKind) CheckPeriod(period string) error {
	pk := k.PeriodKind()
	if pk == "" {
		return Errorf(ErrNotFound, "there is no %q plan: annual, quarterly or monthly", string(k))
	}
	if PeriodKindOf(period) != pk {
		return Errorf(ErrNotFound, "a %s plan is for a %s, not %q", k, pk, period)
	}
	return nil
}

// PlanDraft is the text of a plan as the SLT saves it before publishing.
type PlanDraft struct {
	Text string `json:"text"`
}

// MaxPlanText bounds a plan's text.
const MaxPlanText = 20000

// Normalize trims the text.
func (d *PlanDraft) Normalize() { d.Text = strings.TrimSpace(d.Text) }

// Validate reports every problem of the draft at once.
func (d PlanDraft) Validate() Problems {
	var p Problems
	if len(d.Text) > MaxPlanText*4 {
		p.Add("text", "must be at most %d characters", MaxPlanText)
	} else if why := TextProblem(strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(d.Text), MaxPlanText, false); why != "" {
		p.Add("text", "%s", why)
	}
	return p
}

// Plan is the annual, a quarterly or a monthly plan: its text and, once
// published, what was published.
type Plan struct {
	Kind        PlanKind     `json:"kind"`
	Period      string       `json:"period"`
	Text        string       `json:"text"`
	SavedBy     string       `json:"saved_by"`
	SavedAt     time.Time    `json:"saved_at"`
	Version     int          `json:"version"` // publications that changed something; 0: a draft
	PublishedBy string       `json:"published_by,omitempty"`
	PublishedAt *time.Time   `json:"published_at,omitempty"`
	Figures     *PlanFigures `json:"figures,omitempty"` // frozen at the last publication
}

// PlanFigures are what a publication froze: each market's targets for the
// plan's period and, for a month, its focus.
type PlanFigures struct {
	Text    string       `json:"text"`
	Markets []PlanMarket `json:"markets"`
	Focus   *FocusItems  `json:"focus,omitempty"` // the whole department's, when set
}

// PlanMarket is one market's part of a publication.
type PlanMarket struct {
	Market string      `json:"market"`
	Name   string      `json:"name"`
	Target *Figures    `json:"target,omitempty"` // nil: no target set
	Focus  *FocusItems `json:"focus,omitempty"`  // nil: no focus of its own
	Notify []string    `json:"notify"`           // the market's SSG and FSF, told of it
}

// Publication is the answer to publishing a plan: the plan, whether this
// call published something new, and the notifications it wrote.
type Publication struct {
	Plan          Plan           `json:"plan"`
	Changed       bool           `json:"changed"` // false: the same content was published already; nobody is told again
	Notifications []Notification `json:"notifications"`
}

// NotificationPlanPublished is the kind of the notifications of a publication.
const NotificationPlanPublished = "plan_published"

// PlanNotifications are the notifications of a plan's publication: each
// market's SSG and FSF are told of that market's part, someone in several
// markets once with all of theirs. Keys carry the plan and its version, so
// writing them again does nothing and only a changed publication tells
// people again.
func PlanNotifications(p Plan, at time.Time) []Notification {
	if p.Figures == nil {
		return nil
	}
	var order []string
	lines := map[string][]string{}
	for _, m := range p.Figures.Markets {
		for _, id := range m.Notify {
			if _, ok := lines[id]; !ok {
				order = append(order, id)
			}
			lines[id] = append(lines[id], marketLines(m)...)
		}
	}
	subject := planSubject(p)
	out := make([]Notification, 0, len(order))
	for _, id := range order {
		out = append(out, Notification{Key: fmt.Sprintf("plan/%s/%s/v%d/%s", p.Kind, p.Period, p.Version, id),
			RecipientID: id, Kind: NotificationPlanPublished, Subject: subject, Body: planBody(p, lines[id]), At: at})
	}
	return out
}

func planSubject(p Plan) string {
	switch p.Kind {
	case PlanAnnual:
		return fmt.Sprintf("%s 年度计划已发布 / the annual plan %s is published", p.Period, p.Period)
	case PlanQuarterly:
		return fmt.Sprintf("%s 季度计划已发布 / the quarterly plan %s is published", p.Period, p.Period)
	}
	return fmt.Sprintf("%s 月度目标与重点已发布 / the targets and focus of %s are published", p.Period, p.Period)
}

func planBody(p Plan, lines []string) string {
	var b strings.Builder
	if p.Figures.Text != "" {
		b.WriteString(p.Figures.Text)
		b.WriteString("\n\n")
	}
	if f := p.Figures.Focus; f != nil {
		fmt.Fprintf(&b, "部门重点 department focus: %s; %s\n", f.Main, strings.Join(f.Secondary, "; "))
	}
	b.WriteString(strings.Join(lines, "\n"))
	return strings.TrimSpace(b.String())
}

func marketLines(m PlanMarket) []string {
	var out []string
	if t := m.Target; t != nil {
		out = append(out, fmt.Sprintf("%s: 销售 sales %s %s, 回款 collections %s %s, 数量 units %d",
			m.Market, t.Sales, t.Currency, t.Collections, t.Currency, t.Units))
	} else {
		out = append(out, m.Market+": 未设目标 no target")
	}
	if f := m.Focus; f != nil {
		out = append(out, fmt.Sprintf("  重点 focus: %s; 次要 secondary: %s", f.Main, strings.Join(f.Secondary, "; ")))
	}
	return out
}
