package starter

import (
	"context"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/sales"
	"osb/workflows"
)

// ReportService is what the API needs for the information system: OSB
// problem log, reports, exports, targets and focus, meeting packs.
type ReportService interface {
	ReportStore
	// RunPack generates a meeting pack now and returns it when it is stored
	// within wait; otherwise done is false and the run goes on.
	RunPack(ctx context.Context, in workflows.MeetingPackInput, wait time.Duration) (run PackRun, rec sales.PackRecord, done bool, err error)
}

// ReportStore is the part of the ReportService the store answers.
type ReportStore interface {
	FileProblem(ctx context.Context, f sales.ProblemFiling) (sales.Problem, error)
	UpdateProblem(ctx context.Context, number string, u sales.ProblemUpdate, by sales.Actor, at time.Time) (sales.Problem, error)
	Problem(ctx context.Context, number string) (sales.Problem, error)
	ListProblems(ctx context.Context, f sales.ProblemFilter) ([]sales.Problem, error)
	ProblemsToReview(ctx context.Context, month sales.Period, scope sales.Scope) ([]sales.Problem, error)

	CreditRatings(ctx context.Context, f sales.ReportFilter) ([]sales.CreditRatingRow, error)
	ShipmentInfo(ctx context.Context, f sales.ReportFilter) ([]sales.ShipmentInfoRow, error)
	Replenishment(ctx context.Context, f sales.ReportFilter) ([]sales.ReplenishmentRow, error)
	Receivables(ctx context.Context, f sales.ReportFilter) ([]sales.ReceivableEntry, error)
	Ageing(ctx context.Context, f sales.ReportFilter, group string) ([]sales.AgeingRow, error)
	DSO(ctx context.Context, f sales.ReportFilter) ([]sales.DSORow, error)
	TargetReport(ctx context.Context, month string, scope sales.Scope) ([]sales.TargetRow, error)
	Reach(ctx context.Context, f sales.ReportFilter) ([]sales.ReachRow, error)

	SetTargets(ctx context.Context, r sales.TargetRequest, by string, at time.Time) ([]sales.Target, error)
	Targets(ctx context.Context, month string, scope sales.Scope) ([]sales.Target, error)
	SetFocus(ctx context.Context, month string, r sales.FocusRequest, by string, at time.Time) (sales.FocusItems, error)
	Focus(ctx context.Context, month string) (sales.FocusItems, error)

	ListPacks(ctx context.Context, f sales.PackFilter) ([]sales.PackRecord, error)
	Pack(ctx context.Context, id int64) (sales.PackRecord, error)
	PackWorkbook(ctx context.Context, id int64) (sales.PackRecord, []byte, error)
}

// reportRoutes mounts the routes of the information system: OSB problem log, reports, exports, meeting packs.
func (a *api) reportRoutes(r chi.Router) {
	r.Get("/problems", a.listProblems)
	r.With(a.allow(sales.PermFileProblem)).Post("/problems", a.fileProblem)
	r.Get("/problems/review", a.reviewProblems)
	r.Get("/problems/{number}", a.getProblem)
	r.With(a.allow(sales.PermFileProblem)).Patch("/problems/{number}", a.updateProblem)

	r.Get("/reports/credit-ratings", a.creditRatings)
	r.Get("/reports/shipment-info", a.shipmentInfo)
	r.Get("/reports/replenishment", a.replenishment)
	r.Get("/reports/receivables", a.receivables)
	r.Get("/reports/ageing", a.ageing)
	r.Get("/reports/dso", a.dso)
	r.Get("/reports/targets", a.targetReport)
	r.Get("/reports/reach", a.reach)

	r.Get("/targets", a.targets)
	r.With(a.allow(sales.PermSetTargets)).Put("/targets", a.setTargets)
	r.Get("/focus/{month}", a.focus)
	r.With(a.allow(sales.PermSetFocus)).Put("/focus/{month}", a.setFocus)
	if plans, ok := planStoreOf(a.reports); ok {
		a.planRoutes(r, plans)
	}

	r.With(a.allow(sales.PermReadPacks)).Get("/packs", a.listPacks)
	r.With(a.allow(sales.PermRunPack)).Post("/packs", a.runPack)
	r.With(a.allow(sales.PermReadPacks)).Get("/packs/{id}", a.getPack)
}

// report is the answer of a report route: rows as JSON, or laid out as a
// table for a download.
type report struct {
	name  string // the download's file name, without extension
	rows  any
	table func() sales.Table
}

// reportQuery is what a report is asked for.
type reportQuery struct {
	sales.ReportFilter
	groupBy string // the ageing's grouping
}

// readReportQuery reads the query of a report, every mistake at once: the
// period (month=, or from= and to=; the current month by default), the as-of
// day (as_of=; now by default), a customer, a market, the format, and
// group_by= for the routes that group. The scope is the user's.
func (a *api) readReportQuery(r *http.Request, grouped bool) (reportQuery, error) {
	known := []string{"month", "from", "to", "as_of", "customer_id", "market", "format"}
	if grouped {
		known = append(known, "group_by")
	}
	q := newParams(r, known...)
	now := a.now()
	rq := reportQuery{ReportFilter: sales.ReportFilter{
		Period:     q.period(now),
		AsOf:       q.asOf("as_of", now),
		CustomerID: q.text("customer_id"),
		Market:     q.text("market"),
	}}
	if grouped {
		rq.groupBy = q.oneOf("group_by", "customer", sales.AgeingGroups...)
	}
	q.format()
	if err := q.err(); err != nil {
		return rq, err
	}
	scope, err := a.scopeOf(r)
	rq.Scope = scope
	return rq, err
}

// serveReport answers a report in the format asked for.
func (a *api) serveReport(w http.ResponseWriter, r *http.Request, grouped bool, run func(reportQuery) (report, error)) {
	q, err := a.readReportQuery(r, grouped)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rep, err := run(q)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.download(w, r, rep.name, rep.rows, rep.table)
}

// creditRatings serves the customer credit rating table (客户信誉等级一览表).
func (a *api) creditRatings(w http.ResponseWriter, r *http.Request) {
	a.serveReport(w, r, false, func(q reportQuery) (report, error) {
		rows, err := a.reports.CreditRatings(r.Context(), q.ReportFilter)
		return report{"credit-ratings-" + day(q.AsOf), nonNil(rows), func() sales.Table { return sales.CreditRatingTable(rows) }}, err
	})
}

// shipmentInfo serves the customer shipment information table (客户储运信息维护表).
func (a *api) shipmentInfo(w http.ResponseWriter, r *http.Request) {
	a.serveReport(w, r, false, func(q reportQuery) (report, error) {
		rows, err := a.reports.ShipmentInfo(r.Context(), q.ReportFilter)
		return report{"shipment-info-" + periodName(q.Period), nonNil(rows), func() sales.Table { return sales.ShipmentInfoTable(rows) }}, err
	})
}

// replenishment serves the replenishment record (补货记录).
func (a *api) replenishment(w http.ResponseWriter, r *http.Request) {
	a.serveReport(w, r, false, func(q reportQuery) (report, error) {
		rows, err := a.reports.Replenishment(r.Context(), q.ReportFilter)
		return report{"replenishment-" + periodName(q.Period), nonNil(rows), func() sales.Table { return sales.ReplenishmentTable(rows) }}, err
	})
}

// receivables serves the receivables record (应收款记录).
func (a *api) receivables(w http.ResponseWriter, r *http.Request) {
	a.serveReport(w, r, false, func(q reportQuery) (report, error) {
		rows, err := a.reports.Receivables(r.Context(), q.ReportFilter)
		return report{"receivables-" + periodName(q.Period), nonNil(rows), func() sales.Table { return sales.ReceivablesTable(rows) }}, err
	})
}

// ageing serves the receivables ageing grouped by customer, kam or market.
func (a *api) ageing(w http.ResponseWriter, r *http.Request) {
	a.serveReport(w, r, true, func(q reportQuery) (report, error) {
		rows, err := a.reports.Ageing(r.Context(), q.ReportFilter, q.groupBy)
		return report{"ageing-by-" + q.groupBy + "-" + day(q.AsOf), nonNil(rows), func() sales.Table { return sales.AgeingTable(q.groupBy, rows) }}, err
	})
}

// dso serves days sales outstanding by market.
func (a *api) dso(w http.ResponseWriter, r *http.Request) {
	a.serveReport(w, r, false, func(q reportQuery) (report, error) {
		rows, err := a.reports.DSO(r.Context(), q.ReportFilter)
		return report{"dso-" + periodName(q.Period), nonNil(rows), func() sales.Table { return sales.DSOTable(rows) }}, err
	})
}

// reach serves distribution reach by market.
func (a *api) reach(w http.ResponseWriter, r *http.Request) {
	a.serveReport(w, r, false, func(q reportQuery) (report, error) {
		rows, err := a.reports.Reach(r.Context(), q.ReportFilter)
		return report{"reach-" + periodName(q.Period), nonNil(rows), func() sales.Table { return sales.ReachTable(rows) }}, err
	})
}

// targetReport serves sales, collections and units of a period (period= a
// month, quarter or year; or month=) against target.
func (a *api) targetReport(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "month", "period", "format")
	month := a.targetPeriod(q)
	q.format()
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	scope, err := a.scopeOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rows, err := a.reports.TargetReport(r.Context(), month, scope)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.download(w, r, "targets-"+month, nonNil(rows), func() sales.Table { return sales.TargetTable(rows) })
}

// day names the Beijing day of t in a file name.
func day(t time.Time) string { return sales.DateOf(t).Format(time.DateOnly) }

// periodName names a period in a file name: the month, or its first and last day.
func periodName(p sales.Period) string {
	if m := sales.MonthOf(p.From); p.From.Equal(sales.DateOf(p.From)) && p.From.Day() == 1 && p.To.Equal(p.From.AddDate(0, 1, 0)) {
		return m
	}
	return day(p.From) + "_" + day(p.To.Add(-sales.Day))
}
