package workflows

import (
	"encoding/json"
	"time"

	"osb/sales"
)

// OrderState is the whole truth of an open order in the business's terms:
// what the status query shows (OrderView) and what continue-as-new carries
// over, with the run's bookkeeping (RunBook) beside it.
type OrderState struct {
	OrderNo          string             `json:"order_no"`
	ClientRef        string             `json:"client_ref,omitempty"`
	CustomerID       string             `json:"customer_id"`
	CustomerName     string             `json:"customer_name"`
	Market           string             `json:"market"`
	Ladder           sales.Ladder       `json:"ladder"`
	PaymentTermsDays int                `json:"payment_terms_days"`
	Currency         sales.Currency     `json:"currency"`
	RequestedDate    string             `json:"requested_date,omitempty"`
	Lines            []sales.Line       `json:"lines"`
	POP              []sales.POPRequest `json:"pop,omitempty"`
	CreatedBy        sales.Actor        `json:"created_by"`
	CreatedAt        time.Time          `json:"created_at"`

	Status    sales.OrderStatus `json:"status"`
	Step      sales.Step        `json:"step"`
	StepSince time.Time         `json:"step_since"`
	StepLevel sales.Level       `json:"step_level"` // escalation of the current step
	// WorkingDays: deadlines in whole days count working days of the PRC
	// calendar (from release 1.2 on; before, 24-hour days).
	WorkingDays bool        `json:"working_days,omitempty"`
	Level       sales.Level `json:"escalation_level"` // highest level reached by anything open
	Reason      string      `json:"reason,omitempty"` // why rejected or cancelled

	Period   string             `json:"period,omitempty"` // quota and POP month, from the registration date
	Quota    []sales.QuotaLine  `json:"quota,omitempty"`  // the quota-controlled lines
	POPState *POPState          `json:"pop_state,omitempty"`
	Returns  []sales.Return     `json:"returns,omitempty"`
	Credits  []sales.CreditNote `json:"credit_notes,omitempty"`
	// ReturnsUntil is how long a remitted order still takes returns: its
	// workflow completes at remittance, and a return request until then
	// starts it again (returns.go).
	ReturnsUntil *time.Time `json:"returns_until,omitempty"`

	// CreditDue is set by a quota decision: the credit check (OP4) comes next.
	CreditDue bool `json:"credit_due,omitempty"`

	Hold            *Hold     `json:"hold,omitempty"`
	CreditCheckedAt time.Time `json:"credit_checked_at"`
	Rechecked       bool      `json:"rechecked"`
	PlannedDate     string    `json:"planned_date,omitempty"`
	// PlannedDateBeijing: the planned date is a Beijing date (planned from
	// release 1.1 on; before, a UTC date).
	PlannedDateBeijing bool       `json:"planned_date_beijing,omitempty"`
	AcknowledgedAt     *time.Time `json:"acknowledged_at,omitempty"`

	// BackorderClosed: the SSG closed what was still to ship short (1.2).
	BackorderClosed *BackorderClosed `json:"backorder_closed,omitempty"`

	Shipments []sales.Shipment `json:"shipments"`
	Invoices  []sales.Invoice  `json:"invoices"`
	Receipts  []sales.Receipt  `json:"receipts"`
	ClosedAt  *time.Time       `json:"closed_at,omitempty"`

	Seq int `json:"seq"` // audit events so far: the number of the next is Seq+1
}

// RunBook is the run's bookkeeping beside the order's state: what is still
// to be written to the store and what was written last, to the store and to
// Temporal's visibility. None of it is business; it is carried across
// continue-as-new with the state, and never shown.
type RunBook struct {
	// Pending is written to the store at the next flush.
	Pending sales.OrderChanges `json:"pending"`
	// SA are the search attributes last written, Memo the memo.
	SA   savedAttrs `json:"sa"`
	Memo *OrderMemo `json:"memo,omitempty"`
	// Written holds a hash of each line, shipment, invoice and receipt as
	// last written to the store, so a write carries only what changed.
	Written map[string]uint64 `json:"written,omitempty"`
	// Answers are the answers of the latest updates by update id, oldest
	// first: Temporal knows the update ids of one run only, and these carry
	// them into later runs, so an action sent again after continue-as-new
	// (a retried goods issue) answers as it did and is not done twice.
	Answers []Answer `json:"answers,omitempty"`
	// Lag says since when the order's record in the store is behind its
	// workflow (nil when it is current).
	Lag *StoreLag `json:"lag,omitempty"`
}

// Answer is an update's answer as it was given.
type Answer struct {
	ID     string          `json:"id"`
	Result json.RawMessage `json:"result"`
}

// StoreLag is an order whose writes to the store keep failing: its changes
// wait in the bookkeeping and are tried again with back-off.
type StoreLag struct {
	Since    time.Time `json:"since"`
	Attempts int       `json:"attempts"`
	Error    string    `json:"error"`
	// Reported: the OSB problem about it was filed (once).
	Reported bool `json:"reported,omitempty"`
}

// Hold kinds: what the SLT decides on.
const (
	HoldCredit = "credit" // OP5 or SP2: approve, reject or approve part
	HoldQuota  = "quota"  // OP3: allow, confirm the part within quota, or reject
)

// Hold is a wait for an SLT decision.
type Hold struct {
	Step   sales.Step  `json:"step"` // OP3 over quota, OP5, or SP2 after a failed re-check
	Kind   string      `json:"kind,omitempty"`
	Reason string      `json:"reason"`
	Since  time.Time   `json:"since"`
	Level  sales.Level `json:"level"`
	// Upward: the hold escalates upwards only, to the market's SLT members,
	// the GM, then the automatic rejection (held from release 1.2 on;
	// before, it climbed the ladder from the KAM).
	Upward bool `json:"upward,omitempty"`
}

// savedAttrs remembers the search attributes last written, so only changes are upserted.
type savedAttrs struct {
	Status      string    `json:"status"`
	Step        string    `json:"step"`
	Level       int64     `json:"level"`
	Outstanding int64     `json:"outstanding"`
	Deadline    time.Time `json:"deadline"`
	// Identity: order number, customer, market and KAM are set (at the
	// start, by the starter, or by the first upsert).
	Identity bool `json:"identity,omitempty"`
}

// Total is the value of the order's lines.
func (s *OrderState) Total() sales.Fen { return sales.Total(s.Lines) }

// Billed is what invoices cover.
func (s *OrderState) Billed() sales.Fen {
	var t sales.Fen
	for _, i := range s.Invoices {
		t += i.Amount
	}
	return t
}

// Outstanding is what invoices still owe.
func (s *OrderState) Outstanding() sales.Fen {
	var t sales.Fen
	for _, i := range s.Invoices {
		t += i.Outstanding()
	}
	return t
}

// Unbilled is what the order will still bill (zero once final).
func (s *OrderState) Unbilled() sales.Fen {
	if s.Status.Final() {
		return 0
	}
	return s.Total() - s.Billed()
}

// Backorder is the quantity still to ship.
func (s *OrderState) Backorder() int64 { return sales.Backorder(s.Lines, s.Shipments) }

func (s *OrderState) shipment(no string) *sales.Shipment {
	for i := range s.Shipments {
		if s.Shipments[i].No == no {
			return &s.Shipments[i]
		}
	}
	return nil
}

func (s *OrderState) invoice(no string) *sales.Invoice {
	for i := range s.Invoices {
		if s.Invoices[i].No == no {
			return &s.Invoices[i]
		}
	}
	return nil
}

func (s *OrderState) receipt(ref string) *sales.Receipt {
	for i := range s.Receipts {
		if s.Receipts[i].Reference == ref {
			return &s.Receipts[i]
		}
	}
	return nil
}

// released reports whether the order went to Logistics (OP7 done).
func (s *OrderState) released() bool {
	switch s.Status {
	case sales.StatusReleased, sales.StatusShipping, sales.StatusBilled, sales.StatusRemitted:
		return true
	}
	return false
}

// currentStep derives where the order waits now from what has happened: the
// least advanced open part of the cycle.
func (s *OrderState) currentStep(now time.Time) sales.Step {
	if s.Hold != nil {
		return s.Hold.Step
	}
	if !s.released() {
		return s.Step
	}
	if s.Status == sales.StatusRemitted {
		return sales.BC7Close
	}
	if s.AcknowledgedAt == nil {
		return sales.SP1Plan
	}
	if s.Backorder() > 0 {
		return sales.SP3Pick
	}
	for _, sh := range s.Shipments {
		if !sh.Delivered() {
			return sales.SP5InTransit
		}
	}
	for _, inv := range s.Invoices {
		if inv.Open() && !inv.Acknowledged && !inv.Disputed {
			return sales.BC2Acknowledge
		}
	}
	for _, inv := range s.Invoices {
		if inv.Overdue(now) {
			return sales.BC5Dunning
		}
	}
	return sales.BC6Payment
}

// remitted reports whether the cycle is complete: everything shipped and
// delivered, every invoice paid, no return open.
func (s *OrderState) remitted() bool {
	if !s.released() || s.Backorder() > 0 || len(s.Invoices) == 0 || s.returnOpen() {
		return false
	}
	for _, sh := range s.Shipments {
		if !sh.Delivered() {
			return false
		}
	}
	return s.Outstanding() == 0
}

// OrderView is what the status query answers: the order's state (business
// only; the run's bookkeeping is never shown) plus what is derived from it.
type OrderView struct {
	OrderState
	Stage        sales.Stage `json:"stage"`
	StepName     string      `json:"step_name"`
	StepOwner    sales.Role  `json:"step_owner"`
	Total        sales.Fen   `json:"total_fen"`
	Outstanding  sales.Fen   `json:"outstanding_fen"`
	Unbilled     sales.Fen   `json:"unbilled_fen"`
	Backorder    int64       `json:"backorder"`
	NextDeadline *time.Time  `json:"next_deadline,omitempty"`
	NextAction   string      `json:"next_action,omitempty"`
	// RecordBehind says since when the order's record in the store (what
	// lists and reports show) is behind this live status; nil when current.
	RecordBehind *StoreLag `json:"record_behind,omitempty"`
}

// Progress is what an action on an order answers: where the order stands now,
// what it owes and who must act next. The whole order is the status query's.
type Progress struct {
	OrderNo      string            `json:"order_no"`
	Status       sales.OrderStatus `json:"status"`
	Step         sales.Step        `json:"step"`
	StepName     string            `json:"step_name"`
	StepOwner    sales.Role        `json:"step_owner"`
	NextAction   string            `json:"next_action,omitempty"`
	NextDeadline *time.Time        `json:"next_deadline,omitempty"`
	Hold         string            `json:"hold,omitempty"`   // why the order waits for the SLT
	Reason       string            `json:"reason,omitempty"` // why rejected or cancelled
	Level        sales.Level       `json:"escalation_level"`
	Currency     sales.Currency    `json:"currency"`
	Total        sales.Fen         `json:"total_fen"`
	Outstanding  sales.Fen         `json:"outstanding_fen"`
	Unbilled     sales.Fen         `json:"unbilled_fen"`
	Backorder    int64             `json:"backorder"`
}
