package worker

import (
	"go.temporal.io/sdk/client"

	"osb/sales"
	"osb/workflows"
)

// Ids of the monthly meeting pack schedules.
const (
	SLTPackSchedule = "osb/slt-meeting-pack"
	SSGPackSchedule = "osb/ssg-meeting-pack"
)

// meetingPackSchedules are the monthly rhythm of DOMAIN.md: the SLT's pack
// for last month at 09:00 on the 5th, the SSG's at 09:00 on the 8th (Beijing).
func meetingPackSchedules() []Schedule {
	monthly := func(day int) client.ScheduleSpec {
		return client.ScheduleSpec{Calendars: []client.ScheduleCalendarSpec{{
			DayOfMonth: []client.ScheduleRange{{Start: day}},
			Hour:       []client.ScheduleRange{{Start: 9}},
		}}}
	}
	return []Schedule{
		{ID: SLTPackSchedule, Spec: monthly(5), Workflow: workflows.MeetingPackWorkflowName,
			Args: []any{workflows.MeetingPackInput{Kind: sales.PackSLT}}},
		{ID: SSGPackSchedule, Spec: monthly(8), Workflow: workflows.MeetingPackWorkflowName,
			Args: []any{workflows.MeetingPackInput{Kind: sales.PackSSG}}},
	}
}
