package workflows

import (
	"time"

	"osb/sales"
)

// OrderInput starts an order's cycle. State and Book are set when a run
// goes on from an earlier one (continue-as-new, or a return request on a
// remitted order) and carry the whole order over.
type OrderInput struct {
	OrderNo   string             `json:"order_no"`
	Request   sales.OrderRequest `json:"request"`
	CreatedBy sales.Actor        `json:"created_by"`
	Policy    sales.Policy       `json:"policy"`
	State     *OrderState        `json:"state,omitempty"`
	Book      *RunBook           `json:"book,omitempty"`
	// ContinueAfter forces continue-as-new after this many wake-ups; zero
	// leaves it to the server's suggestion. Tests use it.
	ContinueAfter int `json:"continue_after,omitempty"`
	// Prepared is what OP1 registers, read by the starter when it validated
	// the order (customer, SKUs, ladder, POP items); without it the workflow
	// reads it itself (PrepareOrder).
	Prepared *PrepareResult `json:"prepared,omitempty"`
	// Reopen marks a run started from where a remitted order's workflow
	// ended, for a return request: the request comes with the start.
	Reopen bool `json:"reopen,omitempty"`
	// Calendar is the PRC working calendar of the current and next year
	// (release 1.2): step deadlines in whole days count its working days.
	// From Prepared at the start; a run without it, or whose year it lacks,
	// reads it (LoadCalendar); continue-as-new reads it afresh.
	Calendar *sales.Calendar `json:"calendar,omitempty"`
}

// OrderResult is how the cycle ended.
type OrderResult struct {
	OrderNo string            `json:"order_no"`
	Status  sales.OrderStatus `json:"status"`
	Reason  string            `json:"reason,omitempty"`
}

// Decision kinds of the SLT on a held order (an order held over quota also
// takes allow and within_quota).
const (
	DecisionApprove     = "approve"
	DecisionReject      = "reject"
	DecisionApprovePart = "approve_part"
)

// DecideInput is the SLT's decision on a held order (OP5 or a re-check hold).
type DecideInput struct {
	Actor    sales.Actor     `json:"actor"`
	Decision string          `json:"decision"`
	Lines    []sales.LineQty `json:"lines,omitempty"` // approved quantities for approve_part
	Reason   string          `json:"reason,omitempty"`
}

// AcknowledgeInput is Logistics' plan for the dispatch (SP1).
type AcknowledgeInput struct {
	Actor       sales.Actor `json:"actor"`
	PlannedDate string      `json:"planned_date"` // YYYY-MM-DD
}

// GoodsIssueInput is what left the warehouse (SP4).
type GoodsIssueInput struct {
	Actor   sales.Actor     `json:"actor"`
	Lines   []sales.LineQty `json:"lines"`
	Carrier string          `json:"carrier"`
	Waybill string          `json:"waybill"`
}

// GoodsIssueResult names the shipment and the invoice it produced.
type GoodsIssueResult struct {
	ShipmentNo string    `json:"shipment_no"`
	InvoiceNo  string    `json:"invoice_no"`
	Amount     sales.Fen `json:"amount_fen"`
	DueAt      time.Time `json:"due_at"`
	Backorder  int64     `json:"backorder"`
}

// DeliverInput is the customer's proof of delivery for one shipment (SP6).
type DeliverInput struct {
	Actor      sales.Actor     `json:"actor"`
	ShipmentNo string          `json:"shipment_no"`
	Shortages  []sales.LineQty `json:"shortages,omitempty"`
	Damaged    bool            `json:"damaged,omitempty"`
	Note       string          `json:"note,omitempty"`
}

// InvoiceAckInput records the customer's acknowledgement of an invoice (BC2).
type InvoiceAckInput struct {
	Actor     sales.Actor `json:"actor"`
	InvoiceNo string      `json:"invoice_no"`
}

// DisputeInput records that the customer disputes an invoice (BC2).
type DisputeInput struct {
	Actor     sales.Actor `json:"actor"`
	InvoiceNo string      `json:"invoice_no"`
	Reason    string      `json:"reason"`
}

// ConfirmPaymentInput is a receipt confirmed by Finance (BC6).
type ConfirmPaymentInput struct {
	Actor     sales.Actor    `json:"actor"`
	Reference string         `json:"reference"`
	Amount    sales.Fen      `json:"amount_fen"`
	Currency  sales.Currency `json:"currency"`
	InvoiceNo string         `json:"invoice_no,omitempty"` // applied here first when given
}

// ConfirmPaymentResult says how the receipt was applied; Duplicate is true
// when the reference had been confirmed before and nothing was counted again.
type ConfirmPaymentResult struct {
	Receipt     sales.Receipt `json:"receipt"`
	Duplicate   bool          `json:"duplicate"`
	Outstanding sales.Fen     `json:"outstanding_fen"`
}

// ApplyPaymentInput is an order's share of a customer's bank receipt, or of
// the customer's unapplied cash, applied to named invoices of the order
// (BC6). Key names the source once for ever ("receipt/<id>",
// "unapplied/<id>"): sent again, it answers as the first time.
type ApplyPaymentInput struct {
	Actor     sales.Actor        `json:"actor"`
	Key       string             `json:"key"`
	Reference string             `json:"reference"`  // the bank's reference, shown on the order
	ValueDate string             `json:"value_date"` // Beijing date the money arrived: days late count to it
	Currency  sales.Currency     `json:"currency"`
	Shares    []sales.Allocation `json:"shares"`
}

// ApplyPaymentResult says what the order took of each share: an invoice
// takes at most what it owes, and Unapplied is what it did not take (it
// stays the customer's unapplied cash).
type ApplyPaymentResult struct {
	Applied   []sales.Allocation `json:"applied"`
	Unapplied sales.Fen          `json:"unapplied_fen"`
	Duplicate bool               `json:"duplicate"`
	Progress  Progress           `json:"progress"`
}

// ExtendDueInput is an SLT decision to move an invoice's due date.
type ExtendDueInput struct {
	Actor     sales.Actor `json:"actor"`
	InvoiceNo string      `json:"invoice_no"`
	DueDate   string      `json:"due_date"` // YYYY-MM-DD, after the current due date
	Reason    string      `json:"reason"`
}

// CancelInput cancels the order before goods issue.
type CancelInput struct {
	Actor  sales.Actor `json:"actor"`
	Reason string      `json:"reason"`
}

// PrepareResult is what OP1/OP2 need from the world: the customer, the SKUs
// the order names and the customer's escalation ladder.
type PrepareResult struct {
	Customer *sales.Customer      `json:"customer"`
	SKUs     map[string]sales.SKU `json:"skus"`
	Ladder   sales.Ladder         `json:"ladder"`
	// POPItems are the POP items the order names (unknown ones are absent).
	POPItems map[string]sales.POPItem `json:"pop_items,omitempty"`
	// Calendar is the working calendar of the current and next year
	// (release 1.2; nil: the workflow reads it).
	Calendar *sales.Calendar `json:"calendar,omitempty"`
}

// CalendarYears asks for the working calendar of the years From to To.
type CalendarYears struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// CreditInput asks for a customer's credit position with this order.
type CreditInput struct {
	OrderNo    string    `json:"order_no"`
	CustomerID string    `json:"customer_id"`
	Amount     sales.Fen `json:"amount_fen"` // what this order still adds
}
