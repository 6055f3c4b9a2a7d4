package sales

import (
	"fmt"
	"time"
)

// ReturnStatus is where a return stands.
type ReturnStatus string

// Return statuses: requested → approved → received, or rejected.
const (
	ReturnRequested ReturnStatus = "requested" // waiting for the UM or the SLT
	ReturnApproved  ReturnStatus = "approved"  // waiting for the goods at Logistics
	ReturnReceived  ReturnStatus = "received"  // goods back, credit note issued
	ReturnRejected  ReturnStatus = "rejected"
)

// Where a return comes from.
const (
	ReturnByRequest  = "request"  // the customer asks, through SSG or FSF
	ReturnByShortage = "shortage" // proof of delivery found units missing: nothing comes back
	// A credit note for a difference on an invoice, no goods returned,
	// approved like a return of the same value (often how a dispute ends).
	ReturnByPrice    = "price"    // a price difference: an amount
	ReturnByQuantity = "quantity" // a quantity difference: units billed but not received
)

// NoGoods reports whether a return of source takes no goods back: it is
// credited once approved.
func NoGoods(source string) bool {
	return source == ReturnByShortage || source == ReturnByPrice || source == ReturnByQuantity
}

// EscalateReturn is the escalation of a return decision or receipt that is late.
const EscalateReturn EscalationKind = "return_pending"

// Return is a request to take delivered goods back (退货) and credit them.
type Return struct {
	No          string       `json:"no"`
	Source      string       `json:"source"`
	ShipmentNo  string       `json:"shipment_no,omitempty"` // the shipment found short (shortage returns)
	InvoiceNo   string       `json:"invoice_no,omitempty"`  // the invoice a price or quantity difference credits
	Reason      string       `json:"reason"`
	Lines       []LineQty    `json:"lines"`
	Value       Fen          `json:"value_fen"`
	Approver    Level        `json:"approver_level"` // UM up to the policy's limit, SLT above
	Status      ReturnStatus `json:"status"`
	RequestedBy string       `json:"requested_by"`
	RequestedAt time.Time    `json:"requested_at"`
	Since       time.Time    `json:"since"` // the current wait (decision or receipt) started
	Level       Level        `json:"escalation_level"`
	DecidedBy   string       `json:"decided_by,omitempty"`
	DecidedAt   *time.Time   `json:"decided_at,omitempty"`
	Decision    string       `json:"decision_note,omitempty"`
	Received    []LineQty    `json:"received,omitempty"`
	ReceivedBy  string       `json:"received_by,omitempty"`
	ReceivedAt  *time.Time   `json:"received_at,omitempty"`
	CreditNote  string       `json:"credit_note_no,omitempty"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// Open reports whether the return still waits for a decision or the goods.
func (r Return) Open() bool { return r.Status == ReturnRequested || r.Status == ReturnApproved }

// counted is what the return takes from the returnable quantities: what came
// back once received, what was asked before, nothing once rejected.
func (r Return) counted() []LineQty {
	switch r.Status {
	case ReturnRejected:
		return nil
	case ReturnReceived:
		return r.Received
	}
	return r.Lines
}

// CreditNote credits a customer for returned goods: it reduces the order's
// open invoices, and what no invoice owes any more (it was paid) becomes the
// customer's credit balance.
type CreditNote struct {
	No          string       `json:"no"`
	ReturnNo    string       `json:"return_no"`
	OrderNo     string       `json:"order_no"`
	CustomerID  string       `json:"customer_id"`
	Currency    Currency     `json:"currency"`
	Lines       []LineQty    `json:"lines"`
	Amount      Fen          `json:"amount_fen"`
	Allocations []Allocation `json:"allocations"`
	Refund      Fen          `json:"refund_fen"` // to the customer's credit balance
	IssuedAt    time.Time    `json:"issued_at"`
	InvoiceNo   string       `json:"invoice_no,omitempty"` // the invoice credited first
	Kind        string       `json:"kind,omitempty"`       // the return's source: request, shortage, price, quantity
	Net         Fen          `json:"net_fen,omitempty"`
	Tax         Fen          `json:"tax_fen,omitempty"`
}

// Returnable returns, per order line, what may still be returned at now:
// what shipments delivered within window (zero: any time) minus shortages,
// minus what other returns (all but except) ask or took back. Shortage
// returns are not counted: the short units were never delivered.
func Returnable(lines []Line, shipments []Shipment, returns []Return, now time.Time, window time.Duration, except string) map[int]int64 {
	out := make(map[int]int64, len(lines))
	for _, l := range lines {
		out[l.LineNo] = 0
	}
	for _, sh := range shipments {
		if !sh.Delivered() || (window > 0 && now.After(sh.DeliveredAt.Add(window))) {
			continue
		}
		for _, q := range sh.Lines {
			out[q.LineNo] += q.Quantity
		}
		for _, q := range sh.Shortages {
			out[q.LineNo] -= q.Quantity
		}
	}
	for _, rt := range returns {
		if rt.No == except || rt.Source == ReturnByShortage {
			continue
		}
		for _, q := range rt.counted() {
			out[q.LineNo] -= q.Quantity
		}
	}
	// Each entry is clamped on its own: the order does not matter.
	//workflowcheck:ignore
	for k, v := range out {
		if v < 0 {
			out[k] = 0
		}
	}
	return out
}

// ValidateReturnLines checks the lines of a return request against what may
// be returned: known lines, each once, positive quantities within what is
// returnable, something returned at all.
func ValidateReturnLines(field string, returnable map[int]int64, lines []LineQty) Problems {
	p := checkLineQtys(field, returnable, lines, false, func(q LineQty, left int64) string {
		return fmt.Sprintf("%d is more than the %d of line %d that may be returned (delivered within the return window, not short, not returned already)", q.Quantity, left, q.LineNo)
	})
	if len(lines) == 0 {
		p.Add(field, "at least one line must be returned")
	}
	return p
}

// ValidateReceiptLines checks what Logistics received of a return: it may
// differ from the request, but never exceeds what was delivered and not
// returned otherwise; zero is allowed (nothing came back).
func ValidateReceiptLines(field string, returnable map[int]int64, lines []LineQty) Problems {
	p := checkLineQtys(field, returnable, lines, true, func(q LineQty, left int64) string {
		return fmt.Sprintf("%d is more than the %d of line %d delivered and not returned otherwise", q.Quantity, left, q.LineNo)
	})
	if len(lines) == 0 {
		p.Add(field, "list what came back, with 0 for lines that did not")
	}
	return p
}

// ReturnApprover is who approves a return of value: the UM up to limit, the
// SLT above it.
func ReturnApprover(value, limit Fen) Level {
	if value <= limit {
		return LevelUM
	}
	return LevelSLT
}
