package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// MeetingPackWorkflowName is the registered name of the monthly meeting pack.
const MeetingPackWorkflowName = "MeetingPack"

// MeetingPackInput asks for the pack of a meeting. The schedules leave Month
// empty: the pack is then for the month before the one the run was scheduled
// in (Beijing time).
type MeetingPackInput struct {
	Kind             sales.PackKind `json:"kind"`
	Month            string         `json:"month,omitempty"`
	OverdueAfterDays int            `json:"overdue_after_days,omitempty"` // 0: sales.DefaultProblemOverdueDays
	RequestedBy      string         `json:"requested_by,omitempty"`       // "" for the schedule
}

// GeneratePackInput is what the pack activity computes and stores.
type GeneratePackInput struct {
	Kind             sales.PackKind `json:"kind"`
	Month            string         `json:"month"`
	GeneratedAt      time.Time      `json:"generated_at"`
	OverdueAfterDays int            `json:"overdue_after_days"`
	WorkflowID       string         `json:"workflow_id"`
	RunID            string         `json:"run_id"`
}

// MeetingPackWorkflowID is the id of an on-demand run for kind and month: two
// requests for the same pack while it runs are the same run.
func MeetingPackWorkflowID(kind sales.PackKind, month string) string {
	return fmt.Sprintf("meeting-pack/%s/%s", kind, month)
}

// scheduledStart is the time a Temporal Schedule meant to start the run.
var scheduledStart = temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime")

// packRetry retries a failing generation (the database is down) for up to a
// day, waiting longer each time.
var packRetry = temporal.RetryPolicy{
	InitialInterval:        time.Minute,
	BackoffCoefficient:     2,
	MaximumInterval:        time.Hour,
	NonRetryableErrorTypes: []string{sales.ErrInvalid, sales.ErrNotFound, sales.ErrForbidden},
}

// MeetingPack generates and stores the pack of a monthly meeting: the SLT's
// around the 5th, the SSG's around the 8th. Generating the pack of a kind and
// month again replaces it. The run's memo names the kind and month for the
// Web UI.
func MeetingPack(ctx workflow.Context, in MeetingPackInput) (sales.PackRecord, error) {
	now := workflow.Now(ctx)
	month := in.Month
	if month == "" {
		at := now
		if t, ok := workflow.GetTypedSearchAttributes(ctx).GetTime(scheduledStart); ok && !t.IsZero() {
			at = t
		}
		month = sales.AddMonths(sales.MonthOf(at), -1)
	}
	var p sales.Problems
	if !in.Kind.Valid() {
		p.Add("kind", "must be slt or ssg")
	}
	if !sales.ValidMonth(month) {
		p.Add("month", "must be a month like 2026-03")
	}
	if in.OverdueAfterDays < 0 {
		p.Add("overdue_after_days", "must not be negative")
	}
	if len(p) > 0 {
		return sales.PackRecord{}, invalid(p, "invalid meeting pack request")
	}
	overdue := in.OverdueAfterDays
	if overdue == 0 {
		overdue = sales.DefaultProblemOverdueDays
	}
	if err := workflow.UpsertMemo(ctx, map[string]any{
		"kind": string(in.Kind), "month": month, "requested_by": orSchedule(in.RequestedBy),
	}); err != nil {
		return sales.PackRecord{}, err
	}
	info := workflow.GetInfo(ctx)
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    5 * time.Minute,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy:            &packRetry,
	})
	return GenerateMeetingPack.Run(actx, GeneratePackInput{
		Kind: in.Kind, Month: month, GeneratedAt: now, OverdueAfterDays: overdue,
		WorkflowID: info.WorkflowExecution.ID, RunID: info.WorkflowExecution.RunID,
	})
}

func orSchedule(by string) string {
	if by == "" {
		return "schedule"
	}
	return by
}
