// Package workflows holds OSB's durable process logic: one long-running order
// workflow per order that walks the 21 OSB steps, waits for people with
// deadlines, escalates up the ladder, bills and collects. Workflow code never
// touches the database, the clock or randomness directly.
package workflows

import (
	"strings"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Release is the release of the workflows' code. The histories the replay
// test replays are named after the release that recorded them
// (testdata/histories/<release>-<case>.json); docs/design.md, "Versioning",
// says how a change is guarded and when a release's histories go.
const Release = "1.2"

// Patches: the change ids of workflow.GetVersion calls, each with the release
// that introduced it (docs/design.md, "Versioning"). Release 1.0 has none.
const (
	// PatchInvoiceBeijingVAT (1.1): an invoice is due on its Beijing date
	// plus the terms, and a missing VAT invoice number makes BC1 late for
	// Finance (goods issue).
	PatchInvoiceBeijingVAT = "invoice-beijing-due-vat-deadline"
	// PatchDisputePausesDunning (1.1): a disputed invoice is not reminded,
	// dunned or frozen for until the dispute ends (dispute).
	PatchDisputePausesDunning = "dispute-pauses-dunning"
	// PatchPlannedDateBeijing (1.1): the planned ship date is a Beijing date
	// (acknowledge).
	PatchPlannedDateBeijing = "planned-date-beijing"
	// PatchExtensionBeijing (1.1): an extended due date is a Beijing date
	// (extend-due).
	PatchExtensionBeijing = "extension-beijing-date"
	// PatchOwnerFirst (1.2): a late step, a missing VAT invoice number and a
	// return awaiting its goods are told first to their owner (Logistics,
	// Finance, the market's SSG), copied to the KAM, then up the ladder
	// (escalation of a step, agenda.go).
	PatchOwnerFirst = "owner-first-escalation"
	// PatchHoldUpwards (1.2): a held order escalates to the market's SLT
	// members, then the GM, then is rejected; the KAM is told of the hold
	// (hold).
	PatchHoldUpwards = "hold-ladder-upwards"
	// PatchCollectionsSSG (1.2): the reminder before due and the first
	// dunning rung go to the market's SSG members for settlement, copied to
	// the KAM (reminder, first dunning rung).
	PatchCollectionsSSG = "collections-to-ssg"
	// PatchWorkingDays (1.2): deadlines in whole days count working days of
	// the PRC calendar (entering a step).
	PatchWorkingDays = "step-deadline-working-days"
	// PatchRefreshLadder (1.2): a refreshed ladder (a KAM change) replaces
	// the order's (refresh-ladder signal).
	PatchRefreshLadder = "refresh-ladder"
	// PatchCloseBackorder (1.2): the SSG closes a backorder short after a
	// partial shipment (close-backorder update).
	PatchCloseBackorder = "close-backorder"
)

// TaskQueue is where order workflows and their activities run.
const TaskQueue = "osb-orders"

// OrderWorkflowName is the registered name of the order workflow.
const OrderWorkflowName = "Order"

// Update, signal and query names of the order workflow.
const (
	UpdateOpened       = "opened"          // waits until OP1–OP7 ran: released, held or rejected
	UpdateDecide       = "decide"          // SLT decision on a held order
	UpdateAcknowledge  = "acknowledge"     // Logistics plans the dispatch (SP1)
	UpdateGoodsIssue   = "goods-issue"     // Logistics reports what left (SP4)
	UpdateDeliver      = "deliver"         // proof of delivery (SP6)
	UpdateDispute      = "dispute"         // the customer disputes an invoice (BC2)
	UpdateConfirmPay   = "confirm-payment" // Finance confirms a receipt (BC6); kept for runs of release 1.0
	UpdateApplyPayment = "apply-payment"   // an order's share of a customer's receipt (BC6)
	UpdateExtendDue    = "extend-due"      // SLT moves an invoice's due date
	UpdateCancel       = "cancel"          // cancellation until goods issue
	// Release 1.1 (issue 16).
	UpdateWithdrawDispute  = "withdraw-dispute"    // the dispute ends without a credit note: the ladder resumes
	UpdateRequestCredit    = "request-credit-note" // SSG or FSF ask for a price or quantity difference credit note
	UpdateRecordVAT        = "record-vat-invoice"  // Finance records the official VAT invoice number (BC1)
	UpdateRequestExtension = "request-extension"   // FSF or Finance ask the SLT to move a due date
	UpdateDecideExtension  = "decide-extension"    // the SLT decides a requested extension
	SignalInvoiceAcked     = "invoice-acknowledged"
	// Release 1.2 (issue 17).
	UpdateCloseBackorder = "close-backorder" // the SSG closes the backorder short after a partial shipment
	SignalRefreshLadder  = "refresh-ladder"  // the customer's ladder resolved again (a KAM change)
	QueryStatus          = "status"
	QueryRecord          = "record" // the order's whole record for the store (record.go)
)

// WorkflowID derives the workflow id from the order number.
func WorkflowID(orderNo string) string { return "order/" + orderNo }

// OrderNoOf is the order number of an order's workflow id.
func OrderNoOf(workflowID string) (string, bool) {
	return strings.CutPrefix(workflowID, "order/")
}

// Search attributes kept current at every step, for filters in the Web UI.
var (
	SAOrderNo           = temporal.NewSearchAttributeKeyKeyword("OrderNo")
	SAOrderStatus       = temporal.NewSearchAttributeKeyKeyword("OrderStatus")
	SAStage             = temporal.NewSearchAttributeKeyKeyword("OSBStage")
	SAStep              = temporal.NewSearchAttributeKeyKeyword("OSBStep")
	SACustomerID        = temporal.NewSearchAttributeKeyKeyword("CustomerID")
	SAMarket            = temporal.NewSearchAttributeKeyKeyword("Market")
	SAKAM               = temporal.NewSearchAttributeKeyKeyword("KAM")
	SAEscalationLevel   = temporal.NewSearchAttributeKeyInt64("EscalationLevel")
	SAAmountOutstanding = temporal.NewSearchAttributeKeyInt64("AmountOutstanding")
	SANextDeadline      = temporal.NewSearchAttributeKeyTime("NextDeadline")
)

// SearchAttributes lists every custom search attribute with its type, for
// registration in the namespace.
func SearchAttributes() map[string]enums.IndexedValueType {
	return map[string]enums.IndexedValueType{
		SAOrderNo.GetName():           enums.INDEXED_VALUE_TYPE_KEYWORD,
		SAOrderStatus.GetName():       enums.INDEXED_VALUE_TYPE_KEYWORD,
		SAStage.GetName():             enums.INDEXED_VALUE_TYPE_KEYWORD,
		SAStep.GetName():              enums.INDEXED_VALUE_TYPE_KEYWORD,
		SACustomerID.GetName():        enums.INDEXED_VALUE_TYPE_KEYWORD,
		SAMarket.GetName():            enums.INDEXED_VALUE_TYPE_KEYWORD,
		SAKAM.GetName():               enums.INDEXED_VALUE_TYPE_KEYWORD,
		SAEscalationLevel.GetName():   enums.INDEXED_VALUE_TYPE_INT,
		SAAmountOutstanding.GetName(): enums.INDEXED_VALUE_TYPE_INT,
		SANextDeadline.GetName():      enums.INDEXED_VALUE_TYPE_DATETIME,
		SAReviewQuarter.GetName():     enums.INDEXED_VALUE_TYPE_KEYWORD, // credit reviews, creditreview.go
		SAReviewProcessed.GetName():   enums.INDEXED_VALUE_TYPE_INT,
	}
}

// RegisterOptions registers the order workflow under its stable name.
func RegisterOptions() workflow.RegisterOptions {
	return workflow.RegisterOptions{Name: OrderWorkflowName}
}
