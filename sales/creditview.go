package sales

import "time"

// Kinds of change in a customer's credit history.
const (
	CreditChangeReview     = "review"             // the quarterly review recomputed the limit
	CreditChangeAdjustment = "adjustment"         // a manual adjustment was approved
	CreditChangeExpiry     = "adjustment_expired" // an approved adjustment stopped counting
	CreditChangeFreeze     = "freeze"             // the customer was frozen for new orders
	CreditChangeUnfreeze   = "unfreeze"           // the freeze was lifted
)

// Who froze a customer.
const (
	FrozenByDunning    = "dunning"     // the last rung of the dunning ladder; paying lifts it
	FrozenBySLT        = "slt"         // an SLT decision; only the SLT lifts it
	FrozenByMasterData = "master_data" // the organisation data
)

// CreditChange is one entry of a customer's credit history: what changed,
// from what to what, why and with which inputs.
type CreditChange struct {
	ID         int64         `json:"id"`
	CustomerID string        `json:"customer_id"`
	Kind       string        `json:"kind"`
	Ref        string        `json:"ref,omitempty"` // review id or adjustment id
	OldRating  Rating        `json:"old_rating"`
	NewRating  Rating        `json:"new_rating"`
	OldLimit   Fen           `json:"old_limit_fen"`
	NewLimit   Fen           `json:"new_limit_fen"`
	Result     *CreditResult `json:"result,omitempty"` // the formula with its inputs, for limit changes
	Note       string        `json:"note,omitempty"`
	Actor      string        `json:"actor"`
	At         time.Time     `json:"at"`
}

// CreditView is a customer's credit as the SLT, Finance and the FSF see it:
// limit, rating, exposure and its use, what is overdue, and the history of
// every change with its inputs.
type CreditView struct {
	CustomerID   string   `json:"customer_id"`
	CustomerName string   `json:"customer_name"`
	Market       string   `json:"market"`
	KAMID        string   `json:"kam_id"`
	Currency     Currency `json:"currency"`
	Rating       Rating   `json:"rating"`
	Limit        Fen      `json:"limit_fen"`
	// BaseLimit is the limit before manual adjustments (the formula's, or the
	// organisation data's before the first review).
	BaseLimit Fen `json:"base_limit_fen"`
	// Exposure is open receivables plus what open orders have not billed yet.
	Exposure        Fen `json:"exposure_fen"`
	OpenReceivables Fen `json:"open_receivables_fen"`
	UnbilledOrders  Fen `json:"unbilled_orders_fen"`
	// UseBasisPoints is exposure against the limit (10000 = 100%); absent
	// when the limit is zero.
	UseBasisPoints    *int64     `json:"use_basis_points,omitempty"`
	Overdue           Fen        `json:"overdue_fen"`
	OverdueInvoices   int        `json:"overdue_invoices"`
	OldestOverdueDays int        `json:"oldest_overdue_days"`
	CreditBalance     Fen        `json:"credit_balance_fen"` // overpayments kept for the customer
	Frozen            bool       `json:"frozen"`
	FrozenReason      string     `json:"frozen_reason,omitempty"`
	FrozenBy          string     `json:"frozen_by,omitempty"`
	FrozenAt          *time.Time `json:"frozen_at,omitempty"`
	// Adjustments are the proposals waiting for a decision and the approved
	// adjustments that still count.
	Adjustments []CreditAdjustment `json:"adjustments"`
	History     []CreditChange     `json:"history"` // newest first
}

// CreditUse returns exposure against limit in basis points, or nil for a zero limit.
func CreditUse(exposure, limit Fen) *int64 {
	if limit <= 0 {
		return nil
	}
	bp := mulDiv(int64(exposure), 10000, int64(limit))
	return &bp
}
