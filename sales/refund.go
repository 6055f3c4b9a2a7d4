package sales

import (
	"slices"
	"time"
)

// RefundStatus is where a refund of unapplied cash stands.
type RefundStatus string

// A refund within the limit is refunded at once; above it, it is requested
// until the SLT approves (refunded) or rejects it, or nobody decides after
// the last rung (rejected).
const (
	RefundRequested RefundStatus = "requested"
	RefundRefunded  RefundStatus = "refunded"
	RefundRejected  RefundStatus = "rejected"
)

// RefundStatuses are every status, for filters.
var RefundStatuses = []RefundStatus{RefundRequested, RefundRefunded, RefundRejected}

// Valid reports whether s is one of the statuses.
func (s RefundStatus) Valid() bool { return slices.Contains(RefundStatuses, s) }

// Refund is unapplied cash paid back to the customer. It is reserved in the
// customer's ledger when Finance asks, so that it cannot be spent twice, and
// given back when rejected.
type Refund struct {
	ID            int64        `json:"id"`
	CustomerID    string       `json:"customer_id"`
	Amount        Fen          `json:"amount_fen"`
	Currency      Currency     `json:"currency"`
	BankAccount   string       `json:"bank_account"` // the customer's account the money goes to
	Reason        string       `json:"reason"`
	Status        RefundStatus `json:"status"`
	NeedsDecision bool         `json:"needs_decision"`   // above the limit: the SLT decides
	Level         Level        `json:"escalation_level"` // the rung a waiting refund reached
	RequestedBy   string       `json:"requested_by"`
	RequestedAt   time.Time    `json:"requested_at"`
	DecidedBy     string       `json:"decided_by,omitempty"` // "" for a refund within the limit or rejected for want of a decision
	DecidedAt     *time.Time   `json:"decided_at,omitempty"`
	DecisionNote  string       `json:"decision_note,omitempty"`
}

// RefundRequest is what Finance sends to refund unapplied cash.
type RefundRequest struct {
	CustomerID  string `json:"customer_id"`
	Amount      Fen    `json:"amount_fen"`
	BankAccount string `json:"bank_account"`
	Reason      string `json:"reason"`
}

// Validate checks the request; the balance is checked when it is recorded.
func (r RefundRequest) Validate() Problems {
	var p Problems
	p.Text("customer_id", r.CustomerID, MaxCode, true)
	if r.Amount <= 0 || r.Amount > MaxAmount {
		p.Add("amount_fen", "must be positive, at most %d", MaxAmount)
	}
	p.Text("bank_account", r.BankAccount, MaxReference, true)
	p.Text("reason", r.Reason, MaxReason, true)
	return p
}

// RefundFilter selects refunds. Zero fields do not filter.
type RefundFilter struct {
	Status     RefundStatus `json:"status,omitempty"`
	CustomerID string       `json:"customer_id,omitempty"`
	Scope      Scope        `json:"-"`
	Limit      int          `json:"limit,omitempty"`
}

// RefundDecision ends a requested refund: approved (refunded) or rejected
// (the reserved amount back in the customer's unapplied cash). By is empty
// for a refund within the limit and for one nobody decided in time.
type RefundDecision struct {
	ID      int64     `json:"id"`
	Approve bool      `json:"approve"`
	By      string    `json:"by,omitempty"`
	Note    string    `json:"note,omitempty"`
	At      time.Time `json:"at"`
}
