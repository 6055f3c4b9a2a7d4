package sales

import (
	"cmp"
	"slices"
	"time"
)

// DefaultProblemOverdueDays is how many days a problem may stay open before
// the monthly meeting sees it as overdue, unless asked otherwise.
const DefaultProblemOverdueDays = 14

// ProblemReview is the monthly OSB meeting's view of the problem log: per
// department what was filed and resolved in the month, what is open now, how
// old it is and what is overdue.
type ProblemReview struct {
	Month            string             `json:"month"`
	AsOf             time.Time          `json:"as_of"`
	OverdueAfterDays int                `json:"overdue_after_days"`
	Departments      []DepartmentReview `json:"departments"`
	Open             []ReviewedProblem  `json:"open"`     // open or in progress at as_of, oldest first
	Resolved         []ReviewedProblem  `json:"resolved"` // resolved in the month
}

// DepartmentReview sums one department's problems.
type DepartmentReview struct {
	Department     Department `json:"department"`
	Filed          int        `json:"filed"`    // numbered in the month
	Resolved       int        `json:"resolved"` // resolved in the month
	Open           int        `json:"open"`     // open or in progress at as_of
	InProgress     int        `json:"in_progress"`
	Overdue        int        `json:"overdue"`
	OldestOpenDays int        `json:"oldest_open_days"`
	MeanOpenDays   int        `json:"mean_open_days"` // rounded down
}

// ReviewedProblem is a problem with its age: days open so far, or days it
// took to resolve.
type ReviewedProblem struct {
	Problem
	AgeDays int  `json:"age_days"`
	Overdue bool `json:"overdue"`
}

// ReviewProblems builds the meeting view of month at asOf from the problems
// that are open or were filed or resolved in the month; a problem open more
// than overdueAfterDays whole days is overdue.
func ReviewProblems(list []Problem, month Period, asOf time.Time, overdueAfterDays int) ProblemReview {
	r := ProblemReview{Month: MonthOf(month.From), AsOf: asOf, OverdueAfterDays: overdueAfterDays,
		Open: []ReviewedProblem{}, Resolved: []ReviewedProblem{}}
	depts := make(map[Department]*DepartmentReview, len(Departments))
	for _, d := range Departments {
		r.Departments = append(r.Departments, DepartmentReview{Department: d})
	}
	for i := range r.Departments {
		depts[r.Departments[i].Department] = &r.Departments[i]
	}
	openDays := map[Department]int{}
	in := func(t time.Time) bool { return !t.Before(month.From) && t.Before(month.To) }
	for _, p := range list {
		d := depts[p.Department]
		if d == nil {
			continue
		}
		if in(p.CreatedAt) && !p.CreatedAt.After(asOf) {
			d.Filed++
		}
		switch rp := ReviewProblem(p, asOf, overdueAfterDays); {
		case p.Resolved() && p.ResolvedAt != nil && in(*p.ResolvedAt) && !p.ResolvedAt.After(asOf):
			d.Resolved++
			r.Resolved = append(r.Resolved, rp)
		case !p.Resolved() && !p.CreatedAt.After(asOf):
			age := rp.AgeDays
			r.Open = append(r.Open, rp)
			d.Open++
			if p.Status == ProblemInProgress {
				d.InProgress++
			}
			if rp.Overdue {
				d.Overdue++
			}
			d.OldestOpenDays = max(d.OldestOpenDays, age)
			openDays[p.Department] += age
		}
	}
	for i := range r.Departments {
		if d := &r.Departments[i]; d.Open > 0 {
			d.MeanOpenDays = openDays[d.Department] / d.Open
		}
	}
	byAge := func(a, b ReviewedProblem) int {
		return cmp.Or(cmp.Compare(b.AgeDays, a.AgeDays), cmp.Compare(a.Number, b.Number))
	}
	slices.SortFunc(r.Open, byAge)
	slices.SortFunc(r.Resolved, func(a, b ReviewedProblem) int { return cmp.Compare(a.Number, b.Number) })
	return r
}

// ReviewProblem gives p its age at asOf: the days it has been open, or for a
// resolved problem the days it took; open more than overdueAfterDays whole
// days is overdue.
func ReviewProblem(p Problem, asOf time.Time, overdueAfterDays int) ReviewedProblem {
	if p.Resolved() && p.ResolvedAt != nil {
		return ReviewedProblem{Problem: p, AgeDays: wholeDays(p.ResolvedAt.Sub(p.CreatedAt))}
	}
	age := wholeDays(asOf.Sub(p.CreatedAt))
	return ReviewedProblem{Problem: p, AgeDays: age, Overdue: age > overdueAfterDays}
}

func wholeDays(d time.Duration) int {
	if d < 0 {
		return 0
	}
	return int(d / Day)
}
