package worker

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"osb/workflows"
)

// Schedule is a recurring workflow OSB keeps registered in Temporal (quarterly
// credit review, monthly meeting packs). Times are Asia/Shanghai.
type Schedule struct {
	ID       string              // stable schedule id, e.g. "osb/credit-review"
	Spec     client.ScheduleSpec // when (TimeZoneName is set to Asia/Shanghai when empty)
	Workflow string              // registered workflow name
	Args     []any               // workflow input
}

// Timezone of every OSB schedule: the department works on Beijing time.
const Timezone = "Asia/Shanghai"

// Schedules lists every schedule OSB runs. Each area of OSB adds its own here.
func Schedules() []Schedule {
	var out []Schedule
	out = append(out, meetingPackSchedules()...)
	out = append(out, creditSchedules()...)
	out = append(out, customerStatementSchedules()...)
	return out
}

// EnsureSchedules creates the schedules that do not exist yet and brings the
// spec and action of existing ones up to date, so deploying a new version
// changes them in place. Calling it from several processes is safe.
func EnsureSchedules(ctx context.Context, c client.Client, schedules []Schedule) error {
	for _, s := range schedules {
		if err := ensureSchedule(ctx, c, s); err != nil {
			return fmt.Errorf("schedule %s: %w", s.ID, err)
		}
	}
	return nil
}

func ensureSchedule(ctx context.Context, c client.Client, s Schedule) error {
	spec := s.Spec
	if spec.TimeZoneName == "" {
		spec.TimeZoneName = Timezone
	}
	action := &client.ScheduleWorkflowAction{
		ID:        s.ID + "/run",
		Workflow:  s.Workflow,
		Args:      s.Args,
		TaskQueue: workflows.TaskQueue,
	}
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{ID: s.ID, Spec: spec, Action: action})
	var exists *serviceerror.AlreadyExists
	if err == nil || !(errors.As(err, &exists) || errors.Is(err, temporal.ErrScheduleAlreadyRunning)) {
		return err
	}
	h := c.ScheduleClient().GetHandle(ctx, s.ID)
	return h.Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			in.Description.Schedule.Spec = &spec
			in.Description.Schedule.Action = action
			return &client.ScheduleUpdate{Schedule: &in.Description.Schedule}, nil
		},
	})
}
