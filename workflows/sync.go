package workflows

import (
	"time"

	"osb/sales"
)

// SyncInput is one idempotent write of an order to the store: the whole
// current snapshot plus what happened since the last write. Replaying it
// changes nothing: snapshots are upserts guarded by version, the rest is keyed.
type SyncInput struct {
	Order         *OrderSnapshot `json:"order,omitempty"`
	Events        []Event        `json:"events,omitempty"`
	Escalations   []Escalation   `json:"escalations,omitempty"`
	Notifications []Notification `json:"notifications,omitempty"`
	Freeze        *Freeze        `json:"freeze,omitempty"`
	Credits       []CreditEntry  `json:"credits,omitempty"`
}

func (in SyncInput) empty() bool {
	return in.Order == nil && len(in.Events) == 0 && len(in.Escalations) == 0 &&
		len(in.Notifications) == 0 && in.Freeze == nil && len(in.Credits) == 0
}

// merge returns in followed by later: later's snapshot wins when it has one.
func (in SyncInput) merge(later SyncInput) SyncInput {
	out := SyncInput{
		Order:         in.Order,
		Events:        append(in.Events, later.Events...),
		Escalations:   append(in.Escalations, later.Escalations...),
		Notifications: append(in.Notifications, later.Notifications...),
		Freeze:        in.Freeze,
		Credits:       append(in.Credits, later.Credits...),
	}
	if later.Order != nil {
		out.Order = later.Order
	}
	if later.Freeze != nil {
		out.Freeze = later.Freeze
	}
	return out
}

// OrderSnapshot is the projection of an order that lists and reports read.
type OrderSnapshot struct {
	OrderNo       string            `json:"order_no"`
	Version       int               `json:"version"`
	CustomerID    string            `json:"customer_id"`
	Market        string            `json:"market"`
	KAMID         string            `json:"kam_id"`
	ClientRef     string            `json:"client_ref"`
	Currency      sales.Currency    `json:"currency"`
	Total         sales.Fen         `json:"total_fen"`
	Status        sales.OrderStatus `json:"status"`
	Step          sales.Step        `json:"step"`
	Level         sales.Level       `json:"escalation_level"`
	Unbilled      sales.Fen         `json:"unbilled_fen"`
	Outstanding   sales.Fen         `json:"outstanding_fen"`
	NextDeadline  *time.Time        `json:"next_deadline,omitempty"`
	RequestedDate string            `json:"requested_date,omitempty"`
	HoldReason    string            `json:"hold_reason,omitempty"`
	CreatedBy     string            `json:"created_by"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
	ClosedAt      *time.Time        `json:"closed_at,omitempty"`
	Lines         []sales.Line      `json:"lines"`
	Shipments     []sales.Shipment  `json:"shipments"`
	Invoices      []sales.Invoice   `json:"invoices"`
	Receipts      []sales.Receipt   `json:"receipts"`
}

// Event is one audit entry: a step reached or an action taken.
type Event struct {
	Seq    int               `json:"seq"`
	At     time.Time         `json:"at"`
	Step   sales.Step        `json:"step"`
	Kind   string            `json:"kind"`
	Actor  string            `json:"actor"`
	Detail map[string]string `json:"detail,omitempty"`
}

// Escalation is a late thing reaching a rung of the ladder.
type Escalation struct {
	Key        string               `json:"key"` // order/kind/ref/level: never twice
	OrderNo    string               `json:"order_no"`
	CustomerID string               `json:"customer_id"`
	Market     string               `json:"market"`
	Kind       sales.EscalationKind `json:"kind"`
	Subject    string               `json:"subject"`
	Level      sales.Level          `json:"level"`
	Recipients []string             `json:"recipients"`
	At         time.Time            `json:"at"`
}

// Notification is one message to one recipient, delivered by the outbox.
type Notification struct {
	Key         string    `json:"key"`
	OrderNo     string    `json:"order_no"`
	RecipientID string    `json:"recipient_id"` // a user id, or dept:<role> for a department
	Kind        string    `json:"kind"`
	Subject     string    `json:"subject"`
	Body        string    `json:"body"`
	At          time.Time `json:"at"`
}

// Freeze freezes a customer for new orders (the last dunning rung).
type Freeze struct {
	CustomerID string    `json:"customer_id"`
	Reason     string    `json:"reason"`
	At         time.Time `json:"at"`
}

// CreditEntry moves a customer's credit balance (an overpayment adds to it).
type CreditEntry struct {
	Key        string         `json:"key"`
	CustomerID string         `json:"customer_id"`
	Amount     sales.Fen      `json:"amount_fen"`
	Currency   sales.Currency `json:"currency"`
	Note       string         `json:"note"`
	At         time.Time      `json:"at"`
}
