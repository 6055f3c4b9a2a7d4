package sales

import (
	"cmp"
	"slices"
	"time"
)

// PackKind is which monthly meeting a pack is for.
type PackKind string

// The monthly meetings.
const (
	PackSLT PackKind = "slt" // around the 5th: the SLT reviews last month
	PackSSG PackKind = "ssg" // around the 8th: the SSG's OSB coordination meeting
)

// Valid reports whether k is one of the pack kinds.
func (k PackKind) Valid() bool { return k == PackSLT || k == PackSSG }

// PackTopOverdue is how many customers with overdue receivables the SLT's
// pack lists; the SSG's lists them all.
const PackTopOverdue = 20

// MeetingPack is what a monthly meeting reviews about a month: sales and
// collections against target, DSO, overdue receivables, distribution reach,
// the problem log and the SLT's focus for the month after. Receivables are as
// at the end of the month; the problem log as at generation.
type MeetingPack struct {
	Kind        PackKind      `json:"kind"`
	Month       string        `json:"month"`
	Period      Period        `json:"period"`
	GeneratedAt time.Time     `json:"generated_at"`
	Sales       []TargetRow   `json:"sales"`   // against target: markets and MMs (SLT), markets and KAMs (SSG)
	DSO         []DSORow      `json:"dso"`     // by market
	Ageing      []AgeingRow   `json:"ageing"`  // by market
	Overdue     []AgeingRow   `json:"overdue"` // customers with anything overdue, most overdue first
	Reach       []ReachRow    `json:"reach"`   // distribution reach by market
	Problems    ProblemReview `json:"problems"`
	Focus       *FocusItems   `json:"focus"` // the focus of the month after; null until the SLT sets it
}

// PackSections are the month's figures a pack is composed from.
type PackSections struct {
	Targets          []TargetRow
	DSO              []DSORow
	AgeingByMarket   []AgeingRow
	AgeingByCustomer []AgeingRow
	Reach            []ReachRow
	Problems         ProblemReview
	Focus            *FocusItems
}

// ComposePack lays out the pack of kind for month from its figures: the SLT
// sees markets and MMs against target and the customers most overdue; the
// SSG, who follows every customer, markets and KAMs and every overdue customer.
func ComposePack(kind PackKind, month Period, generatedAt time.Time, s PackSections) MeetingPack {
	p := MeetingPack{Kind: kind, Month: MonthOf(month.From), Period: month, GeneratedAt: generatedAt,
		Sales: []TargetRow{}, DSO: nonNilRows(s.DSO), Ageing: nonNilRows(s.AgeingByMarket), Overdue: []AgeingRow{},
		Reach: nonNilRows(s.Reach), Problems: s.Problems, Focus: s.Focus}
	person := ByMM
	if kind == PackSSG {
		person = ByKAM
	}
	for _, r := range s.Targets {
		if r.Dimension == ByMarket || r.Dimension == person {
			p.Sales = append(p.Sales, r)
		}
	}
	for _, r := range s.AgeingByCustomer {
		if r.Overdue() > 0 {
			p.Overdue = append(p.Overdue, r)
		}
	}
	slices.SortStableFunc(p.Overdue, func(a, b AgeingRow) int {
		return cmp.Or(cmp.Compare(b.Overdue(), a.Overdue()), cmp.Compare(a.Key, b.Key))
	})
	if kind == PackSLT && len(p.Overdue) > PackTopOverdue {
		p.Overdue = p.Overdue[:PackTopOverdue]
	}
	return p
}

func nonNilRows[T any](rows []T) []T {
	if rows == nil {
		return []T{}
	}
	return rows
}

// PackRecord is a stored meeting pack; Content is left out of lists.
type PackRecord struct {
	ID          int64        `json:"id"`
	Kind        PackKind     `json:"kind"`
	Month       string       `json:"month"`
	GeneratedAt time.Time    `json:"generated_at"`
	WorkflowID  string       `json:"workflow_id"`
	RunID       string       `json:"run_id"`
	XLSXBytes   int          `json:"xlsx_bytes"`
	Content     *MeetingPack `json:"content,omitempty"`
}

// PackFilter selects stored packs.
type PackFilter struct {
	Kind  PackKind `json:"kind,omitempty"`
	Month string   `json:"month,omitempty"`
	Limit int      `json:"limit,omitempty"`
}
