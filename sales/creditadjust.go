package sales

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// AdjustmentStatus is where a manual credit adjustment stands.
type AdjustmentStatus string

// A proposal is approved or rejected by the SLT; it expires when nobody
// decides after the last rung, and an approved one expires on its date.
const (
	AdjustmentProposed AdjustmentStatus = "proposed"
	AdjustmentApproved AdjustmentStatus = "approved"
	AdjustmentRejected AdjustmentStatus = "rejected"
	AdjustmentExpired  AdjustmentStatus = "expired"
)

// EscalateAdjustment is the escalation of a credit adjustment whose SLT
// decision is late: the proposal climbed to the next rung of its ladder.
const EscalateAdjustment EscalationKind = "credit_adjustment_pending"

// Valid reports whether s is one of the statuses.
func (s AdjustmentStatus) Valid() bool {
	switch s {
	case AdjustmentProposed, AdjustmentApproved, AdjustmentRejected, AdjustmentExpired:
		return true
	}
	return false
}

// CreditAdjustment is a manual change of a customer's limit on top of the
// formula: proposed by Finance or the FSF, approved by the SLT (maker–checker),
// counting until it expires.
type CreditAdjustment struct {
	ID           string           `json:"id"` // CA-2026-000001
	CustomerID   string           `json:"customer_id"`
	Amount       Fen              `json:"amount_fen"` // may be negative
	Currency     Currency         `json:"currency"`
	Reason       string           `json:"reason"`
	ProposedBy   string           `json:"proposed_by"`
	ProposedAt   time.Time        `json:"proposed_at"`
	ExpiresAt    time.Time        `json:"expires_at"`
	Status       AdjustmentStatus `json:"status"`
	Level        Level            `json:"escalation_level"` // rung the waiting proposal reached
	DecidedBy    string           `json:"decided_by,omitempty"`
	DecidedAt    *time.Time       `json:"decided_at,omitempty"`
	DecisionNote string           `json:"decision_note,omitempty"`
	EndedAt      *time.Time       `json:"ended_at,omitempty"` // when it stopped counting or lapsed
}

// Counts reports whether the adjustment adds to the limit at t.
func (a CreditAdjustment) Counts(t time.Time) bool {
	return a.Status == AdjustmentApproved && t.Before(a.ExpiresAt)
}

// AdjustmentProposal is what a proposer sends.
type AdjustmentProposal struct {
	CustomerID string `json:"customer_id"`
	Amount     Fen    `json:"amount_fen"`
	Reason     string `json:"reason"`
	ExpiresOn  string `json:"expires_on"` // YYYY-MM-DD: counts through that day, Beijing time
}

// Validate checks a proposal made at now and returns when it would expire:
// the end of ExpiresOn in Beijing time.
func (p AdjustmentProposal) Validate(now time.Time, pol CreditPolicy) (time.Time, Problems) {
	var pr Problems
	if strings.TrimSpace(p.CustomerID) == "" {
		pr.Add("customer_id", "is required")
	}
	switch {
	case p.Amount == 0:
		pr.Add("amount_fen", "must not be zero: positive raises the limit, negative lowers it")
	case p.Amount > MaxAmount || p.Amount < -MaxAmount:
		pr.Add("amount_fen", "must be at most %d either way", MaxAmount)
	}
	if strings.TrimSpace(p.Reason) == "" {
		pr.Add("reason", "is required: say why the formula is not enough")
	} else {
		pr.Text("reason", p.Reason, MaxReason, true)
	}
	day, err := time.ParseInLocation(time.DateOnly, p.ExpiresOn, Beijing)
	if err != nil {
		pr.Add("expires_on", "must be a date like 2026-12-31")
		return time.Time{}, pr
	}
	expires := day.AddDate(0, 0, 1)
	today := now.In(Beijing)
	first := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, Beijing).AddDate(0, 0, 1)
	last := first.AddDate(0, 0, pol.MaxAdjustmentDays-1)
	switch {
	case day.Before(first):
		pr.Add("expires_on", "must be after today (%s)", today.Format(time.DateOnly))
	case day.After(last):
		pr.Add("expires_on", "must be at most %d days ahead (%s)", pol.MaxAdjustmentDays, last.Format(time.DateOnly))
	}
	return expires, pr
}

// AdjustmentFilter selects manual adjustments. Zero fields do not filter.
type AdjustmentFilter struct {
	Status     AdjustmentStatus `json:"status,omitempty"`
	CustomerID string           `json:"customer_id,omitempty"`
	Scope      Scope            `json:"-"`
	Limit      int              `json:"limit,omitempty"`
}

// FormatAdjustmentID formats the seq-th adjustment of year: CA-2026-000042.
func FormatAdjustmentID(year int, seq int64) string {
	return fmt.Sprintf("CA-%04d-%06d", year, seq)
}

var adjustmentIDPattern = regexp.MustCompile(`^CA-\d{4}-\d{6,}$`)

// ValidAdjustmentID reports whether s looks like an adjustment id.
func ValidAdjustmentID(s string) bool { return adjustmentIDPattern.MatchString(s) }

// Above returns who holds rung l of the ladder, or the first holder above it
// when the rung is vacant ("" when every rung up to the GM is vacant).
func (ld Ladder) Above(l Level) string {
	for lv := max(l, LevelKAM); lv <= LevelGM; lv++ {
		if h := ld.Holder(lv); h != "" {
			return h
		}
	}
	return ""
}

// AdjustmentDecision is the SLT's decision on a proposed adjustment.
type AdjustmentDecision struct {
	ID      string    `json:"id"`
	Approve bool      `json:"approve"`
	By      string    `json:"by"`
	Note    string    `json:"note,omitempty"`
	At      time.Time `json:"at"`
}
