package sales

import (
	"fmt"
	"time"
)

// Beijing is the department's time zone (Asia/Shanghai, UTC+8 all year):
// months, quarters and due dates are counted in it.
var Beijing = time.FixedZone("Asia/Shanghai", 8*3600)

// QuarterOf names the quarter of t in Beijing time, e.g. "2026-Q2".
func QuarterOf(t time.Time) string {
	b := t.In(Beijing)
	return fmt.Sprintf("%d-Q%d", b.Year(), (int(b.Month())-1)/3+1)
}

// QuarterStart is the first moment of the quarter of t in Beijing time.
func QuarterStart(t time.Time) time.Time {
	b := t.In(Beijing)
	first := time.Month((int(b.Month())-1)/3*3 + 1)
	return time.Date(b.Year(), first, 1, 0, 0, 0, 0, Beijing)
}

// SalesMonths returns the months a review at asOf reads: n months, oldest
// first, ending with the last month of the quarter before asOf's quarter;
// from is the start of the first month and to the start of asOf's quarter.
func SalesMonths(asOf time.Time, n int) (months []string, from, to time.Time) {
	to = QuarterStart(asOf)
	from = to.AddDate(0, -n, 0)
	for m := from; m.Before(to); m = m.AddDate(0, 1, 0) {
		months = append(months, m.Format("2006-01"))
	}
	return months, from, to
}

// CreditReview is one run of the quarterly credit review (scheduled or on
// demand) and how far it got.
type CreditReview struct {
	ID            string     `json:"id"`      // the workflow id, e.g. credit-review/2026-Q2/1
	Quarter       string     `json:"quarter"` // the quarter it sets limits for
	AsOf          time.Time  `json:"as_of"`
	StartedBy     string     `json:"started_by"` // a user id, or "schedule"
	StartedAt     time.Time  `json:"started_at"`
	FinishedAt    *time.Time `json:"finished_at,omitempty"`
	CustomersDone int        `json:"customers_done"`
	Changed       int        `json:"changed"` // customers whose limit or rating changed
	LastCustomer  string     `json:"last_customer,omitempty"`
}

// ReviewWorkflowID is the workflow id of the n-th review started on demand
// in quarter.
func ReviewWorkflowID(quarter string, n int) string {
	return fmt.Sprintf("credit-review/%s/%d", quarter, n)
}
