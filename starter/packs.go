package starter

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"osb/export"
	"osb/sales"
	"osb/workflows"
)

// targets lists the targets of a period (period= a month, quarter or year;
// or month=) that the user may see: the FSF see those of themselves, of
// everyone below them and of their distributors.
func (a *api) targets(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "month", "period")
	month := a.targetPeriod(q)
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	scope, err := a.scopeOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.reports.Targets(r.Context(), month, scope)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

// setTargets sets targets of a month for markets, MMs, UMs and KAMs; the
// answer is every target of the month.
func (a *api) setTargets(w http.ResponseWriter, r *http.Request) {
	var req sales.TargetRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := req.Validate().Err("invalid targets"); err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.reports.SetTargets(r.Context(), req, actorOf(r).UserID, a.now())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

// pathMonth returns the month named in the path.
func pathMonth(r *http.Request) (string, error) {
	m := chi.URLParam(r, "month")
	if !sales.ValidMonth(m) {
		return "", sales.Errorf(sales.ErrNotFound, "%q is not a month like 2026-03", m)
	}
	return m, nil
}

// focus returns the SLT's focus items of a month.
func (a *api) focus(w http.ResponseWriter, r *http.Request) {
	month, err := pathMonth(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := a.reports.Focus(r.Context(), month)
	a.reply(w, r, http.StatusOK, f, err)
}

// setFocus sets the focus of a month: one main item and two secondary.
func (a *api) setFocus(w http.ResponseWriter, r *http.Request) {
	var req sales.FocusRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	month, err := pathMonth(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	req.Normalize()
	if err := req.Validate().Err("invalid focus"); err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := a.reports.SetFocus(r.Context(), month, req, actorOf(r).UserID, a.now())
	a.reply(w, r, http.StatusOK, f, err)
}

// listPacks lists the stored meeting packs, newest month first.
func (a *api) listPacks(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "kind", "month", "limit")
	f := sales.PackFilter{
		Kind:  sales.PackKind(q.oneOf("kind", "", string(sales.PackSLT), string(sales.PackSSG))),
		Month: q.month("month", ""),
		Limit: q.limit("limit"),
	}
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.reports.ListPacks(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

// getPack returns a stored pack with its content, or its workbook with
// format=xlsx (or Accept: the XLSX type).
func (a *api) getPack(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "format")
	q.format()
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		a.fail(w, r, sales.Errorf(sales.ErrNotFound, "%q is not a pack id", chi.URLParam(r, "id")))
		return
	}
	switch formatOf(r) {
	case formatXLSX:
		rec, b, err := a.reports.PackWorkbook(r.Context(), id)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		attach(w, export.XLSXType, fmt.Sprintf("osb-%s-meeting-pack-%s.xlsx", rec.Kind, rec.Month), b)
	case formatCSV:
		a.fail(w, r, sales.Errorf(sales.ErrInvalid, "a meeting pack downloads as xlsx, not csv"))
	default:
		rec, err := a.reports.Pack(r.Context(), id)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, rec)
	}
}

// packRequest asks for a pack now.
type packRequest struct {
	Kind             sales.PackKind `json:"kind"`
	Month            string         `json:"month,omitempty"` // default: last month
	OverdueAfterDays int            `json:"overdue_after_days,omitempty"`
}

// packWait is how long a request for a pack waits for it before answering
// that it is still being generated.
const packWait = 20 * time.Second

// runPack generates a meeting pack on demand (the SLT): 201 with the pack
// when it is done in time, else 202 with the run to look for in the Web UI.
func (a *api) runPack(w http.ResponseWriter, r *http.Request) {
	var req packRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if req.Month == "" {
		req.Month = sales.AddMonths(sales.MonthOf(a.now()), -1)
	}
	var p sales.Problems
	if !req.Kind.Valid() {
		p.Add("kind", "must be slt or ssg")
	}
	if !sales.ValidMonth(req.Month) {
		p.Add("month", "must be a month like 2026-03")
	}
	if req.OverdueAfterDays < 0 || req.OverdueAfterDays > 365 {
		p.Add("overdue_after_days", "must be from 0 (the default) to 365")
	}
	if err := p.Err("invalid pack request"); err != nil {
		a.fail(w, r, err)
		return
	}
	run, rec, done, err := a.reports.RunPack(r.Context(), workflows.MeetingPackInput{
		Kind: req.Kind, Month: req.Month, OverdueAfterDays: req.OverdueAfterDays, RequestedBy: actorOf(r).UserID,
	}, packWait)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !done {
		writeJSON(w, http.StatusAccepted, run)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/packs/%d", rec.ID))
	writeJSON(w, http.StatusCreated, rec)
}

// PackRun is a meeting pack workflow run, as the Web UI shows it.
type PackRun struct {
	WorkflowID string         `json:"workflow_id"`
	RunID      string         `json:"run_id"`
	Kind       sales.PackKind `json:"kind"`
	Month      string         `json:"month"`
}

// reportService is the ReportService over the store and Temporal.
type reportService struct {
	ReportStore
	c client.Client
}

// NewReports returns the information system of the store, generating meeting
// packs on demand through the Temporal client c.
func NewReports(store ReportStore, c client.Client) ReportService {
	return reportService{ReportStore: store, c: c}
}

// RunPack starts the pack's workflow, or joins the run already generating
// it, and waits up to wait for the stored pack.
func (s reportService) RunPack(ctx context.Context, in workflows.MeetingPackInput, wait time.Duration) (PackRun, sales.PackRecord, bool, error) {
	id := workflows.MeetingPackWorkflowID(in.Kind, in.Month)
	run, err := s.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		Memo:                     map[string]any{"kind": string(in.Kind), "month": in.Month, "requested_by": in.RequestedBy},
	}, workflows.MeetingPackWorkflowName, in)
	if err != nil {
		return PackRun{}, sales.PackRecord{}, false, fmt.Errorf("start %s: %w", id, err)
	}
	pr := PackRun{WorkflowID: run.GetID(), RunID: run.GetRunID(), Kind: in.Kind, Month: in.Month}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var rec sales.PackRecord
	err = run.Get(wctx, &rec)
	switch {
	case err == nil:
		return pr, rec, true, nil
	case wctx.Err() != nil && ctx.Err() == nil: // still generating
		return pr, rec, false, nil
	}
	return pr, rec, false, translateError(id, err)
}
