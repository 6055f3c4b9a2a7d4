package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"osb/export"
	"osb/sales"
	"osb/workflows"
)

// ReportStore is what the meeting pack reads and writes.
type ReportStore interface {
	TargetReport(ctx context.Context, month string, scope sales.Scope) ([]sales.TargetRow, error)
	DSO(ctx context.Context, f sales.ReportFilter) ([]sales.DSORow, error)
	Ageing(ctx context.Context, f sales.ReportFilter, group string) ([]sales.AgeingRow, error)
	Reach(ctx context.Context, f sales.ReportFilter) ([]sales.ReachRow, error)
	ProblemsToReview(ctx context.Context, month sales.Period, scope sales.Scope) ([]sales.Problem, error)
	Focus(ctx context.Context, month string) (sales.FocusItems, error)
	SavePack(ctx context.Context, p sales.MeetingPack, workflowID, runID string, xlsx []byte) (sales.PackRecord, error)
}

func (a *Activities) registerReports(r worker.ActivityRegistry) {
	workflows.GenerateMeetingPack.Register(r, a.GenerateMeetingPack)
}

// GenerateMeetingPack computes the pack of a meeting from the month's
// figures (receivables as at the month's end, the problem log as it is now,
// the focus of the month after) and stores it with its workbook, replacing
// an earlier pack of the same kind and month.
func (a *Activities) GenerateMeetingPack(ctx context.Context, in workflows.GeneratePackInput) (sales.PackRecord, error) {
	month, err := sales.MonthPeriod(in.Month)
	if err != nil {
		return sales.PackRecord{}, business(err)
	}
	pack, err := a.composePack(ctx, in, month)
	if err != nil {
		return sales.PackRecord{}, business(fmt.Errorf("meeting pack %s %s: %w", in.Kind, in.Month, err))
	}
	xlsx, err := export.XLSX(pack.Tables()...)
	if err != nil {
		return sales.PackRecord{}, temporal.NewNonRetryableApplicationError(err.Error(), sales.ErrInternal, err)
	}
	rec, err := a.Store.SavePack(ctx, pack, in.WorkflowID, in.RunID, xlsx)
	if err != nil {
		return rec, business(fmt.Errorf("save meeting pack %s %s: %w", in.Kind, in.Month, err))
	}
	return rec, nil
}

// composePack reads each section of the pack.
func (a *Activities) composePack(ctx context.Context, in workflows.GeneratePackInput, month sales.Period) (sales.MeetingPack, error) {
	everyone := sales.Scope{All: true}
	f := sales.ReportFilter{Scope: everyone, Period: month, AsOf: month.Last()}
	var s sales.PackSections
	var err error
	if s.Targets, err = a.Store.TargetReport(ctx, in.Month, everyone); err != nil {
		return sales.MeetingPack{}, err
	}
	if s.DSO, err = a.Store.DSO(ctx, f); err != nil {
		return sales.MeetingPack{}, err
	}
	if s.AgeingByMarket, err = a.Store.Ageing(ctx, f, "market"); err != nil {
		return sales.MeetingPack{}, err
	}
	if s.AgeingByCustomer, err = a.Store.Ageing(ctx, f, "customer"); err != nil {
		return sales.MeetingPack{}, err
	}
	if s.Reach, err = a.Store.Reach(ctx, f); err != nil {
		return sales.MeetingPack{}, err
	}
	problems, err := a.Store.ProblemsToReview(ctx, month, everyone)
	if err != nil {
		return sales.MeetingPack{}, err
	}
	s.Problems = sales.ReviewProblems(problems, month, in.GeneratedAt, in.OverdueAfterDays)
	next := sales.AddMonths(in.Month, 1)
	switch focus, err := a.Store.Focus(ctx, next); {
	case err == nil:
		s.Focus = &focus
	case sales.ErrorCode(err) != sales.ErrNotFound:
		return sales.MeetingPack{}, err
	}
	return sales.ComposePack(in.Kind, month, in.GeneratedAt, s), nil
}
