package sales

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
)

// Rating is a customer's credit rating, from A (pays on time) to D (pays very
// late: no credit without a manual adjustment).
type Rating string

// The credit ratings of DOMAIN.md.
const (
	RatingA Rating = "A"
	RatingB Rating = "B"
	RatingC Rating = "C"
	RatingD Rating = "D"
)

// Valid reports whether r is one of A, B, C, D.
func (r Rating) Valid() bool {
	switch r {
	case RatingA, RatingB, RatingC, RatingD:
		return true
	}
	return false
}

// CoverBasisPoints is the months of cover per rating in basis points of a
// month: 20000 is 2.0 months of net sales.
type CoverBasisPoints struct {
	A int64 `json:"A"`
	B int64 `json:"B"`
	C int64 `json:"C"`
	D int64 `json:"D"`
}

// Of returns the cover of rating r (0 for an unknown rating).
func (c CoverBasisPoints) Of(r Rating) int64 {
	switch r {
	case RatingA:
		return c.A
	case RatingB:
		return c.B
	case RatingC:
		return c.C
	case RatingD:
		return c.D
	}
	return 0
}

// CreditPolicy holds every number of credit management (CMR) as
// configuration: the limit formula, the rating rules and the maker–checker
// of manual adjustments.
type CreditPolicy struct {
	// HistoryMonths is how many months of net sales a review reads, ending
	// with the last month of the quarter before the review.
	HistoryMonths int `json:"history_months"`
	// PaymentMonths is the window of payment behaviour behind a rating.
	PaymentMonths int `json:"payment_months"`
	// OnTimeDays, LateDays and VeryLateDays are the lateness thresholds: A
	// pays at most OnTimeDays late, B at most LateDays, C more than LateDays,
	// D more than VeryLateDays.
	OnTimeDays   int `json:"on_time_days"`
	LateDays     int `json:"late_days"`
	VeryLateDays int `json:"very_late_days"`
	// Cover is the months of net sales a limit covers, per rating.
	Cover CoverBasisPoints `json:"cover_basis_points"`
	// GrowthClampBasisPoints bounds growth both ways (5000 = ±50%).
	GrowthClampBasisPoints int64 `json:"growth_clamp_basis_points"`
	// RoundTo is the unit a formula limit is rounded up to (¥10,000).
	RoundTo Fen `json:"round_to_fen"`
	// NewCustomerMonths: a customer whose first invoice is younger than this
	// (or who has none) is new.
	NewCustomerMonths int `json:"new_customer_months"`
	// NewCustomerRating and NewCustomerLimit are where a new customer starts.
	NewCustomerRating Rating `json:"new_customer_rating"`
	NewCustomerLimit  Fen    `json:"new_customer_limit_fen"`

	// DecisionTime is how long a proposed manual adjustment waits for the
	// first rung of DecisionLadder before it escalates to the next.
	DecisionTime Duration `json:"decision_time"`
	// EscalateEvery is the time between two later rungs; after the last rung
	// the proposal expires.
	EscalateEvery Duration `json:"escalate_every"`
	// DecisionLadder is who is asked to decide, rung by rung (default: the
	// SLT member over the customer's market, then the GM).
	DecisionLadder []Level `json:"decision_ladder"`
	// MaxAdjustmentDays bounds how long an adjustment may count.
	MaxAdjustmentDays int `json:"max_adjustment_days"`
}

// DefaultCreditPolicy returns the defaults of DOMAIN.md.
func DefaultCreditPolicy() CreditPolicy {
	return CreditPolicy{
		HistoryMonths:          24,
		PaymentMonths:          12,
		OnTimeDays:             7,
		LateDays:               30,
		VeryLateDays:           60,
		Cover:                  CoverBasisPoints{A: 20000, B: 15000, C: 10000, D: 0},
		GrowthClampBasisPoints: 5000,
		RoundTo:                Yuan(10_000),
		NewCustomerMonths:      3,
		NewCustomerRating:      RatingC,
		NewCustomerLimit:       Yuan(100_000),
		DecisionTime:           D(2 * Day),
		EscalateEvery:          D(Day),
		DecisionLadder:         []Level{LevelSLT, LevelGM},
		MaxAdjustmentDays:      366,
	}
}

// Validate reports every inconsistent setting at once.
func (p CreditPolicy) Validate() error {
	var pr Problems
	if p.HistoryMonths < 15 {
		pr.Add("history_months", "must be at least 15 (a quarter and the same quarter a year earlier)")
	}
	if p.PaymentMonths < 1 {
		pr.Add("payment_months", "must be at least 1")
	}
	if p.OnTimeDays < 0 || p.LateDays <= p.OnTimeDays || p.VeryLateDays <= p.LateDays {
		pr.Add("on_time_days", "thresholds must grow: 0 ≤ on_time_days < late_days < very_late_days")
	}
	for _, c := range []struct {
		name string
		v    int64
	}{{"A", p.Cover.A}, {"B", p.Cover.B}, {"C", p.Cover.C}, {"D", p.Cover.D}} {
		if c.v < 0 {
			pr.Add("cover_basis_points."+c.name, "must not be negative")
		}
	}
	if p.GrowthClampBasisPoints < 0 || p.GrowthClampBasisPoints > 10000 {
		pr.Add("growth_clamp_basis_points", "must be between 0 and 10000")
	}
	if p.RoundTo <= 0 {
		pr.Add("round_to_fen", "must be positive")
	}
	if p.NewCustomerMonths < 0 {
		pr.Add("new_customer_months", "must not be negative")
	}
	if !p.NewCustomerRating.Valid() {
		pr.Add("new_customer_rating", "must be A, B, C or D")
	}
	if p.NewCustomerLimit < 0 {
		pr.Add("new_customer_limit_fen", "must not be negative")
	}
	if p.DecisionTime <= 0 || p.EscalateEvery <= 0 {
		pr.Add("decision_time", "decision_time and escalate_every must be positive")
	}
	if len(p.DecisionLadder) == 0 {
		pr.Add("decision_ladder", "needs at least one rung")
	}
	for i, l := range p.DecisionLadder {
		if l < LevelKAM || l > LevelGM {
			pr.Add("decision_ladder", "rung %d has unknown level %d", i+1, l)
		}
	}
	if p.MaxAdjustmentDays < 1 {
		pr.Add("max_adjustment_days", "must be at least 1")
	}
	return pr.Err("invalid credit policy")
}

// MonthSales is one month's net sales: invoiced minus credit notes.
type MonthSales struct {
	Month string `json:"month"` // YYYY-MM, Beijing time
	Net   Fen    `json:"net_fen"`
}

// PaymentRecord is how one invoice of the payment window was paid.
type PaymentRecord struct {
	InvoiceNo string `json:"invoice_no"`
	DueOn     string `json:"due_on"`    // YYYY-MM-DD, Beijing time
	DaysLate  int    `json:"days_late"` // calendar days after the due date; open invoices count until the review
	Open      bool   `json:"open"`      // still owed at the review
	Dunning   Level  `json:"dunning_level"`
}

// ActiveAdjustment is an approved manual adjustment that counts at the review.
type ActiveAdjustment struct {
	ID        string    `json:"id"`
	Amount    Fen       `json:"amount_fen"`
	ExpiresAt time.Time `json:"expires_at"`
}

// CreditInputs is everything a customer's limit is computed from.
type CreditInputs struct {
	CustomerID string    `json:"customer_id"`
	AsOf       time.Time `json:"as_of"`
	// Months are the net sales per month, oldest first, ending with the last
	// month of the quarter before AsOf (HistoryMonths of them).
	Months []MonthSales `json:"months"`
	// Payments are the invoices due in the payment window (and older ones
	// still open or paid within it).
	Payments []PaymentRecord `json:"payments"`
	// DunningReached is the highest dunning rung any invoice reached in the
	// payment window, from the escalation log: shown beside the rating, it
	// does not set it.
	DunningReached Level      `json:"dunning_reached"`
	FirstInvoiceAt *time.Time `json:"first_invoice_at,omitempty"`
	// Adjustments are the approved manual adjustments unexpired at AsOf.
	Adjustments []ActiveAdjustment `json:"adjustments"`
}

// CreditResult is a computed limit with every input and intermediate, so
// anyone can see why a limit is what it is.
type CreditResult struct {
	Inputs  CreditInputs `json:"inputs"`
	New     bool         `json:"new_customer"`
	Rating  Rating       `json:"rating"`
	Reasons []string     `json:"reasons"` // why this rating (and limit, for a new customer)
	// MaxDaysLate is the worst lateness of the payment window.
	MaxDaysLate int `json:"max_days_late"`
	// LastQuarter is the net sales of the quarter before the review;
	// YearEarlier those of the same quarter a year before.
	LastQuarter Fen `json:"last_quarter_fen"`
	YearEarlier Fen `json:"year_earlier_fen"`
	// H is LastQuarter per month, rounded half up to the fen (never negative).
	H Fen `json:"h_fen"`
	// GrowthBasisPoints is last quarter against the same quarter a year
	// earlier (0 without a base); Growth is it clamped.
	GrowthBasisPoints int64 `json:"growth_raw_basis_points"`
	Growth            int64 `json:"growth_basis_points"`
	Cover             int64 `json:"cover_basis_points"`
	// Formula is H × cover × (1 + g/2), rounded up to the fen; Base is it
	// rounded up to the policy's unit, or the initial limit of a new customer.
	Formula Fen `json:"formula_fen"`
	Base    Fen `json:"base_fen"`
	// Adjustment is the sum of Inputs.Adjustments; Limit = Base + Adjustment,
	// never below zero.
	Adjustment Fen `json:"adjustment_fen"`
	Limit      Fen `json:"limit_fen"`
}

// ComputeCreditLimit applies the limit formula of DOMAIN.md to one customer:
//
//   - rating from the payment window, by days late alone (from the due date
//     to the value date of the payment that settled it; an open invoice
//     counts until the review): D if any invoice was more than VeryLateDays
//     late; C if more than LateDays; B if more than OnTimeDays; A
//     otherwise. The dunning rung reached does not rate: the MM rung fires
//     at +7 days and would leave B unreachable. A new customer starts at
//     NewCustomerRating with NewCustomerLimit.
//   - H = net sales of the last quarter per month.
//   - g = last quarter against the same quarter a year earlier, clamped to
//     ±GrowthClampBasisPoints; 0 when there is no base.
//   - limit = H × cover(rating) × (1 + g/2) rounded up to RoundTo, plus the
//     active manual adjustments, never below zero.
//
// All arithmetic is on integers: fen and basis points.
func ComputeCreditLimit(in CreditInputs, p CreditPolicy) CreditResult {
	r := CreditResult{Inputs: in}
	r.LastQuarter, r.YearEarlier = quarterSums(in.Months)
	r.H = Fen(divRound(int64(max(r.LastQuarter, 0)), 3))
	if r.YearEarlier > 0 {
		r.GrowthBasisPoints = mulDiv(int64(r.LastQuarter-r.YearEarlier), 10000, int64(r.YearEarlier))
	}
	r.Growth = min(max(r.GrowthBasisPoints, -p.GrowthClampBasisPoints), p.GrowthClampBasisPoints)
	r.rate(in, p)
	r.Cover = p.Cover.Of(r.Rating)
	// H × cover/10000 × (20000 + g)/20000, rounded up.
	r.Formula = Fen(mulDivUp(int64(r.H), r.Cover*(20000+r.Growth), 10000*20000))
	r.Base = roundUp(r.Formula, p.RoundTo)
	if r.New {
		r.Base = p.NewCustomerLimit
	}
	return r.WithAdjustments(in.Adjustments)
}

// WithAdjustments returns r with its manual adjustments replaced by adjs
// (sorted by id) and the limit recomputed from the same base.
func (r CreditResult) WithAdjustments(adjs []ActiveAdjustment) CreditResult {
	r.Inputs.Adjustments = append([]ActiveAdjustment{}, adjs...) // a copy, never null
	slices.SortFunc(r.Inputs.Adjustments, func(a, b ActiveAdjustment) int { return strings.Compare(a.ID, b.ID) })
	r.Adjustment = 0
	for _, a := range r.Inputs.Adjustments {
		r.Adjustment += a.Amount
	}
	r.Limit = max(r.Base+r.Adjustment, 0)
	return r
}

// quarterSums returns the net sales of the last three months and of the same
// three months a year earlier (0 when months does not reach back that far).
func quarterSums(months []MonthSales) (last, yearEarlier Fen) {
	n := len(months)
	for i := max(n-3, 0); i < n; i++ {
		last += months[i].Net
	}
	if n >= 15 {
		for i := n - 15; i < n-12; i++ {
			yearEarlier += months[i].Net
		}
	}
	return last, yearEarlier
}

// rate sets the rating, its reasons and whether the customer is new.
func (r *CreditResult) rate(in CreditInputs, p CreditPolicy) {
	newSince := in.AsOf.AddDate(0, -p.NewCustomerMonths, 0)
	worst := PaymentRecord{}
	for _, pay := range in.Payments {
		if pay.DaysLate > worst.DaysLate || worst.InvoiceNo == "" {
			worst = pay
		}
	}
	r.MaxDaysLate = worst.DaysLate
	switch {
	case in.FirstInvoiceAt == nil:
		r.New, r.Rating = true, p.NewCustomerRating
		r.Reasons = append(r.Reasons, fmt.Sprintf("new customer (no invoice yet): starts at %s with %s", p.NewCustomerRating, p.NewCustomerLimit))
		return
	case in.FirstInvoiceAt.After(newSince):
		r.New, r.Rating = true, p.NewCustomerRating
		r.Reasons = append(r.Reasons, fmt.Sprintf("new customer (first invoice on %s, less than %d months before the review): starts at %s with %s",
			in.FirstInvoiceAt.In(Beijing).Format(time.DateOnly), p.NewCustomerMonths, p.NewCustomerRating, p.NewCustomerLimit))
		return
	}
	late := func(limit int) string {
		return fmt.Sprintf("invoice %s (due %s) %s %d days late (more than %d)", worst.InvoiceNo, worst.DueOn, paidOrOpen(worst), worst.DaysLate, limit)
	}
	switch {
	case worst.DaysLate > p.VeryLateDays:
		r.Rating = RatingD
		r.Reasons = append(r.Reasons, late(p.VeryLateDays))
	case worst.DaysLate > p.LateDays:
		r.Rating = RatingC
		r.Reasons = append(r.Reasons, late(p.LateDays))
	case worst.DaysLate > p.OnTimeDays:
		r.Rating = RatingB
		r.Reasons = append(r.Reasons, late(p.OnTimeDays))
	case len(in.Payments) == 0:
		r.Rating = RatingA
		r.Reasons = append(r.Reasons, fmt.Sprintf("no invoice due in the last %d months", p.PaymentMonths))
	default:
		r.Rating = RatingA
		r.Reasons = append(r.Reasons, fmt.Sprintf("%d invoices in the last %d months, paid on time or at most %d days late (worst %d)",
			len(in.Payments), p.PaymentMonths, p.OnTimeDays, worst.DaysLate))
	}
}

func paidOrOpen(p PaymentRecord) string {
	if p.Open {
		return "still open,"
	}
	return "paid"
}

// roundUp rounds f up to a multiple of unit (f ≥ 0, unit > 0).
func roundUp(f, unit Fen) Fen {
	if unit <= 0 {
		return f
	}
	return Fen(mulDivUp(int64(f), 1, int64(unit))) * unit
}

// divRound divides a ≥ 0 by b > 0, rounding half up.
func divRound(a, b int64) int64 { return (a + b/2) / b }

// mulDiv returns a×b/c truncated toward zero, without overflow in between.
func mulDiv(a, b, c int64) int64 {
	n := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	return n.Quo(n, big.NewInt(c)).Int64()
}

// mulDivUp returns a×b/c rounded up, for a×b ≥ 0 and c > 0.
func mulDivUp(a, b, c int64) int64 {
	n := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	n.Add(n, big.NewInt(c-1))
	return n.Quo(n, big.NewInt(c)).Int64()
}
