package worker

import (
	"go.temporal.io/sdk/client"

	"osb/workflows"
)

// CustomerStatementsSchedule is the id of the monthly customer statements'
// schedule.
const CustomerStatementsSchedule = "osb/customer-statements"

// customerStatementSchedules generates last month's statement (对账单) of
// every customer with activity at 00:30 on the 1st of each month (Beijing).
func customerStatementSchedules() []Schedule {
	return []Schedule{{
		ID: CustomerStatementsSchedule,
		Spec: client.ScheduleSpec{Calendars: []client.ScheduleCalendarSpec{{
			DayOfMonth: []client.ScheduleRange{{Start: 1}},
			Hour:       []client.ScheduleRange{{Start: 0}},
			Minute:     []client.ScheduleRange{{Start: 30}},
		}}},
		Workflow: workflows.MonthlyStatementsWorkflowName,
		Args:     []any{workflows.MonthlyStatementsInput{}},
	}}
}
