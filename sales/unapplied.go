package sales

import (
	"fmt"
	"strings"
	"time"
)

// CashPolicy is the configuration of cash application and refunds: the
// account a receipt confirmed on an order comes into when none is named,
// and who decides a refund of unapplied cash.
type CashPolicy struct {
	// DefaultBankAccount is our account of a receipt confirmed on an order
	// (POST /v1/orders/{no}/receipts) that names none.
	DefaultBankAccount string `json:"default_bank_account"`
	// RefundApprovalLimit is the largest refund Finance makes at once; above
	// it the SLT decides.
	RefundApprovalLimit Fen `json:"refund_approval_limit_fen"`
	// RefundDecision is how long a refund waits for the first rung of
	// RefundLadder before it escalates; RefundEscalateEvery the time between
	// two later rungs. After the last rung the refund is rejected.
	RefundDecision      Duration `json:"refund_decision"`
	RefundEscalateEvery Duration `json:"refund_escalate_every"`
	RefundLadder        []Level  `json:"refund_ladder"`
}

// DefaultCashPolicy returns the defaults: refunds up to ¥50,000.00 at once,
// above it the SLT member over the market within 2 days, then the GM for a
// day, then rejected.
func DefaultCashPolicy() CashPolicy {
	return CashPolicy{
		DefaultBankAccount:  "default",
		RefundApprovalLimit: Yuan(50_000),
		RefundDecision:      D(2 * Day),
		RefundEscalateEvery: D(Day),
		RefundLadder:        []Level{LevelSLT, LevelGM},
	}
}

// Validate reports every inconsistent setting at once.
func (p CashPolicy) Validate() error {
	var pr Problems
	pr.Text("default_bank_account", p.DefaultBankAccount, MaxReference, true)
	if p.RefundApprovalLimit < 0 || p.RefundApprovalLimit > MaxAmount {
		pr.Add("refund_approval_limit_fen", "must be from 0 to %d", MaxAmount)
	}
	if p.RefundDecision <= 0 || p.RefundEscalateEvery <= 0 {
		pr.Add("refund_decision", "the decision time and the escalation interval must be positive")
	}
	if len(p.RefundLadder) == 0 {
		pr.Add("refund_ladder", "name at least one rung (e.g. 4 for the SLT)")
	}
	for i, l := range p.RefundLadder {
		if l < LevelKAM || l > LevelGM {
			pr.Add("refund_ladder", "rung %d must be a level from 1 to 5", i+1)
		}
	}
	return pr.Err("invalid cash policy")
}

// NeedsDecision reports whether a refund of amount waits for the SLT.
func (p CashPolicy) NeedsDecision(amount Fen) bool { return amount > p.RefundApprovalLimit }

// SameTransfer reports whether in describes the transfer r recorded: the
// same customer, value date, amount and currency. The payer's name, account
// and remittance text are how a bank or a person wrote it down and may
// differ; where the receipt came from (typed, imported) does not matter.
func SameTransfer(r BankReceipt, in ReceiptInput) bool {
	return r.CustomerID == in.CustomerID && r.ValueDate == in.ValueDate && r.Amount == in.Amount && r.Currency == in.Currency
}

// ReferenceTaken is the refusal of a bank reference recorded before: a
// conflict naming the field reference.
func ReferenceTaken(r BankReceipt) error {
	msg := fmt.Sprintf("bank reference %s of account %s was recorded already (receipt %d for %s, %s %s on %s)",
		r.Reference, r.BankAccount, r.ID, r.CustomerID, r.Amount, r.Currency, r.ValueDate)
	return &Error{Code: ErrConflict, Message: msg, Fields: []FieldError{{Field: "reference", Message: msg}}}
}

// ReceiptFilter selects bank receipts. Zero fields do not filter.
type ReceiptFilter struct {
	CustomerID string `json:"customer_id,omitempty"`
	From, To   string `json:"-"` // value dates, 2006-01-02, both included
	Status     string `json:"status,omitempty"`
	Scope      Scope  `json:"-"`
	Limit      int    `json:"limit,omitempty"`
}

// UnappliedCash is a customer's unapplied cash (credit balance) and the
// ledger it is the sum of: receipt remainders, overpayments and credit notes
// on paid invoices in; applications to invoices and refunds out.
type UnappliedCash struct {
	CustomerID string        `json:"customer_id"`
	Currency   Currency      `json:"currency"`
	Balance    Fen           `json:"balance_fen"`
	Entries    []CreditEntry `json:"entries"` // newest first
}

// UnappliedRequest is Finance applying a customer's unapplied cash to named
// invoices, in the order named.
type UnappliedRequest struct {
	CustomerID string   `json:"customer_id"`
	Invoices   []string `json:"invoice_nos"`
	Amount     Fen      `json:"amount_fen"`
}

// Validate checks the request as Finance sent it.
func (u UnappliedRequest) Validate() Problems {
	var p Problems
	p.Text("customer_id", u.CustomerID, MaxCode, true)
	if u.Amount <= 0 || u.Amount > MaxAmount {
		p.Add("amount_fen", "must be positive, at most %d", MaxAmount)
	}
	switch {
	case len(u.Invoices) == 0:
		p.Add("invoice_nos", "name the invoices to apply to")
	case len(u.Invoices) > MaxNamedInvoices:
		p.Add("invoice_nos", "at most %d invoices", MaxNamedInvoices)
	}
	for i, no := range u.Invoices {
		if why := TextProblem(no, MaxCode, true); why != "" {
			p.Add("invoice_nos", "entry %d %s", i+1, why)
		}
	}
	return p
}

// UnappliedApplication is unapplied cash applied to invoices: reserved in the
// ledger when Finance asks (so it cannot be spent twice), and what the
// invoices did not take given back once applied.
type UnappliedApplication struct {
	ID           int64             `json:"id"`
	CustomerID   string            `json:"customer_id"`
	Amount       Fen               `json:"amount_fen"` // asked for and reserved
	Currency     Currency          `json:"currency"`
	Invoices     []string          `json:"invoice_nos"`
	ValueDate    string            `json:"value_date"` // the Beijing date it is applied on
	Status       string            `json:"status"`     // ReceiptApplying, then ReceiptApplied
	Applied      Fen               `json:"applied_fen"`
	Applications []CashApplication `json:"applications"`
	RequestedBy  string            `json:"requested_by"`
	RequestedAt  time.Time         `json:"requested_at"`
}

// Key is the application's key in the ledger and in the orders it pays.
func (a UnappliedApplication) Key() string { return fmt.Sprintf("unapplied/%d", a.ID) }

// ReceiptKey is a receipt's key in the ledger and in the orders it pays.
func ReceiptKey(id int64) string { return fmt.Sprintf("receipt/%d", id) }

// NormalizeReceipt trims what people type around a receipt's identifiers.
func NormalizeReceipt(in ReceiptInput) ReceiptInput {
	in.CustomerID = strings.TrimSpace(in.CustomerID)
	in.BankAccount = strings.TrimSpace(in.BankAccount)
	in.Reference = strings.TrimSpace(in.Reference)
	in.ValueDate = strings.TrimSpace(in.ValueDate)
	for i, no := range in.Invoices {
		in.Invoices[i] = strings.TrimSpace(no)
	}
	return in
}
