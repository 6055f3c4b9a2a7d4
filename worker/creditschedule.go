package worker

import (
	"go.temporal.io/sdk/client"

	"osb/workflows"
)

// CreditReviewSchedule is the id of the quarterly credit review's schedule.
const CreditReviewSchedule = "osb/credit-review"

// creditSchedules is the quarterly credit review of DOMAIN.md: on the first
// day of January, April, July and October, at 02:00 Beijing time.
func creditSchedules() []Schedule {
	quarterly := client.ScheduleSpec{Calendars: []client.ScheduleCalendarSpec{{
		Month:      []client.ScheduleRange{{Start: 1, End: 10, Step: 3}},
		DayOfMonth: []client.ScheduleRange{{Start: 1}},
		Hour:       []client.ScheduleRange{{Start: 2}},
	}}}
	return []Schedule{{ID: CreditReviewSchedule, Spec: quarterly, Workflow: workflows.CreditReviewWorkflowName,
		Args: []any{workflows.CreditReviewInput{}}}}
}
