package sales

import (
	"encoding/json"
	"time"
)

// OrderChanges is one idempotent write of an order to the store: the whole
// current snapshot plus what happened since the last write. Writing it twice
// changes nothing: snapshots are upserts guarded by version, the rest is keyed.
type OrderChanges struct {
	Order         *OrderSnapshot `json:"order,omitempty"`
	Events        []Event        `json:"events,omitempty"`
	Escalations   []Escalation   `json:"escalations,omitempty"`
	Notifications []Notification `json:"notifications,omitempty"`
	Freeze        *Freeze        `json:"freeze,omitempty"`
	Credits       []CreditEntry  `json:"credits,omitempty"`
	Quota         []QuotaMove    `json:"quota,omitempty"`        // consumed and given back
	POP           []POPUsage     `json:"pop,omitempty"`          // POP budget released
	Returns       []Return       `json:"returns,omitempty"`      // each return as it changed
	CreditNotes   []CreditNote   `json:"credit_notes,omitempty"` // issued for received returns
	// Resume comes with the snapshot of a remitted order that still takes
	// returns: the input (opaque JSON) from which a return request starts its
	// workflow again once the run has completed.
	Resume json.RawMessage `json:"resume,omitempty"`
}

// Empty reports whether there is nothing to write.
func (c OrderChanges) Empty() bool {
	return c.Order == nil && len(c.Resume) == 0 && len(c.Events) == 0 && len(c.Escalations) == 0 &&
		len(c.Notifications) == 0 && c.Freeze == nil && len(c.Credits) == 0 &&
		len(c.Quota) == 0 && len(c.POP) == 0 && len(c.Returns) == 0 && len(c.CreditNotes) == 0
}

// Merge returns c followed by later: later's snapshot and freeze win.
func (c OrderChanges) Merge(later OrderChanges) OrderChanges {
	out := OrderChanges{
		Order:         c.Order,
		Resume:        c.Resume,
		Events:        append(c.Events, later.Events...),
		Escalations:   append(c.Escalations, later.Escalations...),
		Notifications: append(c.Notifications, later.Notifications...),
		Freeze:        c.Freeze,
		Credits:       append(c.Credits, later.Credits...),
		Quota:         append(c.Quota, later.Quota...),
		POP:           append(c.POP, later.POP...),
		Returns:       append(c.Returns, later.Returns...),
		CreditNotes:   append(c.CreditNotes, later.CreditNotes...),
	}
	if later.Order != nil {
		out.Order, out.Resume = later.Order, later.Resume
	}
	if later.Freeze != nil {
		out.Freeze = later.Freeze
	}
	return out
}

// OrderSnapshot is the projection of an order that lists and reports read.
type OrderSnapshot struct {
	OrderNo       string      `json:"order_no"`
	Version       int         `json:"version"`
	CustomerID    string      `json:"customer_id"`
	Market        string      `json:"market"`
	KAMID         string      `json:"kam_id"`
	ClientRef     string      `json:"client_ref"`
	Currency      Currency    `json:"currency"`
	Total         Fen         `json:"total_fen"`
	Status        OrderStatus `json:"status"`
	Step          Step        `json:"step"`
	Level         Level       `json:"escalation_level"`
	Unbilled      Fen         `json:"unbilled_fen"`
	Outstanding   Fen         `json:"outstanding_fen"`
	NextDeadline  *time.Time  `json:"next_deadline,omitempty"`
	RequestedDate string      `json:"requested_date,omitempty"`
	HoldReason    string      `json:"hold_reason,omitempty"`
	CreatedBy     string      `json:"created_by"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
	ClosedAt      *time.Time  `json:"closed_at,omitempty"`
	// The order's lines, shipments, invoices and receipts; a write from the
	// workflow carries only those that changed since its last write (none is
	// ever removed), and Shipped then gives each line's shipped quantity.
	Lines     []Line        `json:"lines"`
	Shipments []Shipment    `json:"shipments"`
	Invoices  []Invoice     `json:"invoices"`
	Receipts  []Receipt     `json:"receipts"`
	Shipped   map[int]int64 `json:"shipped,omitempty"`
}

// ShippedByLine returns the quantity shipped of each line: Shipped when set,
// else what the snapshot's shipments took.
func (o *OrderSnapshot) ShippedByLine() map[int]int64 {
	if o.Shipped != nil {
		return o.Shipped
	}
	return Shipped(o.Shipments)
}

// Event is one audit entry: a step reached or an action taken.
type Event struct {
	Seq    int               `json:"seq"`
	At     time.Time         `json:"at"`
	Step   Step              `json:"step"`
	Kind   string            `json:"kind"`
	Actor  string            `json:"actor"`
	Detail map[string]string `json:"detail,omitempty"`
}

// Escalation is a late thing reaching a rung of the ladder.
type Escalation struct {
	Key string `json:"key"` // order/kind/ref/level: never twice
	// An escalation is of an order or of a credit adjustment.
	OrderNo      string         `json:"order_no,omitempty"`
	AdjustmentID string         `json:"adjustment_id,omitempty"`
	CustomerID   string         `json:"customer_id"`
	Market       string         `json:"market"`
	Kind         EscalationKind `json:"kind"`
	Subject      string         `json:"subject"`
	Level        Level          `json:"level"`
	Recipients   []string       `json:"recipients"`
	At           time.Time      `json:"at"`
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
	Key        string    `json:"key"`
	CustomerID string    `json:"customer_id"`
	Amount     Fen       `json:"amount_fen"`
	Currency   Currency  `json:"currency"`
	Note       string    `json:"note"`
	At         time.Time `json:"at"`
}
