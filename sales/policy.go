package sales

import "time"

// Policy holds every default of the cycle as configuration: step deadlines,
// the escalation rhythm, the dunning ladder and the credit re-check. A policy is
// part of each order's workflow input, so a running order keeps the rules it
// started with.
type Policy struct {
	// StepDeadlines is how long an order may wait in a step before the step is
	// overdue and escalates. Steps missing here have no deadline.
	StepDeadlines map[Step]Duration `json:"step_deadlines"`
	// EscalateEvery is the time between two rungs of a step escalation.
	EscalateEvery Duration `json:"escalate_every"`
	// HoldDecision is how long an SLT decision may take before a held order
	// escalates; after the last rung the hold is rejected automatically.
	HoldDecision Duration `json:"hold_decision"`
	// ReminderBeforeDue is when the KAM is reminded before an invoice is due.
	ReminderBeforeDue Duration `json:"reminder_before_due"`
	// Dunning is the ladder after an invoice's due date.
	Dunning []DunningRung `json:"dunning"`
	// RecheckAfter is how long an order may wait between the credit check and
	// the shipment before credit is checked again (SP2).
	RecheckAfter Duration `json:"recheck_after"`
	// DiscountBasisPoints is how far below list price a unit price may be
	// (500 = 5%) without being invalid.
	DiscountBasisPoints int64 `json:"discount_basis_points"`
	// DefaultPaymentTermsDays applies to customers without their own terms.
	DefaultPaymentTermsDays int `json:"default_payment_terms_days"`
	// ReturnWindow is how long after delivery a return may be requested.
	ReturnWindow Duration `json:"return_window"`
	// ReturnApprovalLimit is the largest return value the customer's UM may
	// approve; above it the SLT decides.
	ReturnApprovalLimit Fen `json:"return_approval_limit_fen"`
	// VATInvoiceWithin is how long after an invoice Finance may take to
	// record its official VAT invoice number before BC1 is late for Finance.
	VATInvoiceWithin Duration `json:"vat_invoice_within"`
	// ExtensionDecision is how long a requested due-date extension may wait
	// for the SLT before it escalates (to the GM, then it lapses).
	ExtensionDecision Duration `json:"extension_decision"`
	// ReturnDecision is how long a return may wait for its approver before it
	// escalates; ReturnReceipt how long an approved return may wait for the
	// goods at Logistics.
	ReturnDecision Duration `json:"return_decision"`
	ReturnReceipt  Duration `json:"return_receipt"`
}

// DunningRung is one step of the dunning ladder: After the due date the
// escalation reaches Level; Freeze also freezes the customer for new orders.
type DunningRung struct {
	After  Duration `json:"after"`
	Level  Level    `json:"level"`
	Freeze bool     `json:"freeze,omitempty"`
}

// Day is 24 hours.
const Day = 24 * time.Hour

// DefaultPolicy returns the defaults of DOMAIN.md.
func DefaultPolicy() Policy {
	return Policy{
		StepDeadlines: map[Step]Duration{
			OP1Register:    D(time.Hour),
			OP2Validate:    D(time.Hour),
			OP3Quota:       D(time.Hour),
			OP4Credit:      D(time.Hour),
			OP6Confirm:     D(time.Hour),
			OP7Release:     D(4 * time.Hour),
			SP1Plan:        D(Day),
			SP2Recheck:     D(time.Hour),
			SP3Pick:        D(3 * Day),
			SP5InTransit:   D(7 * Day),
			SP7Close:       D(Day),
			BC1Invoice:     D(Day),
			BC2Acknowledge: D(5 * Day),
		},
		EscalateEvery:     D(Day),
		HoldDecision:      D(2 * Day),
		ReminderBeforeDue: D(3 * Day),
		Dunning: []DunningRung{
			{After: D(1 * Day), Level: LevelUM},
			{After: D(7 * Day), Level: LevelMM},
			{After: D(15 * Day), Level: LevelSLT},
			{After: D(30 * Day), Level: LevelGM, Freeze: true},
		},
		RecheckAfter:            D(7 * Day),
		DiscountBasisPoints:     500,
		DefaultPaymentTermsDays: 30,
		ReturnWindow:            D(30 * Day),
		ReturnApprovalLimit:     Yuan(20_000),
		ReturnDecision:          D(2 * Day),
		ReturnReceipt:           D(7 * Day),
		VATInvoiceWithin:        D(5 * Day),
		ExtensionDecision:       D(2 * Day),
	}
}

// VATInvoiceDeadline is VATInvoiceWithin, or its default for a policy
// written before it existed (zero).
func (p Policy) VATInvoiceDeadline() time.Duration {
	if p.VATInvoiceWithin <= 0 {
		return time.Duration(DefaultPolicy().VATInvoiceWithin)
	}
	return time.Duration(p.VATInvoiceWithin)
}

// ExtensionDecisionTime is ExtensionDecision, or its default for a policy
// written before it existed (zero).
func (p Policy) ExtensionDecisionTime() time.Duration {
	if p.ExtensionDecision <= 0 {
		return time.Duration(DefaultPolicy().ExtensionDecision)
	}
	return time.Duration(p.ExtensionDecision)
}

// Deadline returns the deadline of step s, and false when it has none.
func (p Policy) Deadline(s Step) (time.Duration, bool) {
	d, ok := p.StepDeadlines[s]
	return time.Duration(d), ok && d > 0
}

// Validate reports every inconsistent setting at once.
func (p Policy) Validate() error {
	var pr Problems
	for s, d := range p.StepDeadlines {
		if _, ok := s.Info(); !ok {
			pr.Add("step_deadlines."+string(s), "unknown step")
		} else if d < 0 {
			pr.Add("step_deadlines."+string(s), "must not be negative")
		}
	}
	if p.EscalateEvery <= 0 {
		pr.Add("escalate_every", "must be positive")
	}
	if p.HoldDecision <= 0 {
		pr.Add("hold_decision", "must be positive")
	}
	if p.ReminderBeforeDue < 0 {
		pr.Add("reminder_before_due", "must not be negative")
	}
	var last Duration = -1
	for i, r := range p.Dunning {
		if r.After <= last {
			pr.Add("dunning", "rung %d must come after the one before", i+1)
		}
		if r.Level < LevelKAM || r.Level > LevelGM {
			pr.Add("dunning", "rung %d has unknown level %d", i+1, r.Level)
		}
		last = r.After
	}
	if p.DiscountBasisPoints < 0 || p.DiscountBasisPoints > 10000 {
		pr.Add("discount_basis_points", "must be between 0 and 10000")
	}
	if p.DefaultPaymentTermsDays < 0 {
		pr.Add("default_payment_terms_days", "must not be negative")
	}
	for _, d := range []struct {
		field string
		d     Duration
	}{{"return_window", p.ReturnWindow}, {"return_decision", p.ReturnDecision}, {"return_receipt", p.ReturnReceipt}} {
		if d.d <= 0 {
			pr.Add(d.field, "must be positive")
		}
	}
	if p.ReturnApprovalLimit < 0 {
		pr.Add("return_approval_limit_fen", "must not be negative")
	}
	if p.VATInvoiceWithin < 0 {
		pr.Add("vat_invoice_within", "must not be negative (zero: the default)")
	}
	if p.ExtensionDecision < 0 {
		pr.Add("extension_decision", "must not be negative (zero: the default)")
	}
	return pr.Err("invalid policy")
}
